package io.kinko.vault;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A vault's recovery key: 256 random bits that open the recovery slot, which sets a new password
 * for an administrator who lost theirs ({@link Vault#recover}). Held as bytes that are zeroed on
 * {@link #close()}; it never becomes a {@code String}, and {@link #toString()} shows only the
 * fingerprint.
 *
 * <p>Its text form is for a person to copy from paper and type back: the key in RFC 4648 base32
 * (52 characters, the last carrying 4 zero bits), then a checksum, all in 14 groups of 4 joined
 * by '-'. The checksum is Σ vᵢ·3ⁱ⁺¹ mod 1048573 (a prime below 2²⁰) over the 52 characters'
 * values, written as 4 base32 characters: a single mistyped character or two swapped neighbours
 * always change it, so such a typo is refused ({@link IllegalArgumentException}) before any key
 * work; other typos are caught with odds of about one in a million, and then by the slot itself.
 * Case, spaces and '-' do not matter when it is read back.
 *
 * <p>The fingerprint is the first 16 hex digits of SHA-256("kinko/recovery-key/fingerprint" ‖
 * key): it names the key (on the sheet, in {@code kinko status}) without revealing it.
 */
public final class RecoveryKey implements AutoCloseable {
  /** The key's length in bytes. */
  public static final int BYTES = 32;
  static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  static final int KEY_CHARS = 52;
  static final int CHECK_CHARS = 4;
  static final int GROUPS = (KEY_CHARS + CHECK_CHARS) / 4;
  static final long CHECK_MODULUS = 1_048_573L;

  private final byte[] key;
  private boolean closed;

  private RecoveryKey(byte[] key) {
    this.key = key;
  }

  /** Takes ownership of {@code key} (32 bytes): the array is zeroed when this key is closed. */
  public static RecoveryKey wrap(byte[] key) {
    if (key == null || key.length != BYTES) {
      throw new IllegalArgumentException("a recovery key has " + BYTES + " bytes");
    }
    return new RecoveryKey(key);
  }

  /**
   * Reads a recovery key from its text form; the caller still owns (and should wipe) {@code text}.
   *
   * @throws IllegalArgumentException if the text has the wrong length, a character outside base32
   *     or a checksum that does not match (the message never quotes the text)
   */
  public static RecoveryKey parse(char[] text) {
    int[] values = new int[KEY_CHARS + CHECK_CHARS];
    int n = 0;
    try {
      for (char c : text) {
        if (c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          continue;
        }
        int v = ALPHABET.indexOf(Character.toUpperCase(c));
        if (v < 0) {
          throw new IllegalArgumentException("a recovery key holds only the letters A-Z and the digits 2-7; group " + (n / 4 + 1)
              + " has another character");
        }
        if (n == values.length) {
          throw new IllegalArgumentException("a recovery key has " + values.length + " characters in " + GROUPS + " groups of 4; this has more");
        }
        values[n++] = v;
      }
      if (n != values.length) {
        throw new IllegalArgumentException("a recovery key has " + values.length + " characters in " + GROUPS + " groups of 4; this has " + n);
      }
      long check = 0;
      for (int i = KEY_CHARS; i < values.length; i++) {
        check = check << 5 | values[i];
      }
      if (check != checksum(values)) {
        throw new IllegalArgumentException("the recovery key does not match its checksum (the last group): a character was mistyped "
            + "or two were swapped; compare it with the sheet again");
      }
      if ((values[KEY_CHARS - 1] & 0xF) != 0) {
        throw new IllegalArgumentException("the recovery key's group 13 ends in a character no recovery key has");
      }
      byte[] key = new byte[BYTES];
      long buffer = 0;
      int bits = 0;
      int out = 0;
      for (int i = 0; i < KEY_CHARS; i++) {
        buffer = buffer << 5 | values[i];
        bits += 5;
        if (bits >= 8) {
          bits -= 8;
          key[out++] = (byte) (buffer >>> bits);
          buffer &= (1L << bits) - 1;
        }
      }
      return new RecoveryKey(key);
    } finally {
      Arrays.fill(values, 0);
    }
  }

  /** The key's text form (14 groups of 4 joined by '-'), a fresh array the caller should wipe. */
  public char[] text() {
    int[] values = new int[KEY_CHARS + CHECK_CHARS];
    long buffer = 0;
    int bits = 0;
    int n = 0;
    for (byte b : bytes()) {
      buffer = buffer << 8 | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        values[n++] = (int) (buffer >>> bits) & 31;
      }
      buffer &= (1L << bits) - 1;
    }
    values[n++] = (int) (buffer << (5 - bits)) & 31; // 1 bit of key, 4 zero bits
    long check = checksum(values);
    for (int i = CHECK_CHARS - 1; i >= 0; i--) {
      values[KEY_CHARS + i] = (int) (check & 31);
      check >>>= 5;
    }
    char[] out = new char[values.length + GROUPS - 1];
    int at = 0;
    for (int i = 0; i < values.length; i++) {
      if (i > 0 && i % 4 == 0) {
        out[at++] = '-';
      }
      out[at++] = ALPHABET.charAt(values[i]);
    }
    Arrays.fill(values, 0);
    return out;
  }

  /** The first 16 hex digits of SHA-256 over a label and the key: names it, reveals nothing of it. */
  public String fingerprint() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("kinko/recovery-key/fingerprint".getBytes(StandardCharsets.US_ASCII));
      sha.update(bytes());
      return java.util.HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The key's bytes, valid until {@link #close()}. Callers must not keep the array. */
  public byte[] bytes() {
    if (closed) {
      throw new IllegalStateException("recovery key was closed");
    }
    return key;
  }

  @Override
  public void close() {
    Arrays.fill(key, (byte) 0);
    closed = true;
  }

  @Override
  public String toString() {
    return closed ? "RecoveryKey[closed]" : "RecoveryKey[fingerprint " + fingerprint() + "]";
  }

  /** Σ vᵢ·3ⁱ⁺¹ mod p over the key's characters: distinct non-zero weights mod a prime above any difference of two values. */
  private static long checksum(int[] values) {
    long sum = 0;
    long weight = 1;
    for (int i = 0; i < KEY_CHARS; i++) {
      weight = weight * 3 % CHECK_MODULUS;
      sum = (sum + values[i] * weight) % CHECK_MODULUS;
    }
    return sum;
  }
}
