package io.kinko.vault.state;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The arithmetic of the state commitment, with no I/O and no keys: a bucket's digest is the sum
 * modulo 2^256 of its rows' keyed fact values (a keyed multiset hash, so rows can be checked in
 * any order and one row added or removed changes it); a group node hashes {@link
 * StateKind#FANOUT} bucket digests, a kind node hashes its group nodes, and the root hashes the
 * kind nodes. Every hash is domain-separated by level and kind, so no node can pass for another.
 */
public final class StateDigest {
  public static final int SIZE = 32;
  private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(256);
  static final byte[] ZERO = new byte[SIZE];

  private StateDigest() {}

  /** The bytes a row's keyed fact value is computed over: kind, bucket, then each column (null distinct from ""). */
  public static byte[] fact(StateKind kind, int bucket, List<String> values) {
    if (values.size() != kind.columns().size()) {
      throw new IllegalArgumentException(kind + " covers " + kind.columns().size() + " columns, got " + values.size());
    }
    // A trailing null of a column appended later is left out, so a row from before it hashes as it did.
    int n = values.size();
    while (n > 0 && values.get(n - 1) == null && StateKind.APPENDED.contains(kind.columns().get(n - 1))) {
      n--;
    }
    values = values.subList(0, n);
    int length = 8 + kind.name().length() + 4;
    for (String v : values) {
      length += 5 + (v == null ? 0 : v.getBytes(StandardCharsets.UTF_8).length);
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    out.putInt(kind.name().length()).put(kind.name().getBytes(StandardCharsets.US_ASCII)).putInt(bucket).putInt(values.size());
    for (String v : values) {
      if (v == null) {
        out.put((byte) 0).putInt(0);
      } else {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        out.put((byte) 1).putInt(b.length).put(b);
      }
    }
    return out.array();
  }

  /** {@code a + b} modulo 2^256, both 32-byte big-endian. */
  public static byte[] add(byte[] a, byte[] b) {
    return fixed(new BigInteger(1, a).add(new BigInteger(1, b)).mod(MODULUS));
  }

  /** Group node: the hash of {@code FANOUT} bucket digests (a missing bucket counts as zero). */
  public static byte[] group(StateKind kind, int group, byte[][] bucketDigests) {
    return node((byte) 1, kind, group, bucketDigests);
  }

  /**
   * Every group node of {@code kind} from all its bucket digests ({@code kind.buckets()} of them,
   * null for an empty bucket), as the stored nodes hold them.
   */
  static byte[][] groups(StateKind kind, byte[][] bucketDigests) {
    if (bucketDigests.length != kind.buckets()) {
      throw new IllegalArgumentException(kind + " has " + kind.buckets() + " buckets, got " + bucketDigests.length);
    }
    byte[][] groups = new byte[kind.groups()][];
    for (int g = 0; g < groups.length; g++) {
      byte[][] children = new byte[StateKind.FANOUT][];
      for (int i = 0; i < StateKind.FANOUT; i++) {
        int b = g * StateKind.FANOUT + i;
        children[i] = b < bucketDigests.length ? bucketDigests[b] : null;
      }
      groups[g] = group(kind, g, children);
    }
    return groups;
  }

  /** Kind node: the hash of every group node of the kind. */
  public static byte[] kind(StateKind kind, byte[][] groupNodes) {
    return node((byte) 2, kind, 0, groupNodes);
  }

  /**
   * The root: the hash of every kind node, in {@link StateKind} order, leaving out a kind added
   * after vaults were made while it is empty ({@link StateKind#APPENDED_KINDS}).
   */
  public static byte[] root(byte[][] kindNodes) {
    MessageDigest sha = sha256();
    sha.update((byte) 3);
    for (int i = 0; i < kindNodes.length; i++) {
      StateKind kind = StateKind.values()[i];
      if (StateKind.APPENDED_KINDS.contains(kind) && java.util.Arrays.equals(kindNodes[i], empty(kind))) {
        continue;
      }
      sha.update(kindNodes[i]);
    }
    return sha.digest();
  }

  /** The kind node of a kind that never held a row. */
  static byte[] empty(StateKind kind) {
    byte[][] groups = new byte[kind.groups()][];
    for (int g = 0; g < groups.length; g++) {
      groups[g] = group(kind, g, new byte[StateKind.FANOUT][]);
    }
    return kind(kind, groups);
  }

  private static byte[] node(byte level, StateKind kind, int index, byte[][] children) {
    MessageDigest sha = sha256();
    sha.update(level);
    sha.update(kind.name().getBytes(StandardCharsets.US_ASCII));
    sha.update(ByteBuffer.allocate(8).putInt(index).putInt(children.length).array());
    for (byte[] child : children) {
      sha.update(child == null ? ZERO : child);
    }
    return sha.digest();
  }

  private static byte[] fixed(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[SIZE];
    int copy = Math.min(raw.length, SIZE);
    System.arraycopy(raw, raw.length - copy, out, SIZE - copy, copy);
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
