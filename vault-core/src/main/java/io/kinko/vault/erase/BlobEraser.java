package io.kinko.vault.erase;

import io.kinko.vault.IntegrityException;
import io.kinko.vault.VaultException;
import io.kinko.vault.crypto.BlobCipher;
import io.kinko.vault.crypto.Bytes;
import io.kinko.vault.crypto.VaultKeys;
import io.kinko.vault.store.Durable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Destroys one blob: first its header, which holds the vault's only copy of the file key
 * (overwritten in place, synced, read back), then the rest of the file (one random pass, synced),
 * then the name (unlinked, directory synced). Each step can be repeated, so an interrupted
 * erase is finished by running it again.
 */
public final class BlobEraser {
  private static final int CHUNK = 1 << 20;
  private static final Path URANDOM = Path.of("/dev/urandom");

  private BlobEraser() {}

  /** What erasing one blob did, as the certificate reports it. */
  public record Result(long bytesOverwritten, boolean keyDestroyedVerified, String notes) {}

  /**
   * @throws VaultException if a step fails; nothing is claimed as done that was not
   */
  public static Result erase(Path blob, VaultKeys keys, String fileId, long plaintextSize) {
    long size;
    try {
      // Only a definite "no such file" counts as already removed; a permission or I/O error fails.
      size = Files.readAttributes(blob, java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS).size();
    } catch (NoSuchFileException e) {
      return new Result(0, true, "blob already removed (erase resumed after an interruption)");
    } catch (IOException e) {
      throw new VaultException("cannot erase the blob of file " + fileId + ": " + e.getMessage(), e);
    }
    try {
      int header;
      // Never through a link: a blob replaced by a symlink must not steer the overwrite elsewhere.
      try (InputStream in = Files.newInputStream(blob, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        header = (int) Math.min(size, BlobCipher.headerLength(in));
      }
      byte[] original = readPrefix(blob, header);
      byte[] noise = Bytes.random(header);
      try (FileChannel channel = FileChannel.open(blob, StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        writeFully(channel, ByteBuffer.wrap(noise), 0);
        channel.force(true);
      }
      ReadBack back = readBack(blob, header);
      byte[] readBack = back.bytes;
      boolean verified = Arrays.equals(readBack, noise) && (header == 0 || !Arrays.equals(readBack, original))
          && stillLocked(blob, keys, fileId, plaintextSize);
      if (!verified) {
        throw new VaultException("file " + fileId + ": the key header did not read back as overwritten; not certifying");
      }
      overwriteRest(blob, header, size);
      Files.delete(blob);
      Durable.syncDirectory(blob.getParent());
      return new Result(size, true, "header (" + header + " bytes) overwritten and read back " + back.how
          + "; the file key no longer unwraps; body overwritten once with random data; unlinked");
    } catch (NoSuchFileException e) {
      return new Result(0, true, "blob removed while erasing");
    } catch (IOException e) {
      throw new VaultException("cannot erase the blob of file " + fileId + ": " + e.getMessage(), e);
    }
  }

  /** Overwrites a whole file once with random data, syncs and unlinks it (for disposal). */
  public static long overwriteAndUnlink(Path file) throws IOException {
    if (!io.kinko.vault.store.Durable.soleName(file)) {
      Files.delete(file); // a link someone planted: removed, never followed to what it names
      return 0;
    }
    long size = Files.size(file);
    overwriteRest(file, 0, size);
    Files.delete(file);
    Durable.syncDirectory(file.getParent());
    return size;
  }

  /** True when the blob no longer opens: the proof that its key is gone. */
  private static boolean stillLocked(Path blob, VaultKeys keys, String fileId, long plaintextSize) throws IOException {
    try (InputStream in = BlobCipher.decrypt(keys, fileId, plaintextSize, Files.newInputStream(blob))) {
      return false;
    } catch (IntegrityException expected) {
      return true;
    }
  }

  private static void overwriteRest(Path blob, int from, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(blob, StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      // One random chunk, written over and over: as unrecoverable as shred's pass, and a direct
      // buffer, so the JDK copies nothing on its way to the kernel.
      ByteBuffer noise = noise((int) Math.min(CHUNK, Math.max(0, size - from)));
      for (long at = from; at < size; ) {
        noise.clear().limit((int) Math.min(CHUNK, size - at));
        at += writeFully(channel, noise, at);
      }
      channel.force(true);
    }
  }

  /**
   * {@code length} random bytes in a direct buffer, from the kernel's generator where there is
   * one: the JDK's SecureRandom mixes in SHA1PRNG in plain Java, ~0.4 s per MiB in a fresh JVM.
   */
  private static ByteBuffer noise(int length) throws IOException {
    ByteBuffer noise = ByteBuffer.allocateDirect(length);
    try (FileChannel urandom = FileChannel.open(URANDOM, StandardOpenOption.READ)) {
      while (noise.hasRemaining()) {
        if (urandom.read(noise) < 0) {
          throw new IOException("end of " + URANDOM);
        }
      }
    } catch (NoSuchFileException | UnsupportedOperationException notHere) {
      noise.clear();
      noise.put(Bytes.random(length));
    }
    return noise.flip();
  }

  private static int writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    int written = 0;
    while (buffer.hasRemaining()) {
      written += channel.write(buffer, position + written);
    }
    return written;
  }

  private record ReadBack(byte[] bytes, String how) {}

  /**
   * Reads the overwritten header back from the device with O_DIRECT, bypassing the page cache,
   * where the file system allows it; otherwise through the cache, and says which.
   */
  private static ReadBack readBack(Path file, int length) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
      int block = (int) Files.getFileStore(file).getBlockSize();
      int span = Math.max(block, (length + block - 1) / block * block);
      ByteBuffer aligned = ByteBuffer.allocateDirect(span + block).alignedSlice(block);
      aligned.limit(span);
      int n = channel.read(aligned, 0);
      byte[] out = new byte[Math.min(length, Math.max(n, 0))];
      aligned.flip();
      aligned.get(out);
      return new ReadBack(out, "from the device (O_DIRECT)");
    } catch (UnsupportedOperationException | IOException e) {
      return new ReadBack(readPrefix(file, length), "through the page cache (O_DIRECT not supported here)");
    }
  }

  private static byte[] readPrefix(Path file, int length) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(length);
    }
  }
}
