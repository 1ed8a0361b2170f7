package io.kinko.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * What one run of {@code kinko} talks to: environment, standard streams and terminal. Commands
 * use only this, never {@code System.*}, so tests can run them in-process.
 */
final class Context {
  private final Map<String, String> env;
  private final InputStream stdin;
  private final PrintStream stdout;
  private final PrintStream stderr;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Terminal terminal;
  private final boolean stderrIsTerminal;

  Context(Map<String, String> env, InputStream stdin, PrintStream stdout, PrintStream stderr, Terminal terminal) {
    this(env, stdin, stdout, stderr, terminal, false);
  }

  Context(Map<String, String> env, InputStream stdin, PrintStream stdout, PrintStream stderr, Terminal terminal,
      boolean stderrIsTerminal) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    this.stdin = Objects.requireNonNull(stdin, "stdin");
    this.stdout = Objects.requireNonNull(stdout, "stdout");
    this.stderr = Objects.requireNonNull(stderr, "stderr");
    // Text is UTF-8 whatever the platform default: file names are Japanese, JSON is UTF-8 by RFC 8259.
    this.out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
    this.err = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
    this.terminal = terminal;
    this.stderrIsTerminal = stderrIsTerminal;
  }

  /** An environment variable, or null when unset or empty. */
  String env(String name) {
    String value = env.get(name);
    return value == null || value.isEmpty() ? null : value;
  }

  /** The whole environment, for the library's own variables (the database account). */
  Map<String, String> environment() {
    return env;
  }

  /**
   * The account for a vault on PostgreSQL, from KINKO_DB_USER and KINKO_DB_PASSWORD_FILE (or
   * KINKO_DB_PASSWORD); null when no database user is set, which an embedded vault needs none of.
   */
  io.kinko.vault.DatabaseAccount databaseAccount() {
    return env(io.kinko.vault.DatabaseAccount.USER_VARIABLE) == null ? null
        : io.kinko.vault.DatabaseAccount.fromEnvironment(env);
  }

  InputStream stdin() {
    return stdin;
  }

  /** Standard output for file content ({@code get -o -}); text goes through {@link #out()}. */
  PrintStream stdoutBytes() {
    return stdout;
  }

  /** Standard error as a stream, for the progress bar; messages go through {@link #err()}. */
  PrintStream stderrBytes() {
    return stderr;
  }

  PrintWriter out() {
    return out;
  }

  PrintWriter err() {
    return err;
  }

  /** Whether standard error is a terminal: progress bars are drawn only there. */
  boolean stderrIsTerminal() {
    return stderrIsTerminal;
  }

  /**
   * Whether this process's standard error is a terminal. Java 17 cannot ask directly
   * ({@code System.console()} speaks of stdin and stdout), so on Linux it reads where file
   * descriptor 2 leads; elsewhere it answers false, and no bar is drawn.
   */
  static boolean systemStderrIsTerminal() {
    try {
      String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /** The terminal for prompts and progress bars, or null when not interactive. */
  Terminal terminal() {
    return terminal;
  }
}
