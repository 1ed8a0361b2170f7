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
 * (one per thread in I/O at once, opened as needed and kept until the file closes). A descriptor
 * is opened by the file's name, so one opened after another file was put in its place is refused. Syncs and the
 * lock go through the first descriptor's channel (the first descriptor is open since the
 * file was, so its syncs see every failed write's report), on a thread nobody interrupts: an
 * interrupt during a channel's call would close it.
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
    private final String name;
    private final String mode;
    /** Open as long as the file is: syncs, the lock, and a descriptor of the pool. */
    private final RandomAccessFile first;
    /** The file's identity (device and inode) once {@link #first} had it open. */
    private final Object identity;
    private final List<RandomAccessFile> opened = new ArrayList<>();
    private final ConcurrentLinkedDeque<RandomAccessFile> idle = new ConcurrentLinkedDeque<>();
    /** Whether {@link #another} found another file under the name: it opens no more. */
    private boolean replaced;
    private long position;

    File(String name, String mode) throws IOException {
      this.name = name;
      this.mode = mode;
      this.first = new RandomAccessFile(name, mode);
      try {
        this.identity = identity();
      } catch (IOException e) {
        first.close();
        throw e;
      }
      opened.add(first);
      idle.add(first);
    }

    private Object identity() throws IOException {
      return java.nio.file.Files.readAttributes(java.nio.file.Path.of(name), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    }

    /** A step on a descriptor that no other thread uses meanwhile (it seeks). */
    @FunctionalInterface
    private interface Step<T> {
      T run(RandomAccessFile file) throws IOException;
    }

    private <T> T onOwnDescriptor(Step<T> step) throws IOException {
      RandomAccessFile file = idle.pollFirst();
      if (file == null) {
        file = another();
      } else if (!isOpen()) {
        throw new ClosedChannelException();
      }
      try {
        return step.run(file);
      } finally {
        idle.offerFirst(file);
      }
    }

    /**
     * A descriptor for one more thread in I/O at once, opened by the file's name: refused if the
     * name is now another file's (put in place of the database while the vault had it open), and
     * then kept, unused, until the file closes, since closing a descriptor of the database's own
     * file would drop the lock. Synchronized with {@link #implCloseChannel}: no descriptor is opened
     * once the file closes.
     */
    synchronized RandomAccessFile another() throws IOException {
      if (!isOpen()) {
        throw new ClosedChannelException();
      }
      if (!replaced) {
        RandomAccessFile file = new RandomAccessFile(name, mode);
        opened.add(file);
        replaced = !java.util.Objects.equals(identity, identity());
        if (!replaced) {
          return file;
        }
      }
      throw new IOException("the database file " + name + " was replaced by another while the vault had it open");
    }

    @Override
    public int read(ByteBuffer dst, long at) throws IOException {
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
      open();
      return first.length(); // fstat: no seek
    }

    /** As {@code FileChannel.truncate}: never longer, and the position no further than the end. */
    @Override
    public FileChannel truncate(long size) throws IOException {
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
      open();
      Interrupts.onQuietThread(() -> {
        first.getChannel().force(metaData);
        return null;
      });
    }

    /** As {@link #force}: through the first descriptor's channel, on a thread nobody interrupts. */
    @Override
    public FileLock tryLock(long at, long size, boolean shared) throws IOException {
      open();
      return Interrupts.onQuietThread(() -> first.getChannel().tryLock(at, size, shared));
    }

    private void open() throws ClosedChannelException {
      if (!isOpen()) {
        throw new ClosedChannelException();
      }
    }

    @Override
    protected synchronized void implCloseChannel() throws IOException {
      IOException failed = null;
      for (RandomAccessFile file : opened) {
        try {
          file.close();
        } catch (IOException e) {
          if (failed == null) {
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
