package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.IntegrityException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
  /** Counts store reads, to check the O(log n) promise rather than trust it. */
  static final class CountingStore implements NodeStore {
    final InMemoryNodeStore inner = new InMemoryNodeStore();
    int reads;
    int writes;

    @Override
    public byte[] get(int level, long index) {
      reads++;
      return inner.get(level, index);
    }

    @Override
    public void put(int level, long index, byte[] hash) {
      writes++;
      inner.put(level, index, hash);
    }
  }

  static byte[] leaf(long i) {
    return Merkle.leafHash(ByteBuffer.allocate(8).putLong(i).array());
  }

  @Test
  void emptyTree_hasEmptyRoot() {
    MerkleTree tree = MerkleTree.open(new InMemoryNodeStore(), 0);
    assertEquals(0, tree.size());
    assertArrayEquals(Merkle.emptyRoot(), tree.root());
  }

  @Test
  void append_storesOnlyCompleteSubtrees() {
    InMemoryNodeStore store = new InMemoryNodeStore();
    MerkleTree tree = MerkleTree.open(store, 0);
    for (int i = 0; i < 6; i++) {
      assertEquals(i, tree.append(leaf(i)));
    }
    // 6 leaves: complete pairs [0,2) [2,4) [4,6), one complete quad [0,4), nothing above.
    assertNotNull(store.get(1, 2));
    assertNotNull(store.get(2, 0));
    assertNull(store.get(2, 1));
    assertNull(store.get(3, 0));
    assertArrayEquals(Merkle.nodeHash(leaf(4), leaf(5)), store.get(1, 2));
  }

  @Test
  void append_writesLeafAndCompletedParentsOnly() {
    CountingStore store = new CountingStore();
    MerkleTree tree = MerkleTree.open(store, 0);
    for (int i = 0; i < 1023; i++) {
      tree.append(leaf(i));
    }
    store.reads = 0;
    store.writes = 0;
    tree.append(leaf(1023)); // completes ten levels at once
    assertEquals(11, store.writes);
    assertEquals(10, store.reads);
  }

  @Test
  void proofsAndRoots_readLogarithmicallyManyNodes() {
    CountingStore store = new CountingStore();
    MerkleTree tree = MerkleTree.open(store, 0);
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      tree.append(leaf(i));
    }
    int bound = 2 * (64 - Long.numberOfLeadingZeros(n)) + 2; // 2·⌈log2 n⌉ + 2 = 36
    for (long size : new long[] {n, n - 1, 65_537, 99_999, 12_345}) {
      store.reads = 0;
      tree.root(size);
      assertTrue(store.reads <= bound, "root(" + size + ") read " + store.reads);
      store.reads = 0;
      tree.inclusionProof(size / 3, size);
      assertTrue(store.reads <= bound, "inclusion at " + size + " read " + store.reads);
      store.reads = 0;
      tree.consistencyProof(size / 7 + 1, size);
      assertTrue(store.reads <= bound, "consistency to " + size + " read " + store.reads);
    }
  }

  @Test
  void open_withSizeThatDisagreesWithStore_isRefused() {
    InMemoryNodeStore store = new InMemoryNodeStore();
    MerkleTree tree = MerkleTree.open(store, 0);
    for (int i = 0; i < 5; i++) {
      tree.append(leaf(i));
    }
    assertEquals(5, MerkleTree.open(store, 5).size());
    assertThrows(IntegrityException.class, () -> MerkleTree.open(store, 4));
    assertThrows(IntegrityException.class, () -> MerkleTree.open(store, 6));
    assertThrows(IllegalArgumentException.class, () -> MerkleTree.open(store, -1));
  }

  /**
   * A node the tree's size says is stored but is not there, or is not a hash, is a store edited
   * outside Kinko: every root, proof and edge that reads it is an IntegrityException naming the
   * node, never another failure (a bare IllegalStateException reached the user as a bug).
   */
  @Test
  void aStoredNodeMissingOrCut_isAnIntegrityFailure_namingIt_forRootsProofsAndTheEdge() {
    for (byte[] damaged : new byte[][] {null, new byte[] {7}}) {
      InMemoryNodeStore good = new InMemoryNodeStore();
      MerkleTree writer = MerkleTree.open(good, 0);
      for (int i = 0; i < 6; i++) {
        writer.append(leaf(i));
      }
      NodeStore store = new NodeStore() {
        @Override
        public byte[] get(int level, long index) {
          return level == 2 && index == 0 ? damaged : good.get(level, index); // the parent of leaves 0..3
        }

        @Override
        public void put(int level, long index, byte[] hash) {
          throw new UnsupportedOperationException();
        }
      };
      MerkleTree tree = MerkleTree.snapshot(store, 6);
      String says = "its node at level 2, index 0 is " + (damaged == null ? "missing" : "not a hash");
      for (org.junit.jupiter.api.function.Executable read : List.<org.junit.jupiter.api.function.Executable>of(
          tree::root, () -> tree.inclusionProof(5, 6), () -> tree.consistencyProof(5, 6), () -> CompactRange.stored(store, 6))) {
        IntegrityException e = assertThrows(IntegrityException.class, read);
        assertTrue(e.getMessage().contains(says), e.getMessage());
      }
      assertEquals(1, tree.inclusionProof(0, 2).size(), "a proof that does not read the node is given");
    }
  }

  @Test
  void snapshot_ofAStoreAWriterHasSinceGrown_givesTheRootsAndProofsOfItsSize_andIsReadOnly() {
    // A reader reads the head, then a writer appends before the reader reads any node.
    InMemoryNodeStore store = new InMemoryNodeStore();
    MerkleTree writer = MerkleTree.open(store, 0);
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      leaves.add(leaf(i));
      writer.append(leaf(i));
    }
    MerkleTree view = MerkleTree.snapshot(store, 6);
    assertEquals(6, view.size());
    assertArrayEquals(MerkleTree.rootOf(leaves.subList(0, 6)), view.root());
    List<byte[]> proof = view.inclusionProof(3, 6);
    List<byte[]> expected = writer.inclusionProof(3, 6);
    assertEquals(expected.size(), proof.size());
    for (int i = 0; i < proof.size(); i++) {
      assertArrayEquals(expected.get(i), proof.get(i));
    }
    assertThrows(IllegalArgumentException.class, () -> view.root(7));
    assertThrows(IllegalStateException.class, () -> view.append(leaf(99)));
    assertThrows(IntegrityException.class, () -> MerkleTree.snapshot(store, 12));
    assertEquals(11, writer.size(), "the refused append wrote nothing");
    assertEquals(11, MerkleTree.open(store, 11).size());
  }

  @Test
  void reopenedTree_continuesWithTheSameRoots() {
    InMemoryNodeStore store = new InMemoryNodeStore();
    MerkleTree first = MerkleTree.open(store, 0);
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      leaves.add(leaf(i));
      first.append(leaf(i));
    }
    MerkleTree second = MerkleTree.open(store, 7);
    for (int i = 7; i < 13; i++) {
      leaves.add(leaf(i));
      second.append(leaf(i));
    }
    assertArrayEquals(MerkleTree.rootOf(leaves), second.root());
    assertArrayEquals(MerkleTree.rootOf(leaves.subList(0, 7)), second.root(7));
  }

  @Test
  void append_withWrongLengthHash_isRefused() {
    MerkleTree tree = MerkleTree.open(new InMemoryNodeStore(), 0);
    assertThrows(IllegalArgumentException.class, () -> tree.append(new byte[31]));
    assertEquals(0, tree.size());
  }

  @Test
  void proofs_beyondTheTree_areRefused() {
    MerkleTree tree = MerkleTree.open(new InMemoryNodeStore(), 0);
    for (int i = 0; i < 4; i++) {
      tree.append(leaf(i));
    }
    assertThrows(IllegalArgumentException.class, () -> tree.root(5));
    assertThrows(IllegalArgumentException.class, () -> tree.inclusionProof(4, 4));
    assertThrows(IllegalArgumentException.class, () -> tree.inclusionProof(0, 5));
    assertThrows(IllegalArgumentException.class, () -> tree.consistencyProof(3, 2));
    assertThrows(IllegalArgumentException.class, () -> tree.consistencyProof(0, 2));
    assertEquals(0, tree.consistencyProof(3, 3).size());
  }

  @Test
  void returnedHashes_cannotAlterTheStore() {
    MerkleTree tree = MerkleTree.open(new InMemoryNodeStore(), 0);
    for (int i = 0; i < 3; i++) {
      tree.append(leaf(i));
    }
    byte[] before = tree.root();
    tree.inclusionProof(0, 3).get(0)[0] ^= 1;
    tree.root()[0] ^= 1;
    assertArrayEquals(before, tree.root());
  }

  @Test
  void inMemoryStore_refusesOverwriteAndGaps() {
    InMemoryNodeStore store = new InMemoryNodeStore();
    store.put(0, 0, leaf(0));
    store.put(0, 0, leaf(0)); // an identical retry is harmless
    assertThrows(IllegalStateException.class, () -> store.put(0, 0, leaf(1)));
    assertThrows(IllegalStateException.class, () -> store.put(0, 2, leaf(2)));
    assertThrows(IllegalArgumentException.class, () -> store.put(0, 1, new byte[3]));
  }
}
