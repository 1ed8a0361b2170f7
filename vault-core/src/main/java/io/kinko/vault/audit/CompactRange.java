package io.kinko.vault.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of a Merkle tree built leaf by leaf: the roots of its perfect subtrees, largest
 * first. Enough to compute the RFC 6962 root of every prefix in one pass over the leaves, which
 * is how a log is verified without loading it. One thread at a time appends to it or takes its
 * root (they share its digest); a writer that keeps it appends to a {@link #copy}.
 */
final class CompactRange {
  private final java.security.MessageDigest sha256 = Merkle.sha256Digest();
  private final List<byte[]> hashes = new ArrayList<>();
  private final List<Integer> levels = new ArrayList<>();
  private long size;

  /**
   * The range of the first {@code size} leaves, from the roots of the perfect subtrees that
   * cover them, largest first (one per set bit of {@code size}).
   *
   * @throws IllegalArgumentException if there is not one root per set bit
   */
  static CompactRange of(long size, List<byte[]> subtreeRoots) {
    if (Long.bitCount(size) != subtreeRoots.size()) {
      throw new IllegalArgumentException(size + " leaves need " + Long.bitCount(size) + " subtree roots, got " + subtreeRoots.size());
    }
    CompactRange range = new CompactRange();
    int i = 0;
    for (int level = 63; level >= 0; level--) {
      if ((size & (1L << level)) != 0) {
        range.hashes.add(subtreeRoots.get(i++));
        range.levels.add(level);
      }
    }
    range.size = size;
    return range;
  }

  /**
   * The range of the first {@code size} leaves from the roots of their perfect subtrees as {@code
   * nodes} stores them.
   *
   * @throws io.kinko.vault.IntegrityException if one of them is not stored
   */
  static CompactRange stored(NodeStore nodes, long size) {
    List<byte[]> roots = new ArrayList<>();
    for (long[] node : cover(size)) {
      roots.add(nodes.require((int) node[0], node[1]));
    }
    return of(size, roots);
  }

  /** The (level, index) of each perfect subtree covering the first {@code size} leaves, largest first. */
  static List<long[]> cover(long size) {
    List<long[]> out = new ArrayList<>();
    long start = 0;
    for (int level = 63; level >= 0; level--) {
      if ((size & (1L << level)) != 0) {
        out.add(new long[] {level, start >>> level});
        start += 1L << level;
      }
    }
    return out;
  }

  long size() {
    return size;
  }

  /** A copy, so that a writer can try a batch on it and keep the original if the batch fails. */
  CompactRange copy() {
    CompactRange c = new CompactRange();
    c.hashes.addAll(hashes);
    c.levels.addAll(levels);
    c.size = size;
    return c;
  }

  void append(byte[] leafHash) {
    append(leafHash, null);
  }

  /**
   * Appends a leaf and gives {@code completed} (if not null) each node of the tree it completes:
   * the leaf itself, then every parent whose right child it closes, as {@link MerkleTree#append}
   * stores them.
   */
  void append(byte[] leafHash, NodeStore completed) {
    byte[] hash = leafHash;
    int level = 0;
    long index = size;
    if (completed != null) {
      completed.put(0, index, hash);
    }
    while (!levels.isEmpty() && levels.get(levels.size() - 1) == level) {
      hash = Merkle.nodeHash(sha256, hashes.remove(hashes.size() - 1), hash);
      levels.remove(levels.size() - 1);
      level++;
      if (completed != null) {
        completed.put(level, index >>> level, hash);
      }
    }
    hashes.add(hash);
    levels.add(level);
    size++;
  }

  /** The root of the tree of the leaves appended so far. */
  byte[] root() {
    if (hashes.isEmpty()) {
      return Merkle.emptyRoot();
    }
    byte[] root = hashes.get(hashes.size() - 1);
    for (int i = hashes.size() - 2; i >= 0; i--) {
      root = Merkle.nodeHash(sha256, hashes.get(i), root);
    }
    return root;
  }
}
