package io.kinko.vault;

/** The acting user lacks the permission an operation needs. The denial is logged. */
public class AccessDeniedException extends VaultException {
  private static final long serialVersionUID = 1L;

  public AccessDeniedException(String message) {
    super(message);
  }

  public AccessDeniedException(String message, Throwable cause) {
    super(message, cause);
  }
}
