package io.kinko.vault.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * The file system H2 opens the embedded vault's database through ({@value #SCHEME}{@code :} before
 * its path): its file read and written by {@code RandomAccessFile}, which an interrupt does not
 * stop or close.
 *
 * <p>A {@code FileChannel} closes itself when the thread in its I/O is interrupted (a request's
 * timeout, {@code Future.cancel(true)}, an executor's {@code shutdownNow}), and H2 reads its file
 * from every caller's thread: one interrupted read closed the database for every caller. Opening
 * the file again does not mend that, because H2's lock on the file is the process's (POSIX) and
 * the kernel drops it when any descriptor of the file closes: until it is taken again, another
 * process can take it and open the vault too. A {@code RandomAccessFile}'s reads, writes, length
 * and truncation are plain system calls that an interrupt neither stops nor closes, and it leaves
 * the thread's interrupt as it was; no descriptor of the file closes until H2 closes it.
 *
 * <p>Reads and writes at a position seek first, so each takes a descriptor of its own from a pool
 * of {@value File#DESCRIPTORS}, all opened with the file (so none is opened by its name once
 * another file could be in its place) and closed with it once no step is using them (a descriptor
 * closed under a step could be reused for another file, which the step would then read or write).
 * Syncs and the lock go through the first descriptor's channel (open since the file was, so its
 * syncs see every failed write's report), on a thread nobody interrupts: an interrupt during a
 * channel's call would close it.
 *
 * <p>Not H2's own {@code retry:} file system (it reopens, which drops the lock as above, and repeats
 * a sync on the new descriptor, which may not see the failure the first one lost), nor its
 * {@code async:} one (it hands every read to another thread, which cost a verification of a million
 * entries half again its time).
 */
public final class UninterruptedFilePath extends FilePathWrapper {
  static final String SCHEME = "kinko";

  static {
    FilePath.register(new UninterruptedFilePath());
  }

  /** The JDBC URL of the embedded database at {@code file} (its path without {@code .mv.db}), with this file system registered. */
  static String url(java.nio.file.Path file) {
    return "jdbc:h2:" + SCHEME + ":file:" + file;
  }

  /** For H2, which makes one for each path it opens through this file system. */
  public UninterruptedFilePath() {}

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FileChannel open(String mode) throws IOException {
    return new File(getBase().toString(), mode);
  }

  /** One open file. */
  static final class File extends FileBase {
    /** Descriptors of the file, each for one thread in I/O at a time; more threads wait for one. */
    static final int DESCRIPTORS = 8;
    private final String name;
    /** The folder of the file, as {@link VaultLock} knows it (null if it could not be read): its lock waits for the file's close. */
    private final java.nio.file.Path folder;
    /** Syncs, the lock, and a descriptor of the pool. */
    private final RandomAccessFile first;
    private final List<RandomAccessFile> opened = new ArrayList<>();
    private final ConcurrentLinkedDeque<RandomAccessFile> idle = new ConcurrentLinkedDeque<>();
    private final java.util.concurrent.Semaphore free = new java.util.concurrent.Semaphore(DESCRIPTORS);
    /** Steps hold it shared; the close holds it alone, so no descriptor closes under a step. */
    private final java.util.concurrent.locks.ReadWriteLock inUse = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private long position;

    /**
     * Opens every descriptor now, by the file's name, and checks that the name named one file
     * (device and inode) from before the first to after the last: none is opened later, when
     * another file could have been put in the database's place, and none closes before the file
     * does (a descriptor of the file closing would drop the process's lock on it).
     */
    File(String name, String mode) throws IOException {
      this.name = name;
      Object before = identity(); // null for a file the first open creates
      try {
        opened.add(new RandomAccessFile(name, mode));
        Object atFirst = identity();
        for (int i = 1; i < DESCRIPTORS; i++) {
          opened.add(new RandomAccessFile(name, mode));
        }
        // A file system without file keys (null) cannot be checked.
        if (atFirst != null && (before != null && !before.equals(atFirst) || !atFirst.equals(identity()))) {
          throw new IOException("the database file " + name + " was replaced by another while it was being opened");
        }
      } catch (IOException | RuntimeException e) {
        closeAll(e); // no lock is taken yet
        throw e;
      }
      first = opened.get(0);
      idle.addAll(opened);
      folder = realFolder(name);
      if (folder != null) {
        VaultLock.fileOpened(folder);
      }
    }

    private static java.nio.file.Path realFolder(String name) {
      try {
        return java.nio.file.Path.of(name).toAbsolutePath().getParent().toRealPath();
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    /** The file's device and inode, or null if it does not exist (it does for "rw" once opened). */
    private Object identity() throws IOException {
      try {
        return java.nio.file.Files.readAttributes(java.nio.file.Path.of(name), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
      } catch (java.nio.file.NoSuchFileException e) {
        return null;
      }
    }

    /** A step on a descriptor that no other thread uses meanwhile (it seeks). */
    @FunctionalInterface
    private interface Step<T> {
      T run(RandomAccessFile file) throws IOException;
    }

    /** Waits for a free descriptor without giving up on an interrupt, which it leaves set. */
    private <T> T onOwnDescriptor(Step<T> step) throws IOException {
      inUse.readLock().lock();
      try {
        open();
        free.acquireUninterruptibly();
        RandomAccessFile file = idle.pollFirst();
        try {
          return step.run(file);
        } finally {
          idle.offerFirst(file);
          free.release();
        }
      } finally {
        inUse.readLock().unlock();
      }
    }

    @Override
    public int read(ByteBuffer dst, long at) throws IOException {
      if (dst.isReadOnly()) {
        throw new IllegalArgumentException("Read-only buffer");
      }
      nonNegative(at, "position");
      int length = dst.remaining();
      byte[] into = dst.hasArray() ? dst.array() : new byte[length];
      int offset = dst.hasArray() ? dst.arrayOffset() + dst.position() : 0;
      int n = onOwnDescriptor(f -> {
        f.seek(at);
        return f.read(into, offset, length);
      });
      if (n > 0) {
        if (dst.hasArray()) {
          dst.position(dst.position() + n);
        } else {
          dst.put(into, 0, n);
        }
      }
      return n;
    }

    @Override
    public int write(ByteBuffer src, long at) throws IOException {
      nonNegative(at, "position");
      int length = src.remaining();
      byte[] from;
      int offset;
      if (src.hasArray()) {
        from = src.array();
        offset = src.arrayOffset() + src.position();
      } else {
        from = new byte[length];
        src.duplicate().get(from);
        offset = 0;
      }
      onOwnDescriptor(f -> {
        f.seek(at);
        f.write(from, offset, length);
        return null;
      });
      src.position(src.position() + length);
      return length;
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
      int n = read(dst, position);
      if (n > 0) {
        position += n;
      }
      return n;
    }

    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
      int n = write(src, position);
      position += n;
      return n;
    }

    @Override
    public synchronized long position() throws IOException {
      open();
      return position;
    }

    @Override
    public synchronized FileChannel position(long at) throws IOException {
      nonNegative(at, "position");
      open();
      position = at;
      return this;
    }

    @Override
    public long size() throws IOException {
      return whileOpen(first::length); // fstat: no seek, so beside another thread's step on it
    }

    /** As a step, on the first descriptor, beside other threads' steps on it: for what does not seek. */
    private <T> T whileOpen(Interrupts.Io<T> io) throws IOException {
      inUse.readLock().lock();
      try {
        open();
        return io.run();
      } finally {
        inUse.readLock().unlock();
      }
    }

    /** As {@code FileChannel.truncate}: never longer, and the position no further than the end. */
    @Override
    public FileChannel truncate(long size) throws IOException {
      nonNegative(size, "size");
      onOwnDescriptor(f -> {
        if (size < f.length()) {
          f.setLength(size);
        }
        return null;
      });
      synchronized (this) {
        position = Math.min(position, size);
      }
      return this;
    }

    /**
     * Through the first descriptor's channel, on a thread nobody interrupts (an interrupt during a
     * channel's call closes the channel, and with it the descriptor): the channel reports the
     * system's error, and syncs only the data when {@code metaData} is false.
     */
    @Override
    public void force(boolean metaData) throws IOException {
      whileOpen(() -> Interrupts.onQuietThread(() -> {
        first.getChannel().force(metaData);
        return null;
      }));
    }

    /** As {@link #force}: through the first descriptor's channel, on a thread nobody interrupts. */
    @Override
    public FileLock tryLock(long at, long size, boolean shared) throws IOException {
      return whileOpen(() -> Interrupts.onQuietThread(() -> first.getChannel().tryLock(at, size, shared)));
    }

    /** As {@code FileChannel} refuses a negative position or size, before any I/O. */
    private static void nonNegative(long value, String what) {
      if (value < 0) {
        throw new IllegalArgumentException("Negative " + what);
      }
    }

    private void open() throws ClosedChannelException {
      if (!isOpen()) {
        throw new ClosedChannelException();
      }
    }

    /** Waits for the steps under way: a descriptor closed under one could be reused for another file, which it would then read or write. */
    @Override
    protected void implCloseChannel() throws IOException {
      inUse.writeLock().lock();
      try {
        closeAll(null);
      } finally {
        inUse.writeLock().unlock();
        if (folder != null) {
          VaultLock.fileClosed(folder);
        }
      }
    }

    /** Closes every descriptor; what fails to close is added to {@code failure}, else thrown. */
    private void closeAll(Throwable failure) throws IOException {
      IOException failed = null;
      for (RandomAccessFile file : opened) {
        try {
          file.close();
        } catch (IOException e) {
          if (failure != null) {
            failure.addSuppressed(e);
          } else if (failed == null) {
            failed = e;
          } else {
            failed.addSuppressed(e);
          }
        }
      }
      if (failed != null) {
        throw failed;
      }
    }

    @Override
    public String toString() {
      return SCHEME + ":" + name;
    }
  }
}
