package io.kinko.vault.audit;

import java.time.Instant;

/**
 * The columns a {@code log_entries} row copies from its entry (sequence, time, actor, action, file
 * id, keep-until), checked against the entry's canonical text without decoding it. The chain
 * covers the text; nothing covers the columns, yet queries select by them, pruning reads
 * keep-until and the incident watch reads reads from them.
 */
public final class EntryColumns {
  private EntryColumns() {}

  /**
   * Whether {@code entry}'s canonical text records exactly these column values; a null file id is
   * an entry that names no file (V16 filed the entries written before the column under theirs).
   * Without decoding: each key appears once at the top level, and a quote inside a string is
   * escaped, so {@code "key":} followed by the value as the writer escapes it and a comma is found
   * only where the entry records that value.
   */
  public static boolean recorded(String entry, long seq, long loggedAt, String actor, String action, String fileId, long keepUntil) {
    // The keys in the order the writer writes them (RFC 8785 sorts them), each found after the last.
    int at = string(entry, 0, "{\"action\":", action);
    at = string(entry, at, ",\"actor\":", actor);
    if (fileId != null) {
      at = string(entry, at, ",\"fileId\":", fileId);
    } else if (at >= 0 && entry.indexOf(",\"fileId\":", at) >= 0) {
      return false; // the entry names a file its row is not filed under
    }
    at = instant(entry, at, ",\"keepUntil\":\"", keepUntil);
    at = number(entry, at, ",\"seq\":", seq);
    return instant(entry, at, ",\"time\":\"", loggedAt) >= 0;
  }

  /**
   * Where {@code field}, found from {@code from} on, is followed by {@code value} as a JSON string
   * and a comma: the index of that comma, else -1 (also for {@code from} -1). In place when the
   * value has nothing to escape (a verification checks every entry of the log).
   */
  private static int string(String entry, int from, String field, String value) {
    int at = from < 0 || value == null ? -1 : entry.indexOf(field, from);
    if (at < 0) {
      return -1;
    }
    int start = at + field.length();
    if (plain(value)) {
      int end = start + 1 + value.length();
      boolean same = end + 1 < entry.length() && entry.charAt(start) == '"' && entry.regionMatches(start + 1, value, 0, value.length())
          && entry.charAt(end) == '"' && entry.charAt(end + 1) == ',';
      return same ? end + 1 : -1;
    }
    StringBuilder text = new StringBuilder(value.length() + 8);
    try {
      CanonicalJson.writeString(value, text);
    } catch (IllegalArgumentException loneSurrogate) {
      return -1; // the writer writes no such string
    }
    return entry.startsWith(text.append(',').toString(), start) ? start + text.length() - 1 : -1;
  }

  /** Nothing the writer escapes and no surrogate: the JSON string is the value between quotes. */
  private static boolean plain(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** As {@link #string}, for a time the writer wrote as {@code Instant.toString()} of {@code millis}. */
  private static int instant(String entry, int from, String field, long millis) {
    int at = from < 0 ? -1 : entry.indexOf(field, from);
    int start = at + field.length();
    int end = at < 0 ? -1 : entry.indexOf('"', start);
    if (end < 0 || end + 1 >= entry.length() || entry.charAt(end + 1) != ',') {
      return -1;
    }
    long read = simpleInstant(entry, start, end);
    if (read != Long.MIN_VALUE) {
      return read == millis ? end + 1 : -1;
    }
    String written = Instant.ofEpochMilli(millis).toString(); // years before 0000 or after 9999
    return end - start == written.length() && entry.startsWith(written, start) ? end + 1 : -1;
  }

  /**
   * As {@link #string}, for a number of at least zero written in decimal: the end of the first
   * place from {@code from} on where {@code field} is followed by {@code value} (no leading zero,
   * no overflow) and a comma, else -1.
   */
  static int number(String entry, int from, String field, long value) {
    for (int at = from < 0 ? -1 : entry.indexOf(field, from); at >= 0; at = entry.indexOf(field, at + 1)) {
      int start = at + field.length();
      int end = start;
      long read = 0;
      while (end < entry.length() && end - start < 19 && entry.charAt(end) >= '0' && entry.charAt(end) <= '9') {
        read = read * 10 + (entry.charAt(end) - '0');
        end++;
      }
      boolean canonical = end > start && (entry.charAt(start) != '0' || end == start + 1); // Long.toString writes no leading zero
      if (canonical && read == value && end < entry.length() && entry.charAt(end) == ',') {
        return end;
      }
    }
    return -1;
  }

  /**
   * The milliseconds of {@code yyyy-MM-ddTHH:mm:ss[.SSS]Z} between {@code start} and {@code end},
   * or {@code Long.MIN_VALUE} for any other text: parsed by hand, since formatting or parsing an
   * {@code Instant} per entry was most of this check's cost.
   */
  private static long simpleInstant(String s, int start, int end) {
    int length = end - start;
    if ((length != 20 && length != 24) || s.charAt(start + 4) != '-' || s.charAt(start + 7) != '-' || s.charAt(start + 10) != 'T'
        || s.charAt(start + 13) != ':' || s.charAt(start + 16) != ':' || s.charAt(end - 1) != 'Z' || length == 24 && s.charAt(start + 19) != '.') {
      return Long.MIN_VALUE;
    }
    int year = digits(s, start, 4);
    int month = digits(s, start + 5, 2);
    int day = digits(s, start + 8, 2);
    int hour = digits(s, start + 11, 2);
    int minute = digits(s, start + 14, 2);
    int second = digits(s, start + 17, 2);
    int milli = length == 24 ? digits(s, start + 20, 3) : 0;
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || milli < 0) {
      return Long.MIN_VALUE;
    }
    long days;
    try {
      days = java.time.LocalDate.of(year, month, day).toEpochDay();
    } catch (java.time.DateTimeException noSuchDay) {
      return Long.MIN_VALUE;
    }
    return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + milli;
  }

  /** The decimal number of {@code count} digits at {@code at}, or -1 if any is not a digit. */
  private static int digits(String s, int at, int count) {
    int n = 0;
    for (int i = at; i < at + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
