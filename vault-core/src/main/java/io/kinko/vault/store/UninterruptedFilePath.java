package io.kinko.vault.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * The file system H2 opens the embedded vault's database through ({@value #SCHEME}{@code :} before
 * its path): the JDK's own files, which an interrupt does not close under the vault.
 *
 * <p>A {@code FileChannel} closes itself when the thread in its I/O is interrupted, and H2 reads
 * its file from every caller's thread: one interrupted read closed the database for every caller
 * until the vault was reopened. Here a read, write, size or truncation stopped that way opens the
 * file again and runs again whole (each is repeatable at its position), and the interrupt is given
 * back ({@link Interrupts}). A sync is not repeated: if a sync was stopped, the report of a write
 * that failed may have gone with it, and a sync through a new descriptor would not see that
 * failure. So syncs go through a descriptor of their own, on a thread that nobody interrupts, and
 * the caller waits for it; so does a step that interrupts keep stopping, after a few attempts.
 *
 * <p>H2's own {@code retry:} file system reopens too, but it repeats the sync on the new
 * descriptor and does not give the interrupt back; its {@code async:} one closes nothing, but
 * hands every read to another thread, which cost a verification of a million entries half again
 * its time.
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
    return new File(getBase(), mode);
  }

  /** One open file. */
  private static final class File extends FileBase {
    private final FilePath path;
    private final String mode;
    private final FileChannel sync;
    private volatile FileChannel channel;
    private Lock lock;
    private long position;

    File(FilePath path, String mode) throws IOException {
      this.path = path;
      this.mode = mode;
      this.channel = path.open(mode);
      try {
        this.sync = path.open(mode);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }

    /** If an interrupt closed the channel (this thread's, or another's while this one used it), H2's file is opened again, unless H2 closed it itself. */
    private final Interrupts.Reopening reopening = new Interrupts.Reopening() {
      @Override
      public FileChannel channel() {
        return channel;
      }

      @Override
      public boolean reopensAfter(ClosedChannelException e) {
        return isOpen(); // else H2 closed it itself
      }

      @Override
      public void reopen(FileChannel failed) throws IOException {
        File.this.reopen(failed);
      }
    };

    private <T> T retried(Interrupts.Step<T> step) throws IOException {
      return Interrupts.retried(reopening, step);
    }

    /**
     * Opens the file again in place of {@code failed}, unless another thread already has or H2
     * closed the file, and takes H2's lock again. The lock is the process's, not the descriptor's
     * (POSIX): closing any descriptor of the file drops it. So {@code failed}'s close, which the
     * interrupting thread may still be running, is waited for first, else it could drop the lock
     * taken here. Between that close and this lock another process could take it: H2 then stops
     * here (the lock cannot be taken), and the file is never written by two.
     */
    private synchronized void reopen(FileChannel failed) throws IOException {
      if (channel != failed || !isOpen()) {
        return;
      }
      failed.close(); // returns once the interrupting thread's close of it is over
      FileChannel again = path.open(mode);
      try {
        if (lock != null && !lock.released) {
          FileLock taken = again.tryLock(lock.position(), lock.size(), lock.isShared());
          if (taken == null) {
            throw new IOException("another process locked the database file while an interrupt had it closed");
          }
          lock.base = taken;
        }
      } catch (IOException | RuntimeException e) {
        again.close();
        throw e;
      }
      channel = again;
    }

    @Override
    public int read(ByteBuffer dst, long at) throws IOException {
      int start = dst.position();
      return retried(c -> c.read(dst.position(start), at));
    }

    @Override
    public int write(ByteBuffer src, long at) throws IOException {
      int start = src.position();
      return retried(c -> {
        src.position(start);
        int written = 0;
        while (src.hasRemaining()) {
          written += c.write(src, at + written);
        }
        return written;
      });
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
    public synchronized long position() {
      return position;
    }

    @Override
    public synchronized FileChannel position(long at) {
      position = at;
      return this;
    }

    @Override
    public long size() throws IOException {
      return retried(FileChannel::size);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      retried(c -> c.truncate(size));
      return this;
    }

    /** On a thread nobody interrupts, through the sync's own descriptor, which nothing else uses. */
    @Override
    public void force(boolean metaData) throws IOException {
      Interrupts.onQuietThread(() -> {
        sync.force(metaData);
        return null;
      });
    }

    @Override
    public synchronized FileLock tryLock(long at, long size, boolean shared) throws IOException {
      FileLock taken = retried(c -> c.tryLock(at, size, shared));
      if (taken == null) {
        return null;
      }
      lock = new Lock(this, taken);
      return lock;
    }

    /** Synchronized with {@link #reopen}: a file H2 closed is not opened again. */
    @Override
    protected synchronized void implCloseChannel() throws IOException {
      try {
        channel.close();
      } finally {
        sync.close();
      }
    }

    @Override
    public String toString() {
      return SCHEME + ":" + path;
    }
  }

  /** H2's lock on its file, taken again on each descriptor the file is opened on. */
  private static final class Lock extends FileLock {
    private volatile FileLock base;
    private volatile boolean released;

    Lock(FileChannel file, FileLock base) {
      super(file, base.position(), base.size(), base.isShared());
      this.base = base;
    }

    @Override
    public boolean isValid() {
      return !released && base.isValid();
    }

    @Override
    public void release() throws IOException {
      released = true;
      if (base.channel().isOpen()) {
        base.release(); // else the lock went with its descriptor
      }
    }
  }
}
