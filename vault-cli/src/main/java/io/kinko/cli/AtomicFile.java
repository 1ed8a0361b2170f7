package io.kinko.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A file written beside its target under a temporary name and renamed onto it only by
 * {@link #commit()}, after an fsync. Closing without a commit deletes the temporary file, so a
 * failed or interrupted {@code get} leaves the target as it was: absent, or its old content.
 */
final class AtomicFile implements AutoCloseable {
  private static final String SUFFIX = ".partial";
  /** Concurrent fsyncs in {@link #syncAll}: enough for the file system to batch them. */
  private static final int SYNC_THREADS = 8;
  /** Temporary files still open; deleted if the JVM is stopped (Ctrl-C) before they are renamed. */
  private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> PENDING.forEach(AtomicFile::deleteQuietly), "kinko-partial-cleanup"));
  }

  private final Path target;
  private final Path temporary;
  private final FileChannel channel;
  private final OutputStream output;
  private boolean committed;

  private AtomicFile(Path target, Path temporary, FileChannel channel) {
    this.target = target;
    this.temporary = temporary;
    this.channel = channel;
    this.output = new WriteBack(Channels.newOutputStream(channel));
  }

  /**
   * Creates {@code .NAME.kinko-XXXX.partial} in the target's folder, readable by its owner only
   * (the content is work data).
   */
  static AtomicFile beside(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path directory = absolute.getParent();
    Path temporary = Files.createTempFile(directory, "." + shortened(absolute.getFileName().toString()) + ".kinko-", SUFFIX);
    PENDING.add(temporary);
    try {
      return new AtomicFile(absolute, temporary, FileChannel.open(temporary, StandardOpenOption.WRITE));
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temporary);
      PENDING.remove(temporary);
      throw e;
    }
  }

  /**
   * Where the content goes until {@link #commit()}: not buffered, so write in large chunks. It is
   * also a {@link WritableByteChannel}, which takes direct buffers without a copy.
   */
  OutputStream output() {
    return output;
  }

  /** Flushes the content to the disk and renames it onto the target. */
  void commit() throws IOException {
    ((WriteBack) output).finish();
    channel.force(true);
    commitUnsynced();
    syncDirectory(target.getParent());
  }

  /**
   * Renames the content onto the target without waiting for the disk: for many files whose
   * durability {@link #syncAll} then settles together, before the command reports success.
   */
  void commitUnsynced() throws IOException {
    ((WriteBack) output).finish();
    channel.close();
    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    committed = true;
    PENDING.remove(temporary);
  }

  /**
   * Flushes {@code files} to the disk on several threads at once, so that the file system can
   * share its journal commits among them, then each of their folders once.
   *
   * @throws IOException the first failure; every file is still tried
   */
  static void syncAll(Collection<Path> files) throws IOException {
    ExecutorService syncers = Executors.newFixedThreadPool(SYNC_THREADS, r -> {
      Thread t = new Thread(r, "kinko-get-sync");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> syncs = new ArrayList<>();
      for (Path file : files) {
        syncs.add(syncers.submit(() -> {
          try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            c.force(true);
          }
          return null;
        }));
      }
      IOException first = null;
      for (Future<?> sync : syncs) {
        try {
          sync.get();
        } catch (ExecutionException e) {
          if (first == null) {
            first = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while syncing the files written");
        }
      }
      if (first != null) {
        throw first;
      }
    } finally {
      syncers.shutdownNow();
    }
    files.stream().map(Path::getParent).distinct().forEach(AtomicFile::syncDirectory);
  }

  @Override
  public void close() throws IOException {
    if (committed) {
      return;
    }
    try {
      ((WriteBack) output).stop();
      channel.close();
    } finally {
      Files.deleteIfExists(temporary);
      PENDING.remove(temporary);
    }
  }

  /** Makes the rename itself durable. Not every platform can open a folder for this; then it is skipped. */
  private static void syncDirectory(Path directory) {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open a directory as a channel; its rename is already durable enough for NTFS.
    }
  }

  /** Keeps the temporary name within the 255-byte limit of common file systems. */
  private static String shortened(String name) {
    int limit = 40;
    return name.codePointCount(0, name.length()) <= limit ? name : name.substring(0, name.offsetByCodePoints(0, limit));
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // best effort at shutdown
    }
  }

  /**
   * Asks the disk for what was written every {@link #EVERY} bytes, on a thread of its own, while
   * the caller writes on: otherwise the kernel starts writing a large file only at the final
   * fsync, which then waits for all of it. The final fsync stays; a failed early one is thrown.
   */
  private final class WriteBack extends java.io.FilterOutputStream implements WritableByteChannel {
    static final long EVERY = 32L << 20;
    private ExecutorService syncer;
    private Future<?> sync;
    private long unsynced;

    WriteBack(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      wrote(len);
    }

    /** Writes all of {@code bytes} to the file as they are: a direct buffer is not copied on the way. */
    @Override
    public int write(ByteBuffer bytes) throws IOException {
      int n = 0;
      while (bytes.hasRemaining()) {
        n += channel.write(bytes);
      }
      wrote(n);
      return n;
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    private void wrote(long len) throws IOException {
      unsynced += len;
      if (unsynced >= EVERY && (sync == null || sync.isDone())) {
        awaitSync();
        if (syncer == null) {
          syncer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kinko-write-back");
            t.setDaemon(true);
            return t;
          });
        }
        sync = syncer.submit(() -> {
          channel.force(false);
          return null;
        });
        unsynced = 0;
      }
    }

    /** Waits for the early sync in flight, throwing its failure, and stops the thread. */
    void finish() throws IOException {
      awaitSync();
      stop();
    }

    /** Throws the failure of the early sync in flight, if any: Linux reports a failed writeback once. */
    private void awaitSync() throws IOException {
      Future<?> pending = sync;
      sync = null;
      if (pending != null) {
        try {
          pending.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof IOException io ? io : new IOException("cannot sync " + temporary, e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while syncing " + temporary);
        }
      }
    }

    void stop() {
      if (syncer != null) {
        syncer.shutdown();
        syncer = null;
      }
    }
  }
}
