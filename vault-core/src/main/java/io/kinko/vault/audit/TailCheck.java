package io.kinko.vault.audit;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HexFormat;
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
 * <p>Every node those leaves complete must be the stored one too, not only the root: the INCIDENT
 * of a refusal is built on the edge {@link VouchedEdge} finds, and the parent it completes over an
 * edited node hides that node from the root. The edge checked here is the one the writer builds
 * on ({@link AccessLog#buildOn}).
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
   * @return the tree's right edge over the checked entries and their last leaf, for the log's writer to build on
   * @throws IntegrityException naming the first entry or the tree that does not hold
   */
  static AccessLog.Edge require(Connection c, long witnessed, NoteVerifier verifier) throws SQLException {
    AccessLog.Head head = AccessLog.Head.read(c);
    long size = head.size();
    try (DbNodeStore nodes = new DbNodeStore(c)) {
      MerkleTree stored = MerkleTree.snapshot(nodes, size); // rows past it: requireNothingPastTheHead, under the head's lock
      long signed = newestSignedIn(c, stored, witnessed, verifier);
      CompactRange range = CompactRange.stored(nodes, signed); // they make the signed root: the caller checked it
      byte[] previous = signed == 0 ? new byte[Merkle.HASH_SIZE] : signedLeaf(nodes, stored, signed - 1, signed);
      java.security.MessageDigest sha256 = Merkle.sha256Digest();
      Compared compared = new Compared(nodes);
      try (TailRows rows = new TailRows(c, signed, size)) {
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
          range.append(leaf, compared);
          previous = leaf;
        }
      }
      if (!HEX.formatHex(previous).equals(head.lastLeaf())) {
        throw refused("the log head does not name the last entry " + (size - 1));
      }
      if (!Arrays.equals(range.root(), stored.root())) {
        throw refused("the log's tree over entries " + signed + " to " + (size - 1) + " is not the one their leaves make");
      }
      if (compared.differs != null) { // under the root, where an INCIDENT built on the right edge hid it
        throw refused("the log's tree node at level " + compared.differs[0] + ", index " + compared.differs[1] + " is not the one its leaves make");
      }
      return new AccessLog.Edge(range, head.lastLeaf());
    }
  }

  /**
   * Leaf {@code seq} of the signed tree of {@code signed} leaves, proved to be under its root: the
   * first unsigned entry (or, with none, the head) links to it, and under a subtree its row is
   * checked by nothing else (an edited row and head went into signed checkpoints).
   */
  private static byte[] signedLeaf(DbNodeStore nodes, MerkleTree stored, long seq, long signed) {
    byte[] leaf = nodes.get(0, seq);
    if (leaf == null) {
      throw refused("the leaf of log entry " + seq + " is missing");
    }
    try {
      Merkle.verifyInclusion(seq, signed, leaf, stored.inclusionProof(seq, signed), stored.root(signed));
    } catch (VerificationException e) {
      throw refused("the leaf of log entry " + seq + " is not the one its signed checkpoint holds");
    }
    return leaf;
  }

  /**
   * Refuses rows past the log's head, where the writer's next entries and nodes go: the vault
   * opened over one, and every append then failed on its key, with no INCIDENT. Under the head's
   * row lock, so that another handle's append (its rows and its head commit together) is not one.
   */
  static Void requireNothingPastTheHead(Connection c) throws SQLException {
    long size = AccessLog.Head.lock(c).size();
    try (PreparedStatement entries = c.prepareStatement("SELECT seq FROM log_entries WHERE seq >= ? FETCH FIRST 1 ROWS ONLY");
         PreparedStatement nodes = c.prepareStatement("SELECT node FROM log_tree WHERE node >= ? AND node < ? FETCH FIRST 1 ROWS ONLY")) {
      entries.setLong(1, size);
      if (any(entries)) {
        throw refused("a log entry is stored past the head's " + size);
      }
      int levels = Long.SIZE - Long.numberOfLeadingZeros(size); // above these, no node is complete
      for (int level = 0; level <= levels; level++) {
        nodes.setLong(1, DbNodeStore.key(level, size >>> level)); // the first node of the level not complete in size
        nodes.setLong(2, level < levels ? DbNodeStore.key(level + 1, 0) : Long.MAX_VALUE);
        if (any(nodes)) {
          throw refused("a node of the log's tree is stored past the head's " + size + " leaves, at level " + level);
        }
      }
    }
    return null;
  }

  private static boolean any(PreparedStatement query) throws SQLException {
    try (ResultSet r = query.executeQuery()) {
      return r.next();
    }
  }

  /** Compares each node the tail's leaves complete with the stored one, and keeps the first that differs. */
  private static final class Compared implements NodeStore {
    private final DbNodeStore nodes;
    private long[] differs;

    Compared(DbNodeStore nodes) {
      this.nodes = nodes;
    }

    @Override
    public byte[] get(int level, long index) {
      return nodes.get(level, index);
    }

    @Override
    public void put(int level, long index, byte[] hash) {
      if (level > 0 && differs == null && !Arrays.equals(nodes.hashOrNull(level, index), hash)) {
        differs = new long[] {level, index};
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
