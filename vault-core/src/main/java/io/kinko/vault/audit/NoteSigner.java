package io.kinko.vault.audit;

import com.google.crypto.tink.PublicKeySign;
import java.security.GeneralSecurityException;

/**
 * Signs C2SP notes with an Ed25519 key under a key name.
 *
 * <p>Holds the private key only as Tink's {@link PublicKeySign}, never as bytes, and checks every
 * signature it makes against its own public key, so a mismatched key pair or a Tink keyset with an
 * output prefix (which would not be a plain Ed25519 signature) fails at signing time, not at the
 * auditor's desk.
 */
public final class NoteSigner {
  private final NoteVerifier verifier;
  private final PublicKeySign signer;

  private NoteSigner(NoteVerifier verifier, PublicKeySign signer) {
    this.verifier = verifier;
    this.signer = signer;
  }

  /**
   * A signer for the Ed25519 key pair whose private half is behind {@code signer} (for example
   * {@code new Ed25519Sign(privateKey)}, or a RAW-prefix Tink keyset's primitive).
   *
   * @throws IllegalArgumentException if the name is not a valid key name, the public key is not 32
   *     bytes, or {@code signer} is null
   */
  public static NoteSigner ed25519(String name, byte[] publicKey, PublicKeySign signer) {
    if (signer == null) {
      throw new IllegalArgumentException("signer is null");
    }
    return new NoteSigner(NoteVerifier.ed25519(name, publicKey), signer);
  }

  public String name() {
    return verifier.name();
  }

  public int keyId() {
    return verifier.keyId();
  }

  /** The verifier for this signer's public key. */
  public NoteVerifier verifier() {
    return verifier;
  }

  byte[] sign(byte[] message) throws GeneralSecurityException {
    byte[] signature = signer.sign(message);
    if (!verifier.verify(message, signature)) {
      throw new GeneralSecurityException(
          "signature does not verify under the public key of " + verifier.name()
              + "; key pair mismatch or a non-raw signature");
    }
    return signature;
  }

  @Override
  public String toString() {
    return "NoteSigner[" + verifier.name() + "+" + verifier.hexKeyId() + "]";
  }
}
