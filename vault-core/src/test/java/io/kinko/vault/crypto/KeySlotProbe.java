package io.kinko.vault.crypto;

import io.kinko.vault.PasswordCost;

/** Lets tests in other packages read how much Argon2id work {@link KeySlot} did. */
public final class KeySlotProbe {
  private KeySlotProbe() {}

  public static long derivations() {
    return KeySlot.derivations();
  }

  public static PasswordCost lastCost() {
    return KeySlot.lastCost();
  }
}
