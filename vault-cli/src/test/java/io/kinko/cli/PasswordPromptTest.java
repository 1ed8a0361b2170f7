package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
      Path file = passwordFile("from-env.txt", Cli.PASSWORD.toCharArray());

      Cli.Result result = cli.env("KINKO_PASSWORD", null).env("KINKO_PASSWORD_FILE", file.toString()).run("ls");

      assertEquals(0, result.exit(), result::toString);
      assertTrue(result.out().contains("名簿/山田.txt"), result::toString);
    }

    @Test
    void passwordFileOption_winsOverTheEnvironmentsFile_whichWinsOverKinkoPassword() throws IOException {
      Path right = passwordFile("right.txt", Cli.PASSWORD.toCharArray());
      Path wrong = passwordFile("wrong.txt", "wrong horse battery staple".toCharArray());

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

      PseudoTerminal.Typed run = underPty("kinko ls < /dev/null > " + quote(out.toString()), Cli.PASSWORD + "\n");

      assertEquals(0, run.exit(), run::toString);
      assertTrue(run.screen().contains("Password for admin: "), run::toString);
      assertFalse(run.screen().contains(Cli.PASSWORD), () -> "the password was echoed: " + run);
      String listing = Files.readString(out);
      assertTrue(listing.contains("名簿/山田.txt"), () -> "the listing on stdout: " + listing);
    }

    @Test
    void prompt_interruptedByCtrlC_leavesEchoOnForTheShell() throws Exception {
      Path out = dir.resolve("ls-out.txt");

      PseudoTerminal.Typed run = underPty("trap 'echo AFTER; stty -a; exit 130' INT; kinko ls > " + quote(out.toString()) + "; echo NOT-INTERRUPTED",
          "\u0003");

      String after = run.screen().substring(run.screen().indexOf("AFTER"));
      assertTrue(run.screen().contains("AFTER"), () -> "no interrupt: " + run);
      assertTrue(Pattern.compile("(^|\\s)echo(\\s|$)").matcher(after).find(), () -> "echo not restored: " + after);
      assertFalse(Pattern.compile("(^|\\s)-echo(\\s|$)").matcher(after).find(), () -> "echo still off: " + after);
    }

    @Test
    void wrongPasswordTypedOnTheTerminal_exits3() throws Exception {
      PseudoTerminal.Typed run = underPty("kinko ls > /dev/null", "wrong horse battery staple\n");

      assertEquals(3, run.exit(), run::toString);
    }

    private PseudoTerminal.Typed underPty(String shellCommand, String keys) throws IOException, InterruptedException {
      return PseudoTerminal.run(Map.of("KINKO_VAULT", vault.toString(), "KINKO_USER", Cli.USER), shellCommand, "Password for admin: ", keys);
    }

    private static String quote(String s) {
      return PseudoTerminal.quote(s);
    }
  }

  /** A password file holding {@code password} and a newline; the characters are wiped once written. */
  private Path passwordFile(String name, char[] password) throws IOException {
    java.nio.ByteBuffer encoded = java.nio.charset.StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
    byte[] line = new byte[encoded.remaining() + 1];
    encoded.get(line, 0, line.length - 1);
    line[line.length - 1] = '\n';
    try {
      return Files.write(dir.resolve(name), line);
    } finally {
      java.util.Arrays.fill(password, '\0');
      java.util.Arrays.fill(line, (byte) 0);
      if (encoded.hasArray()) {
        java.util.Arrays.fill(encoded.array(), (byte) 0);
      }
    }
  }
}
