package io.kinko.cli;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The interactive terminal, if there is one: password prompts without echo, and typed confirmations. */
interface Terminal {
  /** Prompts and reads one line without echo; null at end of input. */
  char[] readPassword(String prompt);

  /**
   * Prompts and reads one line with echo, for answers that are not secret (a vault id typed to
   * confirm a disposal); null at end of input. Terminals that only know {@link #readPassword}
   * read it that way.
   */
  default String readLine(String prompt) {
    char[] line = readPassword(prompt);
    return line == null ? null : new String(line);
  }

  /**
   * The process's controlling terminal, {@code /dev/tty}, as age and restic use it: there is one
   * whenever a person started the command, even with standard input or output redirected
   * ({@code kinko ls x | head}), and none under cron, systemd or {@code setsid}. Null without one.
   */
  static Terminal system() {
    return Tty.open();
  }

  /**
   * Prompts on {@code /dev/tty} and reads the answer from it. Echo is turned off for a password
   * by {@code stty -echo} on the terminal and restored to the saved settings afterwards, also
   * when the read ends by Ctrl-C (a shutdown hook), since the JVM has no terminal-mode API.
   */
  final class Tty implements Terminal {
    static final File DEVICE = new File("/dev/tty");

    private Tty() {}

    /** The terminal, or null when the process has no controlling terminal (open fails with ENXIO). */
    static Tty open() {
      try (FileInputStream probe = new FileInputStream(DEVICE)) {
        return new Tty();
      } catch (IOException | SecurityException none) {
        return null;
      }
    }

    @Override
    public char[] readPassword(String prompt) {
      try (InputStream in = new FileInputStream(DEVICE); OutputStream out = new FileOutputStream(DEVICE)) {
        String saved = stty("-g").strip();
        Thread restore = new Thread(() -> restore(saved), "kinko-restore-echo");
        Runtime.getRuntime().addShutdownHook(restore);
        try {
          stty("-echo");
          write(out, prompt);
          return read(in);
        } finally {
          restore(saved);
          write(out, "\n"); // the Enter the user typed was not echoed
          try {
            Runtime.getRuntime().removeShutdownHook(restore);
          } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway and restores the same settings
          }
        }
      } catch (IOException e) {
        throw new UsageException("cannot read a password from the terminal: " + Messages.describe(e)
            + "; give --password-file FILE instead");
      }
    }

    @Override
    public String readLine(String prompt) {
      try (InputStream in = new FileInputStream(DEVICE); OutputStream out = new FileOutputStream(DEVICE)) {
        write(out, prompt);
        char[] line = read(in);
        return line == null ? null : new String(line);
      } catch (IOException e) {
        throw new UsageException("cannot read an answer from the terminal: " + Messages.describe(e));
      }
    }

    /** One line as characters, every byte buffer wiped; null at end of input or for an empty line. */
    private static char[] read(InputStream in) throws IOException {
      byte[] line = PasswordSource.firstLine(in, "the line typed on the terminal");
      try {
        return line.length == 0 ? null : PasswordSource.decodeUtf8(line, "the line typed on the terminal");
      } finally {
        Arrays.fill(line, (byte) 0);
      }
    }

    private static void write(OutputStream out, String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    private static void restore(String saved) {
      try {
        stty(saved);
      } catch (IOException e) {
        // nothing more to do while exiting; the user can type 'stty sane'
      }
    }

    /** Runs {@code stty ARG} on the terminal and returns what it printed. */
    private static String stty(String argument) throws IOException {
      Process stty = new ProcessBuilder("stty", argument).redirectInput(DEVICE).redirectErrorStream(true).start();
      try {
        String output = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (stty.waitFor() != 0) {
          throw new IOException("stty " + argument + " failed: " + output.strip());
        }
        return output;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while setting the terminal's echo", e);
      }
    }
  }
}
