package io.kinko.vault.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.subtle.Ed25519Verify;
import io.kinko.vault.IntegrityException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * The vault's Ed25519 signing key: signs log checkpoints and certificates. The private half is
 * stored only encrypted under the master key ({@code keys/signing.key}); the public half is
 * plain ({@code keys/signing.pub.pem}) so auditors and a vault opened without a password can
 * verify. Signatures are pure Ed25519 over the message bytes, as {@code openssl pkeyutl -rawin}
 * checks them.
 */
public final class SigningKey {
  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4); the 32 key bytes follow. */
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  /** The length of an Ed25519 public key. */
  public static final int PUBLIC_KEY_BYTES = 32;

  /** The field of a signed artefact that names its key ({@link #named}). */
  public static final String NAMED_KEY = "signingKey";

  private final PublicKeySign signer;
  private final byte[] publicKey;

  private SigningKey(PublicKeySign signer, byte[] publicKey) {
    this.signer = signer;
    this.publicKey = publicKey;
  }

  /** RFC 8032 section 7.1, test 1: a public key and its signature of the empty message. */
  private static final byte[] RFC8032_TEST1_PUBLIC_KEY =
      HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  private static final byte[] RFC8032_TEST1_SIGNATURE = HexFormat.of().parseHex(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

  /**
   * Verifies RFC 8032's first signature, so that Tink's Ed25519 tables, which it computes on first
   * use, and its arithmetic are warm before a command opens a vault (which checks a checkpoint's
   * signature), and checks the implementation against a known answer rather than against itself.
   * It used to sign and verify with a new key pair; making that pair was most of the ~65 ms of CPU
   * this took, though a command's time did not move measurably without it (benchmarks/README).
   */
  static void prepare() {
    if (!verifies(RFC8032_TEST1_PUBLIC_KEY, new byte[0], RFC8032_TEST1_SIGNATURE)) {
      throw new IllegalStateException("Ed25519 does not work in this JVM: RFC 8032's first test vector does not verify");
    }
  }

  /** A new key pair: returns the sealed private keyset and the raw 32-byte public key. */
  public static Generated generate(String vaultId, Aead master) {
    try {
      KeysetHandle keyset = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519WithRawOutput);
      byte[] sealed = TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, master, ad(vaultId));
      return new Generated(sealed, publicKeyOf(keyset));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not generate the signing key", e);
    }
  }

  /** What {@link #generate} returns: the bytes of keys/signing.key and the public key. */
  public record Generated(byte[] sealedPrivate, byte[] publicKey) {}

  /**
   * Opens the sealed private key.
   *
   * @throws IntegrityException if it does not decrypt under this master key
   */
  public static SigningKey unlock(String vaultId, Aead master, byte[] sealedPrivate) {
    try {
      KeysetHandle keyset;
      try {
        keyset = TinkProtoKeysetFormat.parseEncryptedKeyset(sealedPrivate, master, ad(vaultId));
      } catch (GeneralSecurityException e) {
        throw new IntegrityException("keys/signing.key does not decrypt under this vault's master key", e);
      }
      return new SigningKey(keyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class), publicKeyOf(keyset));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not load the signing key", e);
    }
  }

  public PublicKeySign signer() {
    return signer;
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  public byte[] sign(byte[] message) {
    try {
      return signer.sign(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not sign", e);
    }
  }

  /**
   * Whether {@code signature} is {@code publicKey}'s Ed25519 signature of {@code message}: the one
   * verification of every signed thing Kinko reads (checkpoints, certificates, reports, packages),
   * held to Wycheproof's vectors. False for a key or signature of another length. Tink's: Bouncy
   * Castle's verifies in 130 us against Tink's 185 us once warm, but its first verification in a
   * process builds tables for 225 ms, and every command checks a checkpoint when it opens a vault.
   */
  public static boolean verifies(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey == null || publicKey.length != PUBLIC_KEY_BYTES || signature == null) {
      return false;
    }
    try {
      new Ed25519Verify(publicKey).verify(signature, message);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The public key as a PEM SubjectPublicKeyInfo, the form {@code openssl pkeyutl -pubin} reads. */
  public static String toPem(byte[] publicKey) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(der(publicKey)) + "\n-----END PUBLIC KEY-----\n";
  }

  /**
   * The key's fingerprint: SHA-256 of its DER SubjectPublicKeyInfo, 64 lower-case hex digits. An
   * auditor reproduces it with standard tools:
   * {@code openssl pkey -pubin -in vault.pub.pem -outform DER | sha256sum}.
   */
  public static String fingerprint(byte[] publicKey) {
    if (publicKey == null || publicKey.length != 32) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der(publicKey)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /**
   * The JSON object by which a signed artefact (certificate, archive manifest) names the key
   * that signed it, under {@link #NAMED_KEY}.
   */
  public static Map<String, Object> named(byte[] publicKey) {
    return Map.of("algorithm", "Ed25519", "fingerprint", fingerprint(publicKey),
        "fingerprintOf", "SHA-256 of the DER SubjectPublicKeyInfo");
  }

  /**
   * Checks that an artefact verified with {@code publicKey} names that key, if it names one
   * (artefacts written before fingerprints were recorded name none).
   *
   * @throws IntegrityException if it names another key, or names one malformed
   */
  public static void checkNamed(Map<String, Object> artefact, byte[] publicKey, String what) {
    Object named = artefact.get(NAMED_KEY);
    if (named == null) {
      return;
    }
    Object fingerprint = named instanceof Map<?, ?> m ? m.get("fingerprint") : null;
    if (!(fingerprint instanceof String hex)) {
      throw new IntegrityException(what + " names its signing key without a fingerprint");
    }
    checkNamed(hex, publicKey, what);
  }

  /**
   * Checks that an artefact verified with {@code publicKey} names that key by {@code hex}.
   *
   * @throws IntegrityException if it names another key
   */
  public static void checkNamed(String hex, byte[] publicKey, String what) {
    String expected = fingerprint(publicKey);
    if (!expected.equals(hex)) {
      throw new IntegrityException(what + " names signing key " + hex + ", but verifies with key " + expected);
    }
  }

  private static byte[] der(byte[] publicKey) {
    byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + publicKey.length);
    System.arraycopy(publicKey, 0, der, SPKI_PREFIX.length, publicKey.length);
    return der;
  }

  /**
   * Reads a PEM Ed25519 public key.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static byte[] fromPem(String pem) {
    String body = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "").replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("public key PEM is not valid base64", e);
    }
    if (der.length != SPKI_PREFIX.length + 32 || !Arrays.equals(Arrays.copyOf(der, SPKI_PREFIX.length), SPKI_PREFIX)) {
      throw new IllegalArgumentException("public key PEM is not an Ed25519 SubjectPublicKeyInfo");
    }
    return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
  }

  private static byte[] publicKeyOf(KeysetHandle keyset) throws GeneralSecurityException {
    Ed25519PublicKey key = (Ed25519PublicKey) keyset.getPublicKeysetHandle().getPrimary().getKey();
    return key.getPublicKeyBytes().toByteArray();
  }

  private static byte[] ad(String vaultId) {
    return Bytes.label("kinko/signing-key/v1", vaultId.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "SigningKey[public " + HexFormat.of().formatHex(publicKey, 0, 4) + "…]";
  }
}
