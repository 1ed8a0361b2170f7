package io.kinko.vault;

/** The user is unknown, the password is wrong, or the account may not log in now. */
public class AuthenticationException extends VaultException {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message) {
    super(message);
  }

  public AuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }
}
