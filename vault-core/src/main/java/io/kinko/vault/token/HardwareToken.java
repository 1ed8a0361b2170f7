package io.kinko.vault.token;

import io.kinko.vault.crypto.TokenKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.security.auth.login.LoginException;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * One token, logged in with its PIN through the JDK's SunPKCS11 provider until {@link #close()}
 * logs out. The token is chosen by label (or serial) through {@link Pkcs11Module} before the PIN
 * is sent, so the PIN never reaches another token. Private keys stay on the token: the only
 * operations asked of them are ECDH, the raw RSA decryption and, once, signing the self-signed
 * certificate that SunPKCS11's KeyStore needs to keep a generated key pair.
 */
public final class HardwareToken implements AutoCloseable {
  /** Generated private keys: token objects that never leave the token, usable for ECDH and signing their certificate. */
  private static final String GENERATE = "attributes(generate,CKO_PRIVATE_KEY,*) = {\n  CKA_TOKEN = true\n  CKA_PRIVATE = true\n"
      + "  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n  CKA_SIGN = true\n}\n"
      + "attributes(generate,CKO_PRIVATE_KEY,CKK_EC) = {\n  CKA_DERIVE = true\n}\n"
      + "attributes(generate,CKO_PRIVATE_KEY,CKK_RSA) = {\n  CKA_DECRYPT = true\n}\n"
      + "attributes(generate,CKO_PUBLIC_KEY,*) = {\n  CKA_TOKEN = true\n}\n"
      // The ECDH secret comes back to Kinko as a session object's value (HKDF runs outside the token).
      + "attributes(*,CKO_SECRET_KEY,CKK_GENERIC_SECRET) = {\n  CKA_TOKEN = false\n  CKA_SENSITIVE = false\n  CKA_EXTRACTABLE = true\n}\n";
  private static final int MAX_ALIAS = 64;

  private final Provider provider;
  private final KeyStore store;
  private final Pkcs11Module.Present token;

  private HardwareToken(Provider provider, KeyStore store, Pkcs11Module.Present token) {
    this.provider = provider;
    this.store = store;
    this.token = token;
  }

  /**
   * Finds the token ({@code label}, else {@code serial}, else the only one), checks that it is
   * the one expected when {@code serial} is given, and logs in with {@code pin}.
   *
   * @throws TokenFailure with the reason: absent, another token, locked, wrong PIN, module failure
   */
  public static HardwareToken open(Path module, String label, String serial, char[] pin) {
    Pkcs11Module.Present found = Pkcs11Module.find(module, label, serial);
    if (serial != null && !serial.equals(found.serial())) {
      throw new TokenFailure(TokenFailure.Reason.OTHER_TOKEN, "token '" + found.label() + "' (serial " + found.serial()
          + ") is not the token enrolled (serial " + serial + "); no PIN was sent to it");
    }
    if (found.pinLocked()) {
      throw new TokenFailure(TokenFailure.Reason.PIN_LOCKED, "token '" + found.label() + "' is locked after too many wrong PINs: "
          + "its security officer must unblock it");
    }
    Provider provider;
    try {
      provider = Security.getProvider("SunPKCS11").configure("--name=kinko-" + found.slotId() + "\nlibrary=" + module.toAbsolutePath()
          + "\nslot=" + found.slotId() + "\n" + GENERATE);
    } catch (RuntimeException e) {
      throw new TokenFailure(TokenFailure.Reason.MODULE, "SunPKCS11 cannot use " + module + ": " + e.getMessage(), e);
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS11", provider);
      store.load(null, pin);
      return new HardwareToken(provider, store, found);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw classify(found, e);
    }
  }

  private static TokenFailure classify(Pkcs11Module.Present token, Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("CKR_PIN_INCORRECT") || m.contains("CKR_PIN_LEN_RANGE")) {
        return new TokenFailure(TokenFailure.Reason.WRONG_PIN, "token '" + token.label() + "' refused the PIN");
      }
      if (m.contains("CKR_PIN_LOCKED") || m.contains("CKR_PIN_EXPIRED")) {
        return new TokenFailure(TokenFailure.Reason.PIN_LOCKED, "token '" + token.label() + "' is locked after too many wrong PINs: "
            + "its security officer must unblock it");
      }
      if (m.contains("CKR_TOKEN_NOT_PRESENT") || m.contains("CKR_DEVICE_REMOVED")) {
        return new TokenFailure(TokenFailure.Reason.ABSENT, "token '" + token.label() + "' was removed");
      }
    }
    return new TokenFailure(TokenFailure.Reason.MODULE, "token '" + token.label() + "' failed: " + e.getMessage(), e);
  }

  public String label() {
    return token.label();
  }

  public String serial() {
    return token.serial();
  }

  /** The aliases of the key pairs on the token (each with a certificate, as SunPKCS11 lists them). */
  public List<String> keyAliases() {
    try {
      List<String> out = new ArrayList<>();
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias) && store.getCertificate(alias) != null) {
          out.add(alias);
        }
      }
      Collections.sort(out);
      return out;
    } catch (GeneralSecurityException e) {
      throw new TokenFailure(TokenFailure.Reason.MODULE, "cannot list the keys of token '" + label() + "': " + e.getMessage(), e);
    }
  }

  /**
   * The key pair {@code alias}.
   *
   * @throws TokenFailure KEY_MISSING if the token holds none of that name
   */
  public TokenKey key(String alias) {
    try {
      Key key = store.getKey(alias, null);
      Certificate cert = store.getCertificate(alias);
      if (!(key instanceof PrivateKey) || cert == null) {
        throw new TokenFailure(TokenFailure.Reason.KEY_MISSING, "token '" + label() + "' holds no key pair '" + alias + "'");
      }
      return new P11Key(alias, (PrivateKey) key, cert.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new TokenFailure(TokenFailure.Reason.KEY_MISSING, "token '" + label() + "': key pair '" + alias + "' is unusable: " + e.getMessage(), e);
    }
  }

  /** The key pairs Kinko generates on a token: EC P-256 by default; RSA for tokens (and tests) that need it. */
  public enum KeyType {
    EC_P256, RSA_2048
  }

  /**
   * Generates an EC P-256 key pair on the token under {@code alias}, with a self-signed
   * certificate so that SunPKCS11's KeyStore keeps and finds it.
   */
  public TokenKey generate(String alias) {
    return generate(alias, KeyType.EC_P256);
  }

  /** Generates a key pair of {@code type} on the token under {@code alias}; see {@link #generate(String)}. */
  public TokenKey generate(String alias, KeyType type) {
    if (alias.isEmpty() || alias.length() > MAX_ALIAS || !alias.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("key id '" + alias + "' must be 1-" + MAX_ALIAS + " printable ASCII characters without spaces");
    }
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(type == KeyType.EC_P256 ? "EC" : "RSA", provider);
      if (type == KeyType.EC_P256) {
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        generator.initialize(2048);
      }
      KeyPair pair = generator.generateKeyPair();
      store.setKeyEntry(alias, pair.getPrivate(), null, new Certificate[] {selfSigned(pair, alias, type)});
      return key(alias);
    } catch (GeneralSecurityException | IOException e) {
      throw new TokenFailure(TokenFailure.Reason.MODULE, "token '" + label() + "' could not generate a key pair: " + e.getMessage(), e);
    }
  }

  /** A certificate for the generated key, signed by it on the token (SunPKCS11 stores a private key only with one). */
  private X509Certificate selfSigned(KeyPair pair, String alias, KeyType type) throws GeneralSecurityException, IOException {
    X500Name name = new X500Name("CN=kinko key " + alias.replaceAll("[,+=\"\\\\<>;#]", "_"));
    AlgorithmIdentifier algorithm = type == KeyType.EC_P256 ? new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256)
        : new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);
    V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
    tbs.setSerialNumber(new ASN1Integer(new BigInteger(64, new java.security.SecureRandom())));
    tbs.setIssuer(name);
    tbs.setSubject(name);
    long now = System.currentTimeMillis();
    tbs.setStartDate(new Time(new Date(now)));
    tbs.setEndDate(new Time(new Date(now + 20L * 366 * 86_400_000L)));
    tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()));
    tbs.setSignature(algorithm);
    TBSCertificate body = tbs.generateTBSCertificate();
    Signature signer = Signature.getInstance(type == KeyType.EC_P256 ? "SHA256withECDSA" : "SHA256withRSA", provider);
    signer.initSign(pair.getPrivate());
    signer.update(body.getEncoded("DER"));
    ASN1EncodableVector cert = new ASN1EncodableVector();
    cert.add(body);
    cert.add(algorithm);
    cert.add(new DERBitString(signer.sign()));
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(new DERSequence(cert).getEncoded("DER")));
  }

  /** Logs out: the next open of this token asks for its PIN again. */
  @Override
  public void close() {
    try {
      ((AuthProvider) provider).logout();
    } catch (LoginException | RuntimeException e) {
      // Logged out already, or the token was pulled: nothing stays open either way.
    }
  }

  @Override
  public String toString() {
    return "HardwareToken[" + token.label() + ", serial " + token.serial() + "]";
  }

  private final class P11Key implements TokenKey {
    private final String alias;
    private final PrivateKey key;
    private final PublicKey publicKey;

    P11Key(String alias, PrivateKey key, PublicKey publicKey) {
      this.alias = alias;
      this.key = key;
      this.publicKey = publicKey;
    }

    @Override
    public String alias() {
      return alias;
    }

    @Override
    public PublicKey publicKey() {
      return publicKey;
    }

    @Override
    public byte[] agree(PublicKey peer) {
      try {
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH", provider);
        agreement.init(key);
        agreement.doPhase(peer, true);
        return agreement.generateSecret();
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new TokenFailure(TokenFailure.Reason.MODULE, "token '" + label() + "' refused ECDH with key '" + alias + "': " + e.getMessage(), e);
      }
    }

    @Override
    public byte[] rsaRaw(byte[] block) {
      try {
        Cipher raw = Cipher.getInstance("RSA/ECB/NoPadding", provider);
        raw.init(Cipher.DECRYPT_MODE, key);
        return raw.doFinal(block);
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new TokenFailure(TokenFailure.Reason.MODULE, "token '" + label() + "' refused to decrypt with key '" + alias + "': " + e.getMessage(), e);
      }
    }

    @Override
    public String toString() {
      return "TokenKey[" + alias + "]";
    }
  }
}
