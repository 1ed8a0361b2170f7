package io.kinko.vault.engine;

import java.util.function.Consumer;

/** Test code's way to see an import reach a step of its lock ({@link ImportLock}): {@code import.waits}, {@code import.checked}. */
public final class ImportSteps {
  private ImportSteps() {}

  /** Runs {@code listener} there and then, on the importing thread, with the step's name. */
  public static void install(Consumer<String> listener) {
    ImportLock.install(listener);
  }

  /** Whether a thread holds {@code vault}'s own lock of imports (the handle's part of {@link ImportLock}). */
  public static boolean held(io.kinko.vault.Vault vault) {
    return ((DefaultVault) vault).importLock.isLocked();
  }

  public static void clear() {
    ImportLock.install(step -> {});
  }
}
