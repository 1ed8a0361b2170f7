package io.kinko.vault;

/** Stored data failed verification: a flipped byte, a truncated or swapped blob, an edited descriptor, a broken log. No unverified byte is handed out. */
public class IntegrityException extends VaultException {
  private static final long serialVersionUID = 1L;

  public IntegrityException(String message) {
    super(message);
  }

  public IntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
