package io.kinko.vault.erase;

/**
 * Test code's way to stop a deletion part-way inside the test's own JVM: the named step throws,
 * leaving the deletion's rows in the state that step made durable, as a failed disk or a killed
 * worker thread would, while the session stays open (so that no login finishes it).
 */
public final class FailAtStep {
  private FailAtStep() {}

  /** Arms {@code step}; {@link #disarm} must follow (the listener is the JVM's). */
  public static void arm(String step) {
    CrashPoints.install(reached -> {
      if (reached.equals(step)) {
        throw new IllegalStateException("deletion stopped at step '" + step + "' by the test");
      }
    });
  }

  public static void disarm() {
    CrashPoints.install(reached -> {});
  }
}
