package io.kinko.vault.transport;

import io.kinko.vault.VaultException;
import java.security.GeneralSecurityException;

/**
 * Carries Kinko's verdict on a header out through jagged, whose stanza interfaces allow only a
 * {@link GeneralSecurityException}; {@link AgeFile} throws the {@link #verdict} once jagged returns.
 */
final class Refused extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // never serialized: caught by AgeFile in the same call
  final VaultException verdict;

  Refused(VaultException verdict) {
    super(verdict.getMessage());
    this.verdict = verdict;
  }
}
