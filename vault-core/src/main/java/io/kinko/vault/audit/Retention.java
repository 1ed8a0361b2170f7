package io.kinko.vault.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * When a log entry may be removed: keep-until = max(the day after contract end + 1 year, the
 * entry's time + the configured minimum). Days are counted in Japan time, the contract's zone.
 */
public record Retention(LocalDate contractEnd, Period minimum) {
  private static final ZoneId CONTRACT_ZONE = io.kinko.vault.Contract.ZONE;

  public Instant keepUntil(Instant written) {
    Instant afterContract = firstRemoval();
    Instant afterWriting = ZonedDateTime.ofInstant(written, CONTRACT_ZONE).plus(minimum).toInstant();
    return afterContract.isAfter(afterWriting) ? afterContract : afterWriting;
  }

  /** The first moment any entry may be removed: the day after contract end + 1 year; before it, none may be missing. */
  public Instant firstRemoval() {
    return contractEnd.plusYears(1).plusDays(1).atStartOfDay(CONTRACT_ZONE).toInstant();
  }
}
