package io.kinko.vault.audit;

import io.kinko.vault.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * An Ed25519 public key that verifies C2SP signed notes, identified by key name and key ID.
 *
 * <p>Invariant: the key ID is always the one C2SP derives from the name and the key
 * (SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]), so a verifier key string whose ID disagrees is
 * refused instead of silently matching other signatures.
 */
public final class NoteVerifier {
  static final byte ED25519_TYPE = 0x01;

  private static final Pattern HEX_KEY_ID = Pattern.compile("[0-9a-f]{8}");

  private final String name;
  private final int keyId;
  private final byte[] publicKey;

  private NoteVerifier(String name, byte[] publicKey) {
    this.name = name;
    this.publicKey = publicKey.clone();
    this.keyId = keyId(name, this.publicKey);
  }

  /**
   * A verifier for an Ed25519 public key under a key name.
   *
   * @throws IllegalArgumentException if the name is not a valid C2SP key name or the key is not 32
   *     bytes
   */
  public static NoteVerifier ed25519(String name, byte[] publicKey) {
    if (!SignedNote.isValidKeyName(name)) {
      throw new IllegalArgumentException("not a valid note key name");
    }
    if (publicKey == null || publicKey.length != SigningKey.PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
    }
    return new NoteVerifier(name, publicKey);
  }

  /**
   * Parses a verifier key string {@code <name>+<hex key ID>+<base64(0x01 ‖ public key)>}.
   *
   * @throws FormatException if the string is malformed, names another signature type, or its key
   *     ID does not match its name and key
   */
  public static NoteVerifier parse(String verifierKey) throws FormatException {
    if (verifierKey == null || verifierKey.length() > 1024) {
      throw new FormatException("verifier key is missing or too long");
    }
    // Split from the left: a key name has no '+', but base64 may.
    int first = verifierKey.indexOf('+');
    int second = first < 0 ? -1 : verifierKey.indexOf('+', first + 1);
    if (first <= 0 || second < 0) {
      throw new FormatException("verifier key is not name+keyid+key");
    }
    String name = verifierKey.substring(0, first);
    String hexId = verifierKey.substring(first + 1, second);
    String encodedKey = verifierKey.substring(second + 1);
    if (!SignedNote.isValidKeyName(name)) {
      throw new FormatException("verifier key has an invalid key name");
    }
    if (!HEX_KEY_ID.matcher(hexId).matches()) {
      throw new FormatException("verifier key ID is not 8 lowercase hex digits");
    }
    byte[] typedKey = SignedNote.decodeBase64(encodedKey, "verifier key");
    if (typedKey.length == 0 || typedKey[0] != ED25519_TYPE) {
      throw new FormatException("verifier key is not an Ed25519 (type 0x01) key");
    }
    if (typedKey.length != 1 + SigningKey.PUBLIC_KEY_BYTES) {
      throw new FormatException("verifier key has " + (typedKey.length - 1) + " key bytes, not 32");
    }
    NoteVerifier verifier =
        new NoteVerifier(name, Arrays.copyOfRange(typedKey, 1, typedKey.length));
    if (verifier.keyId != Integer.parseUnsignedInt(hexId, 16)) {
      throw new FormatException("verifier key ID does not match its name and public key");
    }
    return verifier;
  }

  public String name() {
    return name;
  }

  /** The 32-bit key ID as it appears (big-endian) at the start of each signature. */
  public int keyId() {
    return keyId;
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The verifier key string an auditor pastes into a tool: name+keyid+base64(0x01 ‖ key). */
  public String verifierKey() {
    byte[] typed = new byte[1 + publicKey.length];
    typed[0] = ED25519_TYPE;
    System.arraycopy(publicKey, 0, typed, 1, publicKey.length);
    return name + "+" + hexKeyId() + "+" + Base64.getEncoder().encodeToString(typed);
  }

  String hexKeyId() {
    return String.format("%08x", keyId);
  }

  boolean verify(byte[] message, byte[] signature) {
    return SigningKey.verifies(publicKey, message, signature);
  }

  static int keyId(String name, byte[] publicKey) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(name.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0x0A);
      md.update(ED25519_TYPE);
      md.update(publicKey);
      byte[] h = md.digest();
      return ((h[0] & 0xFF) << 24) | ((h[1] & 0xFF) << 16) | ((h[2] & 0xFF) << 8) | (h[3] & 0xFF);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform must provide SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteVerifier v && name.equals(v.name) && Arrays.equals(publicKey, v.publicKey);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + keyId;
  }

  @Override
  public String toString() {
    return verifierKey();
  }
}
