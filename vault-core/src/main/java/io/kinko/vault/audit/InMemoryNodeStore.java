package io.kinko.vault.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link NodeStore} in memory, for tests and for checking an exported log offline.
 *
 * <p>Keeps the store contract honest: nodes are append-only per level and never overwritten with a
 * different hash; stored and returned arrays are copies, so callers cannot alter a stored node.
 */
public final class InMemoryNodeStore implements NodeStore {
  private final List<List<byte[]>> levels = new ArrayList<>();

  @Override
  public byte[] get(int level, long index) {
    if (level < 0 || index < 0 || level >= levels.size()) {
      return null;
    }
    List<byte[]> nodes = levels.get(level);
    return index < nodes.size() ? nodes.get((int) index).clone() : null;
  }

  @Override
  public void put(int level, long index, byte[] hash) {
    if (level < 0 || index < 0 || hash == null || hash.length != Merkle.HASH_SIZE) {
      throw new IllegalArgumentException(
          "bad node: level " + level + ", index " + index + ", hash "
              + (hash == null ? "null" : hash.length + " bytes"));
    }
    while (levels.size() <= level) {
      levels.add(new ArrayList<>());
    }
    List<byte[]> nodes = levels.get(level);
    if (index < nodes.size()) {
      if (!Arrays.equals(nodes.get((int) index), hash)) {
        throw new IllegalStateException(
            "node level " + level + " index " + index + " is already stored with another hash");
      }
      return;
    }
    if (index != nodes.size() || index >= Integer.MAX_VALUE) {
      throw new IllegalStateException(
          "node level " + level + " index " + index + " written out of order; next is "
              + nodes.size());
    }
    nodes.add(hash.clone());
  }
}
