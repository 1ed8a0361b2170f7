package io.kinko.vault;

import java.util.Locale;

/**
 * Who must agree before a file in the vault is destroyed: a vault policy chosen at init ({@code
 * kinko init --two-person-rm}) and sealed in {@code kinko.json} with the other policies, so that
 * nobody turns it off by editing the file.
 */
public enum DeletionApproval {
  /** The user who runs rm destroys and certifies at once (the default). */
  NONE,
  /**
   * rm records a request and destroys nothing; an administrator other than the requester approves
   * it ({@link Session#approveDeletion}), and the certificate names both.
   */
  TWO_PERSON;

  /** "none" or "two-person": the descriptor's spelling. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** @throws IllegalArgumentException unless {@code label} is "none" or "two-person" */
  public static DeletionApproval of(String label) {
    for (DeletionApproval a : values()) {
      if (a.label().equals(label)) {
        return a;
      }
    }
    throw new IllegalArgumentException("deletion approval '" + label + "' is neither 'none' nor 'two-person'");
  }
}
