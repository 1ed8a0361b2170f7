package io.kinko.vault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test sets and moves: the vault's log, lockouts, windows and certificates tell time by it. */
final class MovableClock extends Clock {
  private volatile Instant now = Instant.EPOCH;

  /** The hour of a day in Tokyo (the contract's zone). */
  void set(int year, int month, int day, int hour) {
    set(year, month, day, hour, 0);
  }

  void set(int year, int month, int day, int hour, int minute) {
    now = OffsetDateTime.of(year, month, day, hour, minute, 0, 0, ZoneOffset.ofHours(9)).toInstant();
  }

  void plus(Duration d) {
    now = now.plus(d);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
