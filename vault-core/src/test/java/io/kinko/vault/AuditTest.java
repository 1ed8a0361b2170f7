package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.engine.EngineInternals;
import io.kinko.vault.erase.FailAtStep;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code Session.audit} (clause 9) on real vaults: each problem is planted for real (a byte
 * flipped on disk, a blob removed, a mode widened, an account left to expire or go stale, a
 * deletion stopped part-way) and the audit must name it, with the severity that decides the
 * command's exit code; a clean vault yields nothing, and every audit is logged and signed.
 */
class AuditTest extends VaultTest {
  private static final byte[] SMALL = "山田太郎 1980-01-01".getBytes(StandardCharsets.UTF_8);

  /**
   * A clean vault has a second administrator (one alone is a finding of its own) and a recovery
   * key (a vault without one is a finding too).
   */
  private void addSecondAdmin() {
    try (Password pw = Password.copyOf("another long passphrase 42".toCharArray())) {
      session.administration().addUser("suzuki", Role.ADMIN, pw, null);
    }
    session.administration().rotateRecoveryKey().close();
  }

  @Test
  void aVaultWithoutARecoveryKey_isAWarning_andOneWhoseSlotWentMissing_isIntegrity() throws Exception {
    AuditResult without = session.audit(false, blobs -> {});
    assertTrue(ids(without).contains("recovery-key"), without.findings().toString());
    assertFalse(without.integrityFinding(), without.findings().toString());
    session.administration().rotateRecoveryKey().close();
    assertFalse(ids(session.audit(false, blobs -> {})).contains("recovery-key"));
    Files.delete(vault.directory().resolve("keys/recovery.slot"));
    AuditResult missing = session.audit(false, blobs -> {});
    assertTrue(ids(missing).contains("recovery-slot") && missing.integrityFinding(), missing.findings().toString());
  }

  private static Set<String> checks(AuditResult result) {
    return result.findings().stream().map(AuditResult.Finding::check).collect(Collectors.toSet());
  }

  private static Set<String> ids(AuditResult result) {
    return result.findings().stream().map(AuditResult.Finding::id).collect(Collectors.toSet());
  }

  /** Findings that come from the machine the test runs on, not from the vault (a /tmp on tmpfs). */
  private Set<String> fromThisMachine() throws IOException {
    return Set.of("tmpfs", "ramfs").contains(Files.getFileStore(dir).type()) ? Set.of("durability-volatile") : Set.of();
  }

  private static void flip(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x01);
    }
  }

  @Test
  void audit_ofACleanVault_findsNothing_checksEveryBlobDeeply_andLogsItsHash() throws Exception {
    addSecondAdmin();
    TestVaults.put(session, "台帳/a.csv", SMALL);
    TestVaults.put(session, "台帳/b.bin", TestVaults.randomBytes(7, 3 << 20));
    AuditResult result = session.audit(true, blobs -> {});
    Set<String> found = checks(result);
    found.removeAll(fromThisMachine());
    assertEquals(Set.of(), found, "findings on a clean vault: " + result.findings());
    assertEquals(2, result.checked().blobs());
    assertEquals(SMALL.length + (3 << 20), result.checked().bytesDecrypted(), "deep reads every byte of every blob");
    assertEquals(2, result.checked().users());
    assertTrue(result.checked().logEntries() > 0);
    List<LogEntry> audits = session.logEntries(new LogQuery(null, null, TestVaults.ADMIN, "AUDIT"));
    assertEquals(2, audits.size(), "the door's ALLOW entry and the entry that closes the audit");
    assertTrue(audits.get(1).reason().contains("result SHA-256 " + result.sha256()), audits.get(1).reason());
    assertTrue(audits.get(1).reason().contains("0 finding(s)") || !fromThisMachine().isEmpty(), audits.get(1).reason());
    assertTrue(result.json().contains("\"logSeq\":" + audits.get(0).seq()), "the result names the audit's entry");
  }

  @Test
  void audit_deep_readsABlobLargerThanTheHeap_inConstantMemory() throws Exception {
    addSecondAdmin();
    int size = 160 << 20;
    session.put("large.bin", new java.io.InputStream() {
      private final java.util.Random random = new java.util.Random(11);
      private long left = size;

      @Override
      public int read() {
        return left-- > 0 ? random.nextInt(256) : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        byte[] chunk = new byte[n];
        random.nextBytes(chunk);
        System.arraycopy(chunk, 0, b, off, n);
        left -= n;
        return n;
      }
    });
    session.close();
    vault.close();
    session = null;
    vault = null;
    Process p = TestVaults.java(List.of("-Xmx64m"), AuditDeepTarget.class, dir.resolve("vault").toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), output);
    assertEquals(0, p.exitValue(), output);
    assertTrue(output.contains("decrypted " + size + " "), output);
  }

  @Test
  void audit_signature_verifiesWithOpenssl_andFailsOnAnEditedResult() throws Exception {
    AuditResult result = session.audit(false, blobs -> {});
    Path out = dir.resolve("out");
    Path json = result.write(out, "audit-test");
    Path pem = Files.writeString(out.resolve("vault.pub.pem"), vault.publicKeyPem());
    Path sig = out.resolve("audit-test.json.sig");
    assertEquals(0, openssl(pem, json, sig), "openssl rejected the audit's signature");
    Files.write(json, result.json().replace("\"deep\":false", "\"deep\":true ").getBytes(StandardCharsets.UTF_8));
    assertTrue(openssl(pem, json, sig) != 0, "openssl accepted an edited audit");
  }

  @Test
  void audit_flippedHeaderByte_isAnIntegrityFinding_evenWithoutDeep_andAnIncident() throws Exception {
    addSecondAdmin();
    FileInfo f = TestVaults.put(session, "a.csv", SMALL);
    flip(TestVaults.blobOf(vault, f.fileId()), 40); // inside the wrapped file key
    AuditResult result = session.audit(false, blobs -> {});
    assertEquals(Set.of("blob-header:" + f.fileId()), ids(result).stream().filter(id -> id.startsWith("blob")).collect(Collectors.toSet()));
    assertTrue(result.integrityFinding());
    assertFalse(session.logEntries(new LogQuery(null, null, null, "INCIDENT")).isEmpty(), "an integrity finding is an INCIDENT entry");
  }

  @Test
  void audit_flippedBodyByte_isFoundOnlyWithDeep() throws Exception {
    addSecondAdmin();
    FileInfo small = TestVaults.put(session, "a.csv", SMALL);
    FileInfo large = TestVaults.put(session, "b.bin", TestVaults.randomBytes(3, (1 << 20) + 5000));
    for (FileInfo f : List.of(small, large)) {
      Path blob = TestVaults.blobOf(vault, f.fileId());
      flip(blob, Files.size(blob) - 3);
    }
    AuditResult shallow = session.audit(false, blobs -> {});
    assertFalse(checks(shallow).contains("blob-body") || checks(shallow).contains("blob-header"), "found without --deep: " + shallow.findings());
    AuditResult deep = session.audit(true, blobs -> {});
    assertTrue(ids(deep).containsAll(Set.of("blob-body:" + small.fileId(), "blob-body:" + large.fileId())), deep.findings().toString());
    assertTrue(deep.integrityFinding());
  }

  @Test
  void audit_deletedBlob_isMissing_andABlobOfNoFile_isAnOrphan() throws Exception {
    FileInfo gone = TestVaults.put(session, "a.csv", SMALL);
    FileInfo kept = TestVaults.put(session, "b.csv", SMALL);
    Path blob = TestVaults.blobOf(vault, gone.fileId());
    String orphan = "00".repeat(15) + "ab";
    Files.createDirectories(TestVaults.blobOf(vault, orphan).getParent());
    Files.copy(TestVaults.blobOf(vault, kept.fileId()), TestVaults.blobOf(vault, orphan));
    Files.delete(blob);
    AuditResult result = session.audit(false, blobs -> {});
    assertTrue(ids(result).containsAll(Set.of("blob-missing:" + gone.fileId(), "blob-orphan:" + orphan)), result.findings().toString());
    assertEquals(AuditResult.Severity.INTEGRITY, find(result, "blob-missing:" + gone.fileId()).severity());
    assertEquals(AuditResult.Severity.WARNING, find(result, "blob-orphan:" + orphan).severity());
  }

  @Test
  void audit_aFileWiderThanPrivate_isAWarningNamingItsMode() throws Exception {
    addSecondAdmin();
    Path slot = vault.directory().resolve("keys/user-" + TestVaults.ADMIN + ".slot");
    Files.setPosixFilePermissions(slot, PosixFilePermissions.fromString("rw-r--r--"));
    AuditResult result = session.audit(false, blobs -> {});
    AuditResult.Finding f = find(result, "mode:keys/user-" + TestVaults.ADMIN + ".slot");
    assertEquals(AuditResult.Severity.WARNING, f.severity());
    assertTrue(f.what().contains("rw-r--r--") && f.todo().contains("chmod -R go-rwx"), f.toString());
    assertFalse(result.integrityFinding());
  }

  @Test
  void audit_anExpiredUserWithAGrant_andALoneAdministrator_areWarnings() {
    try (Password pw = Password.copyOf("a worker's long passphrase".toCharArray())) {
      session.administration().addUser("tanaka", Role.WORKER, pw, LocalDate.now(Contract.ZONE).minusDays(2));
    }
    session.administration().grant("tanaka", "台帳", EnumSet.of(Permission.READ));
    AuditResult result = session.audit(false, blobs -> {});
    assertTrue(ids(result).containsAll(Set.of("user-expired-with-grants:tanaka", "admin-alone:" + TestVaults.ADMIN)), result.findings().toString());
    assertFalse(result.integrityFinding());
    addSecondAdmin();
    assertFalse(checks(session.audit(false, blobs -> {})).contains("admin-alone"), "two administrators are not alone");
  }

  @Test
  void audit_aUserWhoHasNotLoggedInFor90Days_isStale() {
    addSecondAdmin();
    try (Password pw = Password.copyOf("a worker's long passphrase".toCharArray())) {
      session.administration().addUser("tanaka", Role.WORKER, pw, LocalDate.now(Contract.ZONE).plusYears(2));
    }
    assertFalse(checks(session.audit(false, blobs -> {})).contains("user-stale"), "a new account is not stale");
    Clock later = Clock.offset(Clock.systemUTC().withZone(ZoneOffset.UTC), Duration.ofDays(91));
    AuditResult result = EngineInternals.audit(session, false, later);
    assertTrue(ids(result).contains("user-stale:tanaka"), result.findings().toString());
  }

  @Test
  void audit_aDeletionStoppedPartWay_isUnfinished() {
    addSecondAdmin();
    TestVaults.put(session, "台帳.csv", SMALL);
    FailAtStep.arm("erased");
    try {
      assertThrows(IllegalStateException.class, () -> session.delete("台帳.csv"));
    } finally {
      FailAtStep.disarm();
    }
    AuditResult result = session.audit(false, blobs -> {});
    List<AuditResult.Finding> unfinished = result.findings().stream().filter(f -> f.check().equals("deletion-unfinished")).toList();
    assertEquals(1, unfinished.size(), result.findings().toString());
    assertTrue(unfinished.get(0).todo().contains("log in again"), unfinished.get(0).todo());
    assertFalse(checks(result).contains("blob-missing"), "a blob its deletion already erased is no missing blob: " + result.findings());
  }

  @Test
  void audit_byANonAdministrator_isDeniedAndLogged() {
    try (Password pw = Password.copyOf("a worker's long passphrase".toCharArray())) {
      session.administration().addUser("tanaka", Role.WORKER, pw, null);
    }
    try (Password pw = Password.copyOf("a worker's long passphrase".toCharArray()); Session worker = vault.login("tanaka", pw)) {
      assertThrows(AccessDeniedException.class, () -> worker.audit(false, blobs -> {}));
    }
    assertEquals(List.of("DENY"), session.logEntries(new LogQuery(null, null, "tanaka", "AUDIT")).stream().map(LogEntry::decision).toList());
  }

  private static AuditResult.Finding find(AuditResult result, String id) {
    return result.findings().stream().filter(f -> f.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no finding " + id + " in " + result.findings()));
  }

  static int openssl(Path pem, Path json, Path sig) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem.toString(),
        "-in", json.toString(), "-sigfile", sig.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }
}
