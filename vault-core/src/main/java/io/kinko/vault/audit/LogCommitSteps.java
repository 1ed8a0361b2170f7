package io.kinko.vault.audit;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where the log's group commit tells a listener that it reached a step ({@code journal.write},
 * {@code journal.sync}, and {@code database.commit}: on the embedded database the filler's, after
 * the callers were told, and on PostgreSQL the writer's), so that crash tests can stop the JVM
 * exactly there, as a power cut would. Production code installs nothing and every step is a no-op; only
 * test code installs a listener, and no system property or other outside input can arm one.
 */
final class LogCommitSteps {
  private static final Consumer<String> NONE = step -> {};
  private static volatile Consumer<String> listener = NONE;

  private LogCommitSteps() {}

  /** Installs {@code l} for this JVM (a crash test's child process); test code only. */
  static void install(Consumer<String> l) {
    listener = Objects.requireNonNull(l, "listener");
  }

  static void reached(String step) {
    listener.accept(step);
  }
}
