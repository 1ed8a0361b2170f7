package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the rows that decide access and content, made as someone with write access to the
 * vault's database and folder but without its keys: rows copied back from an older copy, rows
 * deleted, values swapped. Each must end in a refusal and an INCIDENT entry, never a byte served
 * or a permission granted (issue #9, rows 1, 2 and 4).
 */
class StateTamperTest extends VaultTest {
  private static final char[] BOB_PASSWORD = "a worker's own long password".toCharArray();

  @Test
  void revokedGrant_copiedBackFromAnOlderDatabase_grantsNothingAndIsAnIncident() throws Exception {
    TestVaults.put(session, "team/a.txt", "secret".getBytes());
    addUser("bob");
    session.administration().grant("bob", "team", EnumSet.of(Permission.READ));
    List<Map<String, Object>> old = rows("SELECT * FROM grants WHERE user_name = 'bob'");
    assertEquals(1, old.size());
    session.administration().revoke("bob", "team", EnumSet.noneOf(Permission.class));
    assertEquals(0, rows("SELECT * FROM grants WHERE user_name = 'bob'").size());

    insert("grants", old.get(0));

    try (Session bob = login("bob")) {
      ByteArrayOutputStream served = new ByteArrayOutputStream();
      assertThrows(IntegrityException.class, () -> {
        try (var in = bob.get("team/a.txt")) {
          in.transferTo(served);
        }
      });
      assertEquals(0, served.size(), "bytes were served on a replayed grant");
    }
    assertEquals(1, incidents("bob"));
  }

  @Test
  void deletedFile_withItsRowAndBlobPutBack_isNeverServedAgain() throws Exception {
    byte[] content = "My Number 1234 5678 9012".getBytes();
    String id = TestVaults.put(session, "case/record.txt", content).fileId();
    Path blob = TestVaults.blobOf(vault, id);
    byte[] oldBlob = Files.readAllBytes(blob);
    List<Map<String, Object>> oldRow = rows("SELECT * FROM files WHERE file_id = '" + id + "'");
    session.delete("case/record.txt");

    Files.createDirectories(blob.getParent());
    Files.write(blob, oldBlob);
    insert("files", oldRow.get(0));

    assertThrows(IntegrityException.class, () -> TestVaults.readAll(session, "case/record.txt"));
    // A folder listing finds paths through the folder index, which the put-back row is not in: it is
    // not listed; the whole-vault listing reads every row and refuses.
    try {
      assertTrue(session.list("case").isEmpty(), "a certified-deleted file is listed again");
    } catch (IntegrityException refused) {
      // also fine
    }
    assertThrows(IntegrityException.class, () -> session.list(""));
    assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(incidents(TestVaults.ADMIN) >= 1);
  }

  @Test
  void newestVersionsRow_deleted_isAnIncidentNotAnOlderVersionServed() throws Exception {
    TestVaults.put(session, "doc.txt", "version one".getBytes());
    String newest = TestVaults.put(session, "doc.txt", "version two".getBytes()).fileId();
    execute("DELETE FROM files WHERE file_id = '" + newest + "'");

    assertThrows(IntegrityException.class, () -> TestVaults.readAll(session, "doc.txt"));
    assertThrows(IntegrityException.class, () -> session.versions("doc.txt"));
    assertEquals(2, incidents(TestVaults.ADMIN), "each refused read is an INCIDENT");
  }

  @Test
  void twoVersionNumbers_swapped_isAnIncidentNotTheOlderVersionServed() throws Exception {
    String first = TestVaults.put(session, "doc.txt", "version one".getBytes()).fileId();
    String second = TestVaults.put(session, "doc.txt", "version two".getBytes()).fileId();
    execute("UPDATE files SET version = 99 WHERE file_id = '" + first + "'");
    execute("UPDATE files SET version = 1 WHERE file_id = '" + second + "'");
    execute("UPDATE files SET version = 2 WHERE file_id = '" + first + "'");

    assertThrows(IntegrityException.class, () -> TestVaults.readAll(session, "doc.txt"));
    assertTrue(incidents(TestVaults.ADMIN) >= 1);
  }

  @Test
  void aUserRow_copiedBackAfterDisable_doesNotLogIn() throws Exception {
    addUser("bob");
    addUser("carol");
    List<Map<String, Object>> old = rows("SELECT * FROM users WHERE name = 'carol'");
    session.administration().lock("carol");
    execute("DELETE FROM users WHERE name = 'carol'");
    insert("users", old.get(0));

    assertThrows(IntegrityException.class, () -> login("carol"));
    assertTrue(incidents("carol") >= 1);
  }

  @Test
  void theStateSeal_cleared_isNotAdoptedAsNew() throws Exception {
    addUser("bob");
    execute("UPDATE users SET role = 'ADMIN' WHERE name = 'bob'");
    execute("UPDATE state_head SET mac = NULL");
    session.close();
    session = null;
    vault.close();
    vault = TestVaults.open(dir.resolve("vault"));
    assertThrows(IntegrityException.class, () -> login("bob"));
  }

  @Test
  void aDeletionRowForALiveFile_insertedOutsideKinko_destroysNothingAndIsAnIncident() throws Exception {
    byte[] content = "still needed".getBytes();
    String id = TestVaults.put(session, "keep/live.txt", content).fileId();
    Map<String, Object> row = rows("SELECT * FROM files WHERE file_id = '" + id + "'").get(0);
    String batch = "00000000000000000000000000000bad";
    execute("INSERT INTO deletions (file_id, batch_id, state, path_tag, version, sealed_meta, size_bytes, stored_at, operator, "
        + "requested_at, erase_notes, bucket) VALUES ('" + id + "', '" + batch + "', 'PENDING', '" + col(row, "path_tag") + "', 1, '"
        + col(row, "sealed_meta") + "', " + col(row, "size_bytes") + ", 0, 'sato', 0, 'forged', 0)");
    execute("INSERT INTO deletion_batches (batch_id) VALUES ('" + batch + "')");

    session.close();
    session = TestVaults.login(vault); // the login resumes unfinished deletions

    assertArrayEquals(content, TestVaults.readAll(session, "keep/live.txt"));
    assertTrue(Files.exists(TestVaults.blobOf(vault, id)), "the blob was destroyed on a forged deletions row");
    assertEquals(0, session.certificates().size());
    assertTrue(incidents(TestVaults.ADMIN) >= 1);
  }

  @Test
  void theStateTables_rolledBackWhileTheLogStaysCurrent_refuseToOpen() throws Exception {
    addUser("bob");
    session.administration().grant("bob", "team", EnumSet.of(Permission.READ));
    String[] tables = {"users", "grants", "files", "deletions", "state_nodes", "state_head"};
    Map<String, List<Map<String, Object>>> old = new LinkedHashMap<>();
    for (String t : tables) {
      old.put(t, rows("SELECT * FROM " + t));
    }
    session.administration().revoke("bob", "team", EnumSet.noneOf(Permission.class));
    session.close();
    session = null;
    vault.close();
    vault = null;
    // Every state table put back as it was before the revoke: consistent, sealed, and old.
    try (Connection c = TestDatabase.connect(dir.resolve("vault"))) {
      for (String t : tables) {
        c.createStatement().executeUpdate("DELETE FROM " + t);
        for (Map<String, Object> row : old.get(t)) {
          insert(c, t, row);
        }
      }
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(dir.resolve("vault")));
    assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
  }

  @Test
  void aFileRowEdited_failsTheWholeVaultListingNamingItsBucket() throws Exception {
    TestVaults.put(session, "a/one.txt", "one".getBytes());
    String id = TestVaults.put(session, "b/two.txt", "two".getBytes()).fileId();
    Object bucket = col(rows("SELECT bucket FROM files WHERE file_id = '" + id + "'").get(0), "bucket");
    execute("UPDATE files SET size_bytes = 2 WHERE file_id = '" + id + "'");

    // The listing recomputes the root from the rows; on a mismatch it finds the bucket node by node.
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.list(""));
    assertTrue(e.getMessage().contains("bucket " + bucket), e.getMessage());
    assertTrue(incidents(TestVaults.ADMIN) >= 1);
  }

  @Test
  void aFilesBucket_rolledBackWithItsOwnDigestRow_failsTheWholeVaultListing() throws Exception {
    TestVaults.put(session, "doc.txt", "version one".getBytes());
    Map<String, Object> oneRow = rows("SELECT * FROM files").get(0);
    Object bucket = col(oneRow, "bucket");
    String nodeWhere = " FROM state_nodes WHERE kind = 'FILE' AND lvl = 0 AND idx = " + bucket;
    Object oldDigest = col(rows("SELECT digest" + nodeWhere).get(0), "digest");
    String newest = TestVaults.put(session, "doc.txt", "version two".getBytes()).fileId();
    // The bucket as it was after version one: its rows and its digest row agree, and are sealed by
    // nothing above them any more (the group node, kind node and root name version two).
    execute("DELETE FROM files WHERE file_id = '" + newest + "'");
    execute("UPDATE state_nodes SET digest = '" + oldDigest + "' WHERE kind = 'FILE' AND lvl = 0 AND idx = " + bucket);

    assertThrows(IntegrityException.class, () -> session.list(""));
    assertThrows(IntegrityException.class, () -> session.versions("doc.txt"));
    assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(incidents(TestVaults.ADMIN) >= 2);
  }

  @Test
  void aFileRowEdited_afterASessionCheckedItsBucket_isStillRefused() throws Exception {
    // A session keeps the bucket digests it has checked against the sealed root (so that a
    // folder's files do not each read their group's nodes again); a row edited afterwards is
    // held against the kept digest, not waved through because its group was checked before.
    TestVaults.put(session, "case/a.txt", "first".getBytes());
    String id = TestVaults.put(session, "case/b.txt", "second".getBytes()).fileId();
    assertArrayEquals("second".getBytes(), TestVaults.readAll(session, "case/b.txt"));
    assertEquals(2, session.list("case").size());
    execute("UPDATE files SET size_bytes = 7 WHERE file_id = '" + id + "'");

    ByteArrayOutputStream served = new ByteArrayOutputStream();
    assertThrows(IntegrityException.class, () -> {
      try (var in = session.get("case/b.txt")) {
        in.transferTo(served);
      }
    });
    assertEquals(0, served.size(), "bytes were served from an edited row");
    assertThrows(IntegrityException.class, () -> session.list("case"));
    assertEquals(2, incidents(TestVaults.ADMIN), "each refused read is an INCIDENT");
  }

  @Test
  void oneRowEdited_amongAFoldersManyFiles_failsTheFolderListing_keptOrNot() throws Exception {
    // A folder listing checks the head once and each bucket its files lie in once: one bad bucket
    // among many still fails the whole listing, whether this process kept the digests or not.
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(TestVaults.put(session, "case/f" + i + ".txt", ("record " + i).getBytes()).fileId());
    }
    assertEquals(40, session.list("case").size());
    execute("UPDATE files SET size_bytes = 1 WHERE file_id = '" + ids.get(27) + "'");

    assertThrows(IntegrityException.class, () -> session.list("case"));
    assertEquals(1, incidents(TestVaults.ADMIN));
    session.close();
    vault.close();
    vault = TestVaults.open(dir.resolve("vault"));
    session = TestVaults.login(vault);
    assertThrows(IntegrityException.class, () -> session.list("case"));
    assertEquals(2, incidents(TestVaults.ADMIN));
  }

  @Test
  void theNewestVersionsRow_deletedInAGetOfManyFiles_failsThatFileAlone_withOneIncident_andServesTheRest() throws Exception {
    // getEach finds a batch's files with each bucket checked once; a bucket that does not check
    // sends the batch back to file-by-file checks, so only that file is refused. Its older
    // version's blob is intact: only the state check stands between it and the reader.
    List<String> paths = new ArrayList<>();
    Map<String, String> ids = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      paths.add("case/f" + i + ".txt");
      ids.put(paths.get(i), TestVaults.put(session, paths.get(i), ("record " + i).getBytes()).fileId());
    }
    String newest = TestVaults.put(session, "case/f13.txt", "record 13, corrected".getBytes()).fileId();
    // Files are bucketed by a keyed hash of their path: now and then (about 1 run in 200) another of
    // the 20 lands in f13's bucket, which then fails its checks too. Those, and only those, go with it.
    Object brokenBucket = col(rows("SELECT bucket FROM files WHERE file_id = '" + newest + "'").get(0), "bucket");
    List<String> refused = new ArrayList<>();
    for (String path : paths) {
      if (brokenBucket.equals(col(rows("SELECT bucket FROM files WHERE file_id = '" + ids.get(path) + "'").get(0), "bucket"))) {
        refused.add(path);
      }
    }
    assertTrue(refused.contains("case/f13.txt"), refused.toString());
    execute("DELETE FROM files WHERE file_id = '" + newest + "'");

    Map<String, String> served = new LinkedHashMap<>();
    Map<String, Exception> failed = new LinkedHashMap<>();
    session.getEach(paths, new Session.EachReader() {
      @Override
      public void read(String path, java.io.InputStream content) throws java.io.IOException {
        served.put(path, new String(content.readAllBytes()));
      }

      @Override
      public void failed(String path, Exception failure) {
        failed.put(path, failure);
      }
    });
    assertEquals(refused, List.copyOf(failed.keySet()));
    assertTrue(failed.values().stream().allMatch(f -> f instanceof IntegrityException), failed.toString());
    assertEquals(20 - refused.size(), served.size());
    for (String path : served.keySet()) {
      assertEquals("record " + path.replaceAll("\\D", ""), served.get(path));
    }
    assertEquals(refused.size(), incidents(TestVaults.ADMIN));
  }

  @Test
  void theNewestVersionsRow_deletedInAFolderOfManyFiles_isRefusedNotListedAsTheOlderOne() throws Exception {
    for (int i = 0; i < 30; i++) {
      TestVaults.put(session, "case/f" + i + ".txt", ("record " + i).getBytes());
    }
    String newest = TestVaults.put(session, "case/f12.txt", "record 12, corrected".getBytes()).fileId();
    execute("DELETE FROM files WHERE file_id = '" + newest + "'");

    assertThrows(IntegrityException.class, () -> session.list("case"));
    assertTrue(incidents(TestVaults.ADMIN) >= 1);
  }

  @Test
  void aBucketRolledBack_withItsWholeBranchOfNodes_afterASessionCheckedIt_isStillRefused() throws Exception {
    // Version one's rows and every node above them (bucket digest, group node, kind node) put back:
    // only the sealed head still names version two, and the session's kept digest is version two's.
    TestVaults.put(session, "doc.txt", "version one".getBytes());
    List<Map<String, Object>> oldNodes = rows("SELECT * FROM state_nodes WHERE kind = 'FILE'");
    String newest = TestVaults.put(session, "doc.txt", "version two".getBytes()).fileId();
    assertArrayEquals("version two".getBytes(), TestVaults.readAll(session, "doc.txt"));
    execute("DELETE FROM files WHERE file_id = '" + newest + "'");
    execute("DELETE FROM state_nodes WHERE kind = 'FILE'");
    insertAll("state_nodes", oldNodes);

    assertThrows(IntegrityException.class, () -> TestVaults.readAll(session, "doc.txt"));
    assertThrows(IntegrityException.class, () -> session.versions("doc.txt"));
    assertTrue(incidents(TestVaults.ADMIN) >= 2);
  }

  @Test
  void keptDigests_belongToTheirRoot_soAChangeAfterThemIsServed() throws Exception {
    TestVaults.put(session, "doc.txt", "version one".getBytes());
    // Read twice: the put's own checks ran under the root before it, so only the second read finds
    // both of a read's buckets (the user's grants and the file) kept under the current root.
    for (int i = 0; i < 2; i++) {
      assertArrayEquals("version one".getBytes(), TestVaults.readAll(session, "doc.txt"));
    }
    // Another session changes the same bucket: a new root, so the first session's kept digests no
    // longer apply and the new rows are checked through the stored nodes.
    try (Session other = TestVaults.login(vault)) {
      TestVaults.put(other, "doc.txt", "version two".getBytes());
    }
    assertArrayEquals("version two".getBytes(), TestVaults.readAll(session, "doc.txt"));
    assertEquals(2, session.versions("doc.txt").size());
    assertEquals(0, incidents(TestVaults.ADMIN));
  }

  @Test
  void aFileRowEdited_afterThisSessionsOwnPut_refusesItsNextPutIntoThatBucket() throws Exception {
    // The session's put kept every bucket digest of the new state, so its next put does not read
    // the nodes again: it must still check the rows it builds on, and never seal the edit over.
    String id = TestVaults.put(session, "doc.txt", "version one".getBytes()).fileId();
    execute("UPDATE files SET size_bytes = 999 WHERE file_id = '" + id + "'");

    assertThrows(IntegrityException.class, () -> TestVaults.put(session, "doc.txt", "version two".getBytes()));
    assertEquals(1, rows("SELECT * FROM files").size(), "a version was stored on top of an edited row");
    assertTrue(incidents(TestVaults.ADMIN) >= 1);
    try (Session fresh = TestVaults.login(vault)) {
      assertThrows(IntegrityException.class, () -> TestVaults.readAll(fresh, "doc.txt"));
    }
  }

  @Test
  void keptDigests_ofAnOlderRoot_doNotOutliveThisSessionsNextChange() throws Exception {
    // This session keeps the files' digests at version one; another session stores version two;
    // this session then changes the users. Its new root builds on version two, so the digests it
    // kept for version one must go: with them, version one's rows put back with their bucket and
    // group nodes would be served (the files' kind node stays current, so the root still checks).
    TestVaults.put(session, "doc.txt", "version one".getBytes());
    assertArrayEquals("version one".getBytes(), TestVaults.readAll(session, "doc.txt"));
    List<Map<String, Object>> oldNodes = rows("SELECT * FROM state_nodes WHERE kind = 'FILE' AND lvl < 2");
    String newest;
    try (Session other = TestVaults.login(vault)) {
      newest = TestVaults.put(other, "doc.txt", "version two".getBytes()).fileId();
    }
    addUser("bob");
    execute("DELETE FROM files WHERE file_id = '" + newest + "'");
    execute("DELETE FROM state_nodes WHERE kind = 'FILE' AND lvl < 2");
    insertAll("state_nodes", oldNodes);

    assertThrows(IntegrityException.class, () -> TestVaults.readAll(session, "doc.txt"));
    assertTrue(incidents(TestVaults.ADMIN) >= 1);
  }

  @Test
  void theUsersRolledBackWithTheirNodes_areNotSealedIntoThisSessionsNextPut() throws Exception {
    // Carol's row from before her lock, and the users' nodes of that moment, put back after this
    // session's own put. Its next put builds on the files' digests it kept, not on stored nodes:
    // it must still check the other kinds' nodes against the sealed root, or it would seal the
    // rollback into a new root and unlock Carol.
    addUser("carol");
    List<Map<String, Object>> oldRows = rows("SELECT * FROM users WHERE name = 'carol'");
    List<Map<String, Object>> oldNodes = rows("SELECT * FROM state_nodes WHERE kind = 'USER'");
    session.administration().lock("carol");
    TestVaults.put(session, "doc.txt", "kept by this session".getBytes());
    execute("DELETE FROM users WHERE name = 'carol'");
    insert("users", oldRows.get(0));
    execute("DELETE FROM state_nodes WHERE kind = 'USER'");
    insertAll("state_nodes", oldNodes);

    assertThrows(IntegrityException.class, () -> TestVaults.put(session, "next.txt", "next".getBytes()));
    assertThrows(IntegrityException.class, () -> login("carol"));
    assertTrue(incidents(TestVaults.ADMIN) >= 1);
  }

  @Test
  void aStateNodeEdited_withEveryRowIntact_failsTheFullVerification() throws Exception {
    TestVaults.put(session, "doc.txt", "kept".getBytes());
    Object bucket = col(rows("SELECT bucket FROM files").get(0), "bucket");
    int other = (Integer.parseInt(bucket.toString()) + 1) % io.kinko.vault.state.StateKind.FILE.buckets();
    // An empty bucket's digest row, made non-zero with no row changed: the whole-vault listing
    // checks the rows against the sealed root and may serve them; the verification reads every node.
    execute("UPDATE state_nodes SET digest = '" + "11".repeat(32) + "' WHERE kind = 'FILE' AND lvl = 0 AND idx = " + other);

    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("bucket " + other), e.getMessage());
  }

  @Test
  void untouchedState_stillServesAndVerifies() throws Exception {
    byte[] content = "kept".getBytes();
    TestVaults.put(session, "keep/a.txt", content);
    addUser("bob");
    session.administration().grant("bob", "keep", EnumSet.of(Permission.READ));
    try (Session bob = login("bob")) {
      assertArrayEquals(content, TestVaults.readAll(bob, "keep/a.txt"));
    }
    session.verifyLog(null);
    assertEquals(0, incidents(TestVaults.ADMIN) + incidents("bob"));
  }

  @Test
  void aStateRowWhoseEntryDoesNotSetIt_failsTheStateToLogCheck() throws Exception {
    String id = TestVaults.put(session, "doc.txt", "x".getBytes()).fileId();
    List<String> row = new ArrayList<>();
    Map<String, Object> stored = rows("SELECT * FROM files WHERE file_id = '" + id + "'").get(0);
    for (String column : io.kinko.vault.state.StateKind.FILE.columns()) {
      Object v = col(stored, column);
      row.add(v == null ? null : v.toString());
    }
    try (Connection c = TestDatabase.connect(vault.directory())) {
      io.kinko.vault.audit.StateLogCheck.check(c, Map.of(io.kinko.vault.state.StateKind.FILE, List.of(row)));
      row.set(io.kinko.vault.state.StateKind.FILE.column("log_seq"), "0");
      IntegrityException e = assertThrows(IntegrityException.class,
          () -> io.kinko.vault.audit.StateLogCheck.check(c, Map.of(io.kinko.vault.state.StateKind.FILE, List.of(row))));
      assertTrue(e.getMessage().contains("ALLOW INIT"), e.getMessage());
    }
  }

  // ------------------------------------------------------------------------------------------

  private void addUser(String name) {
    try (Password p = Password.copyOf(BOB_PASSWORD)) {
      session.administration().addUser(name, Role.WORKER, p, null);
    }
  }

  private Session login(String name) {
    try (Password p = Password.copyOf(BOB_PASSWORD)) {
      return vault.login(name, p);
    }
  }

  private long incidents(String actor) {
    return session == null ? 0 : session.logEntries(new LogQuery(null, null, actor, "INCIDENT")).size();
  }

  private List<Map<String, Object>> rows(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(vault.directory()); ResultSet r = c.createStatement().executeQuery(sql)) {
      ResultSetMetaData m = r.getMetaData();
      List<Map<String, Object>> out = new ArrayList<>();
      while (r.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= m.getColumnCount(); i++) {
          row.put(m.getColumnName(i), r.getObject(i));
        }
        out.add(row);
      }
      return out;
    }
  }

  /** A column's value whatever case the driver names it in (H2 upper, PostgreSQL lower). */
  private static Object col(Map<String, Object> row, String column) {
    Object v = row.get(column.toUpperCase(java.util.Locale.ROOT));
    return v != null ? v : row.get(column);
  }

  private void insert(String table, Map<String, Object> row) throws Exception {
    insert(vault.directory(), table, row);
  }

  /** Inserts {@code rows} over one connection (a FILE kind has 4,161 nodes: one connection each takes a minute on PostgreSQL). */
  private void insertAll(String table, List<Map<String, Object>> rows) throws Exception {
    try (Connection c = TestDatabase.connect(vault.directory())) {
      for (Map<String, Object> row : rows) {
        insert(c, table, row);
      }
    }
  }

  private static void insert(Path vaultDir, String table, Map<String, Object> row) throws Exception {
    try (Connection c = TestDatabase.connect(vaultDir)) {
      insert(c, table, row);
    }
  }

  private static void insert(Connection c, String table, Map<String, Object> row) throws Exception {
    String columns = String.join(", ", row.keySet());
    String marks = String.join(", ", java.util.Collections.nCopies(row.size(), "?"));
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ")")) {
      int i = 1;
      for (Object v : row.values()) {
        s.setObject(i++, v);
      }
      assertEquals(1, s.executeUpdate());
    }
  }

  private void execute(String sql) throws Exception {
    execute(vault.directory(), sql);
  }

  private static void execute(Path vaultDir, String sql) throws Exception {
    try (Connection c = TestDatabase.connect(vaultDir)) {
      c.createStatement().executeUpdate(sql);
    }
  }
}
