package io.kinko.vault;

/**
 * Root of every failure the vault reports. Unchecked, but each public method lists the
 * subclasses it throws so that callers can see what they may act on. Messages name the object
 * and the reason. They never carry a secret or file content, and name a stored file by its id;
 * a path appears only where the caller has just given it (a malformed path, a missing one).
 */
public class VaultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VaultException(String message) {
    super(message);
  }

  public VaultException(String message, Throwable cause) {
    super(message, cause);
  }
}
