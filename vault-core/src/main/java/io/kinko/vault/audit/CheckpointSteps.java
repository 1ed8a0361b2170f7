package io.kinko.vault.audit;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where the checkpoint policy's signing tells a listener that it reached a step ({@code
 * checkpoint.commit}: the checkpoint is committed to the database without a sync; {@code
 * checkpoint.file}: its file is synced), so that crash tests can stop the JVM exactly there; and
 * where a signing on demand ({@link LogCheckpoints#sign}) has made its checkpoint durable in the
 * database and is about to write the file ({@code checkpoint.signed}), so that a test can fail it.
 * Production code installs nothing; only test code can install a listener.
 */
final class CheckpointSteps {
  private static volatile Consumer<String> listener = step -> {};

  private CheckpointSteps() {}

  /** Installs {@code l} for this JVM (a crash test's child process); test code only. */
  static void install(Consumer<String> l) {
    listener = Objects.requireNonNull(l, "listener");
  }

  static void reached(String step) {
    listener.accept(step);
  }
}
