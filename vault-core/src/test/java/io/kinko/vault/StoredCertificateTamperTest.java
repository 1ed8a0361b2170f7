package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The vault keeps every certificate it issued ({@code cert list}, {@code cert export}, a
 * disposal's archive, the monthly report's list). Those rows are no part of the vault's state: one
 * edited while the vault was closed went to the auditor as it was, whose check then refused it,
 * and a signature that is not Base64 failed the listing with a bare IllegalArgumentException.
 * Each is now verified under the vault's key before anyone gets it: an edit is an
 * IntegrityException naming the certificate, with an INCIDENT.
 */
class StoredCertificateTamperTest extends VaultTest {
  private String certified() {
    TestVaults.put(session, "申請書.txt", "山田太郎".getBytes(StandardCharsets.UTF_8));
    String id = session.delete("申請書.txt").id();
    assertEquals(List.of(id), session.certificates().stream().map(DeletionCertificate::id).toList());
    return id;
  }

  private void set(String column, String value, String id) throws SQLException {
    try (Connection c = TestDatabase.connect(vault.directory());
         PreparedStatement s = c.prepareStatement("UPDATE certificates SET " + column + " = ? WHERE cert_id = ?")) {
      s.setString(1, value);
      s.setString(2, id);
      assertEquals(1, s.executeUpdate());
    }
  }

  private String column(String column, String id) throws SQLException {
    try (Connection c = TestDatabase.connect(vault.directory());
         PreparedStatement s = c.prepareStatement("SELECT " + column + " FROM certificates WHERE cert_id = ?")) {
      s.setString(1, id);
      try (java.sql.ResultSet r = s.executeQuery()) {
        assertTrue(r.next());
        return r.getString(1);
      }
    }
  }

  private void refusedWithAnIncident(String id) {
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.certificates());
    assertTrue(e.getMessage().contains("the certificate " + id + " that the vault keeps does not verify"), e.getMessage());
    assertEquals(IncidentRule.INTEGRITY_OTHER, e.rule());
    assertTrue(session.logEntries(new LogQuery(null, null, null, "INCIDENT")).stream().anyMatch(i -> i.reason().contains(id)),
        "no INCIDENT names the certificate");
  }

  @Test
  void aCertificatesBodyEdited_isRefusedBeforeAnyoneGetsIt() throws SQLException {
    String id = certified();
    String body = column("body", id);
    set("body", body.replace("\"operator\":\"" + TestVaults.ADMIN + "\"", "\"operator\":\"eve\""), id);
    assertTrue(!column("body", id).equals(body), "the edit did not change the body");
    refusedWithAnIncident(id);
  }

  @Test
  void aSignatureThatIsNotBase64_isRefusedAsAnEdit_notABareFailure() throws SQLException {
    String id = certified();
    set("signature", column("signature", id) + "x", id);
    refusedWithAnIncident(id);
  }

  @Test
  void aCertificateFiledUnderAnotherId_isRefused() throws SQLException {
    String id = certified();
    String other = "0".repeat(32);
    set("cert_id", other, id);
    refusedWithAnIncident(other);
  }

  /** Another vault's certificate, signed by its own key, copied in beside this vault's. */
  @Test
  void anotherVaultsCertificateCopiedIn_isRefused() throws SQLException {
    certified();
    Path elsewhere = dir.resolve("other");
    String foreign;
    String body;
    String signature;
    try (Vault other = TestVaults.create(elsewhere); Session s = TestVaults.login(other)) {
      TestVaults.put(s, "x.txt", "x".getBytes(StandardCharsets.UTF_8));
      DeletionCertificate c = s.delete("x.txt");
      foreign = c.id();
      body = c.json();
      signature = java.util.Base64.getEncoder().encodeToString(c.signature());
    }
    try (Connection c = TestDatabase.connect(vault.directory());
         PreparedStatement s = c.prepareStatement("INSERT INTO certificates (cert_id, issued_at, kind, body, signature) VALUES (?, ?, ?, ?, ?)")) {
      s.setString(1, foreign);
      s.setLong(2, System.currentTimeMillis());
      s.setString(3, "deletion");
      s.setString(4, body);
      s.setString(5, signature);
      assertEquals(1, s.executeUpdate());
    }
    refusedWithAnIncident(foreign);
  }

  /** A certified deletion still names its certificate: the row deleted is missed, not listed around. */
  @Test
  void aCertificatesRowDeleted_isMissedByTheListing() throws SQLException {
    String id = certified();
    try (Connection c = TestDatabase.connect(vault.directory())) {
      assertEquals(1, c.createStatement().executeUpdate("DELETE FROM certificates WHERE cert_id = '" + id + "'"));
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.certificates());
    assertTrue(e.getMessage().contains("the certificate " + id + " of a certified deletion is missing"), e.getMessage());
    assertTrue(session.logEntries(new LogQuery(null, null, null, "INCIDENT")).stream().anyMatch(i -> i.reason().contains(id)),
        "no INCIDENT names the certificate");
  }
}
