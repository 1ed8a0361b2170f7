package io.kinko.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a shell command on a real pseudo-terminal made by util-linux {@code script}, where
 * {@code kinko} is a child JVM with the test class path, and types on that terminal only after
 * the text it waits for is on the screen (so a password prompt has turned echo off by then).
 */
final class PseudoTerminal {
  private static final long DEADLINE_SECONDS = 180;

  private PseudoTerminal() {}

  /** What the terminal showed, and the exit code of the shell command. */
  record Typed(int exit, String screen) {}

  /**
   * Runs {@code shellCommand} with {@code env} added to this JVM's environment (without any
   * KINKO_PASSWORD*). {@code dialogue} alternates what to wait for and what to type then.
   */
  static Typed run(Map<String, String> env, String shellCommand, String... dialogue) throws IOException, InterruptedException {
    String java = quote(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String kinko = java + " -cp " + quote(System.getProperty("java.class.path")) + " " + Kinko.class.getName();
    // A build started in the background of a shell without job control inherits SIGINT ignored,
    // and an ignored signal stays ignored in every child (the JVM and the shell's trap included):
    // the shell on the terminal gets the default back, as an interactive one has.
    String command = "exec env --default-signal=INT,QUIT bash -c " + quote(shellCommand.replace("kinko ", kinko + " "));
    ProcessBuilder builder = new ProcessBuilder("script", "-q", "-e", "-c", command, "/dev/null");
    builder.environment().remove(PasswordSource.PASSWORD_ENV);
    builder.environment().remove(PasswordSource.PASSWORD_FILE_ENV);
    builder.environment().putAll(env);
    builder.environment().put("LC_ALL", "C.UTF-8");
    builder.redirectErrorStream(true);
    Process process = builder.start();
    // A terminal that never shows what the test waits for fails the test with its screen, not a hang.
    CompletableFuture.delayedExecutor(DEADLINE_SECONDS, TimeUnit.SECONDS).execute(process::destroyForcibly);
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    try (InputStream in = process.getInputStream(); OutputStream keyboard = process.getOutputStream()) {
      for (int i = 0; i + 1 < dialogue.length; i += 2) {
        readUntil(in, screen, dialogue[i]);
        keyboard.write(dialogue[i + 1].getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
      }
      in.transferTo(screen);
    } finally {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    return new Typed(process.exitValue(), screen.toString(StandardCharsets.UTF_8));
  }

  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static void readUntil(InputStream in, ByteArrayOutputStream screen, String text) throws IOException {
    byte[] wanted = text.getBytes(StandardCharsets.UTF_8);
    int matched = 0;
    for (int b; matched < wanted.length; ) {
      if ((b = in.read()) < 0) {
        throw new AssertionError("the terminal closed before showing '" + text + "':\n" + screen.toString(StandardCharsets.UTF_8));
      }
      screen.write(b);
      matched = b == (wanted[matched] & 0xff) ? matched + 1 : b == (wanted[0] & 0xff) ? 1 : 0;
    }
  }
}
