package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.engine.EngineInternals;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tree's inner nodes are what inclusion proofs read, and no opening reads most of them: an
 * inner node edited outside Kinko (found by an attacker's review) must not reach a certificate as
 * a proof an auditor refuses, and verification must find it.
 */
class LogTreeInnerNodeTest extends VaultTest {
  /**
   * Node (4, 0): the root of leaves 0 to 15, which the proofs of leaves 16 to 31 read. Levels 1 to 3
   * are not stored (DbNodeStore.STRIDE): their nodes are hashed up from the leaves.
   */
  private static final long NODE_4_0 = 4L << 48;

  private LogCheckpoints.Signed aCheckpointOverSomeEntries() {
    TestVaults.put(session, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 5; i++) {
      session.stat("a.txt");
    }
    TestVaults.appendEntries(vault, 300); // node (4, 0) under (8, 0): off the right edge, which opening and closing read
    session.checkpoint();
    List<LogCheckpoints.Signed> all = EngineInternals.checkpoints(vault).all();
    return all.get(all.size() - 1);
  }

  private void editNode(long node, byte[] hash) throws SQLException {
    try (Connection c = TestDatabase.connect(vault.directory())) {
      TestDatabase.setNode(c, node, hash); // exactly one row, or it throws
    }
  }

  @Test
  void aProofThroughAnEditedInnerNode_isRefusedBeforeAnyoneGetsIt() throws SQLException {
    LogCheckpoints.Signed signed = aCheckpointOverSomeEntries();
    LogCheckpoints checkpoints = EngineInternals.checkpoints(vault);
    LogEntry seventeenth = EngineInternals.log(vault).entryAt(16).orElseThrow();
    assertTrue(!checkpoints.provenInclusion(seventeenth, signed).isEmpty(), "no proof before the edit");
    byte[] edited = new byte[32];
    java.util.Arrays.fill(edited, (byte) 0x11);
    editNode(NODE_4_0, edited);
    IntegrityException e = assertThrows(IntegrityException.class, () -> checkpoints.provenInclusion(seventeenth, signed));
    assertTrue(e.getMessage().contains("log entry 16 is not proved in the checkpoint of size " + signed.size()), e.getMessage());
  }

  @Test
  void verify_ofAnEditedInnerNode_isRefused() throws SQLException {
    aCheckpointOverSomeEntries();
    byte[] edited = new byte[32];
    java.util.Arrays.fill(edited, (byte) 0x11);
    editNode(NODE_4_0, edited);
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("level 4, index 0"), e.getMessage());
  }

  /**
   * Verification reads the log in pages (of 4,096 entries) and each page the inner nodes its leaves
   * complete, one key range per stored level: an edited node at any stored level, completed in the
   * first, a middle or the last page (the top ones by a page's last leaf), is found and named, and
   * the log verifies again once it is put back.
   */
  @Test
  void verify_ofAnEditedInnerNodeAtAnyLevelInAnyPage_isRefusedNamingIt() throws SQLException {
    io.kinko.vault.audit.AccessLog log = EngineInternals.log(vault);
    java.util.List<io.kinko.vault.audit.AccessLog.Event> batch = new java.util.ArrayList<>();
    for (int i = 0; i < 9_000; i++) {
      batch.add(io.kinko.vault.audit.AccessLog.Event.allow("bench", Action.STAT, "entry " + i, null, null));
    }
    log.append(batch);
    long size = log.head().size();
    assertTrue(size > 2 * 4_096 + 512, "the log spans three pages: " + size);
    session.verifyLog(null);
    byte[] edited = new byte[32];
    java.util.Arrays.fill(edited, (byte) 0x22);
    // (level, index): the first page's lowest node, nodes of the middle page, the tops of the first
    // and the middle page (each completed by a page's last leaf), a node of the last page and the
    // last complete node of a high level.
    long[][] nodes = {{4, 0}, {4, 300}, {8, 20}, {12, 0}, {12, 1}, {4, (size - 16) / 16}, {8, size / 256 - 1}};
    for (long[] n : nodes) {
      long key = n[0] * (1L << 48) + n[1];
      byte[] original;
      try (Connection c = TestDatabase.connect(vault.directory());
           java.sql.PreparedStatement q = c.prepareStatement("SELECT hash FROM log_tree WHERE node = ?")) {
        q.setLong(1, key);
        try (java.sql.ResultSet r = q.executeQuery()) {
          assertTrue(r.next(), "node " + n[0] + "/" + n[1] + " is stored");
          original = r.getBytes(1);
        }
      }
      editNode(key, edited);
      IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null), "level " + n[0] + ", index " + n[1]);
      assertTrue(e.getMessage().contains("level " + n[0] + ", index " + n[1] + " is not the hash of its children"), e.getMessage());
      editNode(key, original);
      session.verifyLog(null);
    }
  }

  @Test
  void verify_ofAnInnerNodeOfOneByte_isRefused() throws SQLException {
    aCheckpointOverSomeEntries();
    editNode(NODE_4_0, new byte[] {0x11});
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("level 4, index 0"), e.getMessage());
  }

  /**
   * No read meets a row at a level Kinko does not store (1 to 3, 5 to 7, ...): proofs hash those
   * nodes up from the level below. Such a row is still an edit, even holding the right hash, and
   * verification names it; so is a row under a key that is no node's (past level 63, the largest
   * key, a negative one). Without it the log verifies again.
   */
  @Test
  void verify_ofARowAtALevelKinkoDoesNotStore_isRefusedNamingIt() throws SQLException {
    aCheckpointOverSomeEntries();
    byte[] leaf0;
    byte[] leaf1;
    try (Connection c = TestDatabase.connect(vault.directory());
         java.sql.Statement q = c.createStatement();
         java.sql.ResultSet r = q.executeQuery("SELECT hash FROM log_tree WHERE node IN (0, 1) ORDER BY node")) {
      r.next();
      leaf0 = r.getBytes(1);
      r.next();
      leaf1 = r.getBytes(1);
    }
    for (long[] n : new long[][] {{1, 0}, {7, 0}, {13, 5}, {63, 1}, {64, 0}, {32767, 1}, {-1, 0}}) {
      long key = n[0] == 32767 ? Long.MAX_VALUE : n[0] * (1L << 48) + n[1]; // the last one: key -2^48
      try (Connection c = TestDatabase.connect(vault.directory());
           java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO log_tree (node, hash) VALUES (?, ?)")) {
        insert.setLong(1, key);
        insert.setBytes(2, io.kinko.vault.audit.Merkle.nodeHash(leaf0, leaf1));
        insert.executeUpdate();
      }
      IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null), "level " + n[0]);
      assertTrue(e.getMessage().contains(n[0] >= 64 || key < 0 ? "row under key " + key + ", which is no node's"
          : "node at level " + n[0] + ", index " + n[1] + ", a level where Kinko stores none"), e.getMessage());
      try (Connection c = TestDatabase.connect(vault.directory())) {
        org.junit.jupiter.api.Assertions.assertEquals(1, c.createStatement().executeUpdate("DELETE FROM log_tree WHERE node = " + key));
      }
      session.verifyLog(null);
    }
  }

  /**
   * Opening computes the root of the checkpoint kept outside the database from the tree's right
   * edge. A node of the edge at a level no row holds is hashed up from the leaves under it, so a
   * leaf edited there is read at opening: the vault refuses to open and logs an INCIDENT, and
   * opens again once the leaf is put back.
   */
  @Test
  void open_withAnEditedLeafUnderANodeOfTheRightEdgeNoRowHolds_isRefusedWithAnIncident() throws SQLException {
    aCheckpointOverSomeEntries();
    java.nio.file.Path root = vault.directory();
    closeVault();
    long size;
    try (Connection c = TestDatabase.connect(root);
         java.sql.ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM log_tree WHERE node < " + (1L << 48))) {
      r.next();
      size = r.getLong(1);
    }
    long leaf = -1;
    for (long start = 0, level = 63; level >= 0; level--) {
      if ((size & (1L << level)) != 0) {
        if (level % 4 != 0) {
          leaf = start; // the first leaf under this node of the edge
        }
        start += 1L << level;
      }
    }
    assertTrue(leaf >= 0, "the right edge of " + size + " leaves has a node at a level no row holds");
    byte[] original;
    try (Connection c = TestDatabase.connect(root);
         java.sql.ResultSet r = c.createStatement().executeQuery("SELECT hash FROM log_tree WHERE node = " + leaf)) {
      r.next();
      original = r.getBytes(1);
      byte[] edited = original.clone();
      edited[0] ^= 1;
      TestDatabase.setLeaf(c, leaf, edited);
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(root).close());
    assertTrue(e.getMessage().contains("do not match the vault's last checkpoint"), e.getMessage());
    try (Connection c = TestDatabase.connect(root)) {
      TestDatabase.setLeaf(c, leaf, original);
    }
    vault = TestVaults.open(root);
    session = TestVaults.login(vault);
    List<LogEntry> incidents = session.logEntries(new LogQuery(null, null, null, "INCIDENT"));
    assertTrue(incidents.stream().anyMatch(i -> i.reason().contains("do not match the vault's last checkpoint")), "no INCIDENT of the refused opening");
  }
}
