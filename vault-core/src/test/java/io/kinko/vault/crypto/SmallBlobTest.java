package io.kinko.vault.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import com.google.crypto.tink.KeysetHandle;
import io.kinko.vault.IntegrityException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * The one-segment paths for small files write and read blob format v1 as the stream does. Both
 * paths use Tink's own segment encrypter and decrypter (the ones its stream wraps), so a blob that
 * one path writes and the other reads at every size, with equal lengths, is the same format: a
 * GCM segment authenticates only under the one key, nonce and layout the format defines.
 */
class SmallBlobTest {
  private static final String VAULT = "0123456789abcdef0123456789abcdef";
  private static final String FILE = "fedcba9876543210fedcba9876543210";
  private static final KeysetHandle MASTER = VaultKeys.newMasterKeyset();
  private static final VaultKeys KEYS = VaultKeys.unlock(VAULT, MASTER, VaultKeys.newSealedNamesKey(VAULT, MASTER));

  @Test
  void encryptSmall_andTheStream_writeBlobsEachPathReads_atEverySize() {
    qt().withExamples(200).forAll(integers().between(0, 70_000)).checkAssert(size -> {
      byte[] content = Bytes.random(size);
      byte[] streamed = streamed(content);
      if (size <= 64 * 1024) {
        byte[] small = small(content);
        assertEquals(streamed.length, small.length, "a one-segment blob has the stream's length");
        assertArrayEquals(content, read(small, size));
      }
      assertArrayEquals(content, read(streamed, size));
    });
  }

  @Test
  void encryptSmall_atTheFirstSegmentsEnd_isReadBack() {
    byte[] content = Bytes.random(BlobCipher.FIRST_SEGMENT_PLAINTEXT);
    byte[] small = small(content);
    assertEquals(streamed(content).length, small.length);
    assertArrayEquals(content, read(small, content.length));
  }

  @Test
  void encryptSmall_refusesContentBeyondTheFirstSegment() {
    byte[] content = new byte[BlobCipher.FIRST_SEGMENT_PLAINTEXT + 1];
    assertThrows(IllegalArgumentException.class,
        () -> BlobCipher.encryptSmall(KEYS, FILE, content, content.length, new ByteArrayOutputStream()));
  }

  @Test
  void decrypt_ofASmallBlob_withABodyByteFlipped_failsAtSegmentZeroOnRead() throws IOException {
    byte[] blob = small("a small file".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    blob[blob.length - 3] ^= 1;
    try (InputStream in = BlobCipher.decrypt(KEYS, FILE, 12, new ByteArrayInputStream(blob))) {
      IntegrityException e = assertThrows(IntegrityException.class, in::readAllBytes);
      assertEquals("file " + FILE + " failed integrity check at segment 0", e.getMessage());
    }
  }

  @Test
  void decrypt_ofASmallBlob_withBytesAppended_failsOnRead() throws IOException {
    byte[] blob = small("a small file".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    byte[] longer = java.util.Arrays.copyOf(blob, blob.length + 1);
    try (InputStream in = BlobCipher.decrypt(KEYS, FILE, 12, new ByteArrayInputStream(longer))) {
      assertThrows(IntegrityException.class, in::readAllBytes);
    }
  }

  private static byte[] streamed(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream enc = BlobCipher.encrypt(KEYS, FILE, out)) {
      enc.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] small(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      BlobCipher.encryptSmall(KEYS, FILE, content, content.length, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] read(byte[] blob, long size) {
    try (InputStream in = BlobCipher.decrypt(KEYS, FILE, size, new ByteArrayInputStream(blob))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
