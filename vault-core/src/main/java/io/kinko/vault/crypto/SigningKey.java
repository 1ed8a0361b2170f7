package io.kinko.vault.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.proto.EncryptedKeyset;
import com.google.crypto.tink.proto.KeyData;
import com.google.crypto.tink.proto.KeyStatusType;
import com.google.crypto.tink.proto.Keyset;
import com.google.crypto.tink.proto.OutputPrefixType;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import io.kinko.vault.IntegrityException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The vault's Ed25519 signing key: signs log checkpoints and certificates. The private half is
 * stored only encrypted under the master key ({@code keys/signing.key}); the public half is
 * plain ({@code keys/signing.pub.pem}) so auditors and a vault opened without a password can
 * verify. Signatures are pure Ed25519 over the message bytes, as {@code openssl pkeyutl -rawin}
 * checks them.
 *
 * <p>The key is kept and sealed as a Tink keyset, and the arithmetic is Bouncy Castle's (RFC 8032,
 * {@code math.ec.rfc8032}): Tink's pure-Java Ed25519 computes its tables with BigInteger the first
 * time a process uses it, and every command checks a checkpoint's signature when it opens a vault.
 * The first verification in a fresh JVM took 183-197 ms with Tink and 57-67 ms with Bouncy Castle,
 * and the process 0.46 s of CPU against 0.19 s (benchmarks/README, session 18). Ed25519 is
 * deterministic: Tink's signer and this one make the same signature ({@code SigningKeyTest}).
 */
public final class SigningKey {
  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4); the 32 key bytes follow. */
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  /** The length of an Ed25519 public key. */
  public static final int PUBLIC_KEY_BYTES = 32;

  /** The field of a signed artefact that names its key ({@link #named}). */
  public static final String NAMED_KEY = "signingKey";

  /** The private key; Bouncy Castle's parameters hold its 32 bytes and the public key derived from them. */
  private final Ed25519PrivateKeyParameters privateKey;
  private final byte[] publicKey;

  private SigningKey(Ed25519PrivateKeyParameters privateKey, byte[] publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** RFC 8032 section 7.1, test 1: a public key and its signature of the empty message. */
  private static final byte[] RFC8032_TEST1_PUBLIC_KEY =
      HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  private static final byte[] RFC8032_TEST1_SIGNATURE = HexFormat.of().parseHex(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

  /**
   * Verifies RFC 8032's first signature, so that the Ed25519 tables, which Bouncy Castle computes on
   * first use, and its arithmetic are warm before a command opens a vault (which checks a
   * checkpoint's signature), and checks the implementation against a known answer rather than
   * against itself.
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

  /** The type of the one key a signing keyset holds (Tink's {@code PredefinedSignatureParameters.ED25519WithRawOutput}). */
  private static final String ED25519_PRIVATE_KEY = "type.googleapis.com/google.crypto.tink.Ed25519PrivateKey";

  /**
   * Opens the sealed private key: the keyset {@link #generate} sealed, decrypted under the master
   * key and read as Tink's {@code TinkProtoKeysetFormat.parseEncryptedKeyset} reads it, then
   * checked as Tink checks an Ed25519 key (its public half is the one its private half derives),
   * with Bouncy Castle's arithmetic: Tink's check would compute its own Ed25519 tables.
   *
   * @throws IntegrityException if it does not decrypt under this master key, or holds something
   *     other than one enabled Ed25519 key with plain signatures whose public half is its own
   */
  public static SigningKey unlock(String vaultId, Aead master, byte[] sealedPrivate) {
    byte[] plain;
    try {
      EncryptedKeyset sealed = EncryptedKeyset.parseFrom(sealedPrivate, ExtensionRegistryLite.getEmptyRegistry());
      plain = master.decrypt(sealed.getEncryptedKeyset().toByteArray(), ad(vaultId));
    } catch (GeneralSecurityException | InvalidProtocolBufferException e) {
      throw new IntegrityException("keys/signing.key does not decrypt under this vault's master key", e);
    }
    byte[] seed = null;
    try {
      Keyset keyset = Keyset.parseFrom(plain, ExtensionRegistryLite.getEmptyRegistry());
      Keyset.Key only = keyset.getKeyCount() == 1 ? keyset.getKey(0) : null;
      if (only == null || only.getKeyId() != keyset.getPrimaryKeyId() || only.getStatus() != KeyStatusType.ENABLED
          || only.getOutputPrefixType() != OutputPrefixType.RAW || !only.getKeyData().getTypeUrl().equals(ED25519_PRIVATE_KEY)
          || only.getKeyData().getKeyMaterialType() != KeyData.KeyMaterialType.ASYMMETRIC_PRIVATE) {
        throw new IntegrityException("keys/signing.key is not one enabled Ed25519 key that makes plain signatures");
      }
      com.google.crypto.tink.proto.Ed25519PrivateKey key =
          com.google.crypto.tink.proto.Ed25519PrivateKey.parseFrom(only.getKeyData().getValue(), ExtensionRegistryLite.getEmptyRegistry());
      byte[] stored = key.getPublicKey().getKeyValue().toByteArray();
      if (key.getVersion() != 0 || key.getPublicKey().getVersion() != 0 || key.getKeyValue().size() != Ed25519.SECRET_KEY_SIZE
          || stored.length != PUBLIC_KEY_BYTES) {
        throw new IntegrityException("keys/signing.key holds an Ed25519 key of another version or length");
      }
      seed = key.getKeyValue().toByteArray();
      Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(seed, 0);
      byte[] publicKey = privateKey.generatePublicKey().getEncoded();
      if (!Arrays.equals(publicKey, stored)) {
        throw new IntegrityException("keys/signing.key holds a public key that is not its private key's");
      }
      return new SigningKey(privateKey, publicKey);
    } catch (InvalidProtocolBufferException e) {
      // Not chained: protobuf can attach what it parsed of the keyset, the private key among it.
      throw new IntegrityException("keys/signing.key decrypts to something that is not a keyset");
    } finally {
      Bytes.wipe(plain);
      if (seed != null) {
        Bytes.wipe(seed);
      }
    }
  }

  /** Signs as {@link #sign}, for what takes Tink's interface ({@link io.kinko.vault.audit.NoteSigner}). */
  public PublicKeySign signer() {
    return this::sign;
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The pure Ed25519 signature of {@code message}, 64 bytes. */
  public byte[] sign(byte[] message) {
    byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
    privateKey.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
    return signature;
  }

  /**
   * Whether {@code signature} is {@code publicKey}'s Ed25519 signature of {@code message}: the one
   * verification of every signed thing Kinko reads (checkpoints, certificates, reports, packages),
   * held to Wycheproof's vectors. False for a key or signature of another length.
   */
  public static boolean verifies(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey == null || publicKey.length != PUBLIC_KEY_BYTES || signature == null || signature.length != Ed25519.SIGNATURE_SIZE) {
      return false;
    }
    // Bouncy Castle checks the cofactored equation 8SB = 8R + 8kA. It also holds where R or A has a
    // small-order part and the cofactorless SB = R + kA does not, which is the one Tink, OpenSSL,
    // the JDK and WebCrypto check: what an auditor verifies with must accept whatever Kinko does.
    // With R and A both in the prime-order subgroup the two accept the same signatures.
    return inPrimeOrderSubgroup(publicKey) && Ed25519.validatePublicKeyFull(signature, 0)
        && Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
  }

  /** The last public key found in the prime-order subgroup: most verifications are by the vault's one key. */
  private static volatile byte[] checkedKey;

  /** Whether {@code publicKey} is a canonical point of the prime-order subgroup (a scalar multiplication, so remembered). */
  private static boolean inPrimeOrderSubgroup(byte[] publicKey) {
    if (Arrays.equals(publicKey, checkedKey)) {
      return true;
    }
    if (!Ed25519.validatePublicKeyFull(publicKey, 0)) {
      return false;
    }
    checkedKey = publicKey.clone();
    return true;
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

  /** The associated data the signing keyset is sealed under (tests seal crafted keysets with it). */
  static byte[] ad(String vaultId) {
    return Bytes.label("kinko/signing-key/v1", vaultId.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "SigningKey[public " + HexFormat.of().formatHex(publicKey, 0, 4) + "…]";
  }
}
