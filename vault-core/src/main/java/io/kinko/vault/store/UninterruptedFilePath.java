package io.kinko.vault.store;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.StampedLock;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * The file system H2 opens the embedded vault's database through ({@value #SCHEME}{@code :} before
 * its path): its file read and written by {@code pread(2)} and {@code pwrite(2)}, which an
 * interrupt does not stop or close.
 *
 * <p>A {@code FileChannel} closes itself when the thread in its I/O is interrupted (a request's
 * timeout, {@code Future.cancel(true)}, an executor's {@code shutdownNow}), and H2 reads its file
 * from every caller's thread: one interrupted read closed the database for every caller. Opening
 * the file again does not mend that, because H2's lock on the file is the process's (POSIX) and
 * the kernel drops it when any descriptor of the file closes: until it is taken again, another
 * process can take it and open the vault too. So the file's reads, writes, syncs, length and
 * truncation are the system's calls on a descriptor of its own ({@link Posix}); no descriptor of
 * the file closes until H2 closes it, and the thread's interrupt is left as it was. Each is one
 * system call at a position, so threads share the descriptor; a step on a heap buffer copies
 * through native memory the file keeps for reuse.
 *
 * <p>H2's lock is taken through a {@code FileChannel} of the file, used for nothing else and only on
 * a thread nobody interrupts. Both descriptors are opened with the file (none is opened by its name
 * once another file could be in its place) and closed with it once no step is using them (a
 * descriptor closed under a step could be reused for another file, which the step would then read
 * or write). The lock's channel is opened through the I/O descriptor's own path
 * ({@link Posix#pathOf}), and the file they hold must be a regular file, the one the name named
 * before the first open: a name switched to another file and back meanwhile is refused (where
 * {@code /proc} is not mounted, the name is checked instead, after the opens). Where
 * {@link Posix#POSITIONAL} is not at hand, every step goes through that channel on the quiet
 * thread: slower, as safe.
 *
 * <p>Not {@code RandomAccessFile} (each read at a position is a seek and a read, so two system
 * calls and a descriptor per thread, and one over 8 KiB also a native allocation; a read of 4 KiB
 * took a fifth longer), nor H2's own {@code retry:} file system (it reopens, which
 * drops the lock as above, and repeats a sync on the new descriptor, which may not see the failure
 * the first one lost), nor its {@code async:} one (it hands every read to another thread, which
 * cost a verification of a million entries half again its time).
 */
public final class UninterruptedFilePath extends FilePathWrapper {
  static final String SCHEME = "kinko";

  static {
    FilePath.register(new UninterruptedFilePath());
  }

  /** The JDBC URL of the embedded database at {@code file} (its path without {@code .mv.db}), with this file system registered. */
  static String url(Path file) {
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
    /** Descriptors of an open file: one for its I/O, one for H2's lock. */
    static final int DESCRIPTORS = 2;
    /** Bytes a step on a heap buffer copies through native memory per system call, at most. */
    static final int CHUNK = 1 << 18;
    /** Buffers of native memory a file keeps for reuse; more steps at once than this allocate their own, which the collector frees. */
    static final int KEPT = 4;
    private final String name;
    private final boolean writing;
    /** The folder of the file, as {@link VaultLock} knows it (null if it could not be read): its lock waits for the file's close. */
    private final Path folder;
    /** The file's I/O, or -1 where {@link Posix#POSITIONAL} is not at hand. */
    private final int descriptor;
    /** H2's lock; and every step where {@link Posix#POSITIONAL} is not at hand. Used only on a thread nobody interrupts. */
    private final FileChannel channel;
    /** Native memory kept for steps on heap buffers, {@value #CHUNK} bytes each: at most {@value #KEPT}. */
    private final ConcurrentLinkedDeque<ByteBuffer> scratch = new ConcurrentLinkedDeque<>();
    private final java.util.concurrent.atomic.AtomicInteger kept = new java.util.concurrent.atomic.AtomicInteger();
    /**
     * Steps hold it shared; the close holds it alone, so no descriptor closes under a step. Not a
     * {@code ReentrantReadWriteLock}, whose per-thread hold counts cost a verification's page
     * readers 6 % of their samples; no step takes it twice.
     */
    private final StampedLock inUse = new StampedLock();
    private long position;

    /**
     * Opens both descriptors now (creating the file 0600 for {@code "rw"}), and checks that they
     * hold a regular file, the one (device and inode) the name named before the first open: none
     * is opened later, when another file could have been put in the database's place, and none
     * closes before the file does (a descriptor of the file closing would drop the process's lock
     * on it).
     */
    File(String name, String mode) throws IOException {
      this(name, mode, Posix.POSITIONAL);
    }

    /** With {@code posix} false, as where {@link Posix#POSITIONAL} is not at hand (for tests of that path). */
    File(String name, String mode, boolean posix) throws IOException {
      this.name = name;
      Path path = Path.of(name);
      writing = switch (mode) {
        case "r" -> false;
        case "rw" -> true;
        default -> throw new IllegalArgumentException("mode " + mode + " is not one H2 opens the vault's database with");
      };
      if (writing) {
        try {
          Files.createFile(path, PrivateFiles.fileAttributes());
        } catch (FileAlreadyExistsException e) {
          // opened below
        }
      }
      Object before = identity(path);
      java.nio.file.OpenOption[] options = writing ? new java.nio.file.OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE}
          : new java.nio.file.OpenOption[] {StandardOpenOption.READ};
      int fd = -1;
      FileChannel lockChannel = null;
      try {
        // Not waiting for a writer of a FIFO planted as the database: only a regular file is taken, below.
        fd = posix ? Posix.open(path, (writing ? Posix.O_RDWR : Posix.O_RDONLY) | Posix.O_NONBLOCK) : -1;
        // What is checked, and what the lock's channel opens, is the descriptor's own file where the system names
        // it, not the name's, which may name another by now; without /proc, the name's.
        Path own = fd >= 0 ? Posix.pathOf(fd).orElse(path) : path;
        if (!Files.isRegularFile(own)) {
          throw new IOException("the database file " + name + " is not a regular file");
        }
        lockChannel = FileChannel.open(own, options);
        Object opened = identity(own);
        // A file system without file keys (null) cannot be checked.
        if (opened != null && !opened.equals(before)) {
          throw new IOException("the database file " + name + " was replaced by another while it was being opened");
        }
      } catch (IOException | RuntimeException e) {
        closeBoth(fd, lockChannel, e); // no lock is taken yet
        throw e;
      }
      descriptor = fd;
      channel = lockChannel;
      folder = realFolder(name);
      if (folder != null) {
        VaultLock.fileOpened(folder);
      }
    }

    private static Path realFolder(String name) {
      try {
        return Path.of(name).toAbsolutePath().getParent().toRealPath();
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    /** The device and inode of the file {@code path} names, or null if none. */
    private static Object identity(Path path) throws IOException {
      try {
        return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
      } catch (java.nio.file.NoSuchFileException e) {
        return null;
      }
    }

    /** {@code io} while no close can run, on the open file: it is refused once closed. */
    private <T> T step(Interrupts.Io<T> io) throws IOException {
      long stamp = inUse.readLock(); // does not give up on an interrupt
      try {
        if (!isOpen()) {
          throw new ClosedChannelException();
        }
        return io.run();
      } finally {
        inUse.unlockRead(stamp);
      }
    }

    /** A step where {@link Posix#POSITIONAL} is not at hand: through the channel, on a thread nobody interrupts. */
    private <T> T quietly(Interrupts.Io<T> io) throws IOException {
      return step(() -> Interrupts.onQuietThread(io));
    }

    @Override
    public int read(ByteBuffer dst, long at) throws IOException {
      if (dst.isReadOnly()) {
        throw new IllegalArgumentException("Read-only buffer");
      }
      nonNegative(at, "position");
      if (descriptor < 0) {
        return quietly(() -> channel.read(dst, at));
      }
      return step(() -> {
        if (!dst.hasRemaining()) {
          return 0;
        }
        ByteBuffer via = dst.isDirect() ? null : scratch();
        long total = 0;
        try {
          while (dst.hasRemaining()) {
            int count = via == null ? dst.remaining() : Math.min(dst.remaining(), CHUNK);
            long n = Posix.pread(descriptor, via == null ? address(dst) + dst.position() : address(via), count, at + total, name);
            if (n == 0) {
              break; // the end
            }
            if (via == null) {
              dst.position(dst.position() + (int) n);
            } else {
              dst.put(via.clear().limit((int) n));
            }
            total += n;
            if (n < count) {
              break; // the end, for a regular file: the next read would say so
            }
          }
        } finally {
          java.lang.ref.Reference.reachabilityFence(dst);
          reuse(via);
        }
        return total == 0 ? -1 : (int) total;
      });
    }

    @Override
    public int write(ByteBuffer src, long at) throws IOException {
      nonNegative(at, "position");
      if (descriptor < 0) {
        return quietly(() -> channel.write(src, at));
      }
      return step(() -> {
        writable();
        int length = src.remaining();
        ByteBuffer via = src.isDirect() ? null : scratch();
        long done = 0;
        try {
          while (src.hasRemaining()) {
            int count = via == null ? src.remaining() : Math.min(src.remaining(), CHUNK);
            if (via != null) {
              via.clear().put(src.slice(src.position(), count));
            }
            long n = Posix.pwrite(descriptor, via == null ? address(src) + src.position() : address(via), count, at + done, name);
            if (n <= 0) {
              throw new IOException("the system wrote nothing to " + name);
            }
            src.position(src.position() + (int) n);
            done += n;
          }
        } finally {
          java.lang.ref.Reference.reachabilityFence(src);
          reuse(via);
        }
        return length;
      });
    }

    /** Buffers kept for reuse now (for tests). */
    int kept() {
      return scratch.size();
    }

    private ByteBuffer scratch() {
      ByteBuffer via = scratch.pollFirst();
      if (via == null) {
        return ByteBuffer.allocateDirect(CHUNK);
      }
      kept.decrementAndGet();
      return via;
    }

    private void reuse(ByteBuffer via) {
      if (via != null && kept.incrementAndGet() <= KEPT) {
        scratch.offerFirst(via);
      } else if (via != null) {
        kept.decrementAndGet();
      }
    }

    private static long address(ByteBuffer direct) {
      return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
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
      return step(() -> position);
    }

    @Override
    public synchronized FileChannel position(long at) throws IOException {
      nonNegative(at, "position");
      step(() -> position = at);
      return this;
    }

    @Override
    public long size() throws IOException {
      return descriptor < 0 ? quietly(channel::size) : step(() -> Posix.size(descriptor, name));
    }

    /** As {@code FileChannel.truncate}: never longer, and the position no further than the end. */
    @Override
    public FileChannel truncate(long size) throws IOException {
      nonNegative(size, "size");
      if (descriptor < 0) {
        quietly(() -> channel.truncate(size));
      } else {
        step(() -> {
          writable();
          if (size < Posix.size(descriptor, name)) {
            Posix.truncate(descriptor, size, name);
          }
          return null;
        });
      }
      synchronized (this) {
        position = Math.min(position, size);
      }
      return this;
    }

    /** On the descriptor every write went through, so its sync sees a failure any of them left; the data only unless {@code metaData}. */
    @Override
    public void force(boolean metaData) throws IOException {
      if (descriptor < 0) {
        quietly(() -> {
          channel.force(metaData);
          return null;
        });
      } else {
        step(() -> {
          Posix.sync(descriptor, metaData, name);
          return null;
        });
      }
    }

    /** Through the channel, on a thread nobody interrupts (an interrupt during its call would close it, and drop the lock). */
    @Override
    public FileLock tryLock(long at, long size, boolean shared) throws IOException {
      return quietly(() -> channel.tryLock(at, size, shared));
    }

    /** As {@code FileChannel} refuses a write or a truncation of a file opened for reading (once open), before any I/O. */
    private void writable() {
      if (!writing) {
        throw new java.nio.channels.NonWritableChannelException();
      }
    }

    /** As {@code FileChannel} refuses a negative position or size, before any I/O. */
    private static void nonNegative(long value, String what) {
      if (value < 0) {
        throw new IllegalArgumentException("Negative " + what);
      }
    }

    /** Waits for the steps under way: a descriptor closed under one could be reused for another file, which it would then read or write. */
    @Override
    protected void implCloseChannel() throws IOException {
      long stamp = inUse.writeLock();
      try {
        scratch.clear();
        IOException failed = new IOException("cannot close " + name);
        closeBoth(descriptor, channel, failed);
        if (failed.getSuppressed().length > 0) {
          throw failed;
        }
      } finally {
        inUse.unlockWrite(stamp);
        if (folder != null) {
          VaultLock.fileClosed(folder);
        }
      }
    }

    /** Closes what is open of the two; what fails to close is added to {@code failure}. */
    private void closeBoth(int fd, FileChannel lockChannel, Throwable failure) {
      if (fd >= 0) {
        try {
          Posix.close(fd, name);
        } catch (IOException e) {
          failure.addSuppressed(e);
        }
      }
      if (lockChannel != null) {
        try {
          lockChannel.close();
        } catch (IOException e) {
          failure.addSuppressed(e);
        }
      }
    }

    @Override
    public String toString() {
      return SCHEME + ":" + name;
    }
  }
}
