package io.kinko.vault.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of a Merkle tree built leaf by leaf: the roots of its perfect subtrees, largest
 * first. Enough to compute the RFC 6962 root of every prefix in one pass over the leaves, which
 * is how a log is verified without loading it.
 */
final class CompactRange {
  private final List<byte[]> hashes = new ArrayList<>();
  private final List<Integer> levels = new ArrayList<>();
  private long size;

  long size() {
    return size;
  }

  void append(byte[] leafHash) {
    byte[] hash = leafHash;
    int level = 0;
    while (!levels.isEmpty() && levels.get(levels.size() - 1) == level) {
      hash = Merkle.nodeHash(hashes.remove(hashes.size() - 1), hash);
      levels.remove(levels.size() - 1);
      level++;
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
      root = Merkle.nodeHash(hashes.get(i), root);
    }
    return root;
  }
}
