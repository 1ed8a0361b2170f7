package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded vault's log journal edited, truncated, swapped or deleted while the vault is
 * closed, or the database's copy of the log edited with H2's own tools: opening refuses, or
 * verification refuses and logs an INCIDENT. Never a silently shorter or different log.
 */
class JournalTamperTest {
  @TempDir Path dir;
  private Path v;
  private Path journal;

  @BeforeEach
  void vaultWithAFewEntries() {
    v = dir.resolve("vault");
    journal = v.resolve("db/log.journal");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
      s.stat("a.txt");
      s.checkpoint(); // the entries a test edits are signed: opening holds those after it to their tree (TailCheck)
    }
  }

  @Test
  void open_withTheJournalTruncatedBeforeTheDatabasesLastEntry_isRefused() throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
      f.setLength(journalEnd() - 10);
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(v));
    assertTrue(e.getMessage().contains("journal"), e.getMessage());
  }

  @Test
  void open_withTheJournalDeleted_isRefused() throws IOException {
    Files.delete(journal);
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(v));
    assertTrue(e.getMessage().contains("journal") && e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void open_withAnotherVaultsJournal_isRefused() {
    Path other = dir.resolve("other");
    try (Vault vault = TestVaults.create(other); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "b.txt", "b".getBytes(StandardCharsets.UTF_8));
      s.stat("b.txt");
      s.stat("b.txt");
    }
    assertThrows(IntegrityException.class, () -> {
      Files.copy(other.resolve("db/log.journal"), journal, StandardCopyOption.REPLACE_EXISTING);
      TestVaults.open(v);
    });
  }

  @Test
  void open_withADamagedJournalHeader_isRefused() throws IOException {
    flipByteAt(20);
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(v));
    assertTrue(e.getMessage().contains("header"), e.getMessage());
  }

  @Test
  void verify_ofAJournalRecordEditedInTheMiddle_isRefusedAndLogsAnIncident() throws IOException {
    flipByteAt(64 + 100); // inside the first record's entry
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> s.verifyLog(null));
      assertTrue(e.getMessage().contains("journal"), e.getMessage());
      assertIncidentLogged(s);
    }
  }

  @Test
  void verify_ofADatabaseEntryEditedWithH2_isRefusedAndLogsAnIncident() throws SQLException {
    try (Connection c = TestDatabase.connect(v)) {
      // The edit stays consistent inside the database: its leaf hash is rewritten to match.
      ResultSet r = c.createStatement().executeQuery("SELECT seq, entry FROM log_entries WHERE action = 'STAT'");
      assertTrue(r.next());
      long seq = r.getLong(1);
      byte[] forged = new String(r.getBytes(2), StandardCharsets.UTF_8).replace("\"STAT\"", "\"LIST\"").getBytes(StandardCharsets.UTF_8);
      TestDatabase.setEntry(c, seq, forged);
      TestDatabase.setLeaf(c, seq, io.kinko.vault.audit.Merkle.leafHash(forged));
      c.createStatement().execute("DELETE FROM log_checkpoints");
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> s.verifyLog(null));
      assertTrue(e.getMessage().contains("differs between the log journal and the database"), e.getMessage());
      assertIncidentLogged(s);
    }
  }

  /**
   * Verification compares the database's bytes with the journal's, and then trusts the journal's hash of its own
   * bytes: one character of one row changed with H2 (nothing else) must differ, whether the new one is ASCII, wider in
   * UTF-8, or a character whose low byte is the old one's ('\u0154' and 'T' share 0x54).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"U", "\u00e9", "\u0154"})
  void verify_ofOneCharacterOfADatabaseEntryChangedWithH2_isRefused(String replacement) throws SQLException {
    try (Connection c = TestDatabase.connect(v)) {
      ResultSet r = c.createStatement().executeQuery("SELECT seq, entry FROM log_entries WHERE action = 'STAT'");
      assertTrue(r.next());
      long seq = r.getLong(1);
      String entry = new String(r.getBytes(2), StandardCharsets.UTF_8);
      String forged = entry.replace("\"STAT\"", "\"STA" + replacement + "\"");
      assertEquals(entry.length(), forged.length());
      TestDatabase.setEntry(c, seq, forged.getBytes(StandardCharsets.UTF_8));
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> s.verifyLog(null));
      assertTrue(e.getMessage().contains("differs between the log journal and the database"), e.getMessage());
      assertIncidentLogged(s);
    }
  }

  /**
   * Bytes that are not UTF-8 are no entry a vault ever writes, and Java decodes them as U+FFFD, or as a '?' and more:
   * a '?' of a database entry replaced with H2 by the three bytes of a lone surrogate (CESU-8's 0xED 0xA0 0x80) no
   * longer parses, so a report or a listing would fail on it later, with no INCIDENT. Verification must see the edit.
   */
  @Test
  void verify_ofAQuestionMarkOfADatabaseEntryReplacedByBytesThatAreNotUtf8_isRefused() throws SQLException {
    try (Vault vault = TestVaults.open(v, "why?"); Session s = TestVaults.login(vault)) {
      s.stat("a.txt"); // an entry whose client application is "why?"
      s.checkpoint();
    }
    try (Connection c = TestDatabase.connect(v)) {
      ResultSet r = c.createStatement().executeQuery("SELECT seq FROM log_entries WHERE action = 'STAT' ORDER BY seq DESC");
      assertTrue(r.next(), "no STAT entry");
      long seq = r.getLong(1);
      String entry = TestDatabase.entryText(c, seq);
      assertTrue(entry.contains("\"app\":\"why?\""), entry);
      int question = entry.substring(0, entry.indexOf("\"app\":\"why?\"") + 10).getBytes(StandardCharsets.UTF_8).length;
      byte[] forged = TestDatabase.splice(entry.getBytes(StandardCharsets.UTF_8), question, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80});
      TestDatabase.setEntry(c, seq, forged);
      assertTrue(TestDatabase.entryText(c, seq).contains("\"app\":\"why\ufffd"), "the database did not keep the bytes");
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> s.verifyLog(null));
      assertTrue(e.getMessage().contains("differs between the log journal and the database"), e.getMessage());
      assertIncidentLogged(s);
    }
  }

  /** A leaf row edited into something that is not a hash (3 bytes) is an altered entry (an INCIDENT), not a parse error. */
  @Test
  void verify_ofALeafRowThatIsNotAHash_isRefusedAndLogsAnIncident() throws SQLException {
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      s.stat("a.txt");
    }
    try (Connection c = TestDatabase.connect(v)) {
      TestDatabase.setLeaf(c, 1, new byte[] {1, 2, 3});
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> s.verifyLog(null));
      assertTrue(e.getMessage().contains("log entry 1 "), e.getMessage());
      assertIncidentLogged(s);
    }
  }

  /**
   * Verification starts its page readers before it checks the checkpoints' signatures, so a forged checkpoint fails
   * while the readers are reading the database. Stopping them must not interrupt them: an interrupted read closes H2's
   * file channel, and the INCIDENT of the forgery could then not be written (the vault reported a database error and
   * logged nothing). A log of a few pages, so that reads are in flight when the signature fails.
   */
  @Test
  void verify_ofAForgedCheckpointOnALogOfSeveralPages_isRefusedAndLogsAnIncident() throws SQLException {
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      for (int i = 0; i < 3_000; i++) {
        s.stat("a.txt");
      }
    }
    try (Connection c = TestDatabase.connect(v)) {
      ResultSet r = c.createStatement().executeQuery("SELECT tree_size, note FROM log_checkpoints ORDER BY tree_size DESC");
      assertTrue(r.next());
      long size = r.getLong(1);
      String note = r.getString(2);
      int at = note.lastIndexOf(' ') + 3; // a character of the last signature
      String forged = note.substring(0, at) + (note.charAt(at) == 'A' ? 'B' : 'A') + note.substring(at + 1);
      java.sql.PreparedStatement u = c.prepareStatement("UPDATE log_checkpoints SET note = ? WHERE tree_size = ?");
      u.setString(1, forged);
      u.setLong(2, size);
      assertEquals(1, u.executeUpdate());
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> s.verifyLog(null));
      assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
      List<LogEntry> incidents = s.logEntries(new LogQuery(null, null, null, "INCIDENT"));
      assertEquals(1, incidents.size(), "no INCIDENT entry");
      assertTrue(incidents.get(0).reason().contains("checkpoint"), incidents.get(0).reason());
    }
  }

  @Test
  void open_afterTheDatabaseLostItsLastEntries_replaysThemFromTheJournal() throws SQLException {
    long size;
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      size = s.logEntries(LogQuery.ALL).size();
    }
    try (Connection c = TestDatabase.connect(v)) {
      // What a crash leaves: the database's unsynced commits gone, the journal's synced records kept.
      ResultSet head = c.createStatement().executeQuery("SELECT tree_size, journal_end FROM log_head");
      assertTrue(head.next());
      long treeSize = head.getLong(1);
      long end = head.getLong(2);
      ResultSet last = c.createStatement().executeQuery("SELECT entry FROM log_entries WHERE seq = " + (treeSize - 1));
      assertTrue(last.next());
      int length = last.getBytes(1).length + 56; // a record is its entry and 56 bytes
      String prevLeaf = java.util.HexFormat.of().formatHex(io.kinko.vault.audit.Merkle.leafHash(lastButOne(c, treeSize)));
      c.createStatement().execute("DELETE FROM log_entries WHERE seq = " + (treeSize - 1));
      TestDatabase.deleteNodesFrom(c, treeSize - 1);
      c.createStatement().execute("UPDATE log_head SET tree_size = " + (treeSize - 1) + ", last_leaf = '" + prevLeaf
          + "', journal_end = " + (end - length));
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      List<LogEntry> all = s.logEntries(LogQuery.ALL);
      // The one entry taken from the database is back, and this query logged one more.
      assertEquals(size + 2, all.size());
      s.verifyLog(null);
    }
  }

  @Test
  void twoHandlesOnOneVaultInOneProcess_appendToOneChain() {
    try (Vault first = TestVaults.open(v); Vault second = TestVaults.open(v);
         Session a = TestVaults.login(first); Session b = TestVaults.login(second)) {
      for (int i = 0; i < 5; i++) {
        a.stat("a.txt");
        b.stat("a.txt");
      }
      a.verifyLog(null);
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      LogReport report = s.verifyLog(null);
      assertTrue(report.entriesChecked() > 10);
    }
  }

  private static byte[] lastButOne(Connection c, long treeSize) throws SQLException {
    ResultSet r = c.createStatement().executeQuery("SELECT entry FROM log_entries WHERE seq = " + (treeSize - 2));
    assertTrue(r.next());
    return r.getBytes(1);
  }

  private long journalEnd() throws SQLException {
    try (Connection c = TestDatabase.connect(v); ResultSet r = c.createStatement().executeQuery("SELECT journal_end FROM log_head")) {
      assertTrue(r.next());
      return r.getLong(1);
    }
  }

  private void flipByteAt(long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 1);
    }
  }

  private static void assertIncidentLogged(Session s) {
    List<LogEntry> incidents = s.logEntries(new LogQuery(null, null, null, "INCIDENT"));
    assertEquals(1, incidents.size(), "no INCIDENT entry");
    assertTrue(incidents.get(0).reason().contains("journal"), incidents.get(0).reason());
  }
}
