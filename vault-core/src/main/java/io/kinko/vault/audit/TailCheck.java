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
 *
 * <p>It also gives the writer the right edge to build on: the one it checked, or after a refusal
 * the one the rows' witnesses vouch for ({@link #vouchedEdge}). The INCIDENT of a refused opening
 * is appended while the edit is still there; built on the stored edge, it took an edited node into
 * the parent it completed, which stayed wrong once the node was put back (session 28).
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
   * @return the tree's right edge over the checked entries, for the log's writer to build on
   * @throws IntegrityException naming the first entry or the tree that does not hold
   */
  static CompactRange require(Connection c, long witnessed, NoteVerifier verifier) throws SQLException {
    try {
      return check(c, witnessed, verifier);
    } catch (IllegalStateException e) { // MerkleTree: a node its size has is not stored, or a leaf past it is
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the access log's tree is damaged: " + e.getMessage()
          + ", after the last signed checkpoint: the database was edited outside Kinko");
    }
  }

  private static CompactRange check(Connection c, long witnessed, NoteVerifier verifier) throws SQLException {
    AccessLog.Head head = AccessLog.Head.read(c);
    long size = head.size();
    try (DbNodeStore nodes = new DbNodeStore(c)) {
      MerkleTree stored = MerkleTree.open(nodes, size); // and no leaf past it, where the writer's next would go
      if (size <= witnessed) { // the caller found the witnessed root in these nodes
        return CompactRange.stored(nodes, size);
      }
      long signed = newestSignedIn(c, stored, witnessed, verifier);
      CompactRange range = CompactRange.stored(nodes, signed); // they make the signed root: the caller checked it
      byte[] previous = signed == 0 ? new byte[Merkle.HASH_SIZE] : nodes.get(0, signed - 1);
      java.security.MessageDigest sha256 = Merkle.sha256Digest();
      try (Rows rows = new Rows(c, signed, size)) {
        for (long seq = signed; seq < size; seq++) {
          byte[] entry = rows.entry(seq);
          byte[] leaf = rows.leaf(seq);
          if (entry == null || leaf == null) {
            throw refused("log entry " + seq + " or its leaf is missing");
          }
          if (!Arrays.equals(Merkle.leafHash(sha256, entry), leaf)) {
            throw refused("log entry " + seq + " does not hash to its leaf");
          }
          if (previous == null || !LogVerifier.linksTo(new String(entry, StandardCharsets.UTF_8), previous)) {
            throw refused("log entry " + seq + " does not link to entry " + (seq - 1));
          }
          range.append(leaf);
          previous = leaf;
        }
      }
      if (!HEX.formatHex(previous).equals(head.lastLeaf())) {
        throw refused("the log head does not name the last entry " + (size - 1));
      }
      if (!Arrays.equals(range.root(), stored.root())) {
        throw refused("the log's tree over entries " + signed + " to " + (size - 1) + " is not the one their leaves make");
      }
      return range;
    }
  }

  /**
   * After an opening was refused: the tree's right edge for the refusal's INCIDENT to be built on,
   * each of its subtrees as the rows' witnesses have it. Built on the edge as stored, that INCIDENT
   * took an edited node into the parent it completed, which stayed wrong once the node was put back.
   * <ul>
   *   <li>A subtree is its stored node, unless that is missing or not a hash, or the leaves under it
   *       make another and each of them is named by the entry after it (the log head, for the last):
   *       then the one the leaves make. A leaf's row and its entry are not two witnesses, since
   *       anyone can hash an edited entry; the next entry's link is one the edit did not make.
   *   <li>The last leaf alone (a subtree of its own when the size is odd) is its row, unless its
   *       entry's hash and the head agree on another.
   * </ul>
   * Empty when a subtree has no witness (its node missing and a leaf under it too): the writer then
   * reads the stored edge. Reads every leaf, a refusal's cost.
   */
  static Optional<CompactRange> vouchedEdge(Connection c) throws SQLException {
    AccessLog.Head head = AccessLog.Head.read(c);
    List<byte[]> roots = new ArrayList<>();
    long start = 0;
    try (DbNodeStore nodes = new DbNodeStore(c)) {
      for (long[] node : CompactRange.cover(head.size())) {
        long end = start + (1L << node[0]);
        byte[] stored = hashOrNull(nodes, (int) node[0], node[1]);
        byte[] vouched = node[0] == 0 ? lastLeaf(c, stored, start, head) : subtree(c, stored, start, end, head);
        if (vouched == null) {
          return Optional.empty();
        }
        roots.add(vouched);
        start = end;
      }
    }
    return Optional.of(CompactRange.of(head.size(), roots));
  }

  private static byte[] hashOrNull(DbNodeStore nodes, int level, long index) {
    try {
      return nodes.get(level, index);
    } catch (IntegrityException notAHash) {
      return null;
    }
  }

  private static byte[] lastLeaf(Connection c, byte[] row, long seq, AccessLog.Head head) throws SQLException {
    byte[] entry;
    try (Rows rows = new Rows(c, seq, seq + 1)) {
      entry = rows.entry(seq);
    }
    byte[] hash = entry == null ? null : Merkle.leafHash(Merkle.sha256Digest(), entry);
    boolean hashNamed = hash != null && HEX.formatHex(hash).equals(head.lastLeaf());
    return hashNamed && !Arrays.equals(row, hash) ? hash : row;
  }

  /** The subtree over leaves {@code start} to {@code end} (exclusive); see {@link #vouchedEdge}. */
  private static byte[] subtree(Connection c, byte[] stored, long start, long end, AccessLog.Head head) throws SQLException {
    CompactRange leaves = CompactRange.of(0, List.of());
    try (Rows rows = new Rows(c, start, end)) {
      for (long seq = start; seq < end; seq++) {
        byte[] leaf = rows.leaf(seq);
        if (leaf == null) {
          return stored;
        }
        leaves.append(leaf);
      }
    }
    byte[] made = leaves.root();
    return stored == null || !Arrays.equals(stored, made) && eachNamedByTheNext(c, start, end, head) ? made : stored;
  }

  private static boolean eachNamedByTheNext(Connection c, long start, long end, AccessLog.Head head) throws SQLException {
    try (Rows rows = new Rows(c, start, end + 1)) {
      for (long seq = start; seq < end; seq++) {
        byte[] leaf = rows.leaf(seq);
        byte[] next = seq + 1 < head.size() ? rows.entry(seq + 1) : null;
        boolean named = seq + 1 < head.size()
            ? next != null && LogVerifier.linksTo(new String(next, StandardCharsets.UTF_8), leaf)
            : HEX.formatHex(leaf).equals(head.lastLeaf());
        if (!named) {
          return false;
        }
      }
    }
    return true;
  }

  /** The stored leaves and entries of the positions {@code from} to {@code to}, read in step; either is null where its row is missing. */
  private static final class Rows implements AutoCloseable {
    private final PreparedStatement leafRows;
    private PreparedStatement entryRows;
    private ResultSet leaves;
    private ResultSet entries;
    private boolean onLeaf;
    private boolean onEntry;

    Rows(Connection c, long from, long to) throws SQLException {
      leafRows = c.prepareStatement("SELECT node, hash FROM log_tree WHERE node >= ? AND node < ? ORDER BY node");
      try {
        entryRows = c.prepareStatement("SELECT seq, entry FROM log_entries WHERE seq >= ? AND seq < ? ORDER BY seq");
        leafRows.setLong(1, DbNodeStore.key(0, from));
        leafRows.setLong(2, DbNodeStore.key(0, to));
        entryRows.setLong(1, from);
        entryRows.setLong(2, to);
        leaves = leafRows.executeQuery();
        entries = entryRows.executeQuery();
        onLeaf = leaves.next();
        onEntry = entries.next();
      } catch (SQLException e) {
        try (leafRows; PreparedStatement opened = entryRows) {
          throw e;
        }
      }
    }

    /** The leaf of position {@code seq}; positions are asked in ascending order. */
    byte[] leaf(long seq) throws SQLException {
      long key = DbNodeStore.key(0, seq);
      while (onLeaf && leaves.getLong(1) < key) {
        onLeaf = leaves.next();
      }
      return onLeaf && leaves.getLong(1) == key ? leaves.getBytes(2) : null;
    }

    /** The entry of position {@code seq}; positions are asked in ascending order. */
    byte[] entry(long seq) throws SQLException {
      while (onEntry && entries.getLong(1) < seq) {
        onEntry = entries.next();
      }
      return onEntry && entries.getLong(1) == seq ? entries.getBytes(2) : null;
    }

    @Override
    public void close() throws SQLException {
      try (leafRows; PreparedStatement opened = entryRows) {
        // closing a statement closes its result set
      }
    }
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
