package io.kinko.vault;

import java.time.Duration;
import java.time.Period;
import java.util.Objects;

/**
 * How long the access log is kept and how often its tree is signed.
 *
 * @param retentionMinimum every entry is kept at least this long after it was written, and in any
 *     case until one year after the contract ends (clause 5(6))
 * @param checkpointEveryEntries sign a checkpoint once this many entries arrived since the last
 * @param checkpointEvery or once this much time passed since the last
 */
public record LogPolicy(Period retentionMinimum, int checkpointEveryEntries, Duration checkpointEvery) {
  public static final LogPolicy DEFAULT = new LogPolicy(Period.ofYears(1), 1000, Duration.ofMinutes(5));

  public LogPolicy {
    Objects.requireNonNull(retentionMinimum, "retentionMinimum");
    Objects.requireNonNull(checkpointEvery, "checkpointEvery");
    if (retentionMinimum.isNegative()) {
      throw new IllegalArgumentException("retention minimum " + retentionMinimum + " is negative");
    }
    if (checkpointEveryEntries < 1) {
      throw new IllegalArgumentException("checkpoint interval of " + checkpointEveryEntries + " entries is below 1");
    }
    if (checkpointEvery.isNegative() || checkpointEvery.isZero()) {
      throw new IllegalArgumentException("checkpoint interval " + checkpointEvery + " is not positive");
    }
  }
}
