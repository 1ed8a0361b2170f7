package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kinko.vault.erase.HaltAtStep;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-person rule for deletions (issue #12): under the vault policy {@code two-person}, an rm
 * records a request and destroys nothing; an administrator other than the requester approves it,
 * and the certificate names both. Real vaults, real H2 edits, openssl on the certificate.
 */
class TwoPersonRuleTest {
  private static final char[] STAFF_PASSWORD = "a long staff password 1".toCharArray();
  private static final String WORKER = "tanaka";
  private static final String CHIEF = TestVaults.ADMIN;
  private static final byte[] CONTENT = "山田太郎 080-0000-0000".getBytes(StandardCharsets.UTF_8);
  private static final String PATH = "申請書/山田.txt";

  @TempDir Path dir;
  Path vaultDir;
  Vault vault;
  FileInfo stored;

  @BeforeEach
  void twoPersonVault() {
    vaultDir = dir.resolve("vault");
    try (Password password = Password.copyOf(TestVaults.PASSWORD)) {
      vault = TestVaults.builder(vaultDir).contract(TestVaults.CONTRACT).admin(CHIEF, password).passwordCost(PasswordCost.MINIMUM)
          .deletionApproval(DeletionApproval.TWO_PERSON).create();
    }
    TestVaults.grantAll(vault, CHIEF);
    try (Session chief = TestVaults.login(vault); Password p = Password.copyOf(STAFF_PASSWORD)) {
      chief.administration().addUser(WORKER, Role.WORKER, p, null);
      chief.administration().grant(WORKER, "", EnumSet.of(Permission.READ, Permission.WRITE, Permission.DELETE));
    }
    try (Session worker = login(WORKER)) {
      stored = TestVaults.put(worker, PATH, CONTENT);
    }
  }

  @AfterEach
  void closeVault() {
    if (vault != null) {
      vault.close();
    }
  }

  @Test
  void workerRm_underTheRule_isRecordedAsARequest_andErasesNothing() {
    DeletionRequest request;
    try (Session worker = login(WORKER)) {
      assertEquals(DeletionApproval.TWO_PERSON, worker.vault().deletionApproval());
      assertThrows(AccessDeniedException.class, () -> worker.delete(PATH), "rm without a request went through");
      request = worker.requestDeletion(PATH, false);
      assertEquals(WORKER, request.requester());
      assertEquals(List.of(PATH), request.paths());
      assertEquals(1, request.versions());
      assertArrayEquals(CONTENT, TestVaults.readAll(worker, PATH), "the file is no longer readable while it waits");
      assertEquals(List.of(request.id()), worker.pendingDeletions().stream().map(DeletionRequest::id).toList());
    }
    assertTrue(Files.exists(TestVaults.blobOf(vault, stored.fileId())), "the blob was erased before approval");
    try (Session chief = TestVaults.login(vault)) { // a login resumes deletions: a request is not one of them
      assertEquals(List.of(), chief.certificates());
      assertEquals(List.of(request), chief.pendingDeletions());
      LogEntry entry = only(chief.logEntries(new LogQuery(null, null, WORKER, "DELETE_REQUEST")));
      assertTrue(entry.reason().contains(request.id()) && entry.reason().contains("approval"), entry::reason);
      assertEquals(List.of(), chief.logEntries(new LogQuery(null, null, null, "DELETE")).stream()
          .filter(e -> e.decision().equals("ALLOW")).toList());
    }
    assertTrue(Files.exists(TestVaults.blobOf(vault, stored.fileId())));
  }

  @Test
  void selfApproval_isRefusedAndLogged_andErasesNothing() {
    try (Session chief = TestVaults.login(vault)) {
      DeletionRequest own = chief.requestDeletion(PATH, false);
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> chief.approveDeletion(own.id()));
      assertTrue(e.getMessage().contains("self-approval"), e::getMessage);
      LogEntry refused = only(chief.logEntries(new LogQuery(null, null, CHIEF, "APPROVE")));
      assertEquals("DENY", refused.decision());
      assertTrue(refused.reason().contains(own.id()), refused::reason);
      assertEquals(1, chief.pendingDeletions().size());
    }
    assertTrue(Files.exists(TestVaults.blobOf(vault, stored.fileId())));
  }

  @Test
  void aWorker_cannotApprove_evenAnotherUsersRequest() {
    String id;
    try (Session chief = TestVaults.login(vault)) {
      id = chief.requestDeletion(PATH, false).id();
    }
    try (Session worker = login(WORKER)) {
      assertThrows(AccessDeniedException.class, () -> worker.approveDeletion(id));
      assertEquals(List.of(), worker.pendingDeletions(), "a worker lists only their own requests");
    }
    try (Session chief = TestVaults.login(vault)) {
      assertEquals("DENY", only(chief.logEntries(new LogQuery(null, null, WORKER, "APPROVE"))).decision());
    }
    assertTrue(Files.exists(TestVaults.blobOf(vault, stored.fileId())));
  }

  @Test
  void aChiefApproves_andTheCertificateNamesRequesterAndApprover_andVerifiesWithOpenssl() throws Exception {
    String id;
    try (Session worker = login(WORKER)) {
      id = worker.requestDeletion(PATH, false).id();
    }
    DeletionCertificate cert;
    try (Session chief = TestVaults.login(vault)) {
      cert = chief.approveDeletion(id);
      assertEquals(id, cert.id(), "the certificate's id is the request's");
      assertThrows(NotFoundException.class, () -> chief.stat(PATH));
      assertEquals(List.of(), chief.pendingDeletions());
      LogEntry approved = only(chief.logEntries(new LogQuery(null, null, CHIEF, "APPROVE")));
      assertEquals("ALLOW", approved.decision());
      assertTrue(approved.reason().contains(id) && approved.reason().contains(WORKER), approved::reason);
      assertThrows(NotFoundException.class, () -> chief.approveDeletion(id), "a request approved twice");
    }
    assertFalse(Files.exists(TestVaults.blobOf(vault, stored.fileId())), "the blob survived the approval");
    JsonObject header = JsonParser.parseString(cert.json()).getAsJsonObject();
    assertEquals(WORKER, header.get("operator").getAsString());
    assertEquals(CHIEF, header.get("approver").getAsString());
    assertEquals(WORKER, cert.body().header().operator());
    assertEquals(CHIEF, cert.body().header().approver());

    Path out = dir.resolve("certs");
    Path json = cert.write(out, "cert");
    Path pem = Files.writeString(dir.resolve("vault.pub.pem"), vault.publicKeyPem());
    assertEquals(0, DeletionTest.openssl(pem, json, out.resolve("cert.json.sig")), "openssl rejected the certificate");
    byte[] forged = Files.readAllBytes(json);
    int at = new String(forged, StandardCharsets.UTF_8).indexOf("\"approver\":\"") + 12;
    forged[at] = (byte) 'x';
    Files.write(json, forged);
    assertTrue(DeletionTest.openssl(pem, json, out.resolve("cert.json.sig")) != 0, "openssl accepted a changed approver");
  }

  @Test
  void reject_leavesTheFile_isLogged_andTheFileMayBeRequestedAgain() {
    String id;
    try (Session worker = login(WORKER)) {
      id = worker.requestDeletion(PATH, false).id();
    }
    try (Session chief = TestVaults.login(vault)) {
      DeletionRequest rejected = chief.rejectDeletion(id, "still needed for the audit");
      assertEquals(WORKER, rejected.requester());
      assertEquals(List.of(), chief.pendingDeletions());
      assertArrayEquals(CONTENT, TestVaults.readAll(chief, PATH));
      LogEntry entry = only(chief.logEntries(new LogQuery(null, null, CHIEF, "APPROVE")));
      assertTrue(entry.reason().startsWith("rejected deletion " + id) && entry.reason().contains("still needed"), entry::reason);
      assertThrows(NotFoundException.class, () -> chief.approveDeletion(id), "a rejected request was approved");
      assertEquals(List.of(), chief.certificates());
    }
    assertTrue(Files.exists(TestVaults.blobOf(vault, stored.fileId())));
    try (Session worker = login(WORKER)) {
      assertEquals(1, worker.requestDeletion(PATH, false).versions(), "the rejected request still holds the file");
    }
  }

  @Test
  void theRule_isSealed_anEditOfKinkoJsonTurningItOff_isRefusedAtLogin() throws Exception {
    vault.close();
    Path descriptor = vaultDir.resolve("kinko.json");
    String json = Files.readString(descriptor);
    assertTrue(json.contains("\"approval\": \"two-person\""), json);
    Files.writeString(descriptor, json.replace("\"approval\": \"two-person\"", "\"approval\": \"none\""));
    vault = TestVaults.open(vaultDir);
    assertThrows(IntegrityException.class, () -> login(WORKER));
  }

  @Test
  void aRequest_markedApprovedInTheDatabase_erasesNothing_andIsAnIncident() throws Exception {
    String id;
    try (Session worker = login(WORKER)) {
      id = worker.requestDeletion(PATH, false).id();
    }
    vault.close();
    vault = null;
    try (Connection c = TestDatabase.connect(vaultDir)) {
      assertEquals(1, c.createStatement().executeUpdate("UPDATE deletions SET state = 'PENDING', approver = 'suzuki' WHERE batch_id = '"
          + id + "'"));
    }
    vault = TestVaults.open(vaultDir);
    try (Session chief = TestVaults.login(vault)) { // the login would finish a PENDING batch
      assertTrue(Files.exists(TestVaults.blobOf(vault, stored.fileId())), "a forged approval erased the file");
      assertEquals(List.of(), chief.certificates());
      assertFalse(chief.logEntries(new LogQuery(null, null, CHIEF, "INCIDENT")).isEmpty(), "no INCIDENT for a forged approval");
      assertThrows(IntegrityException.class, () -> chief.approveDeletion(id));
    }
  }

  @Test
  void aCrashBetweenApprovalAndCertificate_isFinishedAtTheNextLogin_namingBoth() throws Exception {
    String id = requestAsWorker();
    vault.close();
    vault = null;

    approveInAJvmThatCrashesAfterTheApproval(id);

    vault = TestVaults.open(vaultDir);
    try (Session worker = login(WORKER)) {
      assertThrows(NotFoundException.class, () -> worker.stat(PATH), "the approved deletion was not finished at login");
    }
    assertFalse(Files.exists(TestVaults.blobOf(vault, stored.fileId())));
    try (Session chief = TestVaults.login(vault)) {
      DeletionCertificate cert = only(chief.certificates());
      assertEquals(id, cert.id());
      assertEquals(WORKER, cert.body().header().operator());
      assertEquals(CHIEF, cert.body().header().approver());
      DeletionCertificate.verify(cert.bytes(), cert.signature(), vault.publicKeyPem());
    }
  }

  @Test
  void theApprover_changedInTheDatabaseAfterACrash_isRefusedAsAnIncident_andNoCertificateNamesTheForgery() throws Exception {
    String id = requestAsWorker();
    vault.close();
    vault = null;
    approveInAJvmThatCrashesAfterTheApproval(id);
    try (Connection c = TestDatabase.connect(vaultDir)) {
      assertEquals(1, c.createStatement().executeUpdate("UPDATE deletions SET approver = 'mallory' WHERE batch_id = '" + id + "'"));
    }

    vault = TestVaults.open(vaultDir);
    try (Session chief = TestVaults.login(vault)) {
      assertEquals(List.of(), chief.certificates(), "a certificate was issued over an edited approver");
      assertFalse(chief.logEntries(new LogQuery(null, null, CHIEF, "INCIDENT")).isEmpty());
    }
    assertTrue(Files.exists(TestVaults.blobOf(vault, stored.fileId())), "the blob was erased on an edited row");
  }

  @Test
  void theRuleOff_keepsTodaysRm_andTheCertificateNamesOnePerson() {
    Path plain = dir.resolve("plain");
    try (Vault off = TestVaults.create(plain); Session admin = TestVaults.login(off)) {
      assertEquals(DeletionApproval.NONE, off.deletionApproval());
      TestVaults.put(admin, "x.txt", "x".getBytes());
      DeletionCertificate cert = admin.delete("x.txt");
      assertEquals(CHIEF, cert.body().header().operator());
      assertEquals(CHIEF, cert.body().header().approver());
      assertEquals(List.of(), admin.logEntries(new LogQuery(null, null, null, "APPROVE")));
    }
  }

  /** The chief approves {@code id} in a JVM of its own, halted once the approval is durable and before anything is erased. */
  private void approveInAJvmThatCrashesAfterTheApproval(String id) throws Exception {
    Process p = TestVaults.java(List.of(), CrashApproveTarget.class, vaultDir.toString(), id, "approved").redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(HaltAtStep.EXIT, p.exitValue(), "the approval did not crash: " + output);
  }

  @Test
  void aVaultFromBeforeV11_withCertifiedDeletions_migratesAndItsStateStillVerifies() throws Exception {
    Path plain = dir.resolve("plain");
    try (Vault off = TestVaults.create(plain); Session admin = TestVaults.login(off)) {
      TestVaults.put(admin, "x.txt", "x".getBytes());
      admin.delete("x.txt");
    }
    // Back to schema 10, as a vault made before this change: V11 and every later migration undone.
    try (Connection c = TestDatabase.connect(plain)) {
      TestDatabase.backToSchema10(c);
    }
    try (Vault migrated = TestVaults.open(plain); Session admin = TestVaults.login(migrated)) {
      admin.verifyLog(null); // checks every state row, the certified deletion's included, against the commitment
      assertEquals(1, admin.certificates().size());
      TestVaults.put(admin, "y.txt", "y".getBytes());
      assertEquals(CHIEF, admin.delete("y.txt").body().header().approver());
    }
  }

  private String requestAsWorker() {
    try (Session worker = login(WORKER)) {
      return worker.requestDeletion(PATH, false).id();
    }
  }

  private Session login(String user) {
    try (Password p = Password.copyOf(STAFF_PASSWORD)) {
      return vault.login(user, p);
    }
  }

  private static <T> T only(List<T> list) {
    assertEquals(1, list.size(), () -> "expected one, got " + list);
    return list.get(0);
  }
}
