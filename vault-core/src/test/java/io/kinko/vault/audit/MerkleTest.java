package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void emptyRoot_isSha256OfNothing() {
    // printf '' | sha256sum
    assertArrayEquals(
        HEX.parseHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        Merkle.emptyRoot());
  }

  @Test
  void leafHash_prefixesZeroByte() {
    // printf '\x00' | sha256sum
    assertArrayEquals(
        HEX.parseHex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        Merkle.leafHash(new byte[0]));
  }

  @Test
  void nodeHash_isSha256OfOneLeftRight() throws Exception {
    byte[] l = Merkle.leafHash(new byte[] {1});
    byte[] r = Merkle.leafHash(new byte[] {2});
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update((byte) 0x01);
    md.update(l);
    md.update(r);
    assertArrayEquals(md.digest(), Merkle.nodeHash(l, r));
    assertArrayEquals(Merkle.nodeHash(l, r), MerkleTree.rootOf(List.of(l, r)));
  }

  @Test
  void verifyInclusion_ofSingleLeafTree_needsEmptyProof() {
    byte[] leaf = Merkle.leafHash(new byte[] {42});
    assertDoesNotThrow(() -> Merkle.verifyInclusion(0, 1, leaf, List.of(), leaf));
    assertThrows(
        VerificationException.class,
        () -> Merkle.verifyInclusion(0, 1, leaf, List.of(leaf), leaf));
  }

  @Test
  void verifyInclusion_withNegativeOrHugeIndex_isRejected() {
    byte[] leaf = Merkle.leafHash(new byte[] {42});
    assertThrows(VerificationException.class,
        () -> Merkle.verifyInclusion(-1, 1, leaf, List.of(), leaf));
    assertThrows(VerificationException.class,
        () -> Merkle.verifyInclusion(Long.MAX_VALUE, Long.MAX_VALUE, leaf, List.of(), leaf));
  }

  @Test
  void verifyInclusion_withNullProofOrOverlongProof_isRejected() {
    byte[] leaf = Merkle.leafHash(new byte[] {42});
    assertThrows(VerificationException.class,
        () -> Merkle.verifyInclusion(0, 2, leaf, null, leaf));
    List<byte[]> longProof = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      longProof.add(leaf);
    }
    assertThrows(VerificationException.class,
        () -> Merkle.verifyInclusion(0, Long.MAX_VALUE, leaf, longProof, leaf));
  }

  @Test
  void verifyConsistency_ofEqualSizes_needsEqualRootsAndEmptyProof() {
    byte[] root = MerkleTree.rootOf(List.of(Merkle.leafHash(new byte[] {1})));
    assertDoesNotThrow(() -> Merkle.verifyConsistency(1, 1, List.of(), root, root));
    assertThrows(VerificationException.class,
        () -> Merkle.verifyConsistency(1, 1, List.of(), root, Merkle.emptyRoot()));
    assertThrows(VerificationException.class,
        () -> Merkle.verifyConsistency(1, 1, List.of(root), root, root));
  }

  @Test
  void verifyConsistency_ofEmptyTrees_needsTheEmptyRoot() {
    assertDoesNotThrow(
        () -> Merkle.verifyConsistency(0, 0, List.of(), Merkle.emptyRoot(), Merkle.emptyRoot()));
    byte[] other = Merkle.leafHash(new byte[0]);
    assertThrows(VerificationException.class,
        () -> Merkle.verifyConsistency(0, 0, List.of(), other, other));
  }

  @Test
  void verifyConsistency_fromEmptyTree_isRejected() {
    byte[] root = MerkleTree.rootOf(List.of(Merkle.leafHash(new byte[] {1})));
    assertThrows(VerificationException.class,
        () -> Merkle.verifyConsistency(0, 1, List.of(), Merkle.emptyRoot(), root));
  }

  @Test
  void verifyConsistency_withShrinkingTree_isRejected() {
    byte[] root = Merkle.emptyRoot();
    assertThrows(VerificationException.class,
        () -> Merkle.verifyConsistency(2, 1, List.of(), root, root));
    assertThrows(VerificationException.class,
        () -> Merkle.verifyConsistency(-1, 1, List.of(), root, root));
  }
}
