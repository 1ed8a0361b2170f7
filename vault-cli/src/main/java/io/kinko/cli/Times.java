package io.kinko.cli;

import io.kinko.vault.Contract;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the CLI writes a moment: for people, in the contract's time zone with its offset
 * ({@code 2028-04-01 00:00 +09:00}), as {@code --since} and the retention rules read a day; for
 * machines, ISO-8601 UTC to the millisecond ({@code 2028-03-31T15:00:00.000Z}), one precision in
 * every JSON output.
 */
final class Times {
  private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm xxx").withZone(Contract.ZONE);
  private static final DateTimeFormatter HUMAN_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss xxx").withZone(Contract.ZONE);
  private static final DateTimeFormatter JSON = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  /** An ISO-8601 instant as {@link Instant#toString()} writes it, inside a library's message. */
  private static final Pattern INSTANT = Pattern.compile("\\b\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?Z\\b");

  private Times() {}

  /** {@code 2028-04-01 00:00 +09:00}: in the contract's zone, to the minute. */
  static String human(Instant instant) {
    return HUMAN.format(instant);
  }

  /** {@code 2028-04-01 00:00:00 +09:00}: for the log's lines, where seconds tell entries apart. */
  static String humanSeconds(Instant instant) {
    return HUMAN_SECONDS.format(instant);
  }

  /** {@code 2028-03-31T15:00:00.000Z}: UTC, always three digits of milliseconds. */
  static String json(Instant instant) {
    return JSON.format(instant);
  }

  /** A library message with each UTC instant in it rewritten for people (the prune refusal's dates). */
  static String humanInText(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = INSTANT.matcher(text);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(human(Instant.parse(m.group()))));
    }
    m.appendTail(b);
    return b.toString();
  }
}
