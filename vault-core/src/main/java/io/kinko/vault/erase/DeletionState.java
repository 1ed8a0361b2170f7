package io.kinko.vault.erase;

/**
 * Where a file version of a certified deletion stands, as the {@code deletions} table records it
 * (stored by name). Each state is durable before the next step starts, so a crash leaves a state
 * that {@link Deleter#resume} finishes.
 */
public enum DeletionState {
  /**
   * Requested under the two-person rule and awaiting a second person's approval: nothing
   * destroyed, and nothing that a login resumes. Approval moves it to {@link #PENDING}.
   */
  REQUESTED,
  /** Recorded, nothing destroyed yet. */
  PENDING,
  /** Key destroyed, blob overwritten and unlinked. */
  UNLINKED,
  /** Its DELETE entry is in the log. */
  LOGGED,
  /** The certificate listing it is issued, and the commitment key scrubbed. */
  CERTIFIED
}
