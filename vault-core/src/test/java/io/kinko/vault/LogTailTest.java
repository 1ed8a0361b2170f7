package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.engine.EngineInternals;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The entries after the last signed checkpoint, edited while the vault is closed. Nothing signed
 * covers them, and a process's first append builds on the tree's right edge as stored: before
 * TailCheck, an inner node of that edge edited with H2's tools went into the roots of the next
 * checkpoints the vault signed (a review found it, session 27). Now opening refuses, with an
 * INCIDENT, and opens again once the row is put back; no checkpoint is ever signed over the edit.
 */
class LogTailTest extends ClosedLogEdits {

  /** 300 entries, a cut in time, 300 more and a checkpoint over all; the vault closed. Returns the cut. */
  private java.time.Instant twoBatchesAroundACutThenClosed() {
    TestVaults.appendEntries(vault, 300);
    java.time.Instant cut = java.time.Instant.now().plusMillis(1);
    while (!java.time.Instant.now().isAfter(cut)) {
      Thread.onSpinWait(); // the next entries are logged after the cut
    }
    TestVaults.appendEntries(vault, 300);
    session.checkpoint();
    closeVault();
    return cut;
  }

  /** Flips a bit of the stored node of {@code key}; returns the node as it was. */
  private static byte[] flipAByteOf(Path root, long key) throws SQLException {
    try (Connection c = TestDatabase.connect(root)) {
      byte[] original = row(c, key);
      byte[] edited = original.clone();
      edited[0] ^= 1;
      TestDatabase.setNode(c, key, edited);
      return original;
    }
  }

  @Test
  void anInnerNodeOfTheRightEdgeAfterTheLastCheckpointEdited_isRefusedAtOpeningAndNeverSigned() throws SQLException {
    Path root = vault.directory();
    long key = closedWithAnEdgeNodeAfterItsCheckpoint();
    byte[] edited = new byte[32];
    java.util.Arrays.fill(edited, (byte) 0x33);
    refusedAtOpeningThenOpensOnceRestored(root, key, edited, "is not the one their leaves make, after the last signed checkpoint");
  }

  /** The same node deleted: an IntegrityException and an INCIDENT, not a bare IllegalStateException of the tree's. */
  @Test
  void anInnerNodeOfTheRightEdgeAfterTheLastCheckpointDeleted_isRefusedAtOpening() throws SQLException {
    Path root = vault.directory();
    long key = closedWithAnEdgeNodeAfterItsCheckpoint();
    byte[] original;
    try (Connection c = TestDatabase.connect(root)) {
      original = row(c, key);
      assertEquals(1, c.createStatement().executeUpdate("DELETE FROM log_tree WHERE node = " + key));
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(root).close());
    assertTrue(e.getMessage().contains("the access log's tree is damaged"), e.getMessage());
    try (Connection c = TestDatabase.connect(root);
         java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO log_tree (node, hash) VALUES (?, ?)")) {
      insert.setLong(1, key);
      insert.setBytes(2, original);
      insert.executeUpdate();
    }
    vault = TestVaults.open(root);
    session = TestVaults.login(vault);
    // The INCIDENT of the refused opening is built on the edge the checked leaves make, not on the
    // stored one whose node is gone: on PostgreSQL too, which has no journal to keep it meanwhile.
    assertTrue(session.logEntries(new LogQuery(null, null, null, "INCIDENT")).stream().anyMatch(i -> i.reason().contains("tree is damaged")),
        "no INCIDENT of the refused opening");
    session.verifyLog(null);
  }

  /**
   * A leaf row added past the log's head, where the writer's next leaf goes: the vault opened, and
   * every append then failed (a duplicate key on PostgreSQL), with no INCIDENT. Opening refuses it.
   */
  @Test
  void aLeafRowPastTheHead_isRefusedAtOpening() throws SQLException {
    Path root = vault.directory();
    TestVaults.appendEntries(vault, 300);
    session.checkpoint();
    TestVaults.appendEntries(vault, 3);
    closeVault();
    long size = headSize(root);
    try (Connection c = TestDatabase.connect(root);
         java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO log_tree (node, hash) VALUES (?, ?)")) {
      insert.setLong(1, size);
      insert.setBytes(2, new byte[32]);
      insert.executeUpdate();
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(root).close());
    assertTrue(e.getMessage().contains("a node of the log's tree is stored past the head's " + size + " leaves, at level 0"), e.getMessage());
    try (Connection c = TestDatabase.connect(root)) {
      assertEquals(1, c.createStatement().executeUpdate("DELETE FROM log_tree WHERE node = " + size));
    }
    vault = TestVaults.open(root);
    session = TestVaults.login(vault);
    TestVaults.put(session, "after.txt", "after".getBytes());
    // The refusal's INCIDENT needs the leaf's place: on H2 the journal keeps it until the row is
    // gone; PostgreSQL has no journal, and the refusal is all there is.
    assertEquals(TestDatabase.postgres() ? 0 : 1, session.logEntries(new LogQuery(null, null, null, "INCIDENT")).size());
    session.verifyLog(null);
  }

  /**
   * The head's last leaf edited, with no entry after the last checkpoint: the vault opened, and
   * the next entry linked to the edited value. With entries after it, the refusal's INCIDENT did
   * (on PostgreSQL; H2's journal keeps the leaf), so the vault stayed refused whatever was put
   * back. Opening now holds the head to the last leaf in both cases, and the INCIDENT links to the
   * last leaf its row, its entry and the head vouch for.
   */
  @Test
  void theHeadsLastLeafEdited_isRefusedAndOpensOnceItIsBack() throws SQLException {
    Path root = vault.directory();
    long size = closedWithAnEdgeTheNextLeafCompletes(false);
    String original;
    try (Connection c = TestDatabase.connect(root); ResultSet r = c.createStatement().executeQuery("SELECT last_leaf FROM log_head")) {
      assertTrue(r.next());
      original = r.getString(1);
    }
    String expected = TestDatabase.postgres() ? "the log head does not name the last entry " + (size - 1)
        : "the log journal and the database disagree about entry " + (size - 1); // H2's journal holds the head to its own, before the vault can log
    try (Connection c = TestDatabase.connect(root)) {
      c.createStatement().executeUpdate("UPDATE log_head SET last_leaf = '" + "ab".repeat(32) + "'");
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(root).close());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    try (Connection c = TestDatabase.connect(root)) {
      c.createStatement().executeUpdate("UPDATE log_head SET last_leaf = '" + original + "' WHERE tree_size = " + size); // on PostgreSQL the INCIDENT moved it on
    }
    opensAndSignsItsLeaves(root);
    assertEquals(TestDatabase.postgres() ? 1 : 0, session.logEntries(new LogQuery(null, null, null, "INCIDENT")).size());
    session.verifyLog(null);
  }

  /**
   * An edited node of the edge, refused and not put back: the INCIDENT's parent over it hid it from
   * the root, and the next opening passed with the node still edited (a review, session 28). Every
   * node the unsigned leaves complete is compared now.
   */
  @Test
  void anEditedEdgeNodeNotPutBack_isRefusedAgain() throws SQLException {
    Path root = vault.directory();
    long size = closedWithAnEdgeTheNextLeafCompletes(true);
    long key = SPAN + (size - 3) / 2;
    try (Connection c = TestDatabase.connect(root)) {
      byte[] edited = row(c, key).clone();
      edited[0] ^= 1;
      TestDatabase.setNode(c, key, edited);
    }
    assertThrows(IntegrityException.class, () -> TestVaults.open(root).close());
    IntegrityException again = assertThrows(IntegrityException.class, () -> TestVaults.open(root).close());
    assertTrue(again.getMessage().contains("the log's tree node at level 1, index " + (key - SPAN) + " is not the one its leaves make"), again.getMessage());
  }

  /**
   * With no entry after the newest checkpoint, the last leaf's row and the head edited together:
   * under a subtree the row was checked by nothing, the vault opened, and the next entries, signed,
   * linked to the edit (a review, session 28). The row is now proved under the signed root.
   */
  @Test
  void theLastSignedLeafAndTheHeadEditedTogether_areRefusedAtOpening() throws SQLException {
    Path root = vault.directory();
    long size = closedSignedAt(2, 0);
    long seq = size - 1;
    byte[] leaf = leafRow(root, seq);
    byte[] forged = leaf.clone();
    forged[7] ^= 1;
    String forgedHex = java.util.HexFormat.of().formatHex(forged);
    try (Connection c = TestDatabase.connect(root)) {
      TestDatabase.setLeaf(c, seq, forged);
      c.createStatement().executeUpdate("UPDATE log_head SET last_leaf = '" + forgedHex + "'");
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(root).close());
    assertTrue(e.getMessage().contains(TestDatabase.postgres() ? "the leaf of log entry " + seq + " is not the one its signed checkpoint holds"
        : "the log journal and the database disagree about entry " + seq), e.getMessage()); // H2's journal holds the head first
    // Putting both back does not make the vault open again on PostgreSQL: the refusal's INCIDENT
    // links to the leaf the row and the head agreed on (two rows against the entry: a known limit).
  }

  /** An inner node, or an entry, stored past the head: the vault opened, and every append failed on its key (a review, session 28). */
  @Test
  void aNodeOrAnEntryPastTheHead_isRefusedAtOpening() throws SQLException {
    TestVaults.appendEntries(vault, 300);
    session.checkpoint();
    TestVaults.appendEntries(vault, 3);
    Path root = vault.directory();
    closeVault();
    long size = headSize(root);
    long key = SPAN + size / 2 + 1;
    try (Connection c = TestDatabase.connect(root);
         java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO log_tree (node, hash) VALUES (?, ?)")) {
      insert.setLong(1, key);
      insert.setBytes(2, new byte[32]);
      insert.executeUpdate();
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(root).close());
    assertTrue(e.getMessage().contains("a node of the log's tree is stored past the head's " + size + " leaves, at level 1"), e.getMessage());
    try (Connection c = TestDatabase.connect(root)) {
      assertEquals(1, c.createStatement().executeUpdate("DELETE FROM log_tree WHERE node = " + key));
      String last = TestDatabase.entryText(c, size - 1);
      assertEquals(1, c.createStatement().executeUpdate("INSERT INTO log_entries SELECT " + (size + 5)
          + ", entry, logged_at, actor, action, keep_until, file_id FROM log_entries WHERE seq = " + (size - 1)), last);
    }
    IntegrityException entry = assertThrows(IntegrityException.class, () -> TestVaults.open(root).close());
    assertTrue(entry.getMessage().contains("a log entry is stored past the head's"), entry.getMessage());
  }

  /**
   * A healthy vault opened while another handle appends: the check for rows past the head, read
   * outside the head's lock, refused it with a false INCIDENT when an append committed between the
   * two reads (a review, session 28: 3 in 27 openings on PostgreSQL). It takes the head's lock now.
   */
  @Test
  void aVaultOpenedWhileAnotherHandleAppends_isNotRefused() throws Exception {
    TestVaults.appendEntries(vault, 50);
    session.checkpoint();
    Path root = vault.directory();
    Vault writing = vault;
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      Thread w = new Thread(() -> {
        while (!stop.get()) {
          TestVaults.appendEntries(writing, 1);
        }
      });
      w.start();
      writers.add(w);
    }
    List<String> refusals = new ArrayList<>();
    long until = System.nanoTime() + 15_000_000_000L;
    try {
      for (int opened = 0; opened < 60 && System.nanoTime() < until; opened++) {
        try (Vault other = TestVaults.open(root)) {
          assertTrue(other.status().logSize() > 50);
        } catch (IntegrityException e) {
          refusals.add(e.getMessage());
        }
      }
    } finally {
      stop.set(true);
      for (Thread w : writers) {
        w.join();
      }
    }
    assertEquals(List.of(), refusals, "a healthy vault was refused while another handle appended");
    assertEquals(0, session.logEntries(new LogQuery(null, null, null, "INCIDENT")).size());
  }

  @Test
  void aLeafAfterTheLastCheckpointEdited_isRefusedAtOpening() throws SQLException {
    long signed = aLogWithEntriesAfterItsLastCheckpoint();
    Path root = vault.directory();
    closeVault();
    byte[] edited;
    try (Connection c = TestDatabase.connect(root)) {
      edited = row(c, signed + 3).clone();
    }
    edited[0] ^= 1;
    refusedAtOpeningThenOpensOnceRestored(root, signed + 3, edited, "log entry " + (signed + 3) + " does not hash to its leaf");
  }

  /**
   * An archive signs a checkpoint at its own, earlier size, from the stored nodes: the subtree of
   * its first 256 entries edited while the vault was closed (opening reads only the newest
   * checkpoint's subtrees, and this one lies under one of them) was signed into the archive's root
   * and handed out, an archive its offline check refuses, with no INCIDENT (found by a review,
   * session 27). Now a root is signed only if the newest signed checkpoint contains it.
   */
  @Test
  void anArchiveOfAnEarlierSizeOverAnEditedNode_isRefusedAndNothingIsSigned() throws SQLException {
    String pem = vault.publicKeyPem();
    Path root = vault.directory();
    java.time.Instant cut = twoBatchesAroundACutThenClosed();
    long key = 8 * SPAN; // node (8, 0): the first 256 entries, under the newest checkpoint's (9, 0)
    byte[] original = flipAByteOf(root, key);
    vault = TestVaults.open(root);
    session = TestVaults.login(vault);
    int signed = EngineInternals.checkpoints(vault).all().size();
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.exportLog(java.time.Instant.EPOCH, cut, root.resolveSibling("archive")));
    assertTrue(e.getMessage().contains("is not the one its checkpoint of size"), e.getMessage());
    assertEquals(signed, EngineInternals.checkpoints(vault).all().size(), "a checkpoint was signed over the edited node");
    assertTrue(session.logEntries(new LogQuery(null, null, null, "INCIDENT")).stream().anyMatch(i -> i.reason().contains("is not the one its checkpoint")),
        "no INCIDENT of the refused export");
    try (Connection c = TestDatabase.connect(root)) {
      TestDatabase.setNode(c, key, original);
    }
    LogArchive archive = session.exportLog(java.time.Instant.EPOCH, cut, root.resolveSibling("archive2"));
    LogReport report = LogArchive.verify(archive.entries().getParent(), pem);
    assertEquals(archive.treeSize(), report.treeSize());
  }

  /**
   * An archive that starts after entry 0 carries the subtrees left of it, read from stored nodes
   * that no root it signs covers on their own: node (8, 0), edited while the vault was closed,
   * went into the manifest, and the archive was handed out (and recorded, so that its entries
   * could be pruned) although its offline check refused it. Now it is checked as the auditor
   * will, deleted and refused, with an INCIDENT.
   */
  @Test
  void anArchiveWhoseLeftSubtreesWereEdited_isRefusedAndNotKept() throws SQLException, java.io.IOException {
    anArchiveOverADamagedLeftSubtree_isRefusedAndNotKept(root -> flipAByteOf(root, 8 * SPAN), "does not verify as its auditor would check it");
  }

  /** The same node deleted: the manifest's writer met no hash there (a NullPointerException, "a bug"); now the same refusal. */
  @Test
  void anArchiveWhoseLeftSubtreeWasDeleted_isRefusedAndNotKept() throws SQLException, java.io.IOException {
    anArchiveOverADamagedLeftSubtree_isRefusedAndNotKept(root -> {
      try (Connection c = TestDatabase.connect(root)) {
        byte[] original = row(c, 8 * SPAN);
        assertEquals(1, c.createStatement().executeUpdate("DELETE FROM log_tree WHERE node = " + 8 * SPAN));
        return original;
      }
    }, "its node at level 8, index 0 is missing");
  }

  /** Node (8, 0) is left of the archive, under the newest checkpoint's (9, 0); {@code damage} returns it as it was. */
  private void anArchiveOverADamagedLeftSubtree_isRefusedAndNotKept(Damage damage, String refusal) throws SQLException, java.io.IOException {
    String pem = vault.publicKeyPem();
    Path root = vault.directory();
    java.time.Instant cut = twoBatchesAroundACutThenClosed();
    byte[] original = damage.to(root);
    vault = TestVaults.open(root);
    session = TestVaults.login(vault);
    Path refused = root.resolveSibling("refused");
    java.time.Instant end = java.time.Instant.now().plusSeconds(1);
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.exportLog(cut, end, refused));
    assertTrue(e.getMessage().contains(refusal), e.getMessage());
    if (java.nio.file.Files.exists(refused)) {
      try (var files = java.nio.file.Files.list(refused)) {
        assertEquals(List.of(), files.toList(), "the refused archive's files were kept");
      }
    }
    assertTrue(session.logEntries(new LogQuery(null, null, null, "INCIDENT")).stream().anyMatch(i -> i.reason().contains(refusal)),
        "no INCIDENT of the refused export");
    try (Connection c = TestDatabase.connect(root);
         java.sql.PreparedStatement put = c.prepareStatement("INSERT INTO log_tree (node, hash) VALUES (?, ?)")) {
      c.createStatement().executeUpdate("DELETE FROM log_tree WHERE node = " + 8 * SPAN);
      put.setLong(1, 8 * SPAN);
      put.setBytes(2, original);
      put.executeUpdate();
    }
    LogArchive archive = session.exportLog(cut, end, root.resolveSibling("archive"));
    assertTrue(archive.firstSeq() > 0);
    assertEquals(archive.treeSize(), LogArchive.verify(archive.entries().getParent(), pem).treeSize());
  }

  private interface Damage {
    byte[] to(Path root) throws SQLException;
  }
}
