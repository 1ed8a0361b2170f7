package io.kinko.vault.audit;

/**
 * Evidence that does not check out: a Merkle inclusion or consistency proof, a root hash, or a
 * signed note's signature. The message names what failed; callers treat it as an integrity
 * incident, never as a reason to retry.
 */
public final class VerificationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VerificationException(String message) {
    super(message);
  }

  public VerificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
