package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.engine.EngineInternals;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A vault whose log is edited while it is closed, with H2's or PostgreSQL's own driver: the setups
 * and checks that {@link LogTailTest} (what opening refuses) and {@link RefusedOpeningTest} (that
 * a refused vault opens again once the rows are put back) share.
 */
abstract class ClosedLogEdits extends VaultTest {
  static final long SPAN = 1L << 48;

  /** 300 entries, a checkpoint, 13 more: entries 305-317 after it. Returns the checkpoint's size. */
  long aLogWithEntriesAfterItsLastCheckpoint() {
    TestVaults.appendEntries(vault, 300);
    session.checkpoint();
    long signed = EngineInternals.checkpoints(vault).latest().orElseThrow().size();
    TestVaults.appendEntries(vault, 13);
    return signed;
  }

  static long leaves(Connection c) throws SQLException {
    try (ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM log_tree WHERE node < " + SPAN)) {
      r.next();
      return r.getLong(1);
    }
  }

  static byte[] row(Connection c, long key) throws SQLException {
    try (ResultSet r = c.createStatement().executeQuery("SELECT hash FROM log_tree WHERE node = " + key)) {
      assertTrue(r.next(), "row " + key);
      return r.getBytes(1);
    }
  }

  /** Closes the vault with entries after its last checkpoint; returns the key of an inner node of the right edge over them. */
  long closedWithAnEdgeNodeAfterItsCheckpoint() throws SQLException {
    long signed = aLogWithEntriesAfterItsLastCheckpoint();
    Path root = vault.directory();
    closeVault();
    return edgeNodeAfter(root, signed);
  }

  /** The key of an inner node of the tree's right edge over entries after {@code signed}. */
  static long edgeNodeAfter(Path root, long signed) throws SQLException {
    long key = -1;
    try (Connection c = TestDatabase.connect(root)) {
      long size = leaves(c);
      for (long start = 0, level = 63; level >= 0; level--) {
        if ((size & (1L << level)) != 0) {
          if (level >= 1 && start >= signed) {
            key = level * SPAN + (start >>> level);
          }
          start += 1L << level;
        }
      }
    }
    assertTrue(key > 0, "no inner node of the edge after the checkpoint");
    return key;
  }

  static byte[] entryBytes(Path root, long seq) throws SQLException {
    try (Connection c = TestDatabase.connect(root)) {
      return TestDatabase.entryText(c, seq).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  static byte[] leafRow(Path root, long seq) throws SQLException {
    try (Connection c = TestDatabase.connect(root)) {
      return row(c, seq);
    }
  }

  /** Opens the vault again, puts a file and signs a checkpoint; every signed root must be its leaves'. */
  void opensAndSignsItsLeaves(Path root) throws SQLException {
    vault = TestVaults.open(root);
    session = TestVaults.login(vault);
    TestVaults.put(session, "after.txt", "after".getBytes());
    session.checkpoint();
    everySignedRootIsTheLeaves();
  }

  /** Each signed checkpoint's root against the root of the stored leaves (which no test here leaves edited). */
  void everySignedRootIsTheLeaves() throws SQLException {
    List<byte[]> leaves = new ArrayList<>();
    try (Connection c = TestDatabase.connect(vault.directory());
         ResultSet r = c.createStatement().executeQuery("SELECT hash FROM log_tree WHERE node < " + SPAN + " ORDER BY node")) {
      while (r.next()) {
        leaves.add(r.getBytes(1));
      }
    }
    LogCheckpoints checkpoints = EngineInternals.checkpoints(vault);
    for (LogCheckpoints.Signed s : checkpoints.all()) {
      assertArrayEquals(io.kinko.vault.audit.MerkleTree.rootOf(leaves.subList(0, (int) s.size())), s.checkpoint(checkpoints.verifier()).rootHash(),
          "the checkpoint of size " + s.size() + " signs a root that is not its leaves'");
    }
  }

  void refusedAtOpeningThenOpensOnceRestored(Path root, long key, byte[] edited, String expected) throws SQLException {
    byte[] original;
    try (Connection c = TestDatabase.connect(root)) {
      original = row(c, key);
    }
    refusedAtOpeningThenOpensOnceRestored(root, c -> TestDatabase.setNode(c, key, edited), c -> TestDatabase.setNode(c, key, original), expected);
  }

  interface Edit {
    void on(Connection c) throws SQLException;
  }

  /** Edits the closed vault, sees its opening refused, undoes the edit, and sees it open with one INCIDENT and every signed root its leaves'. */
  void refusedAtOpeningThenOpensOnceRestored(Path root, Edit edit, Edit undo, String expected) throws SQLException {
    try (Connection c = TestDatabase.connect(root)) {
      edit.on(c);
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(root).close());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    try (Connection c = TestDatabase.connect(root)) {
      undo.on(c);
    }
    opensAndSignsItsLeaves(root);
    List<LogEntry> incidents = session.logEntries(new LogQuery(null, null, null, "INCIDENT"));
    assertEquals(1, incidents.size(), "one INCIDENT of the refused opening");
    assertTrue(incidents.get(0).reason().contains(expected), incidents.get(0).reason());
    session.verifyLog(null);
  }

  /**
   * Closes the vault with a log of a size of 3 modulo 4 whose newest signed checkpoint is at that
   * size, or ({@code tail}) 4 entries before it. The tree's right edge then ends in a node of level
   * 1 and a leaf, and the next leaf (the INCIDENT of a refused opening) completes the parent of
   * that node. Returns the log's size.
   */
  long closedWithAnEdgeTheNextLeafCompletes(boolean tail) throws SQLException {
    return closedSignedAt(3, tail ? 4 : 0);
  }

  /**
   * Closes the vault with its newest checkpoint signed at a size of {@code residue} modulo 4, then
   * {@code tail} entries appended without a session (which would sign them at its close). Returns
   * the log's size.
   */
  long closedSignedAt(int residue, int tail) throws SQLException {
    Path root = vault.directory();
    TestVaults.appendEntries(vault, 300);
    closeVault();
    long before = headSize(root);
    sessionAppendingAndClosed(root, 1);
    long size = headSize(root);
    long sessionItself = size - before - 1; // what a login, its checkpoint and its close log
    int entries = (int) Math.floorMod(residue - size - sessionItself, 4L);
    sessionAppendingAndClosed(root, entries == 0 ? 4 : entries);
    long signed = headSize(root);
    assertEquals(residue, signed % 4, "the signed size");
    if (tail > 0) {
      vault = TestVaults.open(root);
      TestVaults.appendEntries(vault, tail);
      closeVault();
    }
    size = headSize(root);
    vault = TestVaults.open(root);
    assertEquals(signed, EngineInternals.checkpoints(vault).latest().orElseThrow().size(), "the newest signed checkpoint");
    closeVault();
    return size;
  }

  void sessionAppendingAndClosed(Path root, int entries) {
    vault = TestVaults.open(root);
    session = TestVaults.login(vault);
    TestVaults.appendEntries(vault, entries);
    session.checkpoint();
    closeVault();
  }

  static long headSize(Path root) throws SQLException {
    try (Connection c = TestDatabase.connect(root); ResultSet r = c.createStatement().executeQuery("SELECT tree_size FROM log_head")) {
      assertTrue(r.next());
      return r.getLong(1);
    }
  }
}
