package io.kinko.vault.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * File operations that are on disk when they return: fsync of files and of the directories
 * that name them, and atomic replacement (write beside, sync, rename, sync the directory).
 */
public final class Durable {
  /** fsync waits on the disk, not the CPU, so more syncs in flight than cores pay off. */
  private static final int SYNC_THREADS = 8;

  private Durable() {}

  /** Replaces {@code target} with {@code content} so that a crash leaves the old or the new file. */
  public static void write(Path target, byte[] content) throws IOException {
    // A name of its own: processes on several hosts may replace the same file at once.
    Path temp = target.resolveSibling(target.getFileName() + "." + io.kinko.vault.crypto.Bytes.hex(io.kinko.vault.crypto.Bytes.random(8))
        + ".partial");
    try {
      // 0600 from the start: the umask would leave key slots readable by every local account.
      try (FileChannel channel = PrivateFiles.create(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      move(temp, target);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    syncDirectory(target.toAbsolutePath().getParent());
  }

  /**
   * Destroys a small secret-bearing file: overwrites it in place with random bytes, syncs, reads
   * the bytes back to see that the overwrite reached the file, unlinks it and syncs the directory,
   * so the old bytes are not left in the file's blocks (see SECURITY.md for what overwriting cannot
   * reach on SSDs and copy-on-write file systems).
   *
   * <p>Only a regular file that is its own sole name is overwritten. A symbolic link, or a name
   * that shares its file with another (a hard link someone planted in the vault folder, pointing
   * at a file outside it or at a live key slot), is only unlinked: its bytes are not the vault's
   * to overwrite, and following it would let whoever can write the folder make the vault destroy
   * any file its user can write.
   *
   * @return true if the bytes were overwritten, false if only the name was unlinked
   * @throws IOException if the overwrite did not read back: the file is then left in place, named,
   *     for the caller to report, rather than unlinked with its old bytes perhaps still in it
   */
  public static boolean destroy(Path file) throws IOException {
    if (!soleName(file)) {
      Files.delete(file); // the link itself, never what it names
      syncDirectory(file.toAbsolutePath().getParent());
      return false;
    }
    long size = Files.size(file);
    byte[] noise = io.kinko.vault.crypto.Bytes.random((int) Math.min(size, 1 << 20));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      java.nio.ByteBuffer out = java.nio.ByteBuffer.wrap(noise);
      for (long at = 0; at < size; ) {
        out.clear().limit((int) Math.min(noise.length, size - at));
        at += channel.write(out, at);
      }
      channel.force(true);
      java.nio.ByteBuffer back = java.nio.ByteBuffer.allocate(noise.length);
      for (long at = 0; at < size; ) {
        back.clear().limit((int) Math.min(noise.length, size - at));
        int n = channel.read(back, at);
        if (n < 0 || !java.util.Arrays.equals(noise, 0, back.position(), back.array(), 0, back.position())) {
          throw new IOException("overwriting " + file.getFileName() + " did not read back: its old bytes may remain");
        }
        at += n;
      }
    }
    Files.delete(file);
    syncDirectory(file.toAbsolutePath().getParent());
    return true;
  }

  /**
   * Whether {@code file} is a regular file, not a link, and no other name shares it: the only kind
   * of file an eraser may overwrite, since a planted link's bytes are not the vault's.
   */
  public static boolean soleName(Path file) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try {
      return ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue() == 1;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return true; // no link count on this file system (Windows): a symbolic link is still refused above
    }
  }

  /** The suffix of the second name a secret file keeps while {@link #replaceSecret} destroys its old bytes. */
  public static final String RETIRED = ".retired";

  /**
   * Replaces a small secret-bearing file (a key slot) so that its old bytes go too, which a plain
   * {@link #write} leaves in the blocks it frees. The old file gets a second name (a hard link),
   * the new content is written beside and renamed over {@code target}, and the old bytes are then
   * destroyed through the second name ({@link #destroy}: overwritten in place, synced, read back,
   * unlinked). A crash leaves the old or the new file at {@code target}, and at worst a
   * {@code .retired} name that {@link #destroyRetired} removes at the next open.
   *
   * @throws IOException if the file system cannot give the old file a second name: then nothing
   *     changed, since replacing it would leave its bytes behind
   */
  public static void replaceSecret(Path target, byte[] content) throws IOException {
    if (!Files.exists(target)) {
      write(target, content);
      return;
    }
    Path retired = target.resolveSibling(target.getFileName() + "." + io.kinko.vault.crypto.Bytes.hex(io.kinko.vault.crypto.Bytes.random(8))
        + RETIRED);
    try {
      Files.createLink(retired, target);
      // The inode's time, which the target shares: content unchanged, and a sweep leaves a fresh name alone.
      Files.setLastModifiedTime(retired, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
    } catch (UnsupportedOperationException e) {
      throw new IOException("cannot replace " + target.getFileName() + " without leaving its old bytes: the file system has no hard links", e);
    }
    syncDirectory(target.toAbsolutePath().getParent());
    try {
      write(target, content);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(retired); // the old file is still the target's: only its second name goes
      throw e;
    }
    destroy(retired);
  }

  /**
   * Destroys what an interrupted {@link #replaceSecret} left in {@code directory}: old secrets
   * under their {@code .retired} names, older than {@code quiet} so that a replacement another
   * process is making right now keeps its own. Returns how many it destroyed.
   */
  public static int destroyRetired(Path directory, java.time.Duration quiet) throws IOException {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    java.time.Instant before = java.time.Instant.now().minus(quiet);
    int destroyed = 0;
    try (java.util.stream.Stream<Path> files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.endsWith(RETIRED) && Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before)) {
          // <target>.<16 hex>.retired; a crash before the rename left it a second name of the live file.
          Path target = directory.resolve(name.substring(0, Math.max(0, name.length() - RETIRED.length() - 17)));
          try {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(file, target)) {
              Files.delete(file);
              continue;
            }
            if (destroy(file)) {
              destroyed++;
            }
          } catch (java.nio.file.NoSuchFileException raced) {
            // another process destroyed it first
          }
        }
      }
    }
    return destroyed;
  }

  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + from.getFileName() + " atomically on this file system", e);
    }
  }

  public static void sync(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /** Makes the creation, rename or removal of the directory's entries durable. */
  public static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Syncs many files concurrently; returns when all are on disk or throws the first failure. */
  public static void syncAll(Collection<Path> files, boolean directories) throws IOException {
    if (files.size() <= 1) {
      for (Path file : files) {
        if (directories) {
          syncDirectory(file);
        } else {
          sync(file);
        }
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(SYNC_THREADS, files.size()));
    try {
      List<Future<?>> pending = new ArrayList<>();
      for (Path file : files) {
        pending.add(pool.submit(() -> {
          try {
            if (directories) {
              syncDirectory(file);
            } else {
              sync(file);
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return null;
        }));
      }
      for (Future<?> f : pending) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while syncing", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException("sync failed", cause);
    } finally {
      pool.shutdownNow();
    }
  }
}
