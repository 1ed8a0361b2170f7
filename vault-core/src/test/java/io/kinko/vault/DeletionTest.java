package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kinko.vault.erase.DeletionState;
import io.kinko.vault.erase.HaltAtStep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeletionTest extends VaultTest {
  @Test
  void delete_destroysEveryVersion_andItsCertificateVerifiesWithOpensslAndWithoutAVault() throws Exception {
    byte[] v1 = "山田太郎 v1".getBytes(StandardCharsets.UTF_8);
    byte[] v2 = "山田太郎 v2".getBytes(StandardCharsets.UTF_8);
    FileInfo first = TestVaults.put(session, "申請書/山田.txt", v1);
    FileInfo second = TestVaults.put(session, "申請書/山田.txt", v2);
    Path blob1 = TestVaults.blobOf(vault, first.fileId());
    Path blob2 = TestVaults.blobOf(vault, second.fileId());

    DeletionCertificate cert = session.delete("申請書/山田.txt");

    assertFalse(Files.exists(blob1) || Files.exists(blob2), "a blob survived");
    assertThrows(NotFoundException.class, () -> session.stat("申請書/山田.txt"));
    assertEquals(List.of(), session.versions("申請書/山田.txt"));
    JsonObject json = JsonParser.parseString(cert.json()).getAsJsonObject();
    JsonArray items = json.getAsJsonArray("items");
    assertEquals(2, items.size());
    for (var element : items) {
      JsonObject item = element.getAsJsonObject();
      byte[] content = item.get("fileId").getAsString().equals(first.fileId()) ? v1 : v2;
      assertFalse(item.has("contentSha256"), "an unkeyed digest of the content is back");
      assertNotEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)), item.get("contentCommitment").getAsString());
      assertEquals("HMAC-SHA256, per-file key destroyed with the file", item.get("commitmentMethod").getAsString());
      assertEquals("pass", item.getAsJsonObject("verification").get("result").getAsString());
    }
    assertFalse(cert.json().contains("山田"), "the certificate carries a plaintext name");
    assertEquals("Purge", json.getAsJsonObject("method").get("type").getAsString());
    assertTrue(json.getAsJsonObject("media").has("caveat"));
    assertEquals(2, session.logEntries(new LogQuery(null, null, null, "DELETE")).size());

    Path out = dir.resolve("certs");
    Path certFile = cert.write(out, "cert");
    Path pem = Files.writeString(dir.resolve("vault.pub.pem"), vault.publicKeyPem());
    assertEquals(0, openssl(pem, certFile, out.resolve("cert.json.sig")), "openssl rejected a genuine certificate");
    DeletionCertificate.Verified verified = DeletionCertificate.verify(Files.readAllBytes(certFile), Files.readAllBytes(out.resolve("cert.json.sig")), vault.publicKeyPem());
    assertEquals(2, verified.items());

    byte[] forged = Files.readAllBytes(certFile);
    forged[forged.length / 2] ^= 1;
    Files.write(certFile, forged);
    assertNotEquals(0, openssl(pem, certFile, out.resolve("cert.json.sig")), "openssl accepted a forged certificate");
    assertThrows(IntegrityException.class, () -> DeletionCertificate.verify(forged, cert.signature(), vault.publicKeyPem()));
  }

  @Test
  void deleteTree_coversEveryFileBelowTheFolder_withOneCertificate() {
    TestVaults.put(session, "案件/a.txt", "a".getBytes());
    TestVaults.put(session, "案件/sub/b.txt", "b".getBytes());
    TestVaults.put(session, "案件/sub/b.txt", "b2".getBytes());
    TestVaults.put(session, "他/c.txt", "c".getBytes());
    DeletionCertificate cert = session.deleteTree("案件");
    assertEquals(3, JsonParser.parseString(cert.json()).getAsJsonObject().getAsJsonArray("items").size());
    assertEquals(List.of("他/c.txt"), session.list("").stream().map(FileInfo::path).toList());
    assertEquals(1, session.certificates().size());
    DeletionCertificate.verify(cert.bytes(), cert.signature(), vault.publicKeyPem());
  }

  @Test
  void delete_withoutADeleteGrant_isDeniedLoggedAndDestroysNothing() {
    FileInfo stored = TestVaults.put(session, "x.txt", "x".getBytes());
    try (Password p = Password.wrap("a long staff password 1".toCharArray())) {
      session.administration().addUser("bob", Role.WORKER, p, null);
    }
    session.administration().grant("bob", "", EnumSet.of(Permission.READ));
    try (Password p = Password.wrap("a long staff password 1".toCharArray()); Session bob = vault.login("bob", p)) {
      assertThrows(AccessDeniedException.class, () -> bob.delete("x.txt"));
      assertThrows(AccessDeniedException.class, () -> bob.deleteTree(""));
    }
    assertTrue(Files.exists(TestVaults.blobOf(vault, stored.fileId())));
    assertEquals("x", new String(TestVaults.readAll(session, "x.txt")));
    assertEquals(List.of("DENY", "DENY"), session.logEntries(new LogQuery(null, null, "bob", "DELETE")).stream().map(LogEntry::decision).toList());
  }

  @Test
  void deleteTree_withoutAGrant_isDeniedAlike_whetherOrNotAnythingIsThere() {
    TestVaults.put(session, "山田太郎/a.txt", "a".getBytes());
    try (Password p = Password.wrap("a long staff password 1".toCharArray())) {
      session.administration().addUser("bob", Role.WORKER, p, null);
    }
    try (Password p = Password.wrap("a long staff password 1".toCharArray()); Session bob = vault.login("bob", p)) {
      AccessDeniedException there = assertThrows(AccessDeniedException.class, () -> bob.deleteTree("山田太郎"));
      AccessDeniedException absent = assertThrows(AccessDeniedException.class, () -> bob.deleteTree("佐藤花子"));
      assertEquals(there.getMessage(), absent.getMessage(), "the refusal tells whether the folder exists");
    }
  }

  @Test
  void delete_logsItsRequest_beforeAnythingIsDestroyed() {
    TestVaults.put(session, "x.txt", "x".getBytes());
    session.delete("x.txt");
    List<String> actions = session.logEntries(LogQuery.ALL).stream().map(LogEntry::action)
        .filter(a -> a.startsWith("DELETE")).toList();
    assertEquals(List.of("DELETE_REQUEST", "DELETE"), actions);
  }

  @Test
  void delete_ofNothing_isNotFound() {
    assertThrows(NotFoundException.class, () -> session.delete("none.txt"));
    assertThrows(NotFoundException.class, () -> session.deleteTree("empty"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"pending", "erased", "unlinked", "logged", "signed"})
  void aCrashAtAnyStep_isFinishedAtTheNextLogin_withOneCertificateAndNoSurvivingBlob(String step) throws Exception {
    FileInfo v1 = TestVaults.put(session, "台帳.csv", "1".getBytes());
    FileInfo v2 = TestVaults.put(session, "台帳.csv", "2".getBytes());
    TestVaults.put(session, "kept.txt", "kept".getBytes());
    session.close();
    vault.close();
    session = null;
    Path v = dir.resolve("vault");

    Process p = TestVaults.java(List.of(), CrashDeleteTarget.class, v.toString(), "台帳.csv", step)
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(HaltAtStep.EXIT, p.exitValue(), "the deletion did not crash at '" + step + "': " + output);
    assertEquals(LEFT_BY_A_CRASH_AT.get(step), deletionStates(v), "what a crash at '" + step + "' left on disk");

    vault = TestVaults.open(v);
    session = TestVaults.login(vault);
    assertFalse(Files.exists(TestVaults.blobOf(vault, v1.fileId())) || Files.exists(TestVaults.blobOf(vault, v2.fileId())));
    assertEquals(List.of("kept.txt"), session.list("").stream().map(FileInfo::path).toList());
    List<DeletionCertificate> certs = session.certificates();
    assertEquals(1, certs.size(), "expected exactly one certificate after a crash at " + step);
    DeletionCertificate.Verified verified = DeletionCertificate.verify(certs.get(0).bytes(), certs.get(0).signature(), vault.publicKeyPem());
    assertEquals(2, verified.items());
    assertEquals(2, session.logEntries(new LogQuery(null, null, null, "DELETE")).size(), "one DELETE entry per version");
    session.verifyLog(null);
  }

  /** The rows' states (by file id) that each step has made durable when the JVM halts there. */
  private static final Map<String, List<DeletionState>> LEFT_BY_A_CRASH_AT = Map.of(
      "pending", List.of(DeletionState.PENDING, DeletionState.PENDING),
      "erased", List.of(DeletionState.UNLINKED, DeletionState.PENDING),
      "unlinked", List.of(DeletionState.UNLINKED, DeletionState.UNLINKED),
      "logged", List.of(DeletionState.LOGGED, DeletionState.LOGGED),
      "signed", List.of(DeletionState.LOGGED, DeletionState.LOGGED));

  /** Read around the library, with no vault open. */
  private static List<DeletionState> deletionStates(Path vaultDir) throws SQLException {
    List<DeletionState> states = new ArrayList<>();
    try (Connection c = TestDatabase.connect(vaultDir); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT state FROM deletions ORDER BY file_id")) {
      while (r.next()) {
        states.add(DeletionState.valueOf(r.getString(1)));
      }
    }
    return states;
  }

  static int openssl(Path pem, Path json, Path sig) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem.toString(),
        "-in", json.toString(), "-sigfile", sig.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }
}
