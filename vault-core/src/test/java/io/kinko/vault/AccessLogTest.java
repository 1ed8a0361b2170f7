package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AccessLogTest extends VaultTest {
  private List<LogEntry> entriesAfter(long seq) {
    return session.logEntries(LogQuery.ALL).stream().filter(e -> e.seq() > seq).toList();
  }

  private long lastSeq() {
    List<LogEntry> all = session.logEntries(LogQuery.ALL);
    return all.get(all.size() - 1).seq();
  }

  @Test
  void everyOperation_appendsExactlyOneEntry_withItsActorActionAndDecision() throws IOException {
    long before = lastSeq();
    FileInfo stored = TestVaults.put(session, "台帳/a.txt", "a".getBytes());
    try (InputStream in = session.get("台帳/a.txt")) {
      in.readAllBytes();
    }
    session.stat("台帳/a.txt");
    session.list("台帳");
    session.versions("台帳/a.txt");
    assertThrows(NotFoundException.class, () -> session.get("台帳/none.txt"));
    try (Password wrong = Password.wrap("wrong password!".toCharArray())) {
      assertThrows(AuthenticationException.class, () -> vault.login(TestVaults.ADMIN, wrong));
      assertThrows(AuthenticationException.class, () -> vault.login("nobody", wrong));
    }
    List<LogEntry> entries = entriesAfter(before);
    assertEquals(List.of("PUT", "GET", "STAT", "LIST", "VERSIONS", "GET", "LOGIN", "LOGIN", "LOG_SHOW"),
        entries.stream().map(LogEntry::action).toList());
    assertEquals(List.of("sato", "sato", "sato", "sato", "sato", "sato", "sato", "nobody", "sato"),
        entries.stream().map(LogEntry::actor).toList());
    assertEquals(List.of("ALLOW", "ALLOW", "ALLOW", "ALLOW", "ALLOW", "ALLOW", "DENY", "DENY", "ALLOW"),
        entries.stream().map(LogEntry::decision).toList());
    assertEquals(stored.fileId(), entries.get(0).fileId());
    assertEquals(stored.fileId(), entries.get(1).fileId());
    assertEquals(entries.get(0).nameTag(), entries.get(1).nameTag());
    assertEquals("not found", entries.get(5).reason());
    assertEquals("wrong password (1 of 5)", entries.get(6).reason());
    for (LogEntry e : entries) {
      assertTrue(!e.json().contains("台帳") && !e.json().contains("a.txt"), "a path leaked into the log: " + e.json());
      assertEquals(ProcessHandle.current().pid(), e.pid());
      assertEquals("kinko-library", e.application());
      assertTrue(e.keepUntil().isAfter(java.time.Instant.parse("2028-03-31T14:00:00Z")), e.keepUntil().toString());
    }
  }

  @Test
  void get_whenTheLogCannotBeWritten_failsAndReturnsNoByte_andPutStoresNothing() throws Exception {
    TestVaults.put(session, "kept.txt", "kept".getBytes());
    int blobsBefore = TestVaults.filesUnder(vault.directory().resolve("blobs")).size();
    long size = lastSeq() + 1;
    try (Connection c = sameDatabase()) {
      c.createStatement().execute("ALTER TABLE log_entries ADD CONSTRAINT refuse_appends CHECK (seq < " + size + ")");
    }
    if (TestDatabase.postgres()) {
      // The commit is the log's sync: the GET entry is refused, and so is the read.
      VaultException get = assertThrows(VaultException.class, () -> session.get("kept.txt"));
      assertTrue(get.getMessage().contains("log"), get.getMessage());
    } else {
      // The GET entry is durable in the journal, the log of record, before the database is asked
      // to take it; the read may then be refused (the database stopped following the journal) or
      // hand out the whole file, never part of it.
      try {
        assertArrayEquals("kept".getBytes(), TestVaults.readAll(session, "kept.txt"));
      } catch (VaultException e) {
        assertTrue(e.getMessage().contains("log"), e.getMessage());
      }
    }
    VaultException put = assertThrows(VaultException.class, () -> TestVaults.put(session, "new.txt", "new".getBytes()));
    assertTrue(put.getMessage().contains("log"), put.getMessage());
    assertThrows(VaultException.class, () -> session.list(""));
    try (Connection c = sameDatabase()) {
      c.createStatement().execute("ALTER TABLE log_entries DROP CONSTRAINT refuse_appends");
    }
    assertEquals(blobsBefore, TestVaults.filesUnder(vault.directory().resolve("blobs")).size(), "the refused put left a blob");
    assertThrows(NotFoundException.class, () -> session.stat("new.txt"));
    // Nothing else was appended while appends were refused: the first entries after them are this
    // query's own (on the embedded database after the GET entry, which the journal had and the
    // database took once it could).
    List<String> after = TestDatabase.postgres() ? List.of("STAT", "LOG_SHOW") : List.of("GET", "STAT", "LOG_SHOW");
    assertEquals(after, entriesAfter(size - 1).stream().map(LogEntry::action).toList());
    session.verifyLog(null);
  }

  @Test
  void concurrentSessions_appendOneGaplessChain_thatVerifies() throws Exception {
    TestVaults.put(session, "shared.txt", "x".getBytes());
    long before = lastSeq();
    int threads = 8;
    int each = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Integer>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(pool.submit((Callable<Integer>) () -> {
        try (Session s = TestVaults.login(vault)) {
          for (int i = 0; i < each; i++) {
            s.stat("shared.txt");
          }
        }
        return each;
      }));
    }
    for (Future<Integer> f : done) {
      assertEquals(each, f.get());
    }
    pool.shutdown();
    List<LogEntry> entries = entriesAfter(before);
    long stats = entries.stream().filter(e -> e.action().equals("STAT")).count();
    assertEquals(threads * each, stats);
    for (int i = 0; i < entries.size(); i++) {
      assertEquals(before + 1 + i, entries.get(i).seq(), "sequence has a gap or duplicate");
    }
    LogReport report = session.verifyLog(null);
    assertEquals(report.treeSize(), report.entriesChecked());
    assertTrue(report.treeSize() > before + threads * each);
  }

  @Test
  void verify_ofAnEditedEntry_namesItsSequenceNumber() throws Exception {
    TestVaults.put(session, "a.txt", "a".getBytes());
    LogEntry put = session.logEntries(new LogQuery(null, null, null, "PUT")).get(0);
    try (Connection c = sameDatabase()) {
      assertEquals(1, TestDatabase.editEntry(c, put.seq(), e -> e.replace("\"PUT\"", "\"GET\"")));
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("entry " + put.seq()), e.getMessage());
  }

  /**
   * The columns a row copies from its entry (queries and the incident watch select and read by
   * them), each edited apart from the text that the chain covers: the verification names the row.
   * The last edit passed the check of the action column before it compared the JSON string as the
   * writer escapes it: a column that closes the string and goes on with the entry's next field.
   */
  @Test
  void verify_ofARowWhoseColumnsNoLongerSayWhatItsEntrySays_namesItsSequenceNumber() throws Exception {
    TestVaults.put(session, "a.txt", "a".getBytes());
    TestVaults.readAll(session, "a.txt");
    LogEntry get = session.logEntries(new LogQuery(null, null, null, "GET")).get(0);
    List<String> edits = List.of("actor = 'suzuki'", "logged_at = logged_at - 7200000", "file_id = '" + "0".repeat(32) + "'", "file_id = NULL",
        "keep_until = keep_until - 86400000", "action = 'GET\",\"actor\":\"" + get.actor() + "'");
    for (String edit : edits) {
      try (Connection c = sameDatabase()) {
        c.createStatement().execute("CREATE TABLE kept AS SELECT * FROM log_entries WHERE seq = " + get.seq());
        c.createStatement().execute("UPDATE log_entries SET " + edit + " WHERE seq = " + get.seq());
      }
      IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null), edit);
      assertTrue(e.getMessage().contains("entry " + get.seq() + " is filed under columns"), edit + ": " + e.getMessage());
      try (Connection c = sameDatabase()) {
        c.createStatement().execute("DELETE FROM log_entries WHERE seq = " + get.seq());
        c.createStatement().execute("INSERT INTO log_entries SELECT * FROM kept");
        c.createStatement().execute("DROP TABLE kept");
      }
    }
    LogReport restored = session.verifyLog(null);
    assertEquals(restored.treeSize(), restored.entriesChecked());
  }

  /**
   * V16 files the entries written before the file column (V9 filed only the DELETE entries) under
   * the file they name, so that the verifier can refuse an emptied column: what was written then
   * still verifies after the upgrade, and every row's column is its entry's file or none.
   */
  @Test
  void theMigration_filesEveryEntryWrittenBeforeTheFileColumnUnderItsFile() throws Exception {
    FileInfo a = TestVaults.put(session, "a.txt", "a".getBytes());
    TestVaults.readAll(session, "a.txt");
    session.delete("a.txt");
    List<LogEntry> all = session.logEntries(LogQuery.ALL);
    assertEquals(List.of("PUT", "GET", "DELETE_REQUEST", "DELETE"),
        all.stream().filter(e -> a.fileId().equals(e.fileId()) || e.action().startsWith("DELETE")).map(LogEntry::action).toList());
    String backfill;
    try (InputStream in = getClass().getResourceAsStream("/io/kinko/vault/store/migration/V16__every_entry_filed_under_its_file.sql")) {
      String sql = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      backfill = sql.substring(sql.indexOf("UPDATE log_entries"), sql.lastIndexOf(';'));
    }
    try (Connection c = sameDatabase()) {
      c.createStatement().execute("UPDATE log_entries SET file_id = NULL WHERE action <> 'DELETE'");
      assertThrows(IntegrityException.class, () -> session.verifyLog(null), "a GET row without its file column verified");
      // The refused verification's entries are filled behind their journal: in the table before it is rebuilt below.
      io.kinko.vault.audit.FillerHook.awaitAllFilled();
      TestDatabase.entriesAsText(c); // the column as V16 found it
      c.createStatement().execute(backfill);
      TestDatabase.entriesAsBytes(c);
      try (var r = c.createStatement().executeQuery("SELECT seq, file_id FROM log_entries WHERE seq <= " + all.get(all.size() - 1).seq() + " ORDER BY seq")) {
        int i = 0;
        while (r.next()) {
          assertEquals(all.get(i).seq(), r.getLong(1));
          assertEquals(all.get(i++).fileId(), r.getString(2), all.get(i - 1).json());
        }
        assertEquals(all.size(), i);
      }
    }
    LogReport report = session.verifyLog(null);
    assertEquals(report.treeSize(), report.entriesChecked());
  }

  /**
   * V17 turns each stored entry into the UTF-8 bytes of its text, through the backend's own
   * encoder. A log written as text (entries with characters of one, two, three and four bytes)
   * migrated by Flyway as a vault's opening runs it reads back entry for entry and verifies: on
   * H2 the rows are compared byte for byte with the journal's records.
   */
  @Test
  void theMigration_storesEveryEntryAsTheBytesItsLeafHashes() throws Exception {
    Path root = vault.directory();
    closeVault();
    vault = TestVaults.open(root, "受付 app é 😀");
    session = TestVaults.login(vault);
    TestVaults.put(session, "a.txt", "a".getBytes());
    List<LogEntry> before = session.logEntries(LogQuery.ALL);
    assertTrue(before.get(before.size() - 1).json().contains("受付 app é 😀"), before.get(before.size() - 1).json());
    closeVault();
    try (Connection c = TestDatabase.connect(root)) {
      TestDatabase.nodesAsHex(c); // V18 undone too: opening skips Flyway while the newest migration is applied
      TestDatabase.entriesAsText(c);
      assertEquals(1, c.createStatement().executeUpdate("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '17'"));
    }
    vault = TestVaults.open(root);
    session = TestVaults.login(vault);
    List<LogEntry> after = session.logEntries(LogQuery.ALL);
    assertEquals(before.stream().map(LogEntry::json).toList(), after.subList(0, before.size()).stream().map(LogEntry::json).toList());
    LogReport report = session.verifyLog(null);
    assertEquals(report.treeSize(), report.entriesChecked());
  }

  /**
   * V18 moves the tree's nodes from {@code log_nodes} (a two-column key, each hash as hex) to
   * {@code log_tree} (one number, the hash's bytes). A vault whose nodes are back as they were
   * before it migrates at its next opening into the very same nodes: appending reads its right
   * edge from them, its checkpoints' roots (signed before and after) match the tree recomputed
   * from the leaves, and the log verifies.
   */
  @Test
  void theMigration_keysEveryTreeNodeByOneNumberAndKeepsItsBytes() throws Exception {
    for (int i = 0; i < 5; i++) {
      TestVaults.put(session, "f" + i + ".txt", new byte[] {(byte) i});
    }
    session.checkpoint();
    Path root = vault.directory();
    closeVault();
    java.util.Map<Long, String> before;
    try (Connection c = TestDatabase.connect(root)) {
      before = nodes(c);
      TestDatabase.nodesAsHex(c);
      assertEquals(before.size(), count(c, "SELECT COUNT(*) FROM log_nodes"));
    }
    vault = TestVaults.open(root);
    session = TestVaults.login(vault);
    try (Connection c = sameDatabase()) {
      java.util.Map<Long, String> after = nodes(c);
      assertTrue(after.entrySet().containsAll(before.entrySet()), "a node changed or went missing");
    }
    TestVaults.put(session, "after.txt", "after".getBytes());
    session.checkpoint();
    LogReport report = session.verifyLog(null);
    assertEquals(report.treeSize(), report.entriesChecked());
    assertTrue(report.checkpointsChecked() >= 2, "checkpoints checked: " + report.checkpointsChecked());
  }

  /**
   * A leaf that is not hex when V18 runs (the row edited outside Kinko) becomes no bytes, not a
   * failed opening: the verifier then refuses that entry as altered.
   */
  @Test
  void theMigration_ofALeafThatIsNotHex_leavesAnEntryTheVerifierRefuses() throws Exception {
    TestVaults.put(session, "a.txt", "a".getBytes());
    long seq = 1; // not on the tree's right edge, which the next append reads (and refuses, had it no hash)
    Path root = vault.directory();
    closeVault();
    try (Connection c = TestDatabase.connect(root)) {
      TestDatabase.nodesAsHex(c);
      assertEquals(1, c.createStatement().executeUpdate("UPDATE log_nodes SET hash = 'not hex' WHERE lvl = 0 AND idx = " + seq));
    }
    vault = TestVaults.open(root);
    session = TestVaults.login(vault);
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("log entry " + seq + " "), e.getMessage());
  }

  private static java.util.Map<Long, String> nodes(Connection c) throws SQLException {
    java.util.Map<Long, String> out = new java.util.HashMap<>();
    try (java.sql.ResultSet r = c.createStatement().executeQuery("SELECT node, hash FROM log_tree")) {
      while (r.next()) {
        out.put(r.getLong(1), java.util.HexFormat.of().formatHex(r.getBytes(2)));
      }
    }
    return out;
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (java.sql.ResultSet r = c.createStatement().executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /**
   * A vault a later Kinko migrated further (a schema version this build does not know) is refused
   * at open with what to do, instead of passing Flyway's default check and then reading and
   * writing the log's columns as types they no longer are.
   */
  @Test
  void aDatabaseMigratedByALaterKinko_isRefusedAtOpen() throws Exception {
    Path root = vault.directory();
    closeVault();
    try (Connection c = TestDatabase.connect(root)) {
      assertEquals(1, c.createStatement().executeUpdate("INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", "
          + "\"description\", \"type\", \"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\") "
          + "SELECT MAX(\"installed_rank\") + 1, '99', 'from a later Kinko', 'SQL', 'V99__from_a_later_kinko.sql', 0, 'kinko', 0, TRUE "
          + "FROM \"flyway_schema_history\""));
    }
    VaultException e = assertThrows(VaultException.class, () -> TestVaults.open(root));
    assertTrue(e.getMessage().contains("schema is version 99, newer than this version of Kinko knows"), e.getMessage());
  }

  /**
   * The stored bytes are what is hashed: bytes that are not UTF-8 in place of a character (a lone
   * surrogate's three bytes for a '?', or one byte 0xFF), a byte-order mark in front, and an
   * entry emptied to NULL (its column's NOT NULL dropped first) are each refused, on either
   * backend (on PostgreSQL, without a journal, by the leaf hash alone).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"surrogate", "ff", "bom", "null"})
  void verify_ofAnEntryWhoseBytesWereRewritten_namesItsSequenceNumber(String how) throws Exception {
    TestVaults.put(session, "a.txt", "a".getBytes());
    LogEntry put = session.logEntries(new LogQuery(null, null, null, "PUT")).get(0);
    byte[] bytes = put.json().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int quote = put.json().indexOf("\"PUT\"") + 1; // ASCII up to there
    byte[] edited = switch (how) {
      case "surrogate" -> TestDatabase.splice(bytes, quote, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80});
      case "ff" -> TestDatabase.splice(bytes, quote, new byte[] {(byte) 0xff});
      case "bom" -> TestDatabase.splice(bytes, 0, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{'});
      default -> null;
    };
    try (Connection c = sameDatabase()) {
      if (edited == null) {
        c.createStatement().execute("ALTER TABLE log_entries ALTER COLUMN entry DROP NOT NULL");
        assertEquals(1, c.createStatement().executeUpdate("UPDATE log_entries SET entry = NULL WHERE seq = " + put.seq()));
      } else {
        TestDatabase.setEntry(c, put.seq(), edited);
      }
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("entry " + put.seq()), e.getMessage());
  }

  @Test
  void verify_ofALogWithAnEntryDeleted_namesTheGap() throws Exception {
    TestVaults.put(session, "a.txt", "a".getBytes());
    TestVaults.put(session, "b.txt", "b".getBytes());
    LogEntry put = session.logEntries(new LogQuery(null, null, null, "PUT")).get(0);
    try (Connection c = sameDatabase()) {
      c.createStatement().execute("DELETE FROM log_entries WHERE seq = " + put.seq());
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("entry " + put.seq()), e.getMessage());
  }

  @Test
  void verify_ofALeafHashRewrittenToMatchAnEditedEntry_isCaughtByTheSignedCheckpoint() throws Exception {
    TestVaults.put(session, "a.txt", "a".getBytes());
    session.checkpoint();
    LogEntry put = session.logEntries(new LogQuery(null, null, null, "PUT")).get(0);
    String forged = put.json().replace("\"PUT\"", "\"GET\"");
    byte[] leaf = io.kinko.vault.audit.Merkle.leafHash(forged.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (Connection c = sameDatabase()) {
      TestDatabase.setEntry(c, put.seq(), forged.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      TestDatabase.setLeaf(c, put.seq(), leaf);
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    // H2 has the journal to compare with; on PostgreSQL the entry's action column (left as PUT) no
    // longer matches its text, or else the signed checkpoint does.
    String expected = TestDatabase.postgres() ? "checkpoint" : "journal";
    assertTrue(e.getMessage().contains(expected) || e.getMessage().contains("chain") || e.getMessage().contains("filed under columns"),
        e.getMessage());
  }

  @Test
  void get_ofATamperedBlob_logsAnIncident() throws IOException {
    FileInfo info = TestVaults.put(session, "t.bin", new byte[5000]);
    Path blob = TestVaults.blobOf(vault, info.fileId());
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length - 3] ^= 1;
    Files.write(blob, bytes);
    assertThrows(IntegrityException.class, () -> TestVaults.readAll(session, "t.bin"));
    List<LogEntry> incidents = session.logEntries(new LogQuery(null, null, null, "INCIDENT"));
    assertEquals(1, incidents.size());
    assertTrue(incidents.get(0).reason().contains(info.fileId()), incidents.get(0).reason());
    assertEquals("DENY", incidents.get(0).decision());
  }

  @Test
  void checkpoints_areSignedEveryNEntries() {
    session.close();
    vault.close();
    LogPolicy everyFive = new LogPolicy(Period.ofYears(1), 5, Duration.ofHours(1));
    try (Password pw = Password.copyOf(TestVaults.PASSWORD);
         Vault v = TestVaults.builder(dir.resolve("v5")).contract(TestVaults.CONTRACT).admin("sato", pw)
             .passwordCost(PasswordCost.MINIMUM).logPolicy(everyFive).create();
         Session s = TestVaults.login(v)) {
      for (int i = 0; i < 20; i++) {
        s.list("");
      }
    } // a checkpoint is signed after its batch is in the database, on the log's listener: the close waits for it
    try (Vault v = TestVaults.open(dir.resolve("v5")); Session s = TestVaults.login(v)) {
      LogReport report = s.verifyLog(null);
      assertTrue(report.checkpointsChecked() >= 4, "only " + report.checkpointsChecked() + " checkpoints for " + report.treeSize() + " entries");
    }
    vault = TestVaults.create(dir.resolve("again"));
    session = TestVaults.login(vault);
  }

  @Test
  void retention_keepsEntriesAYearPastTheContractEnd_evenWithAShortMinimum() {
    LocalDate end = TestVaults.CONTRACT.end();
    LogEntry first = session.logEntries(LogQuery.ALL).get(0);
    assertEquals("INIT", first.action());
    assertEquals(end.plusYears(1).plusDays(1).atStartOfDay(java.time.ZoneId.of("Asia/Tokyo")).toInstant(), first.keepUntil());
  }

  private Connection sameDatabase() throws SQLException {
    return TestDatabase.connect(vault.directory());
  }

  static String actions(List<LogEntry> entries) {
    return entries.stream().map(LogEntry::action).collect(Collectors.joining(","));
  }
}
