package io.kinko.vault.crypto;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Hkdf;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kinko.vault.AuthenticationException;
import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.Password;
import io.kinko.vault.PasswordCost;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.KeyAgreement;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.encodings.OAEPEncoding;
import org.bouncycastle.crypto.engines.RSAEngine;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAKeyParameters;

/**
 * A token slot ({@code keys/user-NAME.token}): the vault's master keyset sealed for a key pair
 * on a user's card or token, optionally together with a password (two factors).
 *
 * <p>The token's share is a 32-byte-or-longer secret only its private key recovers: for an EC
 * P-256 key the ECDH secret with an ephemeral software key pair whose public half the slot keeps;
 * for an RSA key a random secret under RSA-OAEP(SHA-256), the token doing the raw RSA operation
 * and Bouncy Castle the OAEP decoding (SunPKCS11 in JDK 17 has no OAEP cipher). The
 * key-encryption key is HKDF-SHA256 over that secret, preceded by Argon2id(password) when the slot
 * is two-factor, and AES-256-GCM seals the keyset as {@link KeySlot} does.
 *
 * <p><b>Security guarantees.</b> The associated data binds the vault id, the user, the token's
 * serial, the key's alias and public key, the algorithm and the factors: a slot copied to another
 * user, another vault or stripped of its password half does not open. Neither factor alone
 * recovers the key of a two-factor slot. <b>Restrictions.</b> Reading is capped (64 KiB, RSA
 * 2048-8192 bits, EC P-256 only); a malformed slot is an {@link IntegrityException}.
 */
public final class TokenSlot {
  static final int FORMAT = KeySlot.FORMAT; // read by KeySlot.read, which every slot shares
  private static final int SECRET_BYTES = 32;
  private static final int HKDF_SALT_BYTES = 32;
  private static final int MAX_TEXT = 64;

  /** How the token's share is recovered. */
  public enum Algorithm {
    ECDH_P256("ecdh-p256"), RSA_OAEP_SHA256("rsa-oaep-sha256");

    private final String id;

    Algorithm(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    static Algorithm of(String id) {
      for (Algorithm a : values()) {
        if (a.id.equals(id)) {
          return a;
        }
      }
      throw new IllegalArgumentException("unknown token slot algorithm '" + id + "'");
    }
  }

  /**
   * A parsed slot: what finds the token and the key ({@code label}, {@code serial}, {@code alias})
   * and what unwraps it. {@code passwordCost} is null for a token-only slot.
   */
  public record Slot(String user, String label, String serial, String alias, Algorithm algorithm, byte[] publicKey,
      byte[] wrap, byte[] hkdfSalt, PasswordCost passwordCost, byte[] passwordSalt, byte[] keyset) {
    public boolean twoFactor() {
      return passwordCost != null;
    }

    /** The factors the slot needs, as a LOGIN entry names them. */
    public String factors() {
      return twoFactor() ? "password+token" : "token";
    }

    @Override
    public String toString() {
      return "TokenSlot[" + user + ", token " + label + " serial " + serial + ", key " + alias + ", " + factors() + "]";
    }
  }

  private TokenSlot() {}

  /**
   * Seals {@code master} for {@code key} on the token ({@code label}, {@code serial}), and for
   * {@code password} too when it is not null; returns the slot file's bytes.
   */
  public static byte[] seal(String vaultId, String user, String label, String serial, TokenKey key, Password password,
      PasswordCost cost, KeysetHandle master) {
    checkText("label", label);
    checkText("serial", serial);
    checkText("key id", key.alias());
    byte[] publicKey = key.publicKey().getEncoded();
    Algorithm algorithm = algorithmOf(publicKey);
    byte[] secret = null;
    byte[] passwordKey = null;
    byte[] kek = null;
    try {
      byte[] wrap;
      if (algorithm == Algorithm.ECDH_P256) {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ephemeral = generator.generateKeyPair();
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(ephemeral.getPrivate());
        agreement.doPhase(key.publicKey(), true);
        secret = agreement.generateSecret();
        wrap = ephemeral.getPublic().getEncoded();
      } else {
        secret = Bytes.random(SECRET_BYTES);
        RSAPublicKey rsa = (RSAPublicKey) key.publicKey();
        OAEPEncoding oaep = new OAEPEncoding(new RSAEngine(), new SHA256Digest());
        oaep.init(true, new ParametersWithRandom(new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent()), new java.security.SecureRandom()));
        wrap = oaep.processBlock(secret, 0, secret.length);
      }
      byte[] hkdfSalt = Bytes.random(HKDF_SALT_BYTES);
      byte[] passwordSalt = password == null ? null : Bytes.random(KeySlot.SALT_BYTES);
      passwordKey = password == null ? null : KeySlot.derive(password, passwordSalt, cost);
      Slot slot = new Slot(user, label, serial, key.alias(), algorithm, publicKey, wrap, hkdfSalt,
          password == null ? null : cost, passwordSalt, null);
      byte[] ad = associatedData(vaultId, slot);
      kek = kek(passwordKey, secret, hkdfSalt, ad);
      byte[] sealed = TinkProtoKeysetFormat.serializeEncryptedKeyset(master, new AesGcmJce(kek), ad);
      return toJson(slot, sealed);
    } catch (GeneralSecurityException | InvalidCipherTextException e) {
      throw new IllegalStateException("could not seal the token slot of '" + user + "'", e);
    } finally {
      Bytes.wipe(secret);
      Bytes.wipe(passwordKey);
      Bytes.wipe(kek);
    }
  }

  /**
   * Opens {@code slot} with its key on the token, and with {@code password} when it is
   * two-factor. The caller has checked that {@code key}'s public half is the one the slot names.
   *
   * @throws AuthenticationException if the password of a two-factor slot is wrong
   * @throws IntegrityException if the slot does not open with its own key (crafted or damaged)
   */
  public static KeysetHandle open(Slot slot, String vaultId, TokenKey key, Password password) {
    if (slot.twoFactor() != (password != null)) {
      throw new IllegalArgumentException("the token slot of '" + slot.user() + "' needs " + slot.factors());
    }
    byte[] secret = null;
    byte[] passwordKey = null;
    byte[] kek = null;
    try {
      secret = tokenSecret(slot, key);
      passwordKey = password == null ? null : KeySlot.derive(password, slot.passwordSalt(), slot.passwordCost());
      byte[] ad = associatedData(vaultId, slot);
      kek = kek(passwordKey, secret, slot.hkdfSalt(), ad);
      return TinkProtoKeysetFormat.parseEncryptedKeyset(slot.keyset(), new AesGcmJce(kek), ad);
    } catch (GeneralSecurityException e) {
      if (slot.twoFactor()) {
        return refusedPassword(slot.user());
      }
      throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, "token slot of '" + slot.user() + "' does not open with its own token key: "
          + "it was altered, or sealed for another user or vault");
    } finally {
      Bytes.wipe(secret);
      Bytes.wipe(passwordKey);
      Bytes.wipe(kek);
    }
  }

  private static KeysetHandle refusedPassword(String user) {
    throw new AuthenticationException("authentication failed for '" + user + "': wrong password");
  }

  private static byte[] tokenSecret(Slot slot, TokenKey key) throws GeneralSecurityException {
    if (slot.algorithm() == Algorithm.ECDH_P256) {
      return key.agree(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(slot.wrap())));
    }
    RSAPublicKey rsa = (RSAPublicKey) key.publicKey();
    OAEPEncoding oaep = new OAEPEncoding(new OnToken(key, rsa.getModulus().bitLength()), new SHA256Digest());
    oaep.init(false, null);
    try {
      byte[] secret = oaep.processBlock(slot.wrap(), 0, slot.wrap().length);
      if (secret.length != SECRET_BYTES) {
        throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, "token slot of '" + slot.user() + "' wraps a secret of " + secret.length + " bytes");
      }
      return secret;
    } catch (InvalidCipherTextException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, "token slot of '" + slot.user() + "': the token's key does not decrypt its secret");
    }
  }

  /** KEK = HKDF-SHA256(Argon2id(password) ‖ token secret, or the token secret alone; salt; info = associated data). */
  private static byte[] kek(byte[] passwordKey, byte[] secret, byte[] salt, byte[] info) throws GeneralSecurityException {
    byte[] ikm = new byte[(passwordKey == null ? 0 : passwordKey.length) + secret.length];
    if (passwordKey != null) {
      System.arraycopy(passwordKey, 0, ikm, 0, passwordKey.length);
    }
    System.arraycopy(secret, 0, ikm, ikm.length - secret.length, secret.length);
    try {
      return Hkdf.computeHkdf("HMACSHA256", ikm, salt, info, 32);
    } finally {
      Bytes.wipe(ikm);
    }
  }

  private static byte[] associatedData(String vaultId, Slot slot) throws GeneralSecurityException {
    byte[] keyHash = java.security.MessageDigest.getInstance("SHA-256").digest(slot.publicKey());
    return Bytes.label("kinko/token-slot/v1", utf8(vaultId), utf8(slot.user()), utf8(slot.serial()), utf8(slot.alias()), keyHash,
        utf8(slot.algorithm().id()), utf8(slot.factors()));
  }

  /**
   * Reads a slot file, with caps.
   *
   * @throws IntegrityException if it is malformed, names another user or exceeds the caps
   */
  public static Slot parse(byte[] file, String user) {
    return KeySlot.read(file, user, "token slot '" + user + "'", o -> {
      try {
        JsonObject token = o.getAsJsonObject("token");
        JsonObject key = o.getAsJsonObject("key");
        Algorithm algorithm = Algorithm.of(key.get("algorithm").getAsString());
        byte[] publicKey = b64(key, "public");
        if (algorithmOf(publicKey) != algorithm) {
          throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, "token slot '" + user + "' names " + algorithm.id() + " for another kind of key");
        }
        byte[] wrap = b64(o, "wrap");
        if (algorithm == Algorithm.ECDH_P256) {
          try {
            requireP256(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(wrap)));
          } catch (IllegalArgumentException e) {
            throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, "token slot '" + user + "' holds an ephemeral key that is not on P-256: "
                + e.getMessage());
          }
        }
        if (algorithm == Algorithm.RSA_OAEP_SHA256) {
          // What the token would refuse (or a card compute on) is a crafted slot: refused here, before any PIN.
          java.math.BigInteger n = ((RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(publicKey))).getModulus();
          if (wrap.length != (n.bitLength() + 7) / 8 || new java.math.BigInteger(1, wrap).compareTo(n) >= 0) {
            throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, "token slot '" + user + "' wraps its secret in " + wrap.length
                + " bytes that are not an RSA block below the key's modulus");
          }
        }
        byte[] hkdfSalt = b64(o, "hkdfSalt");
        if (hkdfSalt.length != HKDF_SALT_BYTES) {
          throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, "token slot '" + user + "' has an HKDF salt of " + hkdfSalt.length + " bytes");
        }
        JsonElement password = o.get("password");
        KeySlot.Kdf kdf = password == null || password.isJsonNull() ? null : KeySlot.parseKdf(password.getAsJsonObject(), user);
        return new Slot(user, text(token, "label"), text(token, "serial"), text(key, "alias"), algorithm, publicKey, wrap, hkdfSalt,
            kdf == null ? null : kdf.params(), kdf == null ? null : kdf.salt(), b64(o, "keyset"));
      } catch (GeneralSecurityException e) {
        // The key factories report a malformed key this way; Gson's and Base64's are KeySlot.read's to map.
        throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, "token slot '" + user + "' is malformed", e);
      }
    });
  }

  private static byte[] toJson(Slot slot, byte[] sealed) {
    JsonObject token = new JsonObject();
    token.addProperty("label", slot.label());
    token.addProperty("serial", slot.serial());
    JsonObject key = new JsonObject();
    key.addProperty("alias", slot.alias());
    key.addProperty("algorithm", slot.algorithm().id());
    key.addProperty("public", Base64.getEncoder().encodeToString(slot.publicKey()));
    JsonObject o = new JsonObject();
    o.addProperty("format", FORMAT);
    o.addProperty("slot", slot.user());
    o.add("token", token);
    o.add("key", key);
    o.addProperty("wrap", Base64.getEncoder().encodeToString(slot.wrap()));
    o.addProperty("hkdfSalt", Base64.getEncoder().encodeToString(slot.hkdfSalt()));
    if (slot.twoFactor()) {
      o.add("password", KeySlot.kdfJson(slot.passwordCost(), slot.passwordSalt()));
    }
    o.addProperty("keyset", Base64.getEncoder().encodeToString(sealed));
    return (o.toString() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** EC P-256 or RSA of 2048 to 8192 bits, from the key's SubjectPublicKeyInfo. */
  static Algorithm algorithmOf(byte[] spki) {
    try {
      try {
        PublicKey ec = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
        requireP256(ec);
        return Algorithm.ECDH_P256;
      } catch (java.security.spec.InvalidKeySpecException notEc) {
        PublicKey rsa = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
        int bits = ((RSAPublicKey) rsa).getModulus().bitLength();
        if (bits < 2048 || bits > 8192) {
          throw new IllegalArgumentException("an RSA token key of " + bits + " bits; 2048 to 8192 are accepted");
        }
        return Algorithm.RSA_OAEP_SHA256;
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the token key is neither EC P-256 nor RSA", e);
    }
  }

  private static void requireP256(PublicKey key) throws GeneralSecurityException {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec p256 = parameters.getParameterSpec(ECParameterSpec.class);
    ECParameterSpec params = ((ECPublicKey) key).getParams();
    if (!params.getCurve().equals(p256.getCurve()) || !params.getGenerator().equals(p256.getGenerator()) || !params.getOrder().equals(p256.getOrder())) {
      throw new IllegalArgumentException("an EC token key that is not on P-256");
    }
    // The key factory checks neither: a point off the curve sent to the token for ECDH would probe
    // its private key (an invalid-curve attack), so it is refused before any token is asked.
    java.security.spec.ECPoint w = ((ECPublicKey) key).getW();
    java.math.BigInteger p = ((java.security.spec.ECFieldFp) p256.getCurve().getField()).getP();
    java.math.BigInteger x = w.getAffineX();
    java.math.BigInteger y = w.getAffineY();
    if (w.equals(java.security.spec.ECPoint.POINT_INFINITY) || x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0
        || !y.multiply(y).subtract(x.pow(3).add(p256.getCurve().getA().multiply(x)).add(p256.getCurve().getB())).mod(p).equals(java.math.BigInteger.ZERO)) {
      throw new IllegalArgumentException("an EC point that is not on P-256");
    }
  }

  private static void checkText(String what, String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_TEXT) {
      throw new IllegalArgumentException("a token's " + what + " has 1 to " + MAX_TEXT + " characters");
    }
  }

  private static String text(JsonObject o, String name) {
    String value = o.get(name).getAsString();
    checkText(name, value);
    return value;
  }

  private static byte[] b64(JsonObject o, String name) {
    return Base64.getDecoder().decode(o.get(name).getAsString());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The token's raw RSA private operation as Bouncy Castle's OAEP decoder expects an RSA engine
   * to answer for decryption (as its RSACoreEngine does: k bytes in, k-1 out, the leading zero
   * dropped).
   */
  private static final class OnToken implements AsymmetricBlockCipher {
    private final TokenKey key;
    private final int bits;

    OnToken(TokenKey key, int bits) {
      this.key = key;
      this.bits = bits;
    }

    @Override
    public void init(boolean forEncryption, CipherParameters param) {
      if (forEncryption) {
        throw new IllegalStateException("the token key only decrypts here");
      }
    }

    @Override
    public int getInputBlockSize() {
      return (bits + 7) / 8;
    }

    @Override
    public int getOutputBlockSize() {
      return (bits - 1) / 8;
    }

    @Override
    public byte[] processBlock(byte[] in, int inOff, int len) throws InvalidCipherTextException {
      if (len != getInputBlockSize()) {
        throw new InvalidCipherTextException("an RSA block of " + len + " bytes for a " + bits + "-bit key");
      }
      byte[] raw = key.rsaRaw(Arrays.copyOfRange(in, inOff, inOff + len));
      int k = getInputBlockSize();
      int out = getOutputBlockSize();
      if (raw.length > k) {
        throw new InvalidCipherTextException("the token returned " + raw.length + " bytes");
      }
      byte[] padded = new byte[k];
      System.arraycopy(raw, 0, padded, k - raw.length, raw.length);
      Bytes.wipe(raw);
      byte[] result = Arrays.copyOfRange(padded, k - out, k);
      Bytes.wipe(padded);
      return result;
    }
  }
}
