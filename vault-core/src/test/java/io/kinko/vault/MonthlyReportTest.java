package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kinko.vault.audit.CanonicalJson;
import io.kinko.vault.audit.Merkle;
import io.kinko.vault.audit.VerificationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monthly report (clause 10) over two months of activity logged by a clock the test moves:
 * what it says, field by field against the log; the second month continuing the first by a
 * consistency proof, checked by the library's verifier and by one that reads the JSON itself;
 * a rolled-back vault refused with an INCIDENT; altered reports refused by the verifier.
 */
class MonthlyReportTest {
  private static final YearMonth OCTOBER = YearMonth.of(2026, 10);
  private static final YearMonth NOVEMBER = YearMonth.of(2026, 11);
  private static final char[] WORKER_PASSWORD = "mizuiro kumo 2026 sora".toCharArray();

  @TempDir Path dir;
  private final MovableClock clock = new MovableClock();
  private Path v;
  private String pem;

  @BeforeEach
  void createVault() {
    v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v)) {
      pem = vault.publicKeyPem();
    }
  }

  /** What October's activity left that the report must name. */
  private record October(String certificateId, List<String> incidentReasons) {}

  /**
   * October: the administrator adds tanaka (granted 申請書, READ and WRITE) and suzuki (no grant);
   * tanaka fails one login, logs in, stores three files, reads one, is refused a delete and reads
   * a tampered file (an INCIDENT); suzuki is locked out after five failed logins; the administrator
   * deletes a file (a certificate) and exports the public key.
   */
  private October october() throws IOException {
    clock.set(2026, 10, 5, 10);
    try (Vault vault = TestVaults.open(v, clock)) {
      try (Session admin = TestVaults.login(vault)) {
        addWorker(admin, "tanaka");
        admin.administration().grant("tanaka", "申請書", EnumSet.of(Permission.READ, Permission.WRITE));
        addWorker(admin, "suzuki");
      }
      assertThrows(AuthenticationException.class, () -> login(vault, "tanaka", "wrong password here".toCharArray()));
      FileInfo tampered;
      try (Session t = login(vault, "tanaka", WORKER_PASSWORD)) {
        TestVaults.put(t, "申請書/a.txt", "a".getBytes(StandardCharsets.UTF_8));
        TestVaults.put(t, "申請書/b.txt", "b".getBytes(StandardCharsets.UTF_8));
        tampered = TestVaults.put(t, "申請書/c.txt", TestVaults.randomBytes(1, 4096));
        TestVaults.readAll(t, "申請書/a.txt");
        assertThrows(AccessDeniedException.class, () -> t.delete("申請書/a.txt"));
      }
      for (int i = 0; i < vault.accessPolicy().lockoutAfter(); i++) {
        assertThrows(AuthenticationException.class, () -> login(vault, "suzuki", "not suzuki's password".toCharArray()));
      }
      Path blob = TestVaults.blobOf(vault, tampered.fileId());
      byte[] bytes = Files.readAllBytes(blob);
      bytes[bytes.length - 100] ^= 1;
      Files.write(blob, bytes);
      try (Session t = login(vault, "tanaka", WORKER_PASSWORD)) {
        assertThrows(IntegrityException.class, () -> TestVaults.readAll(t, "申請書/c.txt"));
      }
      try (Session admin = TestVaults.login(vault)) {
        DeletionCertificate cert = admin.delete("申請書/b.txt");
        admin.exportPublicKey();
        // The tampered file's, and what the watch raised for suzuki (three failed logins, the lockout).
        List<String> incidents = admin.logEntries(new LogQuery(null, null, null, "INCIDENT")).stream().map(LogEntry::reason).toList();
        assertEquals(3, incidents.size(), incidents.toString());
        return new October(cert.id(), incidents);
      }
    }
  }

  private static void addWorker(Session admin, String name) {
    try (Password p = Password.copyOf(WORKER_PASSWORD)) {
      admin.administration().addUser(name, Role.WORKER, p, null);
    }
  }

  private static Session login(Vault vault, String user, char[] password) {
    try (Password p = Password.copyOf(password)) {
      return vault.login(user, p);
    }
  }

  /** Makes the report of {@code month} at the clock's time as the administrator, into {@code out}. */
  private MonthlyReport.Issued report(YearMonth month, byte[] previous, Path out) {
    try (Vault vault = TestVaults.open(v, clock); Session admin = TestVaults.login(vault)) {
      return admin.monthlyReport(month, previous, out);
    }
  }

  private List<LogEntry> entries(LogQuery query) {
    try (Vault vault = TestVaults.open(v, clock); Session admin = TestVaults.login(vault)) {
      return admin.logEntries(query);
    }
  }

  @Test
  void report_ofAMonthOfActivity_saysWhatTheLogSays_fieldByField() throws Exception {
    October october = october();
    clock.set(2026, 11, 2, 9);
    Path out = dir.resolve("out");
    MonthlyReport.Issued issued = report(OCTOBER, null, out);
    MonthlyReport r = issued.report();
    Instant from = OffsetDateTime.parse("2026-10-01T00:00:00+09:00").toInstant();
    Instant to = OffsetDateTime.parse("2026-11-01T00:00:00+09:00").toInstant();
    List<LogEntry> logged = entries(new LogQuery(from, to, null, null));

    assertEquals(MonthlyReport.TYPE, r.type());
    assertEquals(MonthlyReport.VERSION, r.version());
    assertEquals(OCTOBER, r.period().month());
    assertEquals(OffsetDateTime.parse("2026-10-01T00:00:00+09:00"), r.period().from());
    assertEquals(OffsetDateTime.parse("2026-11-01T00:00:00+09:00"), r.period().to());
    assertEquals("Asia/Tokyo", r.period().zone());
    assertEquals(TestVaults.CONTRACT, r.contract());
    assertEquals(KeyFingerprint.of(pem).toString(), r.signingKey().fingerprint());
    assertEquals("Kinko", r.tool().name());
    assertEquals(OffsetDateTime.parse("2026-11-02T09:00:00+09:00"), r.issuedAt());
    assertEquals(TestVaults.ADMIN, r.issuedBy());

    // Designated staff: users holding a grant, and only them (suzuki holds none).
    assertEquals(List.of(TestVaults.ADMIN, "tanaka"), r.staff().stream().map(MonthlyReport.Staff::user).toList());
    MonthlyReport.Staff tanaka = r.staff().get(1);
    assertEquals(Role.WORKER, tanaka.role());
    assertEquals(AccountStatus.ACTIVE, tanaka.status());
    assertEquals(List.of(new MonthlyReport.StaffGrant("申請書", List.of(Permission.READ, Permission.WRITE))), tanaka.grants());

    assertEquals(List.of("USER_ADD", "GRANT", "USER_ADD"), r.changes().stream().map(MonthlyReport.Event::action).toList());
    assertEquals(logged.stream().filter(e -> e.action().equals("GRANT")).findFirst().orElseThrow().seq(), r.changes().get(1).seq());

    MonthlyReport.UserFigures t = figures(r, "tanaka");
    assertEquals(2, t.logins());
    assertEquals(1, t.failedLogins());
    assertEquals(0, t.lockouts());
    assertEquals(new MonthlyReport.Operation("PUT", 3, 0), operation(t, "PUT"));
    assertEquals(new MonthlyReport.Operation("GET", 2, 0), operation(t, "GET"));
    assertEquals(new MonthlyReport.Operation("DELETE", 0, 1), operation(t, "DELETE"));
    MonthlyReport.UserFigures s = figures(r, "suzuki");
    assertEquals(0, s.logins());
    assertEquals(AccessPolicy.DEFAULT.lockoutAfter(), s.failedLogins());
    assertEquals(1, s.lockouts());
    // Every entry of the month is counted once.
    assertEquals(logged.size(), r.users().stream().flatMap(u -> u.operations().stream()).mapToLong(o -> o.allowed() + o.denied()).sum());

    assertEquals(1, r.certificates().size());
    assertEquals(october.certificateId(), r.certificates().get(0).id());
    assertEquals("deletion-certificate", r.certificates().get(0).kind());
    assertEquals(1, r.certificates().get(0).items());
    assertEquals(List.of("KEY_EXPORT"), r.exports().stream().map(MonthlyReport.Event::action).toList());
    assertEquals(october.incidentReasons(), r.incidents().stream().map(MonthlyReport.Event::reason).toList());

    assertEquals(LocalDate.of(2027, 3, 31), r.retention().contractEnd());
    assertEquals(OffsetDateTime.parse("2028-04-01T00:00:00+09:00"), r.retention().keepUntil());
    assertEquals(0, r.retention().oldestSeq());
    assertEquals(logged.size(), r.retention().entriesInPeriod());

    assertEquals(MonthlyReport.LogCheckpoint.PERIOD_END, r.checkpoint().at());
    assertEquals(logged.get(logged.size() - 1).seq() + 1, r.checkpoint().treeSize());
    assertTrue(r.checkpoint().note().startsWith("kinko/" + r.vault() + "\n" + r.checkpoint().treeSize() + "\n"), r.checkpoint().note());
    assertNull(r.previous());

    // The files: canonical JSON, a detached signature openssl accepts, the model read back the same.
    byte[] json = Files.readAllBytes(issued.json());
    assertEquals(out.resolve("report-2026-10.json"), issued.json());
    assertArrayEquals(CanonicalJson.canonicalize(json), json);
    assertEquals(r, MonthlyReport.parse(json));
    Path key = Files.writeString(dir.resolve("vault.pub.pem"), pem);
    assertEquals(0, DeletionTest.openssl(key, issued.json(), issued.signature()));
    Path altered = dir.resolve("altered.json");
    Files.write(altered, new String(json, StandardCharsets.UTF_8).replace("\"tanaka\"", "\"tanaki\"").getBytes(StandardCharsets.UTF_8));
    assertNotEquals(0, DeletionTest.openssl(key, altered, issued.signature()));

    // The REPORT entry records the JSON's SHA-256, and the vault keeps its own copy.
    LogEntry record = entries(new LogQuery(null, null, null, "REPORT")).stream().reduce((a, b) -> b).orElseThrow();
    assertTrue(record.reason().contains("sha256 " + issued.sha256()), record.reason());
    assertArrayEquals(json, Files.readAllBytes(v.resolve("reports").resolve("report-2026-10.json")));

    // The CSV: a BOM, CRLF line ends, a header and one row per actor.
    byte[] csv = Files.readAllBytes(issued.csv());
    assertArrayEquals(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, java.util.Arrays.copyOf(csv, 3));
    String text = new String(csv, 3, csv.length - 3, StandardCharsets.UTF_8);
    assertTrue(text.endsWith("\r\n"));
    List<String> lines = List.of(text.split("\r\n"));
    assertFalse(text.replace("\r\n", "").contains("\n"));
    assertTrue(lines.get(0).startsWith("month,user,logins,failed_logins,lockouts,denied,"), lines.get(0));
    assertEquals(r.users().size() + 1, lines.size());
    assertTrue(lines.contains(csvRow(lines.get(0), "tanaka")), text);
  }

  /** The CSV row tanaka's figures make under {@code header}. */
  private static String csvRow(String header, String user) {
    List<String> columns = List.of(header.split(","));
    List<String> cells = new ArrayList<>();
    for (String c : columns) {
      cells.add(switch (c) {
        case "month" -> "2026-10";
        case "user" -> user;
        case "logins" -> "2";
        case "failed_logins" -> "1";
        case "lockouts" -> "0";
        case "denied" -> "3"; // a failed login, a refused delete, the tampered file's INCIDENT
        case "put" -> "3";
        case "get" -> "2";
        case "login" -> "3";
        case "delete", "incident" -> "1";
        default -> "0";
      });
    }
    return String.join(",", cells);
  }

  @Test
  void secondMonth_continuesTheFirst_verifiedByTheLibraryAndByAnIndependentCheck() throws Exception {
    TwoMonths two = twoMonths();
    MonthlyReport.Issued first = two.first();
    MonthlyReport.Issued second = two.second();
    byte[] json1 = two.json1();
    byte[] json2 = two.json2();
    byte[] sig2 = two.sig2();

    MonthlyReport.Previous previous = second.report().previous();
    assertEquals(OCTOBER, previous.month());
    assertEquals(first.sha256(), previous.sha256());
    assertEquals(first.report().checkpoint().treeSize(), previous.treeSize());
    assertEquals(first.report().checkpoint().note(), previous.checkpoint());

    MonthlyReport.Verified verified = MonthlyReport.verify(json2, sig2, pem, json1);
    assertTrue(verified.previousChecked());
    assertEquals(second.report(), verified.report());
    assertEquals(KeyFingerprint.of(pem).toString(), verified.keyFingerprint());

    // Independently: read the JSON with Gson, the roots from the notes' text, and check the proof
    // with RFC 9162's algorithm as Merkle implements it.
    JsonObject o = JsonParser.parseString(new String(json2, StandardCharsets.UTF_8)).getAsJsonObject();
    JsonObject p = o.getAsJsonObject("previous");
    long m = p.get("treeSize").getAsLong();
    long n = o.getAsJsonObject("checkpoint").get("treeSize").getAsLong();
    byte[] root1 = rootOf(p.get("checkpoint").getAsString(), m);
    byte[] root2 = rootOf(o.getAsJsonObject("checkpoint").get("note").getAsString(), n);
    List<byte[]> proof = hashes(p.getAsJsonArray("consistencyProof"));
    assertTrue(m < n && !proof.isEmpty());
    Merkle.verifyConsistency(m, n, proof, root1, root2);
    proof.get(0)[0] ^= 1;
    assertThrows(VerificationException.class, () -> Merkle.verifyConsistency(m, n, proof, root1, root2));
    assertEquals(HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(json1)),
        p.get("sha256").getAsString());
  }

  /** October's and November's reports, each made early in the month after; November's finds October's in the vault. */
  private TwoMonths twoMonths() throws IOException {
    october();
    clock.set(2026, 11, 2, 9);
    MonthlyReport.Issued first = report(OCTOBER, null, dir.resolve("out"));
    november();
    clock.set(2026, 12, 1, 9);
    MonthlyReport.Issued second = report(NOVEMBER, null, dir.resolve("out"));
    return new TwoMonths(first, second, Files.readAllBytes(first.json()), Files.readAllBytes(second.json()),
        Files.readAllBytes(second.signature()));
  }

  private record TwoMonths(MonthlyReport.Issued first, MonthlyReport.Issued second, byte[] json1, byte[] json2, byte[] sig2) {}

  /** November: tanaka stores one more file. */
  private void november() {
    clock.set(2026, 11, 10, 10);
    try (Vault vault = TestVaults.open(v, clock); Session t = login(vault, "tanaka", WORKER_PASSWORD)) {
      TestVaults.put(t, "申請書/d.txt", "d".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void report_listsCredentialChanges_aRecoveryKeyReplacedAndAPasswordSetWithIt() {
    clock.set(2026, 11, 10, 10);
    char[] recovered = "set with the recovery key 5".toCharArray();
    RecoveryKey key;
    try (Vault vault = TestVaults.open(v, clock); Session admin = TestVaults.login(vault)) {
      key = admin.administration().rotateRecoveryKey();
    }
    try (Vault vault = TestVaults.open(v, clock); key; Password p = Password.copyOf(recovered)) {
      vault.recover(TestVaults.ADMIN, key, p);
    }
    clock.set(2026, 12, 1, 9);
    MonthlyReport r;
    try (Vault vault = TestVaults.open(v, clock); Session admin = login(vault, TestVaults.ADMIN, recovered)) {
      r = admin.monthlyReport(NOVEMBER, null, dir.resolve("out")).report();
    }
    assertEquals(List.of("RECOVERY_ROTATE", "RECOVER"), r.changes().stream().map(MonthlyReport.Event::action).toList());
  }

  @Test
  void report_afterTheVaultWasRolledBehindThePreviousReport_isRefusedWithAnIncident() throws Exception {
    clock.set(2026, 10, 3, 10);
    try (Vault vault = TestVaults.open(v, clock); Session admin = TestVaults.login(vault)) {
      TestVaults.put(admin, "x.txt", "x".getBytes(StandardCharsets.UTF_8));
    }
    // A copy of the whole vault but its reports, as someone restoring an old backup would take it.
    TestDatabase.Backup older = TestDatabase.backup(v, dir.resolve("db-copy"));
    byte[] checkpointFile = Files.readAllBytes(v.resolve("log.checkpoint"));
    october();
    clock.set(2026, 11, 2, 9);
    MonthlyReport.Issued filed = report(OCTOBER, null, dir.resolve("city"));
    older.restore();
    Files.write(v.resolve("log.checkpoint"), checkpointFile);
    clock.set(2026, 11, 10, 10);
    try (Vault vault = TestVaults.open(v, clock); Session admin = TestVaults.login(vault)) {
      TestVaults.put(admin, "y.txt", "y".getBytes(StandardCharsets.UTF_8)); // the rolled-back vault goes on
    }
    clock.set(2026, 12, 1, 9);
    Path out = dir.resolve("out");
    IntegrityException e = assertThrows(IntegrityException.class, () -> report(NOVEMBER, null, out));
    assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
    assertFalse(Files.exists(out.resolve("report-2026-11.json")));
    List<LogEntry> incidents = entries(new LogQuery(null, null, null, "INCIDENT"));
    assertTrue(incidents.stream().anyMatch(i -> i.reason().contains("previous report's checkpoint")), incidents.toString());

    // The city's filed copy catches it as well when the vault's own copies are gone.
    LogRollbackTest.deleteTree(v.resolve("reports"));
    byte[] cityCopy = Files.readAllBytes(filed.json());
    IntegrityException given = assertThrows(IntegrityException.class, () -> report(NOVEMBER, cityCopy, out));
    assertTrue(given.getMessage().contains("rolled back"), given.getMessage());
    assertFalse(Files.exists(out.resolve("report-2026-11.json")));
  }

  @Test
  void report_whoseStoredPreviousReportWasSwapped_isRefused() throws Exception {
    october();
    clock.set(2026, 11, 2, 9);
    Path reports = v.resolve("reports");
    report(OCTOBER, null, dir.resolve("out"));
    Path aside = Files.createDirectories(dir.resolve("aside"));
    Files.copy(reports.resolve("report-2026-10.json"), aside.resolve("report-2026-10.json"));
    Files.copy(reports.resolve("report-2026-10.json.sig"), aside.resolve("report-2026-10.json.sig"));
    clock.set(2026, 11, 3, 9);
    report(OCTOBER, null, dir.resolve("out")); // made again: the vault records the new one
    // Put the first back: genuine and signed, but not the report the log last recorded.
    Files.copy(aside.resolve("report-2026-10.json"), reports.resolve("report-2026-10.json"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(aside.resolve("report-2026-10.json.sig"), reports.resolve("report-2026-10.json.sig"), StandardCopyOption.REPLACE_EXISTING);
    november();
    clock.set(2026, 12, 1, 9);
    IntegrityException e = assertThrows(IntegrityException.class, () -> report(NOVEMBER, null, dir.resolve("out2")));
    assertTrue(e.getMessage().contains("swapped"), e.getMessage());
  }

  @Test
  void verify_ofAlteredReportSignatureOrPrevious_failsAndSaysWhy() throws Exception {
    TwoMonths two = twoMonths();
    byte[] json1 = two.json1();
    byte[] json2 = two.json2();
    byte[] sig2 = two.sig2();

    byte[] flipped = json2.clone();
    flipped[flipped.length / 2] ^= 1;
    assertMessage("signature", () -> MonthlyReport.verify(flipped, sig2, pem, null));
    byte[] badSig = sig2.clone();
    badSig[5] ^= 1;
    assertMessage("signature", () -> MonthlyReport.verify(json2, badSig, pem, null));
    byte[] otherPrevious = new String(json1, StandardCharsets.UTF_8).replace("\"tanaka\"", "\"tanaki\"").getBytes(StandardCharsets.UTF_8);
    assertMessage("SHA-256", () -> MonthlyReport.verify(json2, sig2, pem, otherPrevious));
    assertMessage("first report",
        () -> MonthlyReport.verify(json1, Files.readAllBytes(two.first().signature()), pem, json1));
    String otherKey;
    try (Vault other = TestVaults.create(dir.resolve("other"))) {
      otherKey = other.publicKeyPem();
    }
    assertMessage("signature", () -> MonthlyReport.verify(json2, sig2, otherKey, json1));
    assertMessage("unknown field", () -> MonthlyReport.parse(
        new String(json2, StandardCharsets.UTF_8).replace("\"incidentReports\":", "\"extra\":1,\"incidentReports\":").getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void report_listsTheMonthsIncidentsWithTheirStatus_andTheIncidentReportsIssued() throws Exception {
    october();
    clock.set(2026, 10, 20, 15);
    IncidentReport.Signed written;
    long id;
    try (Vault vault = TestVaults.open(v, clock); Session admin = TestVaults.login(vault)) {
      id = admin.incidents(true).stream().filter(i -> i.rule() == IncidentRule.INTEGRITY_BLOB).findFirst().orElseThrow().id();
      admin.acknowledgeIncident(id, "blob restored from the backup of 10-19");
      written = admin.incidentReport(id);
    }
    clock.set(2026, 11, 2, 9);
    MonthlyReport.Issued issued = report(OCTOBER, null, dir.resolve("out"));
    MonthlyReport r = issued.report();
    // October's flipped blob byte, and suzuki's failed logins that ended in a lockout.
    assertEquals(java.util.Set.of("integrity.blob", "auth.failed-logins", "auth.lockout"),
        r.incidentStatus().stream().map(MonthlyReport.IncidentStatus::rule).collect(java.util.stream.Collectors.toSet()));
    MonthlyReport.IncidentStatus status = r.incidentStatus().stream().filter(i -> i.id() == id).findFirst().orElseThrow();
    assertEquals("integrity.blob", status.rule());
    assertEquals(Incident.Status.ACKNOWLEDGED, status.status());
    assertEquals(TestVaults.ADMIN, status.acknowledgedBy());
    assertEquals(OffsetDateTime.parse("2026-10-20T15:00:00+09:00"), status.acknowledgedAt());
    assertEquals(List.of(new MonthlyReport.IncidentReportRef(written.report().reportId(), id, "integrity.blob",
        OffsetDateTime.parse("2026-10-20T15:00:00+09:00"), written.sha256())), r.incidentReports());
    MonthlyReport.Verified verified = MonthlyReport.verify(Files.readAllBytes(issued.json()), Files.readAllBytes(issued.signature()), pem,
        null);
    assertEquals(r, verified.report());
    // November had no incident: none listed, none reported.
    clock.set(2026, 12, 1, 9);
    MonthlyReport november = report(NOVEMBER, null, dir.resolve("out-11")).report();
    assertEquals(List.of(), november.incidentStatus());
    assertEquals(List.of(), november.incidentReports());
  }

  @Test
  void report_byAWorkerOrAnAuditor_isRefusedAndLogged() {
    clock.set(2026, 11, 2, 9);
    try (Vault vault = TestVaults.open(v, clock); Session admin = TestVaults.login(vault)) {
      addWorker(admin, "tanaka");
      try (Password p = Password.copyOf(WORKER_PASSWORD)) {
        admin.administration().addUser("kansa", Role.AUDITOR, p, null);
      }
    }
    for (String user : List.of("tanaka", "kansa")) {
      try (Vault vault = TestVaults.open(v, clock); Session s = login(vault, user, WORKER_PASSWORD)) {
        assertThrows(AccessDeniedException.class, () -> s.monthlyReport(OCTOBER, null, dir.resolve("out")));
      }
    }
    assertEquals(2, entries(new LogQuery(null, null, null, "REPORT")).stream().filter(e -> e.decision().equals("DENY")).count());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable verification) {
    IntegrityException e = assertThrows(IntegrityException.class, verification);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static MonthlyReport.UserFigures figures(MonthlyReport r, String user) {
    return r.users().stream().filter(u -> u.user().equals(user)).findFirst().orElseThrow();
  }

  private static MonthlyReport.Operation operation(MonthlyReport.UserFigures u, String action) {
    return u.operations().stream().filter(o -> o.action().equals(action)).findFirst().orElseThrow();
  }

  /** The root a C2SP checkpoint note names, read from its text: origin, size, base64 root. */
  private static byte[] rootOf(String note, long size) {
    String[] lines = note.split("\n");
    assertEquals(Long.toString(size), lines[1]);
    return Base64.getDecoder().decode(lines[2]);
  }

  private static List<byte[]> hashes(JsonArray array) {
    List<byte[]> out = new ArrayList<>();
    array.forEach(h -> out.add(HexFormat.of().parseHex(h.getAsString())));
    return out;
  }
}
