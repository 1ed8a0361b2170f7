package io.kinko.vault;

import java.time.Instant;
import java.util.Objects;

/**
 * One attempt to hand an alert to a sink, as the deliveries table records it. The error never
 * holds a secret (no password, no server reply that could echo one): a class and a short reason.
 *
 * @param incidentSeq the INCIDENT entry reported, or for a test alert the ALERT entry that asked for it
 * @param test whether this was {@code kinko alert test}
 * @param outcome {@code DELIVERED}, {@code FAILED}, {@code DEFERRED} (no keys for a password) or
 *     {@code STARTED} (the process ended before it knew; counts as failed)
 * @param error why it failed, or null
 */
public record AlertDelivery(String sinkId, long incidentSeq, boolean test, int attempt, Instant at, String outcome, String error) {
  public AlertDelivery {
    Objects.requireNonNull(sinkId, "sinkId");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(outcome, "outcome");
  }

  public boolean delivered() {
    return outcome.equals("DELIVERED");
  }
}
