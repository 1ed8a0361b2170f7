package io.kinko.vault.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Hkdf;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kinko.vault.audit.TestVectors;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Project Wycheproof's vectors for the primitives under Kinko's formats, each called the way Kinko
 * calls it: Ed25519 through {@link SigningKey#verifies} (every signature Kinko checks), AES-GCM
 * through Tink's {@code AesGcmJce} (the key slots) and through the JCE cipher Tink's streaming AEAD
 * takes (the blobs), with the JDK's AES-GCM and with BoringSSL's (Conscrypt first, as the CLI puts
 * it for large files), HKDF-SHA256 through Tink's {@code Hkdf} (file keys, key slots) and
 * HMAC-SHA256 through the JCE (the blob header's MAC). A vector marked {@code valid} must pass and
 * one marked {@code invalid} must be refused; none of these files marks a vector
 * {@code acceptable}. The AES-GCM groups of sizes Kinko never uses are skipped, with the reason
 * beside the skip; every file's count of vectors run is fixed, so a changed file cannot skip more.
 */
@Tag("conformance")
class WycheproofConformanceTest {
  private static final HexFormat HEX = HexFormat.of();

  @TestFactory
  Stream<DynamicNode> ed25519() {
    List<DynamicNode> tests = new ArrayList<>();
    for (JsonObject group : groups("ed25519_test.json")) {
      byte[] publicKey = hex(group.getAsJsonObject("publicKey"), "pk");
      for (JsonObject t : tests(group)) {
        tests.add(DynamicTest.dynamicTest(label(t), () -> {
          boolean verifies = SigningKey.verifies(publicKey, hex(t, "msg"), hex(t, "sig"));
          assertEquals(valid(t), verifies, () -> "Ed25519 " + label(t) + " " + t.get("flags"));
        }));
      }
    }
    assertEquals(151, tests.size(), "ed25519_test.json changed");
    return tests.stream();
  }

  /** Kinko's AES-GCM: 128- and 256-bit keys (Tink refuses 192), 96-bit nonces, 128-bit tags. */
  @TestFactory
  Stream<DynamicNode> aesGcm() {
    List<DynamicNode> jdk = new ArrayList<>();
    List<DynamicNode> boringSsl = new ArrayList<>();
    for (JsonObject group : groups("aes_gcm_test.json")) {
      int keySize = group.get("keySize").getAsInt();
      int ivSize = group.get("ivSize").getAsInt();
      if (keySize == 192 || ivSize != 96 || group.get("tagSize").getAsInt() != 128) {
        continue; // no key, nonce or tag of Kinko's has that size: AesGcmJce and the stream's segments use 12-byte nonces
      }
      for (JsonObject t : tests(group)) {
        jdk.add(DynamicTest.dynamicTest(label(t), () -> checkAesGcm(t, WycheproofConformanceTest::jdkOnly)));
        boringSsl.add(DynamicTest.dynamicTest(label(t), () -> checkAesGcm(t, WycheproofConformanceTest::nativeFirst)));
      }
    }
    assertEquals(133, jdk.size(), "aes_gcm_test.json changed: 133 of its 316 vectors have Kinko's sizes");
    return Stream.of(DynamicContainer.dynamicContainer("JDK (SunJCE)", jdk), DynamicContainer.dynamicContainer("BoringSSL (Conscrypt)", boringSsl));
  }

  private static void checkAesGcm(JsonObject t, Supplier<Provider> providers) throws GeneralSecurityException {
    Provider installed = providers.get();
    try {
      byte[] key = hex(t, "key");
      byte[] iv = hex(t, "iv");
      byte[] aad = hex(t, "aad");
      byte[] sealed = concat(hex(t, "ct"), hex(t, "tag"));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding"); // as Tink's EngineFactory takes it: the JCE's order
      assertEquals(installed == null ? "SunJCE" : installed.getName(), cipher.getProvider().getName());
      AesGcmJce slots = new AesGcmJce(key);
      if (valid(t)) {
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        cipher.updateAAD(aad);
        assertArrayEquals(sealed, cipher.doFinal(hex(t, "msg")), () -> "AES-GCM encryption, " + label(t));
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        cipher.updateAAD(aad);
        assertArrayEquals(hex(t, "msg"), cipher.doFinal(sealed), () -> "AES-GCM decryption (JCE), " + label(t));
        assertArrayEquals(hex(t, "msg"), slots.decrypt(concat(iv, sealed), aad), () -> "AES-GCM decryption, " + label(t));
      } else {
        assertThrows(GeneralSecurityException.class, () -> slots.decrypt(concat(iv, sealed), aad), () -> "accepted: " + label(t));
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        cipher.updateAAD(aad);
        assertThrows(GeneralSecurityException.class, () -> cipher.doFinal(sealed), () -> "accepted: " + label(t));
      }
    } finally {
      if (installed != null) {
        Security.removeProvider(installed.getName());
      }
    }
  }

  @TestFactory
  Stream<DynamicNode> hkdfSha256() {
    List<DynamicNode> tests = new ArrayList<>();
    for (JsonObject group : groups("hkdf_sha256_test.json")) {
      for (JsonObject t : tests(group)) {
        tests.add(DynamicTest.dynamicTest(label(t), () -> {
          int size = t.get("size").getAsInt();
          if (valid(t)) {
            assertArrayEquals(hex(t, "okm"), Hkdf.computeHkdf("HMACSHA256", hex(t, "ikm"), hex(t, "salt"), hex(t, "info"), size), label(t));
          } else {
            assertThrows(GeneralSecurityException.class, () -> Hkdf.computeHkdf("HMACSHA256", hex(t, "ikm"), hex(t, "salt"), hex(t, "info"), size));
          }
        }));
      }
    }
    assertEquals(86, tests.size(), "hkdf_sha256_test.json changed");
    return tests.stream();
  }

  /** A tag is compared as Kinko compares the blob header's: in constant time, against the leading bytes of a full HMAC. */
  @TestFactory
  Stream<DynamicNode> hmacSha256() {
    List<DynamicNode> tests = new ArrayList<>();
    for (JsonObject group : groups("hmac_sha256_test.json")) {
      int tagBytes = group.get("tagSize").getAsInt() / 8;
      for (JsonObject t : tests(group)) {
        tests.add(DynamicTest.dynamicTest(label(t), () -> {
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(new SecretKeySpec(hex(t, "key"), "HmacSHA256"));
          byte[] full = mac.doFinal(hex(t, "msg"));
          assertEquals(valid(t), MessageDigest.isEqual(Arrays.copyOf(full, tagBytes), hex(t, "tag")), () -> "HMAC-SHA256 " + label(t));
        }));
      }
    }
    assertEquals(174, tests.size(), "hmac_sha256_test.json changed");
    return tests.stream();
  }

  /** The wrong lengths Wycheproof does not try: no exception, a refusal. */
  @Test
  void ed25519_ofAKeyOrSignatureOfAnotherLength_isRefused() {
    byte[] message = {1, 2, 3};
    assertFalse(SigningKey.verifies(new byte[31], message, new byte[64]));
    assertFalse(SigningKey.verifies(new byte[33], message, new byte[64]));
    assertFalse(SigningKey.verifies(null, message, new byte[64]));
    assertFalse(SigningKey.verifies(new byte[32], message, null));
  }

  private static Provider jdkOnly() {
    assertEquals(null, Security.getProvider("Conscrypt"), "a provider was left installed");
    return null;
  }

  private static Provider nativeFirst() {
    Provider conscrypt = org.conscrypt.Conscrypt.newProvider();
    Security.insertProviderAt(conscrypt, 1);
    return conscrypt;
  }

  private static List<JsonObject> groups(String file) {
    JsonObject root = TestVectors.readJson(TestVectors.root().resolve("wycheproof").resolve(file));
    List<JsonObject> groups = new ArrayList<>();
    root.getAsJsonArray("testGroups").forEach(g -> groups.add(g.getAsJsonObject()));
    return groups;
  }

  private static List<JsonObject> tests(JsonObject group) {
    List<JsonObject> tests = new ArrayList<>();
    group.getAsJsonArray("tests").forEach(t -> tests.add(t.getAsJsonObject()));
    return tests;
  }

  private static boolean valid(JsonObject t) {
    String result = t.get("result").getAsString();
    assertTrue(result.equals("valid") || result.equals("invalid"), "tcId " + t.get("tcId") + " is '" + result + "'");
    return result.equals("valid");
  }

  private static String label(JsonObject t) {
    String comment = t.get("comment").getAsString();
    return "tcId " + t.get("tcId").getAsInt() + (comment.isEmpty() ? "" : ": " + comment);
  }

  private static byte[] hex(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return HEX.parseHex(e.getAsString());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
