package io.kinko.vault.token;

import io.kinko.vault.AuthenticationException;

/**
 * A token login that did not happen, and why: the engine counts only {@link Reason#WRONG_PIN}
 * toward the account's lockout, because only then was a secret tried.
 */
public final class TokenFailure extends AuthenticationException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, as the LOGIN DENY entry and the lockout need to know. */
  public enum Reason {
    /** The token refused the PIN (its own retry counter went down). */
    WRONG_PIN,
    /** The token refuses every PIN until its security officer unblocks it. */
    PIN_LOCKED,
    /** No token with the label (or serial) is in a reader of the module. */
    ABSENT,
    /** A token is present but is not the one the slot was sealed for. */
    OTHER_TOKEN,
    /** The token does not hold the key pair the slot names. */
    KEY_MISSING,
    /** The module cannot be loaded or fails. */
    MODULE
  }

  private final Reason reason;

  public TokenFailure(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public TokenFailure(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
