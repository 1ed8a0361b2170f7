package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * A refused opening still logs its INCIDENT, built on the tree's right edge. Built on the edge as
 * stored, that entry took an edited node (or last leaf) into the parent it completed, which stayed
 * wrong once the row was put back: the vault was refused for good (session 28). It is built on the
 * edge the rows' witnesses vouch for (audit.VouchedEdge); each case here edits rows of a closed
 * vault, sees the opening refused, puts the rows back, and sees the vault open with one INCIDENT
 * and every signed root its leaves'. Several cases are three reviews' attacks on weaker rules.
 */
class RefusedOpeningTest extends ClosedLogEdits {

  /**
   * The INCIDENT of a refused opening, appended on the tree's right edge as stored, took the
   * edited node into the parent it completed, which stayed wrong once the node was put back: the
   * vault was refused for good. It is now built on the edge the checked leaves make.
   */
  @Test
  void anEditedEdgeNodeAfterTheLastCheckpointWhoseParentTheIncidentCompletes_opensOnceTheNodeIsBack() throws SQLException {
    anEditedEdgeNodeWhoseParentTheIncidentCompletes(true, "is not the one their leaves make, after the last signed checkpoint");
  }

  /**
   * The same with the node under the newest signed checkpoint: it is refused as a rewrite of the
   * signed log, and the INCIDENT is built on the edge of the stored leaves, which make the signed
   * root where the stored subtrees do not.
   */
  @Test
  void anEditedEdgeNodeOfTheLastCheckpointWhoseParentTheIncidentCompletes_opensOnceTheNodeIsBack() throws SQLException {
    anEditedEdgeNodeWhoseParentTheIncidentCompletes(false, "do not match the vault's last checkpoint");
  }

  private void anEditedEdgeNodeWhoseParentTheIncidentCompletes(boolean tail, String expected) throws SQLException {
    Path root = vault.directory();
    long size = closedWithAnEdgeTheNextLeafCompletes(tail);
    long key = SPAN + (size - 3) / 2; // the edge's node of level 1
    byte[] edited = new byte[32];
    java.util.Arrays.fill(edited, (byte) 0x44);
    refusedAtOpeningThenOpensOnceRestored(root, key, edited, expected);
  }

  /**
   * The last leaf edited: the stored edge holds it (it is a subtree of its own), so the INCIDENT
   * built on it completed a parent over the edit. The entry's hash and the head outvote the row.
   */
  @Test
  void theLastLeafEditedWhoseParentTheIncidentCompletes_opensOnceTheLeafIsBack() throws SQLException {
    Path root = vault.directory();
    long last = closedWithAnEdgeTheNextLeafCompletes(true) - 1;
    theLastLeafEditedThenPutBack(root, last, "log entry " + last + " does not hash to its leaf");
  }

  private void theLastLeafEditedThenPutBack(Path root, long last, String expected) throws SQLException {
    byte[] edited;
    try (Connection c = TestDatabase.connect(root)) {
      edited = row(c, last).clone();
    }
    edited[31] ^= 1;
    refusedAtOpeningThenOpensOnceRestored(root, last, edited, expected);
  }

  /**
   * An entry and its leaf edited together, inside the edge's node the INCIDENT completes a parent
   * of: the leaf's row and its entry's hash agree on the edit (anyone can hash an edited entry),
   * and only the next entry's link does not. The stored node stands (found by a review, session 28).
   */
  @Test
  void anEntryAndItsLeafEditedTogetherInsideAnEdgeNode_opensOnceBothAreBack() throws SQLException {
    Path root = vault.directory();
    long seq = closedWithAnEdgeTheNextLeafCompletes(true) - 2;
    byte[] entry = entryBytes(root, seq);
    byte[] leaf = leafRow(root, seq);
    refusedAtOpeningThenOpensOnceRestored(root, c -> {
      assertEquals(1, TestDatabase.editEntry(c, seq, text -> text.replace("entry ", "entrX ")));
      TestDatabase.setLeaf(c, seq, io.kinko.vault.audit.Merkle.leafHash(TestDatabase.entryText(c, seq).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }, c -> {
      TestDatabase.setEntry(c, seq, entry);
      TestDatabase.setLeaf(c, seq, leaf);
    }, "log entry " + (seq + 1) + " does not link to entry " + seq);
  }

  /** The signed checkpoint's last leaf, a subtree of its own, edited: its entry's hash and the head outvote the row. */
  @Test
  void theLastLeafOfTheLastCheckpointEdited_opensOnceItIsBack() throws SQLException {
    Path root = vault.directory();
    theLastLeafEditedThenPutBack(root, closedWithAnEdgeTheNextLeafCompletes(false) - 1, "do not match the vault's last checkpoint");
  }

  /** A node of the edge that is not a hash: the INCIDENT is built on the leaves under it (on PostgreSQL it was lost). */
  @Test
  void aNodeOfTheEdgeOfTheWrongLength_opensOnceItIsBack() throws SQLException {
    Path root = vault.directory();
    long size = closedWithAnEdgeTheNextLeafCompletes(false);
    long key = SPAN + (size - 3) / 2;
    byte[] shorter;
    try (Connection c = TestDatabase.connect(root)) {
      shorter = java.util.Arrays.copyOf(row(c, key), 31);
    }
    refusedAtOpeningThenOpensOnceRestored(root, key, shorter, "31 bytes, not a hash");
  }

  /**
   * The database's newest checkpoint ahead of the file's (a crash between the two), the entries
   * between them pruned, and one leaf of the edge under the newer checkpoint edited: its entry is
   * gone, so the leaves have no witness against the stored node, which stands (a review, session 28).
   */
  @Test
  void aLeafEditedWhereItsEntryIsPruned_opensOnceItIsBack() throws Exception {
    Path root = vault.directory();
    TestVaults.appendEntries(vault, 300);
    closeVault();
    sessionAppendingAndClosed(root, 3);
    long older = headSize(root);
    byte[] olderFile = java.nio.file.Files.readAllBytes(root.resolve("log.checkpoint"));
    vault = TestVaults.open(root);
    long size = closedSignedAt(2, 1); // the edge: a node of level 1 under the checkpoint, then a leaf after it
    java.nio.file.Files.write(root.resolve("log.checkpoint"), olderFile);
    try (Connection c = TestDatabase.connect(root)) {
      c.createStatement().executeUpdate("DELETE FROM log_entries WHERE seq >= " + older + " AND seq < " + (size - 1));
    }
    vault = TestVaults.open(root); // as a crash after an export and a prune leaves it: it opens
    closeVault();
    long seq = size - 2;
    byte[] original;
    try (Connection c = TestDatabase.connect(root)) {
      original = row(c, seq);
      byte[] edited = original.clone();
      edited[0] ^= 1;
      TestDatabase.setLeaf(c, seq, edited);
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(root).close());
    assertTrue(e.getMessage().contains("the leaf of log entry " + seq + " is not the one its signed checkpoint holds"), e.getMessage());
    try (Connection c = TestDatabase.connect(root)) {
      TestDatabase.setLeaf(c, seq, original);
    }
    vault = TestVaults.open(root);
    session = TestVaults.login(vault);
    assertEquals(1, session.logEntries(new LogQuery(null, null, null, "INCIDENT")).size(), "the INCIDENT of the refused opening");
  }

  @Test
  void aLeafAndTheNextLinkEditedTogether_opensOnceBothAreBack() throws SQLException {
    Path root = vault.directory();
    long seq = closedWithAnEdgeTheNextLeafCompletes(true) - 3;
    byte[] leaf = leafRow(root, seq);
    byte[] next = entryBytes(root, seq + 1);
    byte[] forged = leaf.clone();
    forged[5] ^= 1;
    java.util.HexFormat hex = java.util.HexFormat.of();
    refusedAtOpeningThenOpensOnceRestored(root, c -> {
      TestDatabase.setLeaf(c, seq, forged);
      assertEquals(1, TestDatabase.editEntry(c, seq + 1, text -> text.replace("\"prev\":\"" + hex.formatHex(leaf) + "\"", "\"prev\":\"" + hex.formatHex(forged) + "\"")));
    }, c -> {
      TestDatabase.setLeaf(c, seq, leaf);
      TestDatabase.setEntry(c, seq + 1, next);
    }, "log entry " + seq + " does not hash to its leaf");
  }

  /**
   * The edge's node deleted and a leaf under it edited: a missing node was replaced by whatever
   * the leaves made (a review, session 28). Unconfirmed leaves leave no edge, and the INCIDENT waits
   * (in H2's journal) or is lost (PostgreSQL) as before, rather than locking the vault.
   */
  @Test
  void anEdgeNodeDeletedAndALeafUnderItEdited_opensOnceBothAreBack() throws SQLException {
    Path root = vault.directory();
    long size = closedWithAnEdgeTheNextLeafCompletes(true);
    long key = SPAN + (size - 3) / 2;
    long seq = size - 3;
    byte[] node;
    byte[] leaf;
    try (Connection c = TestDatabase.connect(root)) {
      node = row(c, key);
      leaf = row(c, seq);
      byte[] forged = leaf.clone();
      forged[5] ^= 1;
      assertEquals(1, c.createStatement().executeUpdate("DELETE FROM log_tree WHERE node = " + key));
      TestDatabase.setLeaf(c, seq, forged);
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(root).close());
    assertTrue(e.getMessage().contains("log entry " + seq + " does not hash to its leaf"), e.getMessage());
    try (Connection c = TestDatabase.connect(root);
         java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO log_tree (node, hash) VALUES (?, ?)")) {
      insert.setLong(1, key);
      insert.setBytes(2, node);
      insert.executeUpdate();
      TestDatabase.setLeaf(c, seq, leaf);
    }
    opensAndSignsItsLeaves(root);
    session.verifyLog(null);
  }

  /**
   * The checkpoint file deleted and an edge node edited: the refusal came before the tail's check,
   * and its INCIDENT was built on the edited node (a review, session 28). Every refusal of the
   * opening's checks now builds on the vouched edge.
   */
  @Test
  void theCheckpointFileMissingAndAnEdgeNodeEdited_opensOnceBothAreBack() throws Exception {
    Path root = vault.directory();
    long size = closedWithAnEdgeTheNextLeafCompletes(true);
    long key = SPAN + (size - 3) / 2;
    Path file = root.resolve("log.checkpoint");
    byte[] note = java.nio.file.Files.readAllBytes(file);
    byte[] original = leafRow(root, key);
    byte[] edited = original.clone();
    edited[0] ^= 1;
    refusedAtOpeningThenOpensOnceRestored(root, c -> {
      TestDatabase.setNode(c, key, edited);
      deleteFile(file);
    }, c -> {
      TestDatabase.setNode(c, key, original);
      writeFile(file, note);
    }, "the log checkpoint file log.checkpoint is missing");
  }

  private static void deleteFile(Path file) {
    try {
      java.nio.file.Files.delete(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void writeFile(Path file, byte[] bytes) {
    try {
      java.nio.file.Files.write(file, bytes);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
