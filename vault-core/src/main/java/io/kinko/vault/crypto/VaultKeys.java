package io.kinko.vault.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadWrapper;
import com.google.crypto.tink.aead.AesGcmKeyManager;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.HmacPrfKeyManager;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfSet;
import com.google.crypto.tink.prf.PrfSetWrapper;
import com.google.crypto.tink.signature.Ed25519PrivateKeyManager;
import com.google.crypto.tink.signature.PublicKeySignWrapper;
import io.kinko.vault.IntegrityException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * The keys a logged-in session holds: the master AEAD (wraps file keys and metadata) and the
 * name PRF (look-up tags for paths). The name PRF keyset is stored encrypted under the master
 * key, so a password's key slot unlocks everything through the one master keyset.
 *
 * <p>Restriction: Tink keeps key material in objects that cannot be zeroed; {@link #close()}
 * drops the references so that they become garbage (see SECURITY.md).
 */
public final class VaultKeys implements AutoCloseable {
  /*
   * Tink's key managers and wrappers for the key types Kinko's keysets hold, and no others: the
   * master key (AES-256-GCM), the name PRF (HMAC-SHA256) and the signing key (Ed25519, made here,
   * read by SigningKey itself). The blobs' streaming AEAD is built from its key directly
   * (BlobCipher). Registering the whole families (AeadConfig, StreamingAeadConfig, PrfConfig,
   * SignatureConfig) took 80-108 ms of CPU in a fresh JVM, these 34-42 ms (session 18); a keyset
   * of another type is refused when it is read.
   */
  static {
    try {
      AesGcmKeyManager.register(true);
      AeadWrapper.register();
      HmacPrfKeyManager.register(true);
      PrfSetWrapper.register();
      Ed25519PrivateKeyManager.registerPair(true);
      PublicKeySignWrapper.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String vaultId;
  private KeysetHandle master;
  private Aead masterAead;
  private PrfSet namePrf;

  private VaultKeys(String vaultId, KeysetHandle master, Aead masterAead, PrfSet namePrf) {
    this.vaultId = vaultId;
    this.master = master;
    this.masterAead = masterAead;
    this.namePrf = namePrf;
  }

  /** Runs the key-manager registrations of the static initialiser, if they have not run. */
  static void prepare() {
    // Nothing to do: calling a static method initialises the class.
  }

  /** A fresh master keyset (AES-256-GCM) for a new vault. */
  public static KeysetHandle newMasterKeyset() {
    try {
      return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not generate the master key", e);
    }
  }

  /** A fresh name PRF keyset, returned encrypted under {@code master}: the bytes of keys/names.key. */
  public static byte[] newSealedNamesKey(String vaultId, KeysetHandle master) {
    try {
      KeysetHandle names = KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF);
      return TinkProtoKeysetFormat.serializeEncryptedKeyset(names, aead(master), namesAd(vaultId));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not generate the name key", e);
    }
  }

  /**
   * Unlocks the session's keys from an opened master keyset and the sealed name key.
   *
   * @throws IntegrityException if the name key does not decrypt under this master key
   */
  public static VaultKeys unlock(String vaultId, KeysetHandle master, byte[] sealedNamesKey) {
    try {
      Aead masterAead = aead(master);
      KeysetHandle names;
      try {
        names = TinkProtoKeysetFormat.parseEncryptedKeyset(sealedNamesKey, masterAead, namesAd(vaultId));
      } catch (GeneralSecurityException e) {
        throw new IntegrityException("keys/names.key does not decrypt under this vault's master key", e);
      }
      return new VaultKeys(vaultId, master, masterAead, names.getPrimitive(RegistryConfiguration.get(), PrfSet.class));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not load the vault keys", e);
    }
  }

  public String vaultId() {
    return vaultId;
  }

  /** The master keyset, for sealing it into another key slot. */
  public KeysetHandle masterKeyset() {
    return live(master);
  }

  /** The Tink id of the master key that wraps new file keys. */
  public int masterKeyId() {
    return live(master).getPrimary().getId();
  }

  /** Encrypts small metadata (a path, a digest) bound to {@code context}, for example a file id. */
  public byte[] seal(String purpose, byte[] plaintext, String context) {
    try {
      return live(masterAead).encrypt(plaintext, contextAd(purpose, context));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not encrypt " + purpose, e);
    }
  }

  /**
   * Decrypts what {@link #seal} produced with the same purpose and context.
   *
   * @throws IntegrityException if the ciphertext was altered or belongs to another context
   */
  public byte[] open(String purpose, byte[] ciphertext, String context) {
    try {
      return live(masterAead).decrypt(ciphertext, contextAd(purpose, context));
    } catch (GeneralSecurityException e) {
      throw new IntegrityException(purpose + " of " + context + " failed to decrypt: altered or moved", e);
    }
  }

  /** A 32-byte keyed tag of {@code input} under the name PRF, separated by {@code purpose}. */
  public byte[] tag(String purpose, byte[] input) {
    try {
      return live(namePrf).computePrimary(Bytes.label("kinko/" + purpose + "/v1", vaultId.getBytes(StandardCharsets.UTF_8), input), 32);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not compute a " + purpose + " tag", e);
    }
  }

  /** A new vault signing key, sealed under this master key. */
  public SigningKey.Generated newSigningKey() {
    return SigningKey.generate(vaultId, live(masterAead));
  }

  /** Opens the vault's sealed signing key with this master key. */
  public SigningKey signingKey(byte[] sealedPrivate) {
    return SigningKey.unlock(vaultId, live(masterAead), sealedPrivate);
  }

  Aead masterAead() {
    return live(masterAead);
  }

  @Override
  public void close() {
    master = null;
    masterAead = null;
    namePrf = null;
  }

  @Override
  public String toString() {
    return "VaultKeys[vault=" + vaultId + "]";
  }

  private <T> T live(T key) {
    if (key == null) {
      throw new IllegalStateException("the session's keys were closed");
    }
    return key;
  }

  private static Aead aead(KeysetHandle keyset) throws GeneralSecurityException {
    return keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
  }

  private static byte[] namesAd(String vaultId) {
    return Bytes.label("kinko/names-key/v1", vaultId.getBytes(StandardCharsets.UTF_8));
  }

  private byte[] contextAd(String purpose, String context) {
    return Bytes.label("kinko/" + purpose + "/v1", vaultId.getBytes(StandardCharsets.UTF_8), context.getBytes(StandardCharsets.UTF_8));
  }
}
