package io.kinko.vault.audit;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.ClientInfo;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * A log entry's canonical JSON and back. Encoding then decoding is the identity, and decoding
 * refuses bytes that are not already canonical, so the stored text is the one that was hashed.
 */
public final class EntryCodec {
  private EntryCodec() {}

  /** The fields of an entry before it has bytes. */
  public record Fields(long seq, Instant time, String vaultId, String actor, String action, String decision, String reason,
      String fileId, String nameTag, ClientInfo client, Instant keepUntil, String prev) {}

  /** An entry and its canonical UTF-8 bytes (the leaf's preimage), so that a writer need not encode the text again. */
  record Encoded(LogEntry entry, byte[] bytes) {}

  public static LogEntry encode(Fields f) {
    return encodeWithBytes(f).entry();
  }

  /**
   * The entry's canonical JSON, written field by field in the order RFC 8785 sorts its keys: the
   * same bytes {@link CanonicalJson#encode} makes of the entry as a map (a property test holds the
   * two together), without building, sorting and walking that map for every entry, which was a
   * sixth of the log writer's time. The client's address is there only when it has one: an entry
   * without it has the bytes, and so the hash, it always had.
   */
  static Encoded encodeWithBytes(Fields f) {
    StringBuilder out = new StringBuilder(448);
    out.append("{\"action\":");
    appendText(f.action(), out);
    out.append(",\"actor\":");
    appendText(f.actor(), out);
    out.append(",\"client\":{");
    if (f.client().address() != null) {
      out.append("\"addr\":");
      appendText(f.client().address(), out);
      out.append(',');
    }
    out.append("\"app\":");
    appendText(f.client().application(), out);
    out.append(",\"host\":");
    appendText(f.client().host(), out);
    out.append(",\"pid\":");
    CanonicalJson.writeInteger(f.client().pid(), out);
    out.append("},\"decision\":");
    appendText(f.decision(), out);
    if (f.fileId() != null) {
      out.append(",\"fileId\":");
      appendText(f.fileId(), out);
    }
    out.append(",\"keepUntil\":");
    appendText(f.keepUntil().toString(), out);
    if (f.nameTag() != null) {
      out.append(",\"nameTag\":");
      appendText(f.nameTag(), out);
    }
    out.append(",\"prev\":");
    appendText(f.prev(), out);
    out.append(",\"reason\":");
    appendText(f.reason(), out);
    out.append(",\"seq\":");
    CanonicalJson.writeInteger(f.seq(), out);
    out.append(",\"time\":");
    appendText(f.time().toString(), out);
    out.append(",\"vault\":");
    appendText(f.vaultId(), out);
    out.append('}');
    String json = out.toString();
    LogEntry entry = new LogEntry(f.seq(), f.time(), f.actor(), f.action(), f.decision(), f.reason(), f.fileId(), f.nameTag(),
        f.client().host(), f.client().pid(), f.client().application(), f.client().address(), f.keepUntil(), json);
    // Every string was checked for lone surrogates, so this conversion never substitutes.
    return new Encoded(entry, json.getBytes(StandardCharsets.UTF_8));
  }

  private static void appendText(String s, StringBuilder out) {
    if (s == null) {
      out.append("null");
    } else {
      CanonicalJson.writeString(s, out);
    }
  }

  /**
   * Reads an entry back from its stored bytes.
   *
   * @throws IntegrityException if the bytes are not a canonical, well-formed entry
   */
  public static LogEntry decode(byte[] bytes) {
    if (bytes == null) { // a row whose entry was emptied: the column is NOT NULL unless that was edited too
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "a log entry's stored bytes are missing");
    }
    try {
      if (!Arrays.equals(CanonicalJson.canonicalize(bytes), bytes)) {
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry is not in canonical form");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) CanonicalJson.parse(bytes);
      @SuppressWarnings("unchecked")
      Map<String, Object> client = (Map<String, Object>) m.get("client");
      return new LogEntry(number(m, "seq"), Instant.parse(text(m, "time")), text(m, "actor"), text(m, "action"),
          text(m, "decision"), text(m, "reason"), (String) m.get("fileId"), (String) m.get("nameTag"),
          text(client, "host"), number(client, "pid"), text(client, "app"), optionalText(client, "addr"),
          Instant.parse(text(m, "keepUntil")),
          new String(bytes, StandardCharsets.UTF_8));
    } catch (IntegrityException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry is malformed: " + e.getMessage(), e);
    }
  }

  /** The hex leaf hash of the previous entry, as the chain records it in {@code prev}. */
  public static String prev(byte[] bytes) {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) CanonicalJson.parse(bytes);
    return text(m, "prev");
  }

  /** The vault id an entry names. */
  public static String vault(byte[] bytes) {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) CanonicalJson.parse(bytes);
    return text(m, "vault");
  }

  private static String text(Map<String, Object> m, String key) {
    if (m == null || !(m.get(key) instanceof String s)) {
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry field '" + key + "' is missing or not text");
    }
    return s;
  }

  private static String optionalText(Map<String, Object> m, String key) {
    return m.containsKey(key) ? text(m, key) : null;
  }

  private static long number(Map<String, Object> m, String key) {
    if (m == null || !(m.get(key) instanceof Long l)) {
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry field '" + key + "' is missing or not an integer");
    }
    return l;
  }
}
