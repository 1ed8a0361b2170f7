package io.kinko.vault;

import java.time.Instant;

/**
 * Which log entries to show; a null field matches everything.
 *
 * @param since entries at or after this time
 * @param until entries before this time
 */
public record LogQuery(Instant since, Instant until, String actor, String action) {
  public static final LogQuery ALL = new LogQuery(null, null, null, null);
}
