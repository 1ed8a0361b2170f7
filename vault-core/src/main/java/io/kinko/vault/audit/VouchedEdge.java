package io.kinko.vault.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * After an opening was refused: the tree's right edge and last leaf for the refusal's INCIDENT to
 * be built on. Built on the edge as stored, that INCIDENT took an edited node into the parent it
 * completed, which stayed wrong once the node was put back: the vault was refused for good
 * (session 28). The rule keeps the stored rows unless the others confirm, leaf by leaf, what
 * replaces them, so that a second edited row cannot steer the INCIDENT either (two reviews found
 * such pairs against weaker rules):
 * <ul>
 *   <li>A subtree of the edge is its stored node, unless that is missing, not a hash, or not what
 *       the leaves under it make, and every one of those leaves is confirmed: its row, its entry's
 *       hash and the next entry's link (the log head, for the last) all agree. Then it is what the
 *       leaves make; a subtree missing and not confirmed leaves no edge.
 *   <li>The last leaf (a subtree of its own when the size is odd, and what the INCIDENT links to)
 *       is its row, unless its entry's hash is the one the head names.
 * </ul>
 * Empty when a subtree has no stored node that stands and no confirmed leaves: the writer then
 * reads the stored edge, as before. Reads every leaf, a refusal's cost.
 */
final class VouchedEdge {
  private static final HexFormat HEX = HexFormat.of();

  private VouchedEdge() {}

  static Optional<AccessLog.Edge> of(Connection c) throws SQLException {
    AccessLog.Head head = AccessLog.Head.read(c);
    long size = head.size();
    List<byte[]> roots = new ArrayList<>();
    long start = 0;
    byte[] last = size == 0 ? new byte[Merkle.HASH_SIZE] : null;
    try (DbNodeStore nodes = new DbNodeStore(c)) {
      for (long[] node : CompactRange.cover(size)) {
        long end = start + (1L << node[0]);
        byte[] stored = nodes.hashOrNull((int) node[0], node[1]);
        byte[] vouched = node[0] == 0 ? lastLeaf(c, stored, start, head) : subtree(c, stored, start, end, head);
        if (vouched == null) {
          return Optional.empty();
        }
        roots.add(vouched);
        if (node[0] == 0) {
          last = vouched; // an odd size's cover ends in the last leaf itself
        }
        start = end;
      }
      if (last == null) {
        last = lastLeaf(c, nodes.hashOrNull(0, size - 1), size - 1, head);
      }
    }
    return last == null ? Optional.empty() : Optional.of(new AccessLog.Edge(CompactRange.of(size, roots), HEX.formatHex(last)));
  }

  private static byte[] lastLeaf(Connection c, byte[] row, long seq, AccessLog.Head head) throws SQLException {
    byte[] entry;
    try (TailRows rows = new TailRows(c, seq, seq + 1)) {
      entry = rows.entry(seq);
    }
    byte[] hash = entry == null ? null : Merkle.leafHash(Merkle.sha256Digest(), entry);
    return hash != null && HEX.formatHex(hash).equals(head.lastLeaf()) ? hash : row;
  }

  /** The subtree over leaves {@code start} to {@code end} (exclusive). */
  private static byte[] subtree(Connection c, byte[] stored, long start, long end, AccessLog.Head head) throws SQLException {
    CompactRange leaves = CompactRange.of(0, List.of());
    try (TailRows rows = new TailRows(c, start, end)) {
      for (long seq = start; seq < end; seq++) {
        byte[] leaf = rows.leaf(seq);
        if (leaf == null) {
          return stored;
        }
        leaves.append(leaf);
      }
    }
    byte[] made = leaves.root();
    if (Arrays.equals(stored, made)) {
      return stored;
    }
    return eachConfirmed(c, start, end, head) ? made : stored;
  }

  /** Whether each leaf from {@code start} to {@code end} is its entry's hash and what the next entry (or the head) links to. */
  private static boolean eachConfirmed(Connection c, long start, long end, AccessLog.Head head) throws SQLException {
    java.security.MessageDigest sha256 = Merkle.sha256Digest();
    try (TailRows rows = new TailRows(c, start, end + 1)) {
      for (long seq = start; seq < end; seq++) {
        byte[] leaf = rows.leaf(seq);
        byte[] entry = rows.entry(seq);
        if (entry == null || !Arrays.equals(Merkle.leafHash(sha256, entry), leaf)) {
          return false;
        }
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
}
