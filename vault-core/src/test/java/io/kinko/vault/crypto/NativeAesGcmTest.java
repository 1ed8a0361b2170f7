package io.kinko.vault.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.KeysetHandle;
import io.kinko.vault.IntegrityException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.util.Random;
import javax.crypto.Cipher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The blob format does not depend on which AES-GCM runs below Tink: a blob written with
 * BoringSSL's (Conscrypt first in the provider order, as the CLI puts it for large files) reads
 * back with the JDK's and the reverse, and the native path refuses altered blobs the same way.
 */
class NativeAesGcmTest {
  private static final String VAULT = "0123456789abcdef0123456789abcdef";
  private static final String FILE = "fedcba9876543210fedcba9876543210";
  private static final KeysetHandle MASTER = VaultKeys.newMasterKeyset();
  private static final VaultKeys KEYS = VaultKeys.unlock(VAULT, MASTER, VaultKeys.newSealedNamesKey(VAULT, MASTER));
  /** Three segments and a short last one: the first, a middle and the final segment's flag all occur. */
  private static final byte[] CONTENT = content(BlobCipher.FIRST_SEGMENT_PLAINTEXT + 2 * BlobCipher.SEGMENT_PLAINTEXT + 4321);

  private Provider installed;

  @AfterEach
  void restoreProviders() {
    if (installed != null) {
      Security.removeProvider(installed.getName());
    }
  }

  @Test
  void blobWrittenWithNativeAesGcm_readsBackWithTheJdks() throws Exception {
    nativeFirst();
    byte[] blob = encrypt(CONTENT);
    jdkOnly();
    assertArrayEquals(CONTENT, decrypt(blob, CONTENT.length));
  }

  @Test
  void blobWrittenWithTheJdksAesGcm_readsBackWithTheNative() throws Exception {
    jdkOnly();
    byte[] blob = encrypt(CONTENT);
    nativeFirst();
    assertArrayEquals(CONTENT, decrypt(blob, CONTENT.length));
  }

  @Test
  void emptyAndOneSegmentBlobs_crossBothWays() throws Exception {
    for (int size : new int[] {0, 1, BlobCipher.FIRST_SEGMENT_PLAINTEXT, BlobCipher.FIRST_SEGMENT_PLAINTEXT + 1}) {
      byte[] content = content(size);
      nativeFirst();
      byte[] fromNative = encrypt(content);
      jdkOnly();
      byte[] fromJdk = encrypt(content);
      assertEquals(fromJdk.length, fromNative.length, "blob sizes differ for " + size + " bytes");
      assertArrayEquals(content, decrypt(fromNative, size), "native → JDK, " + size + " bytes");
      nativeFirst();
      assertArrayEquals(content, decrypt(fromJdk, size), "JDK → native, " + size + " bytes");
    }
  }

  @Test
  void nativeAesGcm_refusesAFlippedByteInTheHeaderAndInEverySegment() throws Exception {
    nativeFirst();
    byte[] blob = encrypt(CONTENT);
    int header = BlobCipher.headerLength(new ByteArrayInputStream(blob));
    int[] positions = {0, header - 1, header + 5, header + (1 << 20) + 100, blob.length - 17, blob.length - 1};
    for (int position : positions) {
      byte[] altered = blob.clone();
      altered[position] ^= 0x10;
      assertThrows(IntegrityException.class, () -> decrypt(altered, CONTENT.length), () -> "flip at " + position + " was accepted");
    }
  }

  private void nativeFirst() {
    jdkOnly();
    installed = org.conscrypt.Conscrypt.newProvider();
    Security.insertProviderAt(installed, 1);
    assertEquals(installed.getName(), aesGcmProvider(), "Tink would not pick the native AES-GCM");
  }

  private void jdkOnly() {
    restoreProviders();
    installed = null;
    assertEquals("SunJCE", aesGcmProvider());
  }

  /** The provider Tink's streaming AEAD gets its cipher from (EngineFactory: the JCE's order). */
  private static String aesGcmProvider() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] encrypt(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream enc = BlobCipher.encrypt(KEYS, FILE, out)) {
      enc.write(content);
    }
    return out.toByteArray();
  }

  private static byte[] decrypt(byte[] blob, long size) throws IOException {
    try (InputStream in = BlobCipher.decrypt(KEYS, FILE, size, new ByteArrayInputStream(blob))) {
      return in.readAllBytes();
    }
  }

  private static byte[] content(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }
}
