package io.kinko.vault.audit;

import io.kinko.vault.VaultException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test code's way to make one signing fail in this JVM: the {@code nth} time a checkpoint reaches
 * {@code step} (see {@link CheckpointSteps}), a {@link VaultException} is thrown there, as a file
 * system that refuses the write would, or another action is run. {@link #clear} removes it.
 */
public final class FailAtCheckpointStep {
  private FailAtCheckpointStep() {}

  public static void install(String step, int nth) {
    install(step, nth, () -> {
      throw new VaultException("injected: the checkpoint's file cannot be written");
    });
  }

  /** Runs {@code action} instead, there and then, on the signing thread (what else goes wrong at that moment). */
  public static void install(String step, int nth, Runnable action) {
    AtomicInteger seen = new AtomicInteger();
    CheckpointSteps.install(reached -> {
      if (reached.equals(step) && seen.incrementAndGet() == nth) {
        action.run();
      }
    });
  }

  /** Runs {@code listener} at every step any checkpoint reaches, on the signing thread, with the step's name. */
  public static void listen(java.util.function.Consumer<String> listener) {
    CheckpointSteps.install(listener);
  }

  public static void clear() {
    CheckpointSteps.install(step -> {});
  }
}
