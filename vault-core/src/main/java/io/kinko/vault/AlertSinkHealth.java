package io.kinko.vault;

import java.time.Instant;
import java.util.Objects;

/**
 * How an alert sink is doing, without a login: read from the sinks as stored and the deliveries
 * table. A sink is unhealthy when its last attempt failed or an alert has waited longer than
 * {@link #PENDING_BOUND_MINUTES} minutes.
 *
 * @param target where it delivers (no secret: a password is never part of it)
 * @param lastOutcome the outcome of its last attempt, or null if none was made
 * @param lastError the last attempt's error, or null
 * @param pending INCIDENT entries not yet delivered to it
 * @param oldestPendingAt when the oldest of them was logged, or null
 */
public record AlertSinkHealth(String id, AlertSink.Kind kind, String target, String lastOutcome, Instant lastAttemptAt, String lastError,
    long pending, Instant oldestPendingAt, boolean healthy) {
  /** Alerts older than this, still undelivered, make a sink unhealthy. */
  public static final int PENDING_BOUND_MINUTES = 15;

  public AlertSinkHealth {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(target, "target");
    if (pending < 0) {
      throw new IllegalArgumentException("pending " + pending + " is negative");
    }
  }
}
