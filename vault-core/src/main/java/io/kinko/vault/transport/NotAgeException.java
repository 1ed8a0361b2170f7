package io.kinko.vault.transport;

import io.kinko.vault.VaultException;

/**
 * The input is not a binary age-encryption.org/v1 file: another format, another age version, or
 * the armored (PEM) form, which Kinko neither writes nor reads. Nothing was decrypted.
 */
public final class NotAgeException extends VaultException {
  private static final long serialVersionUID = 1L;

  public NotAgeException(String message) {
    super(message);
  }
}
