package io.kinko.vault.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
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
   * Destroys a small secret-bearing file: overwrites it in place with random bytes, syncs,
   * unlinks it and syncs the directory, so the old bytes are not left in the file's blocks
   * (see SECURITY.md for what overwriting cannot reach on SSDs and copy-on-write file systems).
   */
  public static void destroy(Path file) throws IOException {
    long size = Files.size(file);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer noise = java.nio.ByteBuffer.wrap(io.kinko.vault.crypto.Bytes.random((int) Math.min(size, 1 << 20)));
      for (long at = 0; at < size; ) {
        noise.clear().limit((int) Math.min(noise.capacity(), size - at));
        at += channel.write(noise, at);
      }
      channel.force(true);
    }
    Files.delete(file);
    syncDirectory(file.toAbsolutePath().getParent());
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
