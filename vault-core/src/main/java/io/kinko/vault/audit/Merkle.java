package io.kinko.vault.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing and proof verification, SHA-256.
 *
 * <p>Leaf and node hashes carry different prefixes (0x00, 0x01) so a leaf can never pass for an
 * inner node. Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 step by step and is strict: every
 * hash must be 32 bytes, a proof must have exactly the length the sizes imply, and anything else
 * fails with a {@link VerificationException} naming the check.
 */
public final class Merkle {
  public static final int HASH_SIZE = 32;

  private static final byte[] EMPTY_ROOT = sha256(new byte[0]);

  private Merkle() {}

  /** SHA-256(0x00 ‖ entry). */
  public static byte[] leafHash(byte[] entry) {
    MessageDigest md = newSha256();
    md.update((byte) 0x00);
    md.update(entry);
    return md.digest();
  }

  /** SHA-256(0x00 ‖ entry) with {@code sha256}, a digest the caller reuses (and resets here). */
  static byte[] leafHash(MessageDigest sha256, byte[] entry) {
    sha256.reset();
    sha256.update((byte) 0x00);
    sha256.update(entry);
    return sha256.digest();
  }

  /**
   * A new SHA-256 digest, for a caller that hashes many leaves or nodes in a row with {@link
   * #leafHash(MessageDigest, byte[])} or {@link #nodeHash(MessageDigest, byte[], byte[])}.
   */
  static MessageDigest sha256Digest() {
    return newSha256();
  }

  /** SHA-256(0x01 ‖ left ‖ right). */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    return nodeHash(newSha256(), left, right);
  }

  /**
   * SHA-256(0x01 ‖ left ‖ right) with {@code sha256}, a digest the caller reuses (and resets here):
   * a verification hashes a node per leaf, and looking up a new digest for each was 8 % of the
   * walking thread's samples in a flight recording.
   */
  static byte[] nodeHash(MessageDigest sha256, byte[] left, byte[] right) {
    sha256.reset();
    sha256.update((byte) 0x01);
    sha256.update(left);
    sha256.update(right);
    return sha256.digest();
  }

  /** The root of the empty tree, SHA-256 of the empty string. */
  public static byte[] emptyRoot() {
    return EMPTY_ROOT.clone();
  }

  /**
   * Verifies that {@code leafHash} is leaf {@code leafIndex} of the tree of {@code treeSize} leaves
   * whose root is {@code root} (RFC 9162 §2.1.3.2).
   *
   * @throws VerificationException if {@code leafIndex} is not in {@code [0, treeSize)}, a hash is
   *     not 32 bytes, the proof has the wrong length, or the computed root differs
   */
  public static void verifyInclusion(
      long leafIndex, long treeSize, byte[] leafHash, List<byte[]> proof, byte[] root)
      throws VerificationException {
    if (leafIndex < 0 || leafIndex >= treeSize) {
      throw new VerificationException(
          "inclusion: leaf index " + leafIndex + " is not in a tree of size " + treeSize);
    }
    checkHash("inclusion: leaf hash", leafHash);
    checkHash("inclusion: root", root);
    checkProof("inclusion", proof);

    long fn = leafIndex;
    long sn = treeSize - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        throw new VerificationException("inclusion: proof is longer than the path to the root");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    if (sn != 0) {
      throw new VerificationException("inclusion: proof is shorter than the path to the root");
    }
    if (!MessageDigest.isEqual(r, root)) {
      throw new VerificationException(
          "inclusion: leaf " + leafIndex + " does not lead to the root of tree size " + treeSize);
    }
  }

  /**
   * Verifies that the tree of {@code size2} leaves with root {@code root2} extends the tree of
   * {@code size1} leaves with root {@code root1} (RFC 9162 §2.1.4.2). Equal sizes need an empty
   * proof and equal roots (the empty root for size 0); a proof from size 0 is refused, as it
   * proves nothing.
   *
   * @throws VerificationException if {@code 0 <= size1 <= size2} does not hold, size1 is 0 and
   *     size2 is not, a hash is not 32 bytes, the proof has the wrong length, or a root differs
   */
  public static void verifyConsistency(
      long size1, long size2, List<byte[]> proof, byte[] root1, byte[] root2)
      throws VerificationException {
    if (size1 < 0 || size2 < size1) {
      throw new VerificationException(
          "consistency: sizes " + size1 + " and " + size2 + " are not 0 <= size1 <= size2");
    }
    checkHash("consistency: root1", root1);
    checkHash("consistency: root2", root2);
    checkProof("consistency", proof);
    if (size1 == size2) {
      if (!proof.isEmpty()) {
        throw new VerificationException("consistency: sizes are equal but the proof is not empty");
      }
      if (!MessageDigest.isEqual(root1, root2)) {
        throw new VerificationException("consistency: sizes are equal but the roots differ");
      }
      if (size1 == 0 && !MessageDigest.isEqual(root1, EMPTY_ROOT)) {
        throw new VerificationException("consistency: root of size 0 is not the empty root");
      }
      return;
    }
    if (size1 == 0) {
      throw new VerificationException("consistency: no proof exists from the empty tree");
    }
    // Step 1.
    if (proof.isEmpty()) {
      throw new VerificationException("consistency: proof is empty");
    }
    // Step 2: a power-of-two size1 is a complete subtree whose hash is root1 itself.
    int start = 0;
    byte[] seed;
    if (Long.bitCount(size1) == 1) {
      seed = root1;
    } else {
      seed = proof.get(0);
      start = 1;
    }
    // Step 3.
    long fn = size1 - 1;
    long sn = size2 - 1;
    // Step 4.
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    // Step 5.
    byte[] fr = seed;
    byte[] sr = seed;
    // Step 6.
    for (int i = start; i < proof.size(); i++) {
      byte[] c = proof.get(i);
      if (sn == 0) {
        throw new VerificationException("consistency: proof is longer than the sizes allow");
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    // Step 7.
    if (sn != 0) {
      throw new VerificationException("consistency: proof is shorter than the sizes require");
    }
    if (!MessageDigest.isEqual(fr, root1)) {
      throw new VerificationException(
          "consistency: proof does not lead to root1 of tree size " + size1);
    }
    if (!MessageDigest.isEqual(sr, root2)) {
      throw new VerificationException(
          "consistency: proof does not lead to root2 of tree size " + size2);
    }
  }

  private static void checkProof(String what, List<byte[]> proof) {
    if (proof == null) {
      throw new VerificationException(what + ": proof is null");
    }
    // A proof never needs more than one hash per level of a 2^63-leaf tree (+1 seed).
    if (proof.size() > 2 * Long.SIZE) {
      throw new VerificationException(what + ": proof has " + proof.size() + " hashes");
    }
    for (int i = 0; i < proof.size(); i++) {
      checkHash(what + ": proof[" + i + "]", proof.get(i));
    }
  }

  private static void checkHash(String what, byte[] hash) {
    if (hash == null || hash.length != HASH_SIZE) {
      throw new VerificationException(
          what + " is " + (hash == null ? "missing" : hash.length + " bytes") + ", not 32");
    }
  }

  private static byte[] sha256(byte[] data) {
    return newSha256().digest(data);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform must provide SHA-256", e);
    }
  }
}
