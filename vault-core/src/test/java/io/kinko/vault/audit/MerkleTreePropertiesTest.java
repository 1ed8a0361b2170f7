package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random sizes and indices against one tree of {@value #MAX} leaves (every smaller size is a
 * historical state of it) and against the RFC's recursive definition.
 */
class MerkleTreePropertiesTest {
  private static final int MAX = 3000;
  private static final List<byte[]> LEAVES = new ArrayList<>();
  private static MerkleTree tree;

  @BeforeAll
  static void buildTree() {
    tree = MerkleTree.open(new InMemoryNodeStore(), 0);
    for (int i = 0; i < MAX; i++) {
      byte[] leaf = MerkleTreeTest.leaf(i);
      LEAVES.add(leaf);
      tree.append(leaf);
    }
  }

  @Test
  void root_ofEverySize_equalsReferenceRoot() {
    qt().withExamples(200)
        .forAll(integers().between(0, MAX))
        .checkAssert(size ->
            assertArrayEquals(MerkleTree.rootOf(LEAVES.subList(0, size)), tree.root(size)));
  }

  @Test
  void freshTree_ofRandomSize_hasReferenceRoot() {
    qt().withExamples(100)
        .forAll(integers().between(0, 600))
        .checkAssert(size -> {
          MerkleTree fresh = MerkleTree.open(new InMemoryNodeStore(), 0);
          for (int i = 0; i < size; i++) {
            fresh.append(LEAVES.get(i));
          }
          assertArrayEquals(MerkleTree.rootOf(LEAVES.subList(0, size)), fresh.root());
        });
  }

  @Test
  void inclusionProof_alwaysVerifies() {
    qt().withExamples(500)
        .forAll(integers().between(1, MAX), integers().between(0, MAX - 1))
        .checkAssert((size, i) -> {
          int index = i % size;
          Merkle.verifyInclusion(
              index, size, LEAVES.get(index), tree.inclusionProof(index, size), tree.root(size));
        });
  }

  @Test
  void verifyInclusion_withFlippedBitInProofLeafOrRoot_isRejected() {
    qt().withExamples(500)
        .forAll(integers().between(1, MAX), integers().between(0, MAX - 1),
            integers().allPositive())
        .checkAssert((size, i, bitChoice) -> {
          int index = i % size;
          List<byte[]> proof = copy(tree.inclusionProof(index, size));
          byte[] leaf = LEAVES.get(index).clone();
          byte[] root = tree.root(size);
          List<byte[]> targets = new ArrayList<>(proof);
          targets.add(leaf);
          targets.add(root);
          flipBit(targets, bitChoice);
          assertThrows(VerificationException.class,
              () -> Merkle.verifyInclusion(index, size, leaf, proof, root));
        });
  }

  @Test
  void consistencyProof_alwaysVerifies() {
    qt().withExamples(500)
        .forAll(integers().between(1, MAX), integers().between(0, MAX - 1))
        .checkAssert((size2, s) -> {
          int size1 = 1 + s % size2;
          Merkle.verifyConsistency(size1, size2, tree.consistencyProof(size1, size2),
              tree.root(size1), tree.root(size2));
        });
  }

  @Test
  void verifyConsistency_withFlippedBitInProofOrRoots_isRejected() {
    qt().withExamples(500)
        .forAll(integers().between(1, MAX), integers().between(0, MAX - 1),
            integers().allPositive())
        .checkAssert((size2, s, bitChoice) -> {
          int size1 = 1 + s % size2;
          List<byte[]> proof = copy(tree.consistencyProof(size1, size2));
          byte[] root1 = tree.root(size1);
          byte[] root2 = tree.root(size2);
          List<byte[]> targets = new ArrayList<>(proof);
          targets.add(root1);
          targets.add(root2);
          flipBit(targets, bitChoice);
          assertThrows(VerificationException.class,
              () -> Merkle.verifyConsistency(size1, size2, proof, root1, root2));
        });
  }

  @Test
  void verifyInclusion_atAnotherIndex_isRejected() {
    qt().withExamples(300)
        // Not "another size": sizes whose paths have the same shape share proofs; the signed
        // checkpoint, not the proof, binds a root to its size.
        .forAll(integers().between(2, MAX), integers().between(0, MAX - 1),
            integers().between(1, MAX - 1))
        .checkAssert((size, i, delta) -> {
          int index = i % size;
          int otherIndex = (index + delta) % size;
          List<byte[]> proof = tree.inclusionProof(index, size);
          if (otherIndex != index) { // delta < MAX, but size may divide it
            assertThrows(VerificationException.class, () -> Merkle.verifyInclusion(
                otherIndex, size, LEAVES.get(index), proof, tree.root(size)));
          }
        });
  }

  private static List<byte[]> copy(List<byte[]> hashes) {
    List<byte[]> out = new ArrayList<>();
    hashes.forEach(h -> out.add(h.clone()));
    return out;
  }

  /** Flips bit {@code choice mod (256 × hashes)} across the given 32-byte hashes, in place. */
  private static void flipBit(List<byte[]> hashes, int choice) {
    int bit = choice % (hashes.size() * 256);
    hashes.get(bit / 256)[(bit % 256) / 8] ^= (byte) (1 << (bit % 8));
  }
}
