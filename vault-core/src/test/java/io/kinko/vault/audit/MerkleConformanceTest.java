package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * transparency-dev/merkle's published inclusion and consistency vectors, each file one test:
 * {@code wantErr} vectors must be rejected, the others accepted, and for happy paths the tree
 * must also generate exactly the published proof and root.
 */
@Tag("conformance")
class MerkleConformanceTest {
  /**
   * Vectors Kinko answers differently on purpose, with the reason. Each is still asserted (to be
   * rejected), so the list cannot hide a regression.
   */
  private static final Map<String, String> DELIBERATELY_REJECTED =
      Map.of(
          "merkle/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json",
          "its roots are 12 bytes; Kinko refuses any hash that is not 32 bytes, even when equal");

  /**
   * The leaves behind the vectors: the RFC 6962 reference tree used by Certificate Transparency
   * and transparency-dev (leaf 0 is the empty string). A wrong leaf fails the root checks below.
   */
  private static final byte[][] LEAVES = {
    hex(""), hex("00"), hex("10"), hex("2021"), hex("3031"), hex("40414243"),
    hex("5051525354555657"), hex("606162636465666768696a6b6c6d6e6f"),
  };

  @TestFactory
  Stream<DynamicTest> inclusionVectors() {
    MerkleTree tree = referenceTree();
    return TestVectors.jsonFiles("merkle/inclusion").stream()
        .map(file -> DynamicTest.dynamicTest(TestVectors.name(file), () -> checkInclusion(file, tree)));
  }

  @TestFactory
  Stream<DynamicTest> consistencyVectors() {
    MerkleTree tree = referenceTree();
    return TestVectors.jsonFiles("merkle/consistency").stream()
        .map(file ->
            DynamicTest.dynamicTest(TestVectors.name(file), () -> checkConsistency(file, tree)));
  }

  private static void checkInclusion(Path file, MerkleTree tree) {
    JsonObject v = TestVectors.readJson(file);
    long index = v.get("leafIdx").getAsLong();
    long size = v.get("treeSize").getAsLong();
    byte[] leaf = TestVectors.b64(v.get("leafHash"));
    byte[] root = TestVectors.b64(v.get("root"));
    List<byte[]> proof = TestVectors.proof(v.get("proof"));
    if (expectError(file, v)) {
      assertThrows(
          VerificationException.class,
          () -> Merkle.verifyInclusion(index, size, leaf, proof, root),
          v.get("desc").getAsString());
      return;
    }
    assertDoesNotThrow(() -> Merkle.verifyInclusion(index, size, leaf, proof, root));
    if (v.get("desc").getAsString().equals("happy path")) {
      assertArrayEquals(root, tree.root(size), "root of size " + size);
      assertProofEquals(proof, tree.inclusionProof(index, size));
    }
  }

  private static void checkConsistency(Path file, MerkleTree tree) {
    JsonObject v = TestVectors.readJson(file);
    long size1 = v.get("size1").getAsLong();
    long size2 = v.get("size2").getAsLong();
    byte[] root1 = TestVectors.b64(v.get("root1"));
    byte[] root2 = TestVectors.b64(v.get("root2"));
    List<byte[]> proof = TestVectors.proof(v.get("proof"));
    if (expectError(file, v)) {
      assertThrows(
          VerificationException.class,
          () -> Merkle.verifyConsistency(size1, size2, proof, root1, root2),
          v.get("desc").getAsString());
      return;
    }
    assertDoesNotThrow(() -> Merkle.verifyConsistency(size1, size2, proof, root1, root2));
    if (v.get("desc").getAsString().equals("happy path")) {
      assertArrayEquals(root1, tree.root(size1), "root of size " + size1);
      assertArrayEquals(root2, tree.root(size2), "root of size " + size2);
      assertProofEquals(proof, tree.consistencyProof(size1, size2));
    }
  }

  private static boolean expectError(Path file, JsonObject v) {
    boolean wantErr = v.get("wantErr").getAsBoolean();
    String deviation = DELIBERATELY_REJECTED.get(TestVectors.name(file));
    if (deviation != null) {
      assertTrue(!wantErr, "listed as a deviation but the vector already expects an error");
      return true;
    }
    return wantErr;
  }

  private static void assertProofEquals(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size(), "proof length");
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "proof[" + i + "]");
    }
  }

  private static MerkleTree referenceTree() {
    MerkleTree tree = MerkleTree.open(new InMemoryNodeStore(), 0);
    for (byte[] leaf : LEAVES) {
      tree.append(Merkle.leafHash(leaf));
    }
    return tree;
  }

  private static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
