package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kinko.vault.engine.EngineInternals;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Alerts reach real receivers on the loopback: a webhook (JDK HttpServer), syslog over UDP and
 * TCP (read as strict RFC 5424); a sink that is down gets every alert in order once it is back;
 * sinks are an administrator's, logged, and checked state; no alert names a file.
 */
class AlertDeliveryTest extends VaultTest {
  /** A file whose name is personal data: it must appear in no alert. */
  static final String PLANTED = "山田太郎-診断書.pdf";

  @Test
  void webhook_receivesTheIncident_withItsFieldsAndNoFileName() throws Exception {
    try (AlertReceivers.Webhook hook = new AlertReceivers.Webhook(0)) {
      AlertSink sink = session.administration().addAlertSink(AlertSinkSpec.webhook(hook.url()));
      long seq = tamperedGet();
      JsonObject body = JsonParser.parseString(hook.next()).getAsJsonObject();
      JsonObject k = body.getAsJsonObject("kinko");
      assertEquals(vault.id() + ":" + seq, k.get("alertId").getAsString());
      assertEquals(vault.id(), k.get("vaultId").getAsString());
      assertEquals(seq, k.get("seq").getAsLong());
      assertEquals(IncidentRule.INTEGRITY_BLOB.id(), k.get("rule").getAsString());
      assertEquals(2, k.get("severity").getAsInt());
      assertEquals(TestVaults.ADMIN, k.get("actor").getAsString());
      assertTrue(k.get("timeJst").getAsString().endsWith("JST"));
      assertEquals(1, k.getAsJsonArray("evidence").size(), "the evidence: the damaged version's PUT entry");
      assertTrue(k.getAsJsonArray("evidence").get(0).getAsLong() < seq);
      assertTrue(body.get("text").getAsString().contains("保管ファイルの改ざん") && body.get("text").getAsString().contains("integrity check"),
          "the chat text is in Japanese and English");
      assertFalse(body.toString().contains(PLANTED) || body.toString().contains("山田"), "the alert names the file");
      assertEquals(sink.id(), session.administration().alertSinks().get(0).id());
    }
  }

  @Test
  void anIncidentsDetail_neverReachesAnAlert() throws Exception {
    try (AlertReceivers.Webhook hook = new AlertReceivers.Webhook(0)) {
      session.administration().addAlertSink(AlertSinkSpec.webhook(hook.url()));
      EngineInternals.incident(vault, TestVaults.ADMIN, new IntegrityException("file " + PLANTED + " is damaged"));
      String body = hook.next();
      assertFalse(body.contains(PLANTED), body);
    }
  }

  @Test
  void syslogUdp_sendsStrictRfc5424() throws Exception {
    try (AlertReceivers.Syslog syslog = new AlertReceivers.Syslog()) {
      session.administration().addAlertSink(AlertSinkSpec.syslog(syslog.url()));
      long seq = tamperedGet();
      AlertReceivers.Rfc5424 m = AlertReceivers.parse(syslog.next());
      assertEquals(4, m.facility());
      assertEquals(IncidentRule.INTEGRITY_BLOB.severity(), m.severity());
      assertEquals("kinko", m.app());
      assertEquals(IncidentRule.INTEGRITY_BLOB.id(), m.msgId());
      assertEquals("kinko@32473", m.sdId());
      assertEquals(Long.toString(seq), m.params().get("seq"));
      assertEquals(vault.id(), m.params().get("vault"));
      assertEquals(vault.id() + ":" + seq, m.params().get("alert"));
      assertTrue(m.timestamp().endsWith("Z"));
      assertFalse(m.msg().contains(PLANTED));
    }
  }

  @Test
  void syslogTcp_framesByOctetCounting() throws Exception {
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      server.setSoTimeout((int) AlertReceivers.DEADLINE.toMillis());
      session.administration().addAlertSink(AlertSinkSpec.syslog("tcp://127.0.0.1:" + server.getLocalPort()));
      long seq = tamperedGet();
      try (Socket s = server.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        StringBuilder length = new StringBuilder();
        for (int c = in.read(); c != ' '; c = in.read()) {
          assertTrue(c >= '0' && c <= '9', "MSG-LEN is digits then a space");
          length.append((char) c);
        }
        byte[] message = new byte[Integer.parseInt(length.toString())];
        in.readFully(message);
        assertEquals(Long.toString(seq), AlertReceivers.parse(message).params().get("seq"));
      }
    }
  }

  @Test
  void aSinkThatIsDown_getsEveryAlertInOrder_whenItIsBack() throws Exception {
    int port;
    try (ServerSocket reserve = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = reserve.getLocalPort();
    }
    AlertSink sink = session.administration().addAlertSink(AlertSinkSpec.webhook("http://127.0.0.1:" + port + "/hook"));
    List<Long> raised = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      raised.add(incident("down " + i));
    }
    List<AlertDelivery> failed = vault.deliverAlerts();
    assertFalse(failed.isEmpty());
    assertTrue(failed.stream().noneMatch(AlertDelivery::delivered), "nothing listens, nothing is delivered");
    assertFalse(vault.status().alerts().get(0).healthy(), "a sink whose last attempt failed is unhealthy");
    assertEquals(3, vault.status().alerts().get(0).pending());
    assertTrue(session.audit(false, blobs -> {}).findings().stream().anyMatch(f -> f.id().equals("alert-sink:" + sink.id())),
        "the self-audit reports the sink that cannot be reached");
    try (AlertReceivers.Webhook hook = new AlertReceivers.Webhook(port)) {
      vault.deliverAlerts();
      List<Long> received = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        received.add(JsonParser.parseString(hook.next()).getAsJsonObject().getAsJsonObject("kinko").get("seq").getAsLong());
      }
      assertEquals(raised, received);
      assertTrue(vault.status().alerts().get(0).healthy());
      assertEquals(0, vault.status().alerts().get(0).pending());
    }
  }

  @Test
  void aSinkAddedLater_startsAtTheLogsEnd() throws Exception {
    incident("before the sink");
    try (AlertReceivers.Webhook hook = new AlertReceivers.Webhook(0)) {
      session.administration().addAlertSink(AlertSinkSpec.webhook(hook.url()));
      long after = incident("after the sink");
      assertEquals(after, JsonParser.parseString(hook.next()).getAsJsonObject().getAsJsonObject("kinko").get("seq").getAsLong());
      assertTrue(vault.deliverAlerts().isEmpty(), "the incident before the sink is not its to deliver");
    }
  }

  @Test
  void aWorker_cannotAddRemoveOrTestSinks_andEachRefusalIsLogged() throws Exception {
    try (AlertReceivers.Webhook hook = new AlertReceivers.Webhook(0)) {
      AlertSink sink = session.administration().addAlertSink(AlertSinkSpec.webhook(hook.url()));
      try (Password p = Password.copyOf("another long passphrase".toCharArray())) {
        session.administration().addUser("tanaka", Role.WORKER, p, null);
      }
      try (Password p = Password.copyOf("another long passphrase".toCharArray()); Session worker = vault.login("tanaka", p)) {
        Administration a = worker.administration();
        assertThrows(AccessDeniedException.class, () -> a.addAlertSink(AlertSinkSpec.webhook(hook.url())));
        assertThrows(AccessDeniedException.class, () -> a.removeAlertSink(sink.id()));
        assertThrows(AccessDeniedException.class, () -> a.testAlertSink(sink.id()));
        assertThrows(AccessDeniedException.class, a::alertSinks);
      }
      List<LogEntry> denied = session.logEntries(new LogQuery(null, null, "tanaka", "ALERT"));
      assertEquals(4, denied.size());
      assertTrue(denied.stream().allMatch(e -> e.decision().equals("DENY")));
      assertEquals(1, session.administration().alertSinks().size());
      assertTrue(hook.bodies.isEmpty(), "a refused test sends nothing");
    }
  }

  @Test
  void addTestRemove_areLogged_andTheTestArrives() throws Exception {
    try (AlertReceivers.Webhook hook = new AlertReceivers.Webhook(0)) {
      AlertSink sink = session.administration().addAlertSink(AlertSinkSpec.webhook(hook.url() + "?token=SECRET-TOKEN"));
      AlertDelivery test = session.administration().testAlertSink(sink.id());
      assertTrue(test.delivered(), String.valueOf(test.error()));
      assertTrue(JsonParser.parseString(hook.next()).getAsJsonObject().getAsJsonObject("kinko").get("test").getAsBoolean());
      session.administration().removeAlertSink(sink.id());
      assertEquals(List.of(), session.administration().alertSinks());
      assertThrows(NotFoundException.class, () -> session.administration().removeAlertSink(sink.id()));
      List<LogEntry> entries = session.logEntries(new LogQuery(null, null, null, "ALERT"));
      assertTrue(entries.stream().noneMatch(e -> e.json().contains("SECRET-TOKEN")), "a webhook's token is not logged");
      assertTrue(entries.stream().anyMatch(e -> e.reason().startsWith("added alert sink webhook")));
      assertTrue(entries.stream().anyMatch(e -> e.reason().equals("test of alert sink " + sink.id())));
      assertTrue(entries.stream().anyMatch(e -> e.reason().equals("removed alert sink " + sink.id())));
    }
  }

  @Test
  void badSinks_areRefusedWithAReason() {
    Administration a = session.administration();
    assertThrows(IllegalArgumentException.class, () -> a.addAlertSink(AlertSinkSpec.webhook("http://example.org/hook")));
    assertThrows(IllegalArgumentException.class, () -> a.addAlertSink(AlertSinkSpec.webhook("ftp://example.org/hook")));
    assertThrows(IllegalArgumentException.class, () -> a.addAlertSink(AlertSinkSpec.syslog("udp://127.0.0.1")));
    assertThrows(IllegalArgumentException.class, () -> a.addAlertSink(AlertSinkSpec.smtp("smtp://127.0.0.1:25", List.of(), null, false, null, null, null)));
    assertThrows(IllegalArgumentException.class, () -> a.addAlertSink(AlertSinkSpec.smtp("smtp://127.0.0.1:25", List.of("not an address"), null, false, null, null, null)));
    assertEquals(5, session.logEntries(new LogQuery(null, null, null, "ALERT")).stream().filter(e -> e.decision().equals("DENY")).count());
    assertEquals(List.of(), a.alertSinks());
  }

  @Test
  void aSinkRowEditedInTheDatabase_isRefusedAndAnIncident() throws Exception {
    AlertSink sink = session.administration().addAlertSink(AlertSinkSpec.webhook("https://chat.example.org/hooks/abc"));
    try (Connection c = TestDatabase.connect(vault.directory())) {
      c.createStatement().executeUpdate("UPDATE settings SET setting = REPLACE(setting, 'chat.example.org', 'attacker.example.net') WHERE name = 'alert.sink."
          + sink.id() + "'");
    }
    long incidents = session.logEntries(new LogQuery(null, null, null, "INCIDENT")).size();
    assertThrows(IntegrityException.class, () -> session.administration().alertSinks());
    assertThrows(IntegrityException.class, () -> session.administration().testAlertSink(sink.id()));
    assertTrue(session.audit(false, blobs -> {}).findings().stream().anyMatch(f -> f.id().equals("alerts") && f.severity() == AuditResult.Severity.INTEGRITY),
        "the self-audit reports the edited sink as an integrity finding");
    assertTrue(session.logEntries(new LogQuery(null, null, null, "INCIDENT")).size() > incidents);
  }

  /** Puts the planted file, flips a byte of its blob and reads it: an INCIDENT entry. Returns its sequence. */
  private long tamperedGet() throws IOException {
    FileInfo f = TestVaults.put(session, PLANTED, "秘密".getBytes(StandardCharsets.UTF_8));
    Path blob = TestVaults.blobOf(vault, f.fileId());
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length - 1] ^= 1;
    Files.write(blob, bytes);
    assertThrows(IntegrityException.class, () -> TestVaults.readAll(session, PLANTED));
    List<LogEntry> incidents = session.logEntries(new LogQuery(null, null, null, "INCIDENT"));
    return incidents.get(incidents.size() - 1).seq();
  }

  private long incident(String what) {
    EngineInternals.incident(vault, TestVaults.ADMIN, new IntegrityException(what));
    List<LogEntry> incidents = session.logEntries(new LogQuery(null, null, null, "INCIDENT"));
    return incidents.get(incidents.size() - 1).seq();
  }
}
