package io.kinko.vault.audit;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Holds the log's entries after the last signed checkpoint to the tree stored over them, at
 * opening. Nothing signed covers those entries yet, and a process's first append reads the tree's
 * right edge from the stored nodes: an inner node or a leaf there, edited while the vault was
 * closed, went into the nodes the writer stored next and into the roots of the checkpoints it
 * signed (found by a review in session 27: a forged root signed). Each such entry must be present,
 * hash to its leaf and link to the one before, the last must be the one the log's head names,
 * and the tree stored over them must be the one their leaves make on the signed checkpoint's.
 */
final class TailCheck {
  private static final HexFormat HEX = HexFormat.of();

  private TailCheck() {}

  /**
   * @param witnessed the size of a checkpoint whose signed root the stored tree was found to have
   *     (the file's); the check starts at the newest signed checkpoint of the database past it
   *     instead, once its root is found in the stored tree too: entries a process archived and
   *     pruned after signing only into the database (a quiet session's crash leaves the file
   *     behind) lie before it
   * @throws IntegrityException naming the first entry or the tree that does not hold
   */
  static Void require(Connection c, long witnessed, NoteVerifier verifier) throws SQLException {
    try {
      return check(c, witnessed, verifier);
    } catch (IllegalStateException e) { // MerkleTree: a node its size has is not stored
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the access log's tree is damaged: " + e.getMessage()
          + ", after the last signed checkpoint: the database was edited outside Kinko");
    }
  }

  private static Void check(Connection c, long witnessed, NoteVerifier verifier) throws SQLException {
    AccessLog.Head head = AccessLog.Head.read(c);
    long size = head.size();
    if (size <= witnessed) {
      return null;
    }
    try (DbNodeStore nodes = new DbNodeStore(c);
         PreparedStatement leafRows = c.prepareStatement("SELECT node, hash FROM log_tree WHERE node >= ? AND node < ? ORDER BY node");
         PreparedStatement entryRows = c.prepareStatement("SELECT seq, entry FROM log_entries WHERE seq >= ? AND seq < ? ORDER BY seq")) {
      MerkleTree stored = MerkleTree.snapshot(nodes, size);
      long signed = newestSignedIn(c, stored, witnessed, verifier);
      List<byte[]> roots = new ArrayList<>();
      for (long[] node : CompactRange.cover(signed)) {
        roots.add(nodes.get((int) node[0], node[1])); // they make the signed root: the caller checked it
      }
      CompactRange range = CompactRange.of(signed, roots);
      byte[] previous = signed == 0 ? new byte[Merkle.HASH_SIZE] : nodes.get(0, signed - 1);
      java.security.MessageDigest sha256 = Merkle.sha256Digest();
      long next = signed;
      leafRows.setLong(1, DbNodeStore.key(0, signed));
      leafRows.setLong(2, DbNodeStore.key(0, size));
      entryRows.setLong(1, signed);
      entryRows.setLong(2, size);
      try (ResultSet leaves = leafRows.executeQuery(); ResultSet entries = entryRows.executeQuery()) {
        while (entries.next()) {
          long seq = entries.getLong(1);
          byte[] entry = entries.getBytes(2);
          byte[] leaf = leaves.next() && leaves.getLong(1) == seq ? leaves.getBytes(2) : null;
          if (seq != next || entry == null || leaf == null) {
            throw refused("log entry " + next + " or its leaf is missing");
          }
          if (!Arrays.equals(Merkle.leafHash(sha256, entry), leaf)) {
            throw refused("log entry " + seq + " does not hash to its leaf");
          }
          if (previous == null || !LogVerifier.linksTo(new String(entry, StandardCharsets.UTF_8), previous)) {
            throw refused("log entry " + seq + " does not link to entry " + (seq - 1));
          }
          range.append(leaf);
          previous = leaf;
          next++;
        }
      }
      if (next != size) {
        throw refused("log entry " + next + " or its leaf is missing");
      }
      if (!HEX.formatHex(previous).equals(head.lastLeaf())) {
        throw refused("the log head does not name the last entry " + (size - 1));
      }
      if (!Arrays.equals(range.root(), stored.root())) {
        throw refused("the log's tree over entries " + signed + " to " + (size - 1) + " is not the one their leaves make");
      }
    }
    return null;
  }

  /** The size of the newest checkpoint stored past {@code witnessed} that verifies and whose root the stored tree has, else {@code witnessed}. */
  private static long newestSignedIn(Connection c, MerkleTree stored, long witnessed, NoteVerifier verifier) throws SQLException {
    Optional<Checkpoint> newest = LogCheckpoints.newestSigned(c, witnessed + 1, stored.size(), verifier);
    if (newest.isEmpty()) {
      return witnessed;
    }
    Checkpoint checkpoint = newest.get();
    if (!Arrays.equals(stored.root(checkpoint.size()), checkpoint.rootHash())) {
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log's first " + checkpoint.size()
          + " entries do not match its signed checkpoint of that size: the database was edited outside Kinko");
    }
    return checkpoint.size();
  }

  private static IntegrityException refused(String what) {
    return new IntegrityException(IncidentRule.INTEGRITY_LOG, what + ", after the last signed checkpoint: the database was edited outside Kinko");
  }
}
