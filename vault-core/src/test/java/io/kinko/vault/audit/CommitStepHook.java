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

  /** Holds the first thread named {@code thread} that reaches {@code step} there until {@link Held#release}. */
  public static Held holdOnce(String step, String thread) {
    Held held = new Held();
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean(true);
    install(s -> {
      if (s.equals(step) && Thread.currentThread().getName().equals(thread) && armed.getAndSet(false)) {
        held.reached.countDown();
        try {
          held.release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
    });
    return held;
  }

  /** A thread held at a step: {@link #awaitReached} it, then {@link #release} it. */
  public static final class Held {
    private final java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    /** True once the thread is held, false if it did not get there within a minute. */
    public boolean awaitReached() throws InterruptedException {
      return reached.await(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    public void release() {
      release.countDown();
    }
  }
}
