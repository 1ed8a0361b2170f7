package io.kinko.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs {@code kinko} in-process with its own environment and captured streams, as a test sees it. */
final class Cli {
  static final String PASSWORD = "correct horse battery staple";
  static final String USER = "admin";

  private final Map<String, String> env = new HashMap<>();
  private Terminal terminal;
  private boolean stderrIsTerminal;
  private byte[] stdin = new byte[0];

  /** A CLI whose environment points at {@code vault} as user {@link #USER} with {@link #PASSWORD}. */
  static Cli forVault(Path vault) {
    return new Cli().env("KINKO_VAULT", vault.toString()).env("KINKO_USER", USER).env("KINKO_PASSWORD", PASSWORD);
  }

  Cli env(String name, String value) {
    if (value == null) {
      env.remove(name);
    } else {
      env.put(name, value);
    }
    return this;
  }

  Cli terminal(Terminal terminal) {
    this.terminal = terminal;
    return this;
  }

  /** Makes standard error count as a terminal, where progress bars are drawn. */
  Cli stderrIsTerminal(boolean yes) {
    this.stderrIsTerminal = yes;
    return this;
  }

  Cli stdin(String text) {
    this.stdin = text.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Context context = new Context(env, new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), terminal, stderrIsTerminal);
    int exit = Kinko.run(args, context);
    return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Creates a vault at KINKO_VAULT with the cheapest password cost, and grants {@link #USER} every
   * permission on the whole vault: access is denied by default, administrators included.
   */
  Cli init() {
    initWithoutGrants();
    Result grant = run("grant", USER, ".", "read,write,delete,export");
    if (grant.exit() != 0) {
      throw new AssertionError("grant to the administrator failed: " + grant);
    }
    return this;
  }

  /** Creates a vault at KINKO_VAULT with the cheapest password cost; its administrator holds no grant. */
  Cli initWithoutGrants() {
    Result result = run("init", "--contract-id", "R7-0042", "--client", "テスト市", "--contractor", "金庫株式会社",
        "--contract-end", "2027-03-31", "--admin", USER, "--password-cost", "minimum");
    if (result.exit() != 0) {
      throw new AssertionError("init failed: " + result);
    }
    return this;
  }

  /** Runs {@code openssl} with {@code args} (the tool an auditor has); returns its exit code. */
  static int openssl(String... args) throws java.io.IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("openssl did not finish");
    }
    return p.exitValue();
  }

  /** What one run left behind. */
  record Result(int exit, byte[] outBytes, String err) {
    String out() {
      return new String(outBytes, StandardCharsets.UTF_8);
    }

    List<String> outLines() {
      return new ArrayList<>(out().lines().toList());
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out() + "--- stderr\n" + err;
    }
  }

  /** A terminal that answers prompts from a script and records them. */
  static final class ScriptedTerminal implements Terminal {
    private final List<String> answers;
    final List<String> prompts = new ArrayList<>();

    ScriptedTerminal(String... answers) {
      this.answers = new ArrayList<>(List.of(answers));
    }

    @Override
    public char[] readPassword(String prompt) {
      prompts.add(prompt);
      return answers.isEmpty() ? null : answers.remove(0).toCharArray();
    }
  }
}
