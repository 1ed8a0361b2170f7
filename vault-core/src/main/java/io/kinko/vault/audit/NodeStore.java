package io.kinko.vault.audit;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;

/**
 * Where a {@link MerkleTree} keeps the hashes of its complete subtrees.
 *
 * <p>Node (level, index) is the root of the perfect subtree over leaves {@code [index·2^level,
 * (index+1)·2^level)}; level 0 holds the leaf hashes. A node is written exactly once, when its last
 * leaf is appended, and never changes afterwards, so a store can be one table keyed by (level,
 * index) with insert-only access. Hashes of incomplete subtrees are never stored: they change with
 * every append and are recomputed from complete ones.
 */
public interface NodeStore {
  /**
   * Returns the 32-byte hash of node (level, index), or {@code null} if it has not been written.
   */
  byte[] get(int level, long index);

  /**
   * The hash of node (level, index), which the tree's size says is stored: every one a root, a
   * proof or the log's writer reads. A store holds each such node once it is written, so one that
   * is missing or not 32 bytes long was deleted or edited outside Kinko.
   *
   * @throws IntegrityException if it is missing or not a hash
   */
  default byte[] require(int level, long index) {
    byte[] hash = get(level, index);
    if (hash == null || hash.length != Merkle.HASH_SIZE) {
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the access log's tree is damaged: its node at level " + level + ", index "
          + index + " is " + (hash == null ? "missing" : "not a hash") + ": the database was edited outside Kinko");
    }
    return hash;
  }

  /**
   * Writes node (level, index). Called once per node, in increasing index order within a level.
   *
   * @throws IllegalStateException if the node is already stored (implementations may instead
   *     accept a rewrite of the identical hash, for idempotent retries)
   */
  void put(int level, long index, byte[] hash);
}
