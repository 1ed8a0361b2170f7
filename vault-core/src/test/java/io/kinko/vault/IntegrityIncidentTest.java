package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.incident.IncidentReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of tampering ends in an INCIDENT entry that names its own integrity rule. */
class IntegrityIncidentTest {
  @TempDir Path dir;

  @Test
  void aFlippedBlobByte_isIntegrityBlob_withThePutEntryOfItsVersion() throws Exception {
    Path v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      FileInfo stored = TestVaults.put(s, "申請書/a.txt", TestVaults.randomBytes(3, 5000));
      Path blob = TestVaults.blobOf(vault, stored.fileId());
      byte[] bytes = Files.readAllBytes(blob);
      bytes[bytes.length - 20] ^= 1;
      Files.write(blob, bytes);
      IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.readAll(s, "申請書/a.txt"));
      assertEquals(IncidentRule.INTEGRITY_BLOB, e.rule());
      long put = s.logEntries(new LogQuery(null, null, null, "PUT")).get(0).seq();
      IncidentReason incident = only(s);
      assertEquals(IncidentRule.INTEGRITY_BLOB, incident.rule());
      assertEquals(List.of(put), incident.evidence());
      assertTrue(!incident.detail().contains("申請書"), incident.detail());
    }
  }

  @Test
  void aFlippedByteInALargeBlob_transferredToAChannel_isIntegrityBlob_once() throws Exception {
    Path v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      byte[] content = TestVaults.randomBytes(4, (3 << 20) + 11);
      FileInfo stored = TestVaults.put(s, "large.bin", content);
      Path blob = TestVaults.blobOf(vault, stored.fileId());
      byte[] bytes = Files.readAllBytes(blob);
      bytes[bytes.length - (1 << 20)] ^= 1; // in the third segment
      Files.write(blob, bytes);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.transferInto(s, "large.bin", out));
      assertEquals(IncidentRule.INTEGRITY_BLOB, e.rule());
      assertEquals(IncidentRule.INTEGRITY_BLOB, only(s).rule());
      int twoSegments = ((1 << 20) - 56) + ((1 << 20) - 16); // the first (after Tink's 40-byte header) and a full one, less their tags
      assertEquals(twoSegments, out.size(), "the two segments before the forged one, and nothing of it");
    }
  }

  @Test
  void anEditedDescriptor_isIntegrityDescriptor() throws Exception {
    Path v = dir.resolve("vault");
    TestVaults.create(v).close();
    Path descriptor = v.resolve("kinko.json");
    Files.writeString(descriptor, Files.readString(descriptor).replace("2027-03-31", "2026-03-31"));
    try (Vault vault = TestVaults.open(v)) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.login(vault));
      assertEquals(IncidentRule.INTEGRITY_DESCRIPTOR, e.rule());
    }
    assertEquals(List.of("integrity.descriptor"), incidentRules(v));
  }

  @Test
  void anEditedStateRow_isIntegrityState() throws Exception {
    Path v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault);
         Password p = Password.copyOf("mizuiro kumo 2026 sora".toCharArray())) {
      s.administration().addUser("bob", Role.WORKER, p, null);
    }
    try (Connection c = TestDatabase.connect(v)) {
      c.createStatement().executeUpdate("UPDATE users SET role = 'ADMIN' WHERE name = 'bob'");
    }
    try (Vault vault = TestVaults.open(v); Password p = Password.copyOf("mizuiro kumo 2026 sora".toCharArray())) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> vault.login("bob", p));
      assertEquals(IncidentRule.INTEGRITY_STATE, e.rule());
    }
    assertEquals(List.of("integrity.state"), incidentRules(v));
  }

  @Test
  void aRolledBackDatabase_isIntegrityRollback_recordedInTheLogItRefuses() throws Exception {
    Path v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes());
    }
    TestDatabase.Backup older = TestDatabase.backup(v, dir.resolve("db-copy"));
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "b.txt", "b".getBytes());
    }
    older.restore();
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(v));
    assertEquals(IncidentRule.INTEGRITY_ROLLBACK, e.rule());
    assertEquals(List.of("integrity.rollback"), incidentRules(v));
  }

  private static IncidentReason only(Session s) {
    List<LogEntry> incidents = s.logEntries(new LogQuery(null, null, null, "INCIDENT"));
    assertEquals(1, incidents.size(), incidents.toString());
    return IncidentReason.parse(incidents.get(0).reason());
  }

  /** The rules of the INCIDENT entries, read with H2's own tools (the vault may refuse to open). */
  private static List<String> incidentRules(Path v) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = TestDatabase.connect(v);
         ResultSet r = c.createStatement().executeQuery("SELECT entry FROM log_entries WHERE action = 'INCIDENT' ORDER BY seq")) {
      while (r.next()) {
        LogEntry entry = io.kinko.vault.audit.EntryCodec.decode(r.getBytes(1));
        out.add(IncidentReason.parse(entry.reason()).rule().id());
      }
    }
    return out;
  }
}
