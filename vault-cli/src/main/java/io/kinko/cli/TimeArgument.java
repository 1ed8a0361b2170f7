package io.kinko.cli;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A point in time on the command line ({@code --since}, {@code --until}, {@code --from},
 * {@code --to}, {@code --before}): a date {@code YYYY-MM-DD}, meaning the start of that day in
 * the contract's time zone (Asia/Tokyo, as the retention period counts), or an ISO-8601 instant
 * ({@code 2026-04-01T00:00:00Z}, {@code 2026-04-01T09:00:00+09:00}). Anything else is a usage
 * error (exit 2) through picocli.
 */
final class TimeArgument implements ITypeConverter<Instant> {
  /** The contract's zone: dates on the command line are days in Japan, whatever the machine's zone. */
  static final ZoneId ZONE = io.kinko.vault.Contract.ZONE;

  /** For the options' help text. */
  static final String HELP = "A date YYYY-MM-DD (the start of that day in Asia/Tokyo, the contract's time zone) "
      + "or an ISO-8601 instant such as 2026-04-01T00:00:00Z.";

  @Override
  public Instant convert(String text) {
    return parse(text);
  }

  /**
   * Parses a date or an instant.
   *
   * @throws TypeConversionException if {@code text} is neither
   */
  static Instant parse(String text) {
    String t = text == null ? "" : text.strip();
    if (t.length() == 10) {
      try {
        return LocalDate.parse(t).atStartOfDay(ZONE).toInstant(); // strict: 2026-02-30 is refused
      } catch (DateTimeParseException e) {
        throw refused(text);
      }
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      // an instant with an offset other than Z
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeException e) {
      throw refused(text);
    }
  }

  private static TypeConversionException refused(String text) {
    return new TypeConversionException("'" + text + "' is not a date YYYY-MM-DD or an instant such as 2026-04-01T00:00:00Z");
  }
}
