package io.kinko.vault.audit;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An append-only RFC 6962 / RFC 9162 Merkle tree over a {@link NodeStore}.
 *
 * <p>Only hashes of complete subtrees are stored; the root of any earlier size and every proof are
 * composed from them. Appending leaf n writes the leaf and each parent it completes (O(log n));
 * {@link #root(long)}, {@link #inclusionProof} and {@link #consistencyProof} read O(log n) nodes,
 * because every subtree the RFC's PATH and SUBPROOF recursions name is either complete or the
 * right edge of the tree, which splits into at most 63 complete subtrees.
 *
 * <p>Not thread-safe: the log's single writer owns an instance.
 */
public final class MerkleTree {
  private final NodeStore store;
  private final boolean writable;
  private long size;

  private MerkleTree(NodeStore store, long size, boolean writable) {
    this.store = store;
    this.size = size;
    this.writable = writable;
  }

  /**
   * Opens the tree held in {@code store}, which the caller states has {@code size} leaves.
   *
   * @throws IllegalArgumentException if size is negative
   * @throws IntegrityException if the store's leaves do not end exactly at {@code size}
   */
  public static MerkleTree open(NodeStore store, long size) {
    requireLeaves(store, size);
    if (store.get(0, size) != null) {
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the access log's tree is damaged: it has a leaf past its "
          + size + " entries: the database was edited outside Kinko");
    }
    return new MerkleTree(store, size, true);
  }

  /**
   * A read-only view of the first {@code size} leaves of {@code store}, for readers that do not
   * hold the writer's lock. Stored nodes never change once written, so leaves a concurrent writer
   * appends after {@code size} do not alter any root or proof of this view.
   *
   * @throws IntegrityException if the store has no leaf {@code size - 1}
   */
  public static MerkleTree snapshot(NodeStore store, long size) {
    requireLeaves(store, size);
    return new MerkleTree(store, size, false);
  }

  private static void requireLeaves(NodeStore store, long size) {
    if (store == null || size < 0) {
      throw new IllegalArgumentException("need a node store and a size >= 0, got " + size);
    }
    if (size > 0) {
      store.require(0, size - 1);
    }
  }

  /** The number of leaves appended so far. */
  public long size() {
    return size;
  }

  /**
   * Appends a leaf hash (see {@link Merkle#leafHash}) and returns its index.
   *
   * <p>Writes go straight to the store; a caller that runs them inside a transaction and rolls it
   * back must discard this instance and {@link #open} the store again.
   *
   * @throws IllegalArgumentException if {@code leafHash} is not 32 bytes
   * @throws IllegalStateException if this is a {@link #snapshot}
   */
  public long append(byte[] leafHash) {
    if (!writable) {
      throw new IllegalStateException("a snapshot of the tree is read-only");
    }
    if (leafHash == null || leafHash.length != Merkle.HASH_SIZE) {
      throw new IllegalArgumentException("a leaf hash is 32 bytes");
    }
    long leafIndex = size;
    long index = leafIndex;
    int level = 0;
    byte[] hash = leafHash.clone();
    store.put(level, index, hash);
    // Each trailing 1 bit of the index is a left sibling that this leaf completes.
    while ((index & 1) == 1) {
      hash = Merkle.nodeHash(node(level, index - 1), hash);
      index >>>= 1;
      level++;
      store.put(level, index, hash);
    }
    size = leafIndex + 1;
    return leafIndex;
  }

  /** The root of the tree at its current size. */
  public byte[] root() {
    return root(size);
  }

  /**
   * The root the tree had when it held {@code treeSize} leaves.
   *
   * @throws IllegalArgumentException unless {@code 0 <= treeSize <= size()}
   */
  public byte[] root(long treeSize) {
    if (treeSize < 0 || treeSize > size) {
      throw new IllegalArgumentException(
          "size " + treeSize + " is not between 0 and the tree's size " + size);
    }
    return treeSize == 0 ? Merkle.emptyRoot() : rangeHash(0, treeSize);
  }

  /**
   * The RFC 9162 §2.1.3.1 inclusion proof (PATH) of leaf {@code index} in the tree of {@code
   * treeSize} leaves, ordered from the leaf's sibling up.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < treeSize <= size()}
   */
  public List<byte[]> inclusionProof(long index, long treeSize) {
    if (index < 0 || index >= treeSize || treeSize > size) {
      throw new IllegalArgumentException(
          "leaf " + index + " of size " + treeSize + " is not in a tree of size " + size);
    }
    List<byte[]> proof = new ArrayList<>();
    path(index, 0, treeSize, proof);
    return Collections.unmodifiableList(proof);
  }

  /**
   * The RFC 9162 §2.1.4.1 consistency proof (PROOF) from size {@code size1} to {@code size2};
   * empty when the sizes are equal.
   *
   * @throws IllegalArgumentException unless {@code 0 < size1 <= size2 <= size()} or both are 0
   */
  public List<byte[]> consistencyProof(long size1, long size2) {
    if (size1 < 0 || size2 < size1 || size2 > size) {
      throw new IllegalArgumentException(
          "sizes " + size1 + " and " + size2 + " are not 0 <= size1 <= size2 <= " + size);
    }
    if (size1 == size2) {
      return List.of();
    }
    if (size1 == 0) {
      throw new IllegalArgumentException("no consistency proof exists from the empty tree");
    }
    List<byte[]> proof = new ArrayList<>();
    subproof(size1, 0, size2, true, proof);
    return Collections.unmodifiableList(proof);
  }

  /** MTH of a list of leaf hashes, straight from RFC 9162 §2.1.1; a reference for tests. */
  public static byte[] rootOf(List<byte[]> leafHashes) {
    int n = leafHashes.size();
    if (n == 0) {
      return Merkle.emptyRoot();
    }
    if (n == 1) {
      return leafHashes.get(0).clone();
    }
    int k = Integer.highestOneBit(n - 1);
    return Merkle.nodeHash(rootOf(leafHashes.subList(0, k)), rootOf(leafHashes.subList(k, n)));
  }

  // PATH(m, D[start:end]) with m relative to start; siblings appended leaf-first.
  private void path(long m, long start, long end, List<byte[]> out) {
    long n = end - start;
    if (n == 1) {
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m < k) {
      path(m, start, start + k, out);
      out.add(rangeHash(start + k, end));
    } else {
      path(m - k, start + k, end, out);
      out.add(rangeHash(start, start + k));
    }
  }

  // SUBPROOF(m, D[start:end], b) with m relative to start.
  private void subproof(long m, long start, long end, boolean complete, List<byte[]> out) {
    long n = end - start;
    if (m == n) {
      if (!complete) {
        out.add(rangeHash(start, end));
      }
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m <= k) {
      subproof(m, start, start + k, complete, out);
      out.add(rangeHash(start + k, end));
    } else {
      subproof(m - k, start + k, end, false, out);
      out.add(rangeHash(start, start + k));
    }
  }

  /**
   * MTH(D[start:end]) for a range the RFC recursions produce: start is a multiple of the smallest
   * power of two >= end - start, so the left part of every split is a stored complete subtree.
   */
  private byte[] rangeHash(long start, long end) {
    long n = end - start;
    if (Long.bitCount(n) == 1) {
      int level = Long.numberOfTrailingZeros(n);
      return node(level, start >>> level);
    }
    long k = Long.highestOneBit(n - 1);
    return Merkle.nodeHash(rangeHash(start, start + k), rangeHash(start + k, end));
  }

  private byte[] node(int level, long index) {
    // Roots and proofs are handed to callers; a store may return its own array.
    return store.require(level, index).clone();
  }
}
