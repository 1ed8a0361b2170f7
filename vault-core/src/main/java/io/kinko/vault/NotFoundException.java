package io.kinko.vault;

/** No file, folder, user or grant exists at the given name. */
public class NotFoundException extends VaultException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }

  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
