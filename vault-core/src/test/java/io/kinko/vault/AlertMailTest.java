package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.kinko.vault.engine.EngineInternals;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alert mail reaches a real SMTP server (GreenMail) on the loopback: in Japanese and English,
 * UTF-8, the rule in the subject, no file name; over TLS (a certificate for 127.0.0.1 made by
 * keytool, given to the sink as its CA) with AUTH; never in clear when STARTTLS is required and
 * not offered; and the password is in no file of the vault and in no message.
 */
class AlertMailTest extends VaultTest {
  private static final String PASSWORD = "メール送信用-pass-7421";
  @TempDir static Path keys;
  private static String caPem;
  private GreenMail mail;

  /** A server certificate for 127.0.0.1, made the way an operator would: keytool, then the PEM the sink trusts. */
  @BeforeAll
  static void certificate() throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path store = keys.resolve("smtp.p12");
    run(keytool.toString(), "-genkeypair", "-alias", "smtp", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
    Path pem = keys.resolve("smtp.pem");
    run(keytool.toString(), "-exportcert", "-rfc", "-alias", "smtp", "-keystore", store.toString(), "-storepass", "changeit", "-file", pem.toString());
    caPem = Files.readString(pem);
    System.setProperty("greenmail.tls.keystore.file", store.toString());
    System.setProperty("greenmail.tls.keystore.password", "changeit");
    System.setProperty("greenmail.tls.key.password", "changeit");
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
  }

  @AfterEach
  void stopMail() {
    if (mail != null) {
      mail.stop();
    }
  }

  @Test
  void mail_arrivesInJapaneseAndEnglish_withTheRuleInTheSubject_andNoFileName() throws Exception {
    mail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    mail.start();
    session.administration().addAlertSink(AlertSinkSpec.smtp("smtp://127.0.0.1:" + mail.getSmtp().getPort(),
        List.of("hogo-kanrisha@example.jp", "city@example.jp"), "kinko@example.jp", false, null, null, null));
    long seq = incident();
    awaitMail(2);
    MimeMessage m = mail.getReceivedMessages()[0];
    assertTrue(m.getSubject().contains(IncidentRule.INTEGRITY_OTHER.id()), m.getSubject());
    assertTrue(m.getSubject().contains("完全性検査の失敗"), "the subject is decoded UTF-8: " + m.getSubject());
    assertEquals(vault.id() + ":" + seq, m.getHeader("X-Kinko-Alert-Id")[0]);
    MimeMultipart parts = (MimeMultipart) m.getContent();
    assertEquals(2, parts.getCount());
    BodyPart ja = parts.getBodyPart(0);
    BodyPart en = parts.getBodyPart(1);
    assertTrue(ja.isMimeType("text/plain") && ja.getContentType().toLowerCase().contains("utf-8"));
    assertTrue(((String) ja.getContent()).contains("事象: 完全性検査の失敗"), (String) ja.getContent());
    assertTrue(((String) ja.getContent()).contains("ログ番号: " + seq));
    assertTrue(((String) en.getContent()).contains("Incident: an integrity check failed"));
    assertTrue(((String) en.getContent()).contains("Vault: " + vault.id()));
    assertFalse(raw(m).contains(AlertDeliveryTest.PLANTED), "the mail names the file");
    assertFalse(((String) ja.getContent()).contains(AlertDeliveryTest.PLANTED));
  }

  @Test
  void mailOverTls_withAuth_deliversWithThePasswordSealedInTheVault() throws Exception {
    mail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtps").dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@example.jp", "alerts", PASSWORD));
    mail.start();
    AlertSink sink;
    try (Password p = Password.copyOf(PASSWORD.toCharArray())) {
      sink = session.administration().addAlertSink(AlertSinkSpec.smtp("smtps://127.0.0.1:" + mail.getSmtps().getPort(),
          List.of("alerts@example.jp"), null, false, "alerts", p, caPem));
    }
    assertTrue(sink.hasPassword());
    long seq = incident();
    awaitMail(1);
    MimeMessage m = mail.getReceivedMessages()[0];
    assertEquals(vault.id() + ":" + seq, m.getHeader("X-Kinko-Alert-Id")[0]);
    byte[] secret = PASSWORD.getBytes(StandardCharsets.UTF_8);
    assertFalse(raw(m).contains(PASSWORD), "the message holds the password");
    session.close();
    vault.close();
    session = null;
    try (Stream<Path> files = Files.walk(vault.directory())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(f);
        assertFalse(TestVaults.contains(bytes, secret), f + " holds the SMTP password");
        assertFalse(TestVaults.contains(bytes, AlertDeliveryTest.PLANTED.getBytes(StandardCharsets.UTF_8)), f + " holds the file name");
      }
    }
    vault = null;
  }

  @Test
  void aWrongPassword_isAFailureRecorded_withoutThePassword() throws Exception {
    mail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtps").dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@example.jp", "alerts", PASSWORD));
    mail.start();
    try (Password p = Password.copyOf("wrong-password-123".toCharArray())) {
      session.administration().addAlertSink(AlertSinkSpec.smtp("smtps://127.0.0.1:" + mail.getSmtps().getPort(),
          List.of("alerts@example.jp"), null, false, "alerts", p, caPem));
    }
    EngineInternals.incident(vault, TestVaults.ADMIN, new IntegrityException("wrong password case"));
    List<AlertDelivery> made = vault.deliverAlerts();
    AlertSinkHealth health = vault.status().alerts().get(0);
    assertFalse(health.healthy());
    assertEquals(0, mail.getReceivedMessages().length);
    assertTrue(made.isEmpty() || made.stream().noneMatch(AlertDelivery::delivered));
    assertFalse(String.valueOf(health.lastError()).contains("wrong-password"), health.lastError());
  }

  @Test
  void requiredStartTls_thatTheServerDoesNotOffer_sendsNothingInClear() throws Exception {
    mail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    mail.start();
    AlertSink sink = session.administration().addAlertSink(AlertSinkSpec.smtp("smtp://127.0.0.1:" + mail.getSmtp().getPort(),
        List.of("alerts@example.jp"), null, true, null, null, caPem));
    AlertDelivery test = session.administration().testAlertSink(sink.id());
    assertFalse(test.delivered());
    assertTrue(test.error() != null && test.error().toUpperCase().contains("STARTTLS"), test.error());
    assertEquals(0, mail.getReceivedMessages().length);
  }

  @Test
  void aSinkWithAPassword_waitsForAProcessWithKeys() throws Exception {
    mail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtps").dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@example.jp", "alerts", PASSWORD));
    mail.start();
    try (Password p = Password.copyOf(PASSWORD.toCharArray())) {
      session.administration().addAlertSink(AlertSinkSpec.smtp("smtps://127.0.0.1:" + mail.getSmtps().getPort(),
          List.of("alerts@example.jp"), null, false, "alerts", p, caPem));
    }
    session.close();
    session = null;
    vault.close();
    vault = TestVaults.open(dir.resolve("vault"));
    // Raised without a login: a failed one.
    try (Password wrong = Password.copyOf("not the password at all".toCharArray())) {
      org.junit.jupiter.api.Assertions.assertThrows(AuthenticationException.class, () -> vault.login("nobody", wrong));
    }
    EngineInternals.incident(vault, "?", new IntegrityException("raised without keys"));
    assertTrue(vault.deliverAlerts().isEmpty(), "no key opens the password: nothing is attempted");
    assertEquals(1, vault.status().alerts().get(0).pending());
    session = TestVaults.login(vault);
    vault.deliverAlerts();
    awaitMail(1); // the next process with keys delivers it
  }

  /** Polls the server until {@code n} messages arrived, failing at the deadline. */
  private void awaitMail(int n) {
    long end = System.nanoTime() + AlertReceivers.DEADLINE.toNanos();
    while (mail.getReceivedMessages().length < n) {
      assertTrue(System.nanoTime() < end, () -> "no mail within " + AlertReceivers.DEADLINE + ": " + vault.status().alerts());
      mail.waitForIncomingEmail(100, n); // a short wait between looks
    }
  }

  /** Stores the planted file and raises an INCIDENT entry (its text names no file). */
  private long incident() {
    TestVaults.put(session, AlertDeliveryTest.PLANTED, "秘密".getBytes(StandardCharsets.UTF_8));
    EngineInternals.incident(vault, TestVaults.ADMIN, new IntegrityException("a blob failed its check"));
    List<LogEntry> incidents = session.logEntries(new LogQuery(null, null, null, "INCIDENT"));
    return incidents.get(incidents.size() - 1).seq();
  }

  private static String raw(MimeMessage m) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
