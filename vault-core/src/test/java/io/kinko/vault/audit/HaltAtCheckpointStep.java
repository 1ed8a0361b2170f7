package io.kinko.vault.audit;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test code's way to arm a crash in the checkpoint policy's signing: halts the JVM with exit code
 * {@link HaltAtCommitStep#EXIT} the {@code nth} time a policy checkpoint reaches {@code step}, as
 * a power cut or SIGKILL would (no shutdown hooks, nothing H2 still holds in memory written).
 */
public final class HaltAtCheckpointStep {
  /** The steps of a policy checkpoint that the database alone does not make durable, in order. */
  public static final java.util.List<String> STEPS = java.util.List.of("checkpoint.commit", "checkpoint.file");

  private HaltAtCheckpointStep() {}

  public static void install(String step, int nth) {
    AtomicInteger seen = new AtomicInteger();
    CheckpointSteps.install(reached -> {
      if (reached.equals(step) && seen.incrementAndGet() == nth) {
        Runtime.getRuntime().halt(HaltAtCommitStep.EXIT);
      }
    });
  }
}
