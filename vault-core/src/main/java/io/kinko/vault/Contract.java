package io.kinko.vault;

import java.time.LocalDate;
import java.util.Objects;

/**
 * The contract a vault serves: whose data it holds and until when. The end date fixes how long
 * the access log is kept (at least one year past it, clause 5(6)).
 */
public record Contract(String id, String client, String contractor, LocalDate end) {
  /** The zone contract dates are counted in: a day starts at midnight in Japan. */
  public static final java.time.ZoneId ZONE = java.time.ZoneId.of("Asia/Tokyo");

  public Contract {
    id = requireText("contract id", id, 128);
    client = requireText("client", client, 256);
    contractor = requireText("contractor", contractor, 256);
    Objects.requireNonNull(end, "contract end date");
    if (end.getYear() < 2000 || end.getYear() > 2200) {
      throw new IllegalArgumentException("contract end date " + end + " is not between 2000 and 2200");
    }
  }

  /** @throws IllegalArgumentException unless {@code value} is non-blank text of at most {@code maxLength} characters */
  public static String requireText(String what, String value, int maxLength) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    String trimmed = value.strip();
    if (trimmed.length() > maxLength) {
      throw new IllegalArgumentException(what + " is longer than " + maxLength + " characters");
    }
    if (trimmed.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(what + " contains a control character");
    }
    return trimmed;
  }
}
