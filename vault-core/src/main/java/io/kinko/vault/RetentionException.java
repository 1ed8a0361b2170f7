package io.kinko.vault;

/** An operation would remove records before their retention period ends. */
public class RetentionException extends VaultException {
  private static final long serialVersionUID = 1L;

  public RetentionException(String message) {
    super(message);
  }

  public RetentionException(String message, Throwable cause) {
    super(message, cause);
  }
}
