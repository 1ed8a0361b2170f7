package io.kinko.vault.erase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import io.kinko.vault.crypto.BlobCipher;
import io.kinko.vault.crypto.VaultKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasing a blob overwrites every byte of it in place, header and body, with noise; a hard link
 * made beforehand (the same inode) shows what the disk was given.
 */
class BlobEraserTest {
  private static final String VAULT = "0123456789abcdef0123456789abcdef";
  private static final String FILE = "fedcba9876543210fedcba9876543210";

  @TempDir Path dir;

  @Test
  void erase_overwritesEveryByteOfAMultiChunkBlobInPlace_andUnlinksIt() throws IOException {
    KeysetHandle master = VaultKeys.newMasterKeyset();
    VaultKeys keys = VaultKeys.unlock(VAULT, master, VaultKeys.newSealedNamesKey(VAULT, master));
    byte[] content = new byte[(3 << 20) + 777];
    new Random(1).nextBytes(content);
    Path blob = dir.resolve(FILE);
    try (OutputStream out = BlobCipher.encrypt(keys, FILE, Files.newOutputStream(blob))) {
      out.write(content);
    }
    byte[] before = Files.readAllBytes(blob);
    Path witness = Files.createLink(dir.resolve("witness"), blob);

    BlobEraser.Result result = BlobEraser.erase(blob, keys, FILE, content.length);

    assertFalse(Files.exists(blob), "the blob is still there");
    assertTrue(result.keyDestroyedVerified());
    assertEquals(before.length, result.bytesOverwritten());
    byte[] after = Files.readAllBytes(witness);
    assertEquals(before.length, after.length);
    int unchanged = 0;
    int[] counts = new int[256];
    for (int i = 0; i < after.length; i++) {
      unchanged += after[i] == before[i] ? 1 : 0;
      counts[after[i] & 0xff]++;
    }
    // Random noise matches the old byte about once in 256; a skipped range would match entirely.
    assertTrue(unchanged < after.length / 128, unchanged + " of " + after.length + " bytes kept their value");
    for (int count : counts) {
      assertTrue(count < after.length / 128, "the overwrite is not noise: one byte value fills " + count + " bytes");
    }
  }
}
