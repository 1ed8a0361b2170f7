package io.kinko.vault.crypto;

import java.security.PublicKey;

/**
 * A key pair on a hardware token, as a {@link TokenSlot} uses it: the public half in hand, the
 * private half used only through the token. Implemented over PKCS#11 in {@code token}.
 */
public interface TokenKey {
  /** The key's name on the token (its KeyStore alias, CKA_LABEL / CKA_ID). */
  String alias();

  /** The public half: an EC P-256 or an RSA key. */
  PublicKey publicKey();

  /** ECDH on the token between its private key and {@code peer}: the shared secret's x coordinate. */
  byte[] agree(PublicKey peer);

  /** The raw RSA private operation on the token ({@code c^d mod n}), for OAEP decoding outside it. */
  byte[] rsaRaw(byte[] block);
}
