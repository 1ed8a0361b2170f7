package io.kinko.vault;

/**
 * A change failed after it may have been stored: its commit was sent and the database's answer
 * was lost with the connection, or it was committed and could not be forced to disk. Look before
 * retrying (a put's file may be there, whole). Nothing is half-stored either way.
 */
public class OutcomeUnknownException extends VaultException {
  private static final long serialVersionUID = 1L;

  public OutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
