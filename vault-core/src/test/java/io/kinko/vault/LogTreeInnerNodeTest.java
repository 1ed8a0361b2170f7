package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
  /** Node (1, 0): the parent of leaves 0 and 1, which the proofs of leaves 2 and 3 read. */
  private static final long NODE_1_0 = 1L << 48;

  private LogCheckpoints.Signed aCheckpointOverSomeEntries() {
    TestVaults.put(session, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 5; i++) {
      session.stat("a.txt");
    }
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
    LogEntry third = EngineInternals.log(vault).entryAt(2).orElseThrow();
    assertTrue(!checkpoints.provenInclusion(third, signed).isEmpty(), "no proof before the edit");
    byte[] edited = new byte[32];
    java.util.Arrays.fill(edited, (byte) 0x11);
    editNode(NODE_1_0, edited);
    IntegrityException e = assertThrows(IntegrityException.class, () -> checkpoints.provenInclusion(third, signed));
    assertTrue(e.getMessage().contains("log entry 2 is not proved in the checkpoint of size " + signed.size()), e.getMessage());
  }

  @Test
  void verify_ofAnEditedInnerNode_isRefused() throws SQLException {
    aCheckpointOverSomeEntries();
    byte[] edited = new byte[32];
    java.util.Arrays.fill(edited, (byte) 0x11);
    editNode(NODE_1_0, edited);
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("level 1, index 0"), e.getMessage());
  }

  /**
   * Verification reads the log in pages (of 4,096 entries) and each page the inner nodes its leaves
   * complete, one key range per level: an edited node at any level, completed in the first, a middle
   * or the last page (the top ones by a page's last leaf), is found and named, and the log verifies
   * again once it is put back.
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
    // and the middle page and of the two together (each completed by a page's last leaf), a node
    // of the last page and the last complete node of a high level.
    long[][] nodes = {{1, 0}, {1, 2_100}, {3, 600}, {12, 0}, {12, 1}, {13, 0}, {1, (size - 2) / 2}, {9, size / 512 - 1}};
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
    editNode(NODE_1_0, new byte[] {0x11});
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("level 1, index 0"), e.getMessage());
  }

  /** A deleted node is as much an edit as a changed one: refused as damage, naming it, not a bare failure of the tree's. */
  @Test
  void aProofThroughADeletedInnerNode_isRefusedBeforeAnyoneGetsIt_namingTheNode() throws SQLException {
    LogCheckpoints.Signed signed = aCheckpointOverSomeEntries();
    LogCheckpoints checkpoints = EngineInternals.checkpoints(vault);
    LogEntry third = EngineInternals.log(vault).entryAt(2).orElseThrow();
    try (Connection c = TestDatabase.connect(vault.directory())) {
      assertEquals(1, c.createStatement().executeUpdate("DELETE FROM log_tree WHERE node = " + NODE_1_0));
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> checkpoints.provenInclusion(third, signed));
    assertTrue(e.getMessage().contains("its node at level 1, index 0 is missing"), e.getMessage());
  }

  /**
   * A deletion whose certificate would carry a proof through a deleted node (3, 0): the file is
   * erased and its DELETE entry logged, but no certificate is signed over the damaged tree; the
   * refusal names the node, with an INCIDENT. Before, a bare IllegalStateException of the tree's
   * reached the user as a bug. Once the node is back, the next login finishes the deletion with a
   * certificate that verifies.
   */
  @Test
  void aDeletionWhoseProofReadsADeletedNode_isRefusedWithAnIncident_andCertifiedOnceTheNodeIsBack() throws SQLException {
    aCheckpointOverSomeEntries();
    long node = 3L << 48; // the parent of leaves 0-7: every later entry's proof reads it
    byte[] original;
    try (Connection c = TestDatabase.connect(vault.directory())) {
      try (java.sql.ResultSet r = c.createStatement().executeQuery("SELECT hash FROM log_tree WHERE node = " + node)) {
        assertTrue(r.next());
        original = r.getBytes(1);
      }
      assertEquals(1, c.createStatement().executeUpdate("DELETE FROM log_tree WHERE node = " + node));
    }
    String says = "its node at level 3, index 0 is missing";
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.delete("a.txt"));
    assertTrue(e.getMessage().contains(says), e.getMessage());
    assertThrows(NotFoundException.class, () -> session.stat("a.txt"), "the erasure itself does not wait for the certificate");
    assertEquals(List.of(), session.certificates());
    assertTrue(session.logEntries(new LogQuery(null, null, null, "INCIDENT")).stream().anyMatch(i -> i.reason().contains(says)),
        "no INCIDENT of the refused certificate");
    try (Connection c = TestDatabase.connect(vault.directory());
         java.sql.PreparedStatement put = c.prepareStatement("INSERT INTO log_tree (node, hash) VALUES (?, ?)")) {
      put.setLong(1, node);
      put.setBytes(2, original);
      put.executeUpdate();
    }
    Session again = TestVaults.login(vault);
    List<DeletionCertificate> certified = again.certificates();
    assertEquals(1, certified.size());
    DeletionCertificate.Verified verified = DeletionCertificate.verify(certified.get(0).json().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        certified.get(0).signature(), vault.publicKeyPem());
    assertEquals(certified.get(0).id(), verified.id());
  }
}
