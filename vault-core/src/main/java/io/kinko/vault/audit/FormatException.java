package io.kinko.vault.audit;

/**
 * Input that is not a well-formed canonical JSON text, signed note, checkpoint or verifier key.
 *
 * <p>Thrown by every parser in this package and by nothing else, so a caller (and the fuzz test)
 * can tell "malformed input" apart from a bug. Messages name the part and the reason; they never
 * echo more than a short, non-secret fragment of the input.
 */
public final class FormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
