package io.kinko.vault.erase;

import java.util.Objects;

/**
 * Where a certified deletion tells a listener that it reached a durable step, so that crash tests
 * can stop the JVM exactly there, as a power cut would. Production code installs nothing and
 * every step is a no-op; only test code, in this package, installs a listener, and no system
 * property or other outside input can arm one.
 */
final class CrashPoints {
  /** Told of each step as it is reached. */
  @FunctionalInterface
  interface Listener {
    void reached(String step);
  }

  private static final Listener NONE = step -> {};
  private static volatile Listener listener = NONE;

  private CrashPoints() {}

  /** Installs {@code l} for this JVM (a crash test's child process); test code only. */
  static void install(Listener l) {
    listener = Objects.requireNonNull(l, "listener");
  }

  static void reached(String step) {
    listener.reached(step);
  }
}
