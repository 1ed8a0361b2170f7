package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kinko alert} on a real vault: administrators only, usage errors, the SMTP password from a file, deliver without a login, status. */
class AlertCommandsTest {
  private static final String SMTP_PASSWORD = "relay-secret-Ωmega-9931";
  @TempDir Path dir;
  private Path vault;
  private Cli cli;

  @BeforeEach
  void init() {
    vault = dir.resolve("vault");
    cli = Cli.forVault(vault).init();
  }

  private static int deadPort() throws IOException {
    try (ServerSocket reserve = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return reserve.getLocalPort();
    }
  }

  @Test
  void aWorker_isRefused_exit4() throws IOException {
    Path pw = Files.writeString(dir.resolve("new.txt"), "another long passphrase\n");
    assertEquals(0, cli.run("user", "add", "tanaka", "--role", "worker", "--new-password-file", pw.toString()).exit());
    Cli worker = Cli.forVault(vault).env("KINKO_USER", "tanaka").env("KINKO_PASSWORD", "another long passphrase");
    assertEquals(4, worker.run("alert", "add", "syslog", "udp://127.0.0.1:514").exit());
    assertEquals(4, worker.run("alert", "list").exit());
    Cli.Result log = cli.run("log", "show", "--action", "ALERT", "--json");
    assertTrue(log.out().contains("\"DENY\""), log.out());
  }

  @Test
  void badArguments_areUsageErrors_exit2() {
    assertEquals(2, cli.run("alert", "add", "pager", "x").exit());
    assertEquals(2, cli.run("alert", "add", "webhook", "http://example.org/hook").exit(), "plain http off the loopback");
    assertEquals(2, cli.run("alert", "add", "webhook", "https://example.org/hook", "--to", "a@example.jp").exit());
    assertEquals(2, cli.run("alert", "add", "smtp", "smtp://127.0.0.1:25").exit(), "no recipient");
    assertEquals(2, cli.run("alert", "deliver", "--interval", "0").exit());
    assertEquals(1, cli.run("alert", "remove", "s999").exit(), "no such sink");
  }

  @Test
  void anSmtpPassword_fromAFile_isSealed_andShownNowhere() throws IOException {
    Path file = Files.writeString(dir.resolve("smtp.pw"), SMTP_PASSWORD + "\n", StandardCharsets.UTF_8);
    Cli.Result added = cli.run("alert", "add", "smtp", "smtp://127.0.0.1:" + deadPort(), "--to", "hogo@example.jp", "--to", "city@example.jp",
        "--smtp-user", "alerts", "--smtp-password-file", file.toString(), "--json");
    assertEquals(0, added.exit(), added.err());
    JsonObject sink = JsonParser.parseString(added.out()).getAsJsonObject().getAsJsonObject("sink");
    assertTrue(sink.get("hasPassword").getAsBoolean());
    Cli.Result list = cli.run("alert", "list");
    assertTrue(list.out().contains("password sealed") && list.out().contains("hogo@example.jp"), list.out());
    for (Cli.Result r : new Cli.Result[] {added, list, cli.run("alert", "list", "--json"), cli.run("status", "--json"), cli.run("log", "show")}) {
      assertFalse(r.out().contains(SMTP_PASSWORD) || r.err().contains(SMTP_PASSWORD), "the password is printed");
    }
    try (Stream<Path> files = Files.walk(vault)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        // Latin-1 maps each byte to one char, so a byte sequence is found as a substring.
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertFalse(bytes.contains(new String(SMTP_PASSWORD.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)),
            f + " holds the SMTP password");
      }
    }
  }

  @Test
  void deliver_needsNoLogin_andAFailingSink_isInStatus() throws IOException {
    int port = deadPort();
    assertEquals(0, cli.run("alert", "add", "webhook", "http://127.0.0.1:" + port + "/hook").exit());
    // An incident: a stored file altered on disk, then read.
    Path file = Files.writeString(dir.resolve("a.txt"), "a");
    assertEquals(0, cli.run("put", file.toString(), "a.txt").exit());
    String fileId = JsonParser.parseString(cli.run("ls", "a.txt", "--json").out()).getAsJsonObject().getAsJsonArray("files").get(0)
        .getAsJsonObject().get("fileId").getAsString();
    Path blob = vault.resolve("blobs").resolve(fileId.substring(0, 2)).resolve(fileId);
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length - 1] ^= 1;
    Files.write(blob, bytes);
    assertEquals(5, cli.run("get", "a.txt", "-o", dir.resolve("out.txt").toString()).exit());
    Cli noLogin = Cli.forVault(vault).env("KINKO_PASSWORD", null).env("KINKO_USER", null);
    Cli.Result delivered = noLogin.run("alert", "deliver");
    assertEquals(1, delivered.exit(), delivered.err());
    assertTrue(delivered.err().contains("failed"), delivered.err());
    Cli.Result status = cli.run("status");
    assertTrue(status.out().contains("alert sink s") && status.out().contains("is failing"), status.out());
  }
}
