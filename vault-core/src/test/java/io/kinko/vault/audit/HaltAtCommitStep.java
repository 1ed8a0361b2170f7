package io.kinko.vault.audit;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test code's way to arm a crash in the log's group commit: halts the JVM with exit code {@value
 * #EXIT} the {@code nth} time any batch reaches {@code step}, as a power cut or SIGKILL would (no
 * shutdown hooks, no finally blocks). Used by crash targets that run in a JVM of their own.
 */
public final class HaltAtCommitStep {
  /** The exit code of a JVM halted at the step. */
  public static final int EXIT = 98;
  /** The steps of one group commit, in order. */
  public static final java.util.List<String> STEPS = java.util.List.of("journal.write", "journal.sync", "database.commit");
  /** The steps of one journal rotation, in order. */
  public static final java.util.List<String> ROTATION_STEPS = java.util.List.of("rotate.write", "rotate.sync", "rotate.rename", "rotate.folder");

  private HaltAtCommitStep() {}

  public static void install(String step, int nth) {
    AtomicInteger seen = new AtomicInteger();
    LogCommitSteps.install(reached -> {
      if (reached.equals(step) && seen.incrementAndGet() == nth) {
        Runtime.getRuntime().halt(EXIT);
      }
    });
  }
}
