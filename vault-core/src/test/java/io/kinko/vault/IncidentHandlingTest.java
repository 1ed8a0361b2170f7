package io.kinko.vault;

import static io.kinko.vault.audit.JsonEdits.edited;
import static io.kinko.vault.audit.JsonEdits.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.audit.Checkpoint;
import io.kinko.vault.audit.EntryCodec;
import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.audit.Merkle;
import io.kinko.vault.audit.NoteVerifier;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.engine.EngineInternals;
import io.kinko.vault.incident.IncidentReason;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Handling an incident (clause 6, issue #13): the list, the acknowledgement and the signed report,
 * all derived from INCIDENT and INCIDENT_ACK entries, and an attacker who edits those rows gets a
 * refusal and an INCIDENT, never a changed status.
 */
class IncidentHandlingTest extends VaultTest {
  private static final char[] WORKER_PASSWORD = "a worker's own long password".toCharArray();
  private static final String SECRET_NAME = "山田太郎の住民票.pdf";

  @Test
  void plantedIntegrityFailure_isListedOpen_workerAckDenied_adminAckClosesIt() throws Exception {
    long id = plantIntegrityFailure();
    Incident open = only(session.incidents(false));
    assertEquals(id, open.id());
    assertEquals(Incident.Status.OPEN, open.status());
    assertEquals(IncidentRule.INTEGRITY_BLOB, open.rule()); // the flipped byte is in a blob; its evidence is the version's PUT entry
    assertEquals(2, open.severity());
    assertEquals(TestVaults.ADMIN, open.actor());
    assertEquals(List.of(id), session.incidents(true).stream().map(Incident::id).toList());

    addWorker("bob");
    try (Session bob = login("bob")) {
      assertThrows(AccessDeniedException.class, () -> bob.acknowledgeIncident(id, "not mine to close"));
      assertThrows(AccessDeniedException.class, () -> bob.incidents(false));
    }
    List<LogEntry> denied = session.logEntries(new LogQuery(null, null, "bob", Action.INCIDENT_ACK.name()));
    assertEquals(1, denied.size());
    assertEquals("DENY", denied.get(0).decision());
    assertEquals(Incident.Status.OPEN, only(session.incidents(false)).status(), "a denied acknowledgement closed the incident");

    Incident acked = session.acknowledgeIncident(id, "blob restored from backup; disk replaced");
    assertEquals(Incident.Status.ACKNOWLEDGED, acked.status());
    Incident.Acknowledgement ack = acked.acknowledgements().get(0);
    assertEquals(TestVaults.ADMIN, ack.by());
    assertEquals("blob restored from backup; disk replaced", ack.note());
    LogEntry entry = session.logEntries(new LogQuery(null, null, TestVaults.ADMIN, Action.INCIDENT_ACK.name())).get(0);
    assertEquals(ack.seq(), entry.seq());
    assertEquals("ALLOW", entry.decision());
    assertEquals("incident " + id + "; note blob restored from backup; disk replaced", entry.reason());

    assertEquals(Incident.Status.ACKNOWLEDGED, only(session.incidents(false)).status());
    assertEquals(List.of(), session.incidents(true), "an acknowledged incident is listed as open");
    // A follow-up note is a second acknowledgement; the incident stays closed.
    assertEquals(2, session.acknowledgeIncident(id, "follow-up: vendor confirmed").acknowledgements().size());
    assertTrue(session.logEntries(new LogQuery(null, null, null, Action.INCIDENT_LIST.name())).size() >= 4);
  }

  @Test
  void acknowledge_ofAnEntryThatIsNoIncident_orOfNone_isAClearNotFound() {
    long login = session.logEntries(new LogQuery(null, null, null, Action.LOGIN.name())).get(0).seq();
    NotFoundException notIncident = assertThrows(NotFoundException.class, () -> session.acknowledgeIncident(login, "x"));
    assertTrue(notIncident.getMessage().contains("is a LOGIN entry, not an INCIDENT"), notIncident.getMessage());
    NotFoundException none = assertThrows(NotFoundException.class, () -> session.acknowledgeIncident(1_000_000, "x"));
    assertTrue(none.getMessage().contains("no entry 1000000"), none.getMessage());
    assertThrows(NotFoundException.class, () -> session.incidentReport(login));
  }

  @Test
  void acknowledge_withANoteThatIsEmptyTooLongOrMultiLine_isRefusedAndLogsNothing() throws Exception {
    long id = plantIntegrityFailure();
    long before = EngineInternals.log(vault).head().size();
    for (String note : new String[] {"", "  ", "x".repeat(Incident.MAX_NOTE + 1), "two\nlines", "a\u0007bell", "tab\there"}) {
      assertThrows(IllegalArgumentException.class, () -> session.acknowledgeIncident(id, note), note);
    }
    assertEquals(before, EngineInternals.log(vault).head().size());
    assertEquals(Incident.Status.OPEN, only(session.incidents(false)).status());
  }

  @Test
  void report_isSignedOverItsExactBytes_provesEachEntry_andNamesNoFile() throws Exception {
    TestVaults.put(session, "cases/" + SECRET_NAME, "content".getBytes(StandardCharsets.UTF_8));
    List<Long> evidence = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      evidence.add(EngineInternals.log(vault).append(AccessLog.Event.deny("mallory", Action.LOGIN, "wrong password", null, null)).seq());
    }
    long id = EngineInternals.log(vault).append(AccessLog.Event.deny("mallory", Action.INCIDENT,
        new IncidentReason(IncidentRule.AUTH_FAILED_LOGINS, evidence, "3 failed logins in 10 minutes").format(), null, null)).seq();
    session.acknowledgeIncident(id, "called the user; it was a typo");

    IncidentReport.Signed signed = session.incidentReport(id);
    IncidentReport r = signed.report();
    assertEquals("auth.failed-logins", r.incident().rule());
    assertEquals(4, r.incident().severity());
    assertEquals(evidence, r.incident().evidence());
    assertEquals("mallory", r.incident().actor());
    assertFalse(r.incident().meaningJa().isBlank());
    assertEquals(1, r.actions().size());
    assertEquals("called the user; it was a typo", r.actions().get(0).note());
    assertEquals(List.of("", "", ""), List.of(r.cause(), r.impact(), r.prevention()));
    assertEquals(CertificateBody.Tool.kinko(), r.tool());

    String text = new String(signed.json(), StandardCharsets.UTF_8);
    assertFalse(text.contains(SECRET_NAME) || text.contains("cases/"), "the report names a file");
    assertFalse(text.contains("content"), "the report holds content");

    // openssl checks the signature over exactly these bytes, with no Kinko code.
    Path pem = dir.resolve("vault.pub.pem");
    Files.writeString(pem, session.exportPublicKey());
    Path json = dir.resolve("incident.json");
    Path sig = dir.resolve("incident.json.sig");
    Files.write(json, signed.json());
    Files.write(sig, signed.signature());
    assertEquals(0, openssl(pem, json, sig));
    byte[] flipped = signed.json();
    flipped[flipped.length / 2] ^= 1;
    Files.write(json, flipped);
    assertTrue(openssl(pem, json, sig) != 0);

    // Each inclusion proof, checked here by hand against the report's checkpoint.
    byte[] key = SigningKey.fromPem(Files.readString(pem));
    Checkpoint checkpoint = Checkpoint.open(r.checkpoint().checkpoint().getBytes(StandardCharsets.UTF_8),
        NoteVerifier.ed25519(LogCheckpoints.origin(vault.id()), key));
    List<CertificateBody.LogProof> proofs = new ArrayList<>(r.evidence());
    proofs.add(r.entry());
    for (CertificateBody.LogProof p : proofs) {
      byte[] leaf = Merkle.leafHash(p.entry().getBytes(StandardCharsets.UTF_8));
      Merkle.verifyInclusion(p.seq(), checkpoint.size(), leaf, p.inclusionProof().stream().map(HexFormat.of()::parseHex).toList(),
          checkpoint.rootHash());
      assertEquals(p.seq(), EntryCodec.decode(p.entry().getBytes(StandardCharsets.UTF_8)).seq());
    }

    IncidentReport.Verified verified = IncidentReport.verify(signed.json(), signed.signature(), session.exportPublicKey());
    assertEquals(4, verified.entriesProved());
    assertEquals(r, IncidentReport.parse(signed.json()));
    assertThrows(IntegrityException.class, () -> IncidentReport.verify(flipped, signed.signature(), session.exportPublicKey()));

    // Strict: an added field, another version or another incident's entry is refused by name.
    assertRefused("unknown field 'incident.extra'", edited(signed.json(), m -> object(m, "incident").put("extra", 1L)));
    assertRefused("version", edited(signed.json(), m -> m.put("version", 2L)));
    assertRefused("lacks the required field 'cause'", edited(signed.json(), m -> m.remove("cause")));

    List<LogEntry> recorded = session.logEntries(new LogQuery(null, null, TestVaults.ADMIN, Action.INCIDENT_REPORT.name()));
    assertTrue(recorded.get(recorded.size() - 1).reason().contains("sha256 " + signed.sha256()));
  }

  @Test
  void report_byAWorker_isDeniedAndLogged() throws Exception {
    long id = plantIntegrityFailure();
    addWorker("bob");
    try (Session bob = login("bob")) {
      assertThrows(AccessDeniedException.class, () -> bob.incidentReport(id));
    }
    assertEquals("DENY", session.logEntries(new LogQuery(null, null, "bob", Action.INCIDENT_REPORT.name())).get(0).decision());
  }

  @Test
  void anAcknowledgementEditedInTheDatabase_isAnIncident_neverAChangedNote() throws Exception {
    long id = plantIntegrityFailure();
    session.acknowledgeIncident(id, "restored");
    reopenAfter(c -> assertEquals(1, TestDatabase.editEntries(c, "action = 'INCIDENT_ACK'", e -> e.replace("note restored", "note nothing happened"))));
    long incidents = incidentEntries();
    assertThrows(IntegrityException.class, () -> session.incidents(false));
    assertEquals(incidents + 1, incidentEntries(), "the altered acknowledgement was not reported as an INCIDENT");
    assertThrows(IntegrityException.class, () -> session.verifyLog(null));
  }

  @Test
  void anIncidentEntryEditedInTheDatabase_isRefused() throws Exception {
    long id = plantIntegrityFailure();
    reopenAfter(c -> assertEquals(1, TestDatabase.editEntry(c, id, e -> e.replace("\"DENY\"", "\"ALLOW\""))));
    assertThrows(IntegrityException.class, () -> session.incidents(false));
    assertThrows(IntegrityException.class, () -> session.acknowledgeIncident(id, "hide it"));
  }

  @Test
  void anAcknowledgementRefiledUnderAnotherAction_failsTheLogCheck() throws Exception {
    long id = plantIntegrityFailure();
    session.acknowledgeIncident(id, "restored");
    // The query column no longer says INCIDENT_ACK, so the list does not find it: the log check does.
    reopenAfter(c -> update(c, "UPDATE log_entries SET action = 'GET' WHERE action = 'INCIDENT_ACK'"));
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("action"), e.getMessage());
  }

  @Test
  void anAcknowledgementRowDeleted_failsTheLogCheck() throws Exception {
    long id = plantIntegrityFailure();
    session.acknowledgeIncident(id, "restored");
    TestVaults.put(session, "after.txt", "later".getBytes(StandardCharsets.UTF_8));
    reopenAfter(c -> update(c, "DELETE FROM log_entries WHERE action = 'INCIDENT_ACK'"));
    assertThrows(IntegrityException.class, () -> session.verifyLog(null));
  }

  @Test
  void anIncidentRowFiledUnderAnotherActionButStillAnIncident_isRefusedWhenAskedFor() throws Exception {
    long id = plantIntegrityFailure();
    reopenAfter(c -> update(c, "UPDATE log_entries SET action = 'GET' WHERE seq = " + id));
    assertThrows(IntegrityException.class, () -> session.acknowledgeIncident(id, "x"));
  }

  // --- helpers

  private static void assertRefused(String expected, byte[] json) {
    IntegrityException e = assertThrows(IntegrityException.class, () -> IncidentReport.parse(json));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  /** Flips a byte of a stored blob (as TamperTest does) and reads it: one INCIDENT entry; returns its sequence. */
  private long plantIntegrityFailure() throws Exception {
    String fileId = TestVaults.put(session, "cases/" + SECRET_NAME, "the record".getBytes(StandardCharsets.UTF_8)).fileId();
    Path blob = TestVaults.blobOf(vault, fileId);
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length - 3] ^= 1;
    Files.write(blob, bytes);
    assertThrows(IntegrityException.class, () -> {
      try (InputStream in = session.get("cases/" + SECRET_NAME)) {
        in.readAllBytes();
      }
    });
    List<LogEntry> incidents = session.logEntries(new LogQuery(null, null, null, Action.INCIDENT.name()));
    assertEquals(1, incidents.size());
    return incidents.get(0).seq();
  }

  private long incidentEntries() {
    return session.logEntries(new LogQuery(null, null, null, Action.INCIDENT.name())).size();
  }

  private static Incident only(List<Incident> incidents) {
    assertEquals(1, incidents.size(), incidents.toString());
    return incidents.get(0);
  }

  @FunctionalInterface
  private interface Edit {
    void apply(Connection c) throws Exception;
  }

  /** Closes the vault, edits its database with H2's own driver (the attacker's tool), opens it again. */
  private void reopenAfter(Edit edit) throws Exception {
    Path root = vault.directory();
    session.close();
    vault.close();
    try (Connection c = TestDatabase.connect(root)) {
      edit.apply(c);
    }
    vault = TestVaults.open(root);
    session = TestVaults.login(vault);
  }

  private static void update(Connection c, String sql) throws Exception {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      assertTrue(s.executeUpdate() >= 1, "the edit changed no row: " + sql);
    }
  }

  private void addWorker(String name) {
    try (Password p = Password.copyOf(WORKER_PASSWORD)) {
      session.administration().addUser(name, Role.WORKER, p, null);
    }
  }

  private Session login(String name) {
    try (Password p = Password.copyOf(WORKER_PASSWORD)) {
      return vault.login(name, p);
    }
  }

  private static int openssl(Path pem, Path json, Path sig) throws Exception {
    Process p = new ProcessBuilder("openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem.toString(),
        "-in", json.toString(), "-sigfile", sig.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }
}
