package io.kinko.vault.transport;

import io.kinko.vault.AuthenticationException;

/**
 * A well-formed age file that none of the identities given opens: a wrong identity file, a wrong
 * passphrase, or a file made for someone else. An {@link AuthenticationException}, so a caller
 * maps it as it maps a wrong password; a damaged file is an {@link io.kinko.vault.IntegrityException}
 * instead.
 */
public final class NoMatchingIdentityException extends AuthenticationException {
  private static final long serialVersionUID = 1L;

  public NoMatchingIdentityException(String message) {
    super(message);
  }
}
