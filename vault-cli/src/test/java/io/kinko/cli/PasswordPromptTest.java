package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the password comes from: {@code --password-file}, then {@code KINKO_PASSWORD_FILE}, then
 * {@code KINKO_PASSWORD}, then a prompt on {@code /dev/tty}. The prompt is tested for real: a
 * child JVM runs {@code kinko} under a pseudo-terminal made by util-linux {@code script}, with its
 * standard input and output redirected, and the password is typed on the terminal.
 */
class PasswordPromptTest {
  @TempDir Path dir;
  Path vault;
  Cli cli;

  @BeforeEach
  void vaultWithAFile() throws IOException {
    vault = dir.resolve("vault");
    cli = Cli.forVault(vault).init();
    Path file = dir.resolve("山田.txt");
    Files.writeString(file, "氏名: 山田太郎\n");
    assertEquals(0, cli.run("put", file.toString(), "名簿/山田.txt").exit());
  }

  @Nested
  class Sources {
    @Test
    void passwordFileEnvironment_isUsedWhenNoOptionIsGiven() throws IOException {
      Path file = passwordFile("from-env.txt", Cli.PASSWORD);

      Cli.Result result = cli.env("KINKO_PASSWORD", null).env("KINKO_PASSWORD_FILE", file.toString()).run("ls");

      assertEquals(0, result.exit(), result::toString);
      assertTrue(result.out().contains("名簿/山田.txt"), result::toString);
    }

    @Test
    void passwordFileOption_winsOverTheEnvironmentsFile_whichWinsOverKinkoPassword() throws IOException {
      Path right = passwordFile("right.txt", Cli.PASSWORD);
      Path wrong = passwordFile("wrong.txt", "wrong horse battery staple");

      Cli.Result optionWins = cli.env("KINKO_PASSWORD_FILE", wrong.toString()).run("ls", "--password-file", right.toString());
      Cli.Result fileWins = cli.env("KINKO_PASSWORD_FILE", right.toString()).env("KINKO_PASSWORD", "wrong horse battery staple").run("ls");
      Cli.Result fileWinsEvenWhenWrong = cli.env("KINKO_PASSWORD_FILE", wrong.toString()).env("KINKO_PASSWORD", Cli.PASSWORD).run("ls");

      assertEquals(0, optionWins.exit(), optionWins::toString);
      assertEquals(0, fileWins.exit(), fileWins::toString);
      assertEquals(3, fileWinsEvenWhenWrong.exit(), fileWinsEvenWhenWrong::toString);
    }

    @Test
    void passwordFileEnvironment_naming_aMissingFile_exits2AndNamesIt() {
      Path missing = dir.resolve("no-such-password.txt");

      Cli.Result result = cli.env("KINKO_PASSWORD", null).env("KINKO_PASSWORD_FILE", missing.toString()).run("ls");

      assertEquals(2, result.exit(), result::toString);
      assertTrue(result.err().contains("cannot read the password file"), result::toString);
    }

    @Test
    void noSourceAndNoTerminal_exits2AndNamesTheThreeWays() {
      Cli.Result result = cli.env("KINKO_PASSWORD", null).run("ls");

      assertEquals(2, result.exit(), result::toString);
      for (String way : List.of("--password-file FILE", "KINKO_PASSWORD_FILE", "KINKO_PASSWORD")) {
        assertTrue(result.err().contains(way), () -> way + " missing: " + result);
      }
    }

    @Test
    void help_saysTheOptionWinsOverTheEnvironment() {
      Cli.Result ls = cli.run("ls", "--help");
      Cli.Result root = cli.run("--help");

      assertTrue(ls.out().replaceAll("\\s+", " ").contains("wins over the environment"), ls::toString);
      assertTrue(root.out().contains("KINKO_PASSWORD_FILE"), root::toString);
    }
  }

  @Nested
  class OnAPseudoTerminal {
    @Test
    void prompt_readsFromDevTty_withStdinAndStdoutRedirected_andDoesNotEchoThePassword() throws Exception {
      Path out = dir.resolve("ls-out.txt");

      Typed run = underPty("kinko ls < /dev/null > " + quote(out.toString()), Cli.PASSWORD + "\n");

      assertEquals(0, run.exit(), run::toString);
      assertTrue(run.terminal().contains("Password for admin: "), run::toString);
      assertFalse(run.terminal().contains(Cli.PASSWORD), () -> "the password was echoed: " + run);
      String listing = Files.readString(out);
      assertTrue(listing.contains("名簿/山田.txt"), () -> "the listing on stdout: " + listing);
    }

    @Test
    void prompt_interruptedByCtrlC_leavesEchoOnForTheShell() throws Exception {
      Path out = dir.resolve("ls-out.txt");

      Typed run = underPty("trap 'echo AFTER; stty -a; exit 130' INT; kinko ls > " + quote(out.toString()) + "; echo NOT-INTERRUPTED",
          "\u0003");

      String after = run.terminal().substring(run.terminal().indexOf("AFTER"));
      assertTrue(run.terminal().contains("AFTER"), () -> "no interrupt: " + run);
      assertTrue(Pattern.compile("(^|\\s)echo(\\s|$)").matcher(after).find(), () -> "echo not restored: " + after);
      assertFalse(Pattern.compile("(^|\\s)-echo(\\s|$)").matcher(after).find(), () -> "echo still off: " + after);
    }

    @Test
    void wrongPasswordTypedOnTheTerminal_exits3() throws Exception {
      Typed run = underPty("kinko ls > /dev/null", "wrong horse battery staple\n");

      assertEquals(3, run.exit(), run::toString);
    }

    /** What the terminal showed, and the exit code of the shell command. */
    record Typed(int exit, String terminal) {}

    /**
     * Runs {@code shellCommand} (where {@code kinko} is a child JVM with the test class path) on a
     * new pseudo-terminal, waits until the password prompt is on the screen (echo is off by
     * then), types {@code keys} and returns what the terminal showed.
     */
    private Typed underPty(String shellCommand, String keys) throws IOException, InterruptedException {
      String java = quote(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      String kinko = java + " -cp " + quote(System.getProperty("java.class.path")) + " " + Kinko.class.getName();
      ProcessBuilder builder = new ProcessBuilder("script", "-q", "-e", "-c", shellCommand.replace("kinko ", kinko + " "), "/dev/null");
      builder.environment().remove("KINKO_PASSWORD");
      builder.environment().remove("KINKO_PASSWORD_FILE");
      builder.environment().put("KINKO_VAULT", vault.toString());
      builder.environment().put("KINKO_USER", Cli.USER);
      builder.environment().put("LC_ALL", "C.UTF-8");
      builder.redirectErrorStream(true);
      Process process = builder.start();
      ByteArrayOutputStream screen = new ByteArrayOutputStream();
      try (InputStream in = process.getInputStream(); OutputStream keyboard = process.getOutputStream()) {
        readUntil(in, screen, "Password for ");
        readUntil(in, screen, ": ");
        keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
        in.transferTo(screen);
      } finally {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
      return new Typed(process.exitValue(), screen.toString(StandardCharsets.UTF_8));
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

    private static String quote(String s) {
      return "'" + s.replace("'", "'\\''") + "'";
    }
  }

  private Path passwordFile(String name, String password) throws IOException {
    return Files.writeString(dir.resolve(name), password + "\n");
  }
}
