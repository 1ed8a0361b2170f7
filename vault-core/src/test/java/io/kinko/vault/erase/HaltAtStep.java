package io.kinko.vault.erase;

/**
 * Test code's way to arm a crash: installs a {@link CrashPoints} listener that halts the JVM at the
 * named step of a deletion with exit code {@value #EXIT}, as a power cut would (no shutdown hooks,
 * no finally blocks). Used by crash targets that run in a JVM of their own.
 */
public final class HaltAtStep {
  /** The exit code of a JVM halted at the step. */
  public static final int EXIT = 99;

  private HaltAtStep() {}

  public static void install(String step) {
    CrashPoints.install(reached -> {
      if (reached.equals(step)) {
        Runtime.getRuntime().halt(EXIT);
      }
    });
  }
}
