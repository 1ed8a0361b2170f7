package io.kinko.vault;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The fingerprint by which an auditor pins a vault's signing key: SHA-256 of the Ed25519 public
 * key's DER SubjectPublicKeyInfo, as 64 lower-case hex digits, exactly what
 * {@code openssl pkey -pubin -in vault.pub.pem -outform DER | sha256sum} prints.
 *
 * <p>A key found beside the files it is to verify proves nothing: whoever edited the files can
 * replace it too. Recorded by the city at the contract's start, the fingerprint decides which key
 * is the vault's; every certificate and archive names the fingerprint of the key that signed it.
 */
public record KeyFingerprint(String hex) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /** @throws IllegalArgumentException if {@code hex} is not 64 lower-case hex digits */
  public KeyFingerprint {
    if (hex == null || !HEX64.matcher(hex).matches()) {
      throw new IllegalArgumentException("a key fingerprint is the 64 hex digits of a SHA-256 digest");
    }
  }

  /**
   * Reads a fingerprint as a person types or copies it: hex digits in either case, optionally
   * grouped by ':' or spaces, optionally after "sha256:" or followed by sha256sum's " -".
   *
   * @throws IllegalArgumentException if what remains is not 64 hex digits
   */
  public static KeyFingerprint parse(String typed) {
    String t = typed == null ? "" : typed.strip().toLowerCase(Locale.ROOT);
    if (t.endsWith(" -")) {
      t = t.substring(0, t.length() - 2);
    }
    if (t.startsWith("sha256:")) {
      t = t.substring("sha256:".length());
    }
    return new KeyFingerprint(t.replaceAll("[:\\s]", ""));
  }

  /**
   * The fingerprint of a PEM Ed25519 public key.
   *
   * @throws IntegrityException if {@code publicKeyPem} is not one
   */
  public static KeyFingerprint of(String publicKeyPem) {
    return new KeyFingerprint(VaultProvider.installed().fingerprint(publicKeyPem));
  }

  /** {@link #of(String)} for the bytes of a PEM file. */
  public static KeyFingerprint of(byte[] publicKeyPem) {
    return of(new String(publicKeyPem, StandardCharsets.US_ASCII));
  }

  /**
   * Checks that {@code publicKeyPem}, read from {@code source}, is the key this fingerprint pins.
   *
   * @throws IntegrityException naming the source and both fingerprints if it is not
   */
  public void check(String publicKeyPem, String source) {
    KeyFingerprint actual = of(publicKeyPem);
    if (!actual.equals(this)) {
      throw new IntegrityException("the key in " + source + " has fingerprint " + actual.hex + ", not the pinned " + hex
          + ": it is not the vault's key");
    }
  }

  @Override
  public String toString() {
    return hex;
  }
}
