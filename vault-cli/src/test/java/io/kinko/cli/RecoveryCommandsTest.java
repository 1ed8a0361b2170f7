package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery key end to end through {@code kinko}: init shows it once and writes its sheet 0600;
 * the administrator loses the password (and locks the account trying); {@code kinko recover} with
 * the key sets a new one, which is an incident in {@code kinko incident list} and reaches a real
 * syslog receiver; typos, wrong and rotated-out keys and a worker's name are refused; the key text
 * is in no other output and in no file of the vault.
 */
class RecoveryCommandsTest {
  private static final Pattern KEY = Pattern.compile("([A-Z2-7]{4}-){13}[A-Z2-7]{4}");
  private static final String NEW_PASSWORD = "a recovered long passphrase";
  @TempDir Path dir;
  private Path vault;
  private Path sheet;
  private Cli cli;
  private String keyText;
  private final List<Cli.Result> others = new ArrayList<>();

  @BeforeEach
  void init() {
    vault = dir.resolve("vault");
    sheet = dir.resolve("sheet.pdf");
    cli = Cli.forVault(vault);
    Cli.Result init = cli.run("init", "--contract-id", "R7-0042", "--client", "テスト市", "--contractor", "金庫株式会社",
        "--contract-end", "2027-03-31", "--admin", Cli.USER, "--password-cost", "minimum", "--recovery-sheet", sheet.toString());
    assertEquals(0, init.exit(), init::toString);
    assertTrue(init.out().strip().matches("[0-9a-f]{32}"), "stdout holds the vault id alone: " + init);
    Matcher m = KEY.matcher(init.err());
    assertTrue(m.find(), init::toString);
    keyText = m.group();
    assertTrue(init.err().contains("fingerprint "), init::toString);
  }

  private Cli.Result other(Cli c, String... args) {
    Cli.Result r = c.run(args);
    others.add(r);
    return r;
  }

  private Path file(String name, String line) throws IOException {
    return Files.writeString(dir.resolve(name), line + "\n", StandardCharsets.UTF_8);
  }

  private Cli.Result recover(String user, String key) throws IOException {
    return other(Cli.forVault(vault).env("KINKO_PASSWORD", null).env("KINKO_USER", user), "recover",
        "--recovery-key-file", file("key.txt", key).toString(), "--new-password-file", file("new.txt", NEW_PASSWORD).toString());
  }

  @Test
  void init_writesTheSheet0600_andStatusShowsTheFingerprint() throws IOException {
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(sheet));
    assertTrue(new String(Files.readAllBytes(sheet), 0, 5, StandardCharsets.US_ASCII).equals("%PDF-"));
    Cli.Result status = other(cli, "status", "--json");
    String fingerprint = JsonParser.parseString(status.out()).getAsJsonObject().get("recoveryFingerprint").getAsString();
    assertTrue(fingerprint.matches("[0-9a-f]{16}"), status.out());
    assertTrue(other(cli, "recovery", "status").out().contains(fingerprint));
    assertEquals(2, other(cli, "recovery", "rotate", "--recovery-sheet", sheet.toString()).exit(), "an existing sheet is not overwritten");
    assertEquals(2, other(cli, "recovery", "rotate", "--recovery-sheet", vault.resolve("s.pdf").toString()).exit(), "never inside the vault");
  }

  @Test
  void lostPassword_recoverWithTheKey_theNewPasswordWorks_theOldDoesNot_andTheIncidentIsAlerted() throws Exception {
    try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      assertEquals(0, other(cli, "alert", "add", "syslog", "udp://127.0.0.1:" + receiver.getLocalPort()).exit());
      Cli wrong = Cli.forVault(vault).env("KINKO_PASSWORD", "not the password at all");
      for (int i = 0; i < 5; i++) {
        assertEquals(3, other(wrong, "ls").exit());
      }
      assertEquals(3, other(cli, "ls").exit(), "locked out, even with the right password");

      Cli.Result recovered = recover(Cli.USER, keyText.toLowerCase().replace("-", " "));
      assertEquals(0, recovered.exit(), recovered::toString);

      assertEquals(3, other(cli, "ls").exit(), "the old password opens nothing");
      Cli fresh = Cli.forVault(vault).env("KINKO_PASSWORD", NEW_PASSWORD);
      assertEquals(0, other(fresh, "ls").exit());
      Cli.Result incidents = other(fresh, "incident", "list", "--json");
      assertTrue(incidents.out().contains("auth.recovery"), incidents.out());
      assertEquals(0, other(fresh, "alert", "deliver").exit());

      receiver.setSoTimeout(200);
      Instant deadline = Instant.now().plusSeconds(20);
      String heard = "";
      while (!heard.contains("auth.recovery") && Instant.now().isBefore(deadline)) {
        byte[] buffer = new byte[8192];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
          receiver.receive(packet);
          heard += new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8) + "\n";
        } catch (SocketTimeoutException nothingYet) {
          other(fresh, "alert", "deliver");
        }
      }
      assertTrue(heard.contains("auth.recovery"), "the syslog receiver heard: " + heard);
      assertFalse(heard.contains(keyText), "the alert carries no key");
    }
    assertNoKeyOutsideInit();
  }

  @Test
  void aTypo_isUsage_beforeAnyKeyWork_andNotCounted() throws Exception {
    char[] typo = keyText.toCharArray();
    typo[10] = typo[10] == 'A' ? 'B' : 'A';
    Cli.Result r = recover(Cli.USER, new String(typo));
    assertEquals(2, r.exit(), r::toString);
    assertTrue(r.err().contains("checksum"), r.err());
    Cli.Result log = other(cli, "log", "show", "--json");
    assertFalse(log.out().contains("recovery key"), "a typo reaches no vault: " + log.out());
  }

  @Test
  void aWrongKey_exit3_theRotatedOutKey_exit3_andAWorker_exit4() throws Exception {
    Path pw = file("worker.txt", "another long passphrase");
    assertEquals(0, other(cli, "user", "add", "tanaka", "--role", "worker", "--new-password-file", pw.toString()).exit());
    assertEquals(4, recover("tanaka", keyText).exit(), "a worker's password is not the recovery key's to set");

    Cli.Result rotated = cli.run("recovery", "rotate", "--json");
    assertEquals(0, rotated.exit(), rotated::toString);
    JsonObject o = JsonParser.parseString(rotated.out()).getAsJsonObject();
    String next = o.get("recoveryKey").getAsString();
    assertTrue(KEY.matcher(next).matches());
    assertEquals(3, recover(Cli.USER, keyText).exit(), "the rotated-out key");
    Cli.Result log = other(cli, "log", "show", "--action", "LOGIN", "--json");
    assertTrue(log.out().contains("wrong recovery key (1 of 5)"), log.out());
    assertEquals(0, recover(Cli.USER, next).exit());
    assertTrue(other(Cli.forVault(vault).env("KINKO_PASSWORD", NEW_PASSWORD), "recovery", "status").out()
        .contains(o.get("recoveryFingerprint").getAsString()));
  }

  /** The key text is in no output but init's, and in no file of the vault. */
  private void assertNoKeyOutsideInit() throws IOException {
    String bare = keyText.replace("-", "");
    for (Cli.Result r : others) {
      for (String s : List.of(r.out(), r.err())) {
        assertFalse(s.contains(keyText) || s.contains(bare) || s.toUpperCase().contains(bare), "the key is printed: " + r);
      }
    }
    try (Stream<Path> files = Files.walk(vault)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertFalse(bytes.contains(keyText) || bytes.contains(bare), f + " holds the key");
      }
    }
  }
}
