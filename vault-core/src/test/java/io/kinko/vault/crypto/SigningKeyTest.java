package io.kinko.vault.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.proto.Ed25519PrivateKey;
import com.google.crypto.tink.proto.EncryptedKeyset;
import com.google.crypto.tink.proto.KeyStatusType;
import com.google.crypto.tink.proto.Keyset;
import com.google.crypto.tink.proto.OutputPrefixType;
import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.crypto.tink.subtle.Ed25519Verify;
import com.google.protobuf.ByteString;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import io.kinko.vault.IntegrityException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The signing key is sealed as a Tink keyset and used through Bouncy Castle: each is held to the
 * other here. What Kinko signs, Tink verifies and Tink signs the same bytes (Ed25519 is
 * deterministic); a keyset Tink would refuse, or one that is not the one key {@link
 * SigningKey#generate} makes, is refused at unlock as an integrity failure, never used.
 */
class SigningKeyTest {
  private static final String VAULT = "0123456789abcdef0123456789abcdef";

  private static Aead master() throws GeneralSecurityException {
    VaultKeys.prepare(); // registers Tink's key managers, as opening a vault does
    return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM).getPrimitive(RegistryConfiguration.get(), Aead.class);
  }

  @Test
  void whatItSigns_TinkVerifies_andTinkSignsTheSameBytes() throws Exception {
    Aead master = master();
    SigningKey.Generated generated = SigningKey.generate(VAULT, master);
    SigningKey key = SigningKey.unlock(VAULT, master, generated.sealedPrivate());
    assertArrayEquals(generated.publicKey(), key.publicKey());
    PublicKeySign tink = TinkProtoKeysetFormat.parseEncryptedKeyset(generated.sealedPrivate(), master, SigningKey.ad(VAULT))
        .getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
    qt().withExamples(50).forAll(integers().between(0, 3000)).checkAssert(length -> {
      byte[] message = new byte[length];
      for (int i = 0; i < length; i++) {
        message[i] = (byte) (i * 31 + length);
      }
      byte[] signature = key.sign(message);
      try {
        new Ed25519Verify(generated.publicKey()).verify(signature, message);
        assertArrayEquals(tink.sign(message), signature);
      } catch (GeneralSecurityException e) {
        throw new AssertionError("Tink refuses Kinko's signature of " + length + " bytes", e);
      }
      assertTrue(SigningKey.verifies(generated.publicKey(), message, signature));
      signature[length % signature.length] ^= 1;
      assertFalse(SigningKey.verifies(generated.publicKey(), message, signature));
    });
  }

  @Test
  void whatTinkSigns_verifies() throws Exception {
    Ed25519Sign.KeyPair pair = Ed25519Sign.KeyPair.newKeyPair();
    byte[] message = "checkpoint".getBytes(StandardCharsets.UTF_8);
    byte[] signature = new Ed25519Sign(pair.getPrivateKey()).sign(message);
    assertTrue(SigningKey.verifies(pair.getPublicKey(), message, signature));
    assertFalse(SigningKey.verifies(pair.getPublicKey(), "checkpoinT".getBytes(StandardCharsets.UTF_8), signature));
  }

  /**
   * Bouncy Castle's equation is cofactored; Tink's, OpenSSL's, the JDK's and WebCrypto's are not.
   * Whatever Kinko accepts, the JDK and Tink accept too (an auditor's tool must never reject a
   * signature Kinko took); where they differ, Kinko is the stricter: it refuses every public key
   * of small or mixed order, and every R with a small-order part.
   */
  @Test
  void whatItAccepts_cofactorlessVerifiersAccept_andTorsionIsRefused() throws Exception {
    List<String> lines;
    try (InputStream in = SigningKeyTest.class.getResourceAsStream("ed25519-cofactor-cases.txt")) {
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
    }
    assertEquals(38, lines.size(), "ed25519-cofactor-cases.txt changed");
    HexFormat hex = HexFormat.of();
    int torsion = 0;
    for (String line : lines) {
      String[] f = line.split("\\|");
      byte[] publicKey = hex.parseHex(f[1]);
      byte[] message = hex.parseHex(f[2]);
      byte[] signature = hex.parseHex(f[3]);
      boolean kinko = SigningKey.verifies(publicKey, message, signature);
      if (kinko) {
        assertTrue(tinkAccepts(publicKey, message, signature) && jdkAccepts(publicKey, message, signature),
            f[0] + ": Kinko accepts what a cofactorless verifier refuses");
      }
      if (f[0].equals("honest")) {
        assertTrue(kinko, "the honest signature");
      }
      if (f[0].startsWith("smallorderA") || f[0].startsWith("mixedA") || f[0].startsWith("A=id")) {
        assertFalse(kinko, f[0] + ": a public key of small or mixed order");
      }
      if (f[0].startsWith("torsion R")) {
        assertFalse(kinko, f[0]);
        torsion++;
      }
    }
    assertEquals(4, torsion);
  }

  private static boolean tinkAccepts(byte[] publicKey, byte[] message, byte[] signature) {
    try {
      new Ed25519Verify(publicKey).verify(signature, message);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean jdkAccepts(byte[] publicKey, byte[] message, byte[] signature) {
    byte[] der = java.util.Base64.getMimeDecoder().decode(SigningKey.toPem(publicKey).replaceAll("-----[A-Z ]+-----", ""));
    try {
      java.security.Signature verifier = java.security.Signature.getInstance("Ed25519");
      verifier.initVerify(java.security.KeyFactory.getInstance("Ed25519").generatePublic(new java.security.spec.X509EncodedKeySpec(der)));
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // a key or signature the JDK refuses to read
    }
  }

  @Test
  void aKeysetUnderAnotherMasterKeyOrVault_isRefused() throws Exception {
    Aead master = master();
    byte[] sealed = SigningKey.generate(VAULT, master).sealedPrivate();
    assertThrows(IntegrityException.class, () -> SigningKey.unlock(VAULT, master(), sealed));
    assertThrows(IntegrityException.class, () -> SigningKey.unlock("fedcba9876543210fedcba9876543210", master, sealed));
  }

  @Test
  void bytesThatAreNoSealedKeyset_areRefused() throws Exception {
    Aead master = master();
    byte[] sealed = SigningKey.generate(VAULT, master).sealedPrivate();
    assertThrows(IntegrityException.class, () -> SigningKey.unlock(VAULT, master, new byte[0]));
    assertThrows(IntegrityException.class, () -> SigningKey.unlock(VAULT, master, Arrays.copyOf(sealed, sealed.length / 2)));
    byte[] flipped = sealed.clone();
    flipped[flipped.length - 3] ^= 1;
    assertThrows(IntegrityException.class, () -> SigningKey.unlock(VAULT, master, flipped));
    // Sealed properly, but what it seals is not a keyset.
    byte[] notAKeyset = EncryptedKeyset.newBuilder()
        .setEncryptedKeyset(ByteString.copyFrom(master.encrypt(new byte[] {(byte) 0xff, 1, 2}, SigningKey.ad(VAULT)))).build().toByteArray();
    assertThrows(IntegrityException.class, () -> SigningKey.unlock(VAULT, master, notAKeyset));
  }

  @Test
  void aKeysetWhosePublicKeyIsAnotherKeys_isRefused() throws Exception {
    byte[] other = Ed25519Sign.KeyPair.newKeyPair().getPublicKey();
    assertRefusedAfter(keyset -> withKey(keyset, key -> key.toBuilder()
        .setPublicKey(key.getPublicKey().toBuilder().setKeyValue(ByteString.copyFrom(other))).build()));
  }

  @Test
  void aKeysetOfAnotherShape_isRefused() throws Exception {
    // a second key beside the first
    assertRefusedAfter(keyset -> keyset.toBuilder().addKey(keyset.getKey(0).toBuilder().setKeyId(keyset.getKey(0).getKeyId() + 1)).build());
    // signatures with Tink's 5-byte prefix, which are not plain Ed25519
    assertRefusedAfter(keyset -> keyset.toBuilder().setKey(0, keyset.getKey(0).toBuilder().setOutputPrefixType(OutputPrefixType.TINK)).build());
    // a disabled key, or one that is not the primary
    assertRefusedAfter(keyset -> keyset.toBuilder().setKey(0, keyset.getKey(0).toBuilder()
        .setStatus(KeyStatusType.DISABLED)).build());
    assertRefusedAfter(keyset -> keyset.toBuilder().setPrimaryKeyId(keyset.getPrimaryKeyId() + 1).build());
    // another key type under the same bytes
    assertRefusedAfter(keyset -> keyset.toBuilder().setKey(0, keyset.getKey(0).toBuilder()
        .setKeyData(keyset.getKey(0).getKeyData().toBuilder().setTypeUrl("type.googleapis.com/google.crypto.tink.EcdsaPrivateKey"))).build());
    // a private key of 31 bytes, or of another version
    assertRefusedAfter(keyset -> withKey(keyset, key -> key.toBuilder().setKeyValue(key.getKeyValue().substring(1)).build()));
    assertRefusedAfter(keyset -> withKey(keyset, key -> key.toBuilder().setVersion(1).build()));
  }

  /** Generates a signing keyset, lets {@code edit} change it, seals it again and expects unlock to refuse it. */
  private static void assertRefusedAfter(UnaryOperator<Keyset> edit) throws Exception {
    Aead master = master();
    byte[] sealed = SigningKey.generate(VAULT, master).sealedPrivate();
    Keyset keyset = Keyset.parseFrom(master.decrypt(EncryptedKeyset.parseFrom(sealed).getEncryptedKeyset().toByteArray(), SigningKey.ad(VAULT)),
        ExtensionRegistryLite.getEmptyRegistry());
    SigningKey.unlock(VAULT, master, seal(keyset, master)); // unedited, it opens: the edit is what is refused
    byte[] edited = seal(edit.apply(keyset), master);
    assertThrows(IntegrityException.class, () -> SigningKey.unlock(VAULT, master, edited));
  }

  private static byte[] seal(Keyset keyset, Aead master) throws GeneralSecurityException {
    return EncryptedKeyset.newBuilder().setEncryptedKeyset(ByteString.copyFrom(master.encrypt(keyset.toByteArray(), SigningKey.ad(VAULT))))
        .build().toByteArray();
  }

  private static Keyset withKey(Keyset keyset, UnaryOperator<Ed25519PrivateKey> edit) {
    try {
      Ed25519PrivateKey key = Ed25519PrivateKey.parseFrom(
          keyset.getKey(0).getKeyData().getValue(), ExtensionRegistryLite.getEmptyRegistry());
      return keyset.toBuilder().setKey(0, keyset.getKey(0).toBuilder()
          .setKeyData(keyset.getKey(0).getKeyData().toBuilder().setValue(edit.apply(key).toByteString()))).build();
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
