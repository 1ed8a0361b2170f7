package io.kinko.vault.audit;

import java.util.function.Consumer;

/** Test code's way to act at a step of the log's group commit in this JVM (to hold a writer there); {@link #clear} after. */
public final class CommitStepHook {
  private CommitStepHook() {}

  public static void install(Consumer<String> l) {
    LogCommitSteps.install(l);
  }

  public static void clear() {
    LogCommitSteps.install(step -> {});
  }
}
