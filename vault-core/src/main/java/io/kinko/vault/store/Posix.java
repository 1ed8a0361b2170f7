package io.kinko.vault.store;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;

/**
 * The C library's file calls that the JDK offers only in a form an interrupt stops or closes, or
 * not at all: by JNA's direct mapping, where a call costs about 100 ns more than the JDK's own
 * native call (an interface mapping adds a proxy and reflection to every call). On Linux and
 * macOS ({@link #AT_HAND}); the calls at a position and the length only where {@code size_t},
 * {@code ssize_t} and {@code off_t} are Java's {@code long} ({@link #POSITIONAL}, 64-bit).
 * Elsewhere nothing here may be called.
 */
final class Posix {
  static final boolean AT_HAND = Platform.isLinux() || Platform.isMac();
  static final boolean POSITIONAL = AT_HAND && Platform.is64Bit();
  static final int O_RDONLY = 0;
  static final int O_RDWR = 2;
  /** Not inherited by a process this one starts. */
  static final int O_CLOEXEC = Platform.isMac() ? 0x1000000 : 0x80000;
  /** An open that does not wait (for a FIFO's other end); nothing to a regular file's reads and writes. */
  static final int O_NONBLOCK = Platform.isMac() ? 0x4 : 0x800;
  static final int LOCK_EX = 2;
  static final int LOCK_NB = 4;
  static final int EINTR = 4;
  static final int EWOULDBLOCK = Platform.isMac() ? 35 : 11;
  private static final int SEEK_END = 2;
  /** macOS's {@code fcntl} command that has the drive write its cache out, as the JDK's {@code force} does there. */
  private static final int F_FULLFSYNC = 51;
  private static final int EINVAL = 22;
  private static final int ENOTTY = 25;
  private static final int ENOTSUP_MAC = 45;

  static {
    if (AT_HAND) {
      Native.register(Platform.C_LIBRARY_NAME);
    }
  }

  private Posix() {}

  private static native int open(byte[] path, int flags) throws LastErrorException;

  static native int flock(int fd, int operation) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  private static native long pread(int fd, long buffer, long count, long offset) throws LastErrorException;

  private static native long pwrite(int fd, long buffer, long count, long offset) throws LastErrorException;

  private static native long lseek(int fd, long offset, int whence) throws LastErrorException;

  private static native int ftruncate(int fd, long length) throws LastErrorException;

  private static native int fsync(int fd) throws LastErrorException;

  private static native int fdatasync(int fd) throws LastErrorException;

  private static native int fcntl(int fd, int command) throws LastErrorException;

  /** The system's text for {@code errno}, as the JDK's own I/O errors carry it. */
  static native String strerror(int errno);

  /** Opens {@code path} (never creating it) with {@code flags}, {@link #O_CLOEXEC} added. */
  static int open(Path path, int flags) throws IOException {
    // The name as the JDK passes it to the system; the terminating NUL is C's.
    byte[] name = (path + "\0").getBytes(Charset.forName(System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name())));
    return (int) call(path.toString(), () -> open(name, flags | O_CLOEXEC));
  }

  /** Reads up to {@code count} bytes at {@code offset} into {@code address}: 0 at the end. */
  static long pread(int fd, long address, long count, long offset, String what) throws IOException {
    return call(what, () -> pread(fd, address, count, offset));
  }

  /** Writes up to {@code count} bytes from {@code address} at {@code offset}; how many it wrote. */
  static long pwrite(int fd, long address, long count, long offset, String what) throws IOException {
    return call(what, () -> pwrite(fd, address, count, offset));
  }

  /** The length of the file open as {@code fd}. */
  static long size(int fd, String what) throws IOException {
    return call(what, () -> lseek(fd, 0, SEEK_END)); // only pread and pwrite use the file, and they ignore its offset
  }

  static void truncate(int fd, long length, String what) throws IOException {
    call(what, () -> ftruncate(fd, length));
  }

  /**
   * As {@code FileChannel.force}: on Linux the data only unless {@code metaData}; on macOS, where
   * {@code fsync} leaves the data in the drive's cache, {@code F_FULLFSYNC}, and {@code fsync} only
   * where the file system does not take that.
   */
  static void sync(int fd, boolean metaData, String what) throws IOException {
    if (Platform.isMac()) {
      call(what, () -> {
        try {
          return fcntl(fd, F_FULLFSYNC);
        } catch (LastErrorException e) {
          if (e.getErrorCode() == ENOTSUP_MAC || e.getErrorCode() == ENOTTY || e.getErrorCode() == EINVAL) {
            return fsync(fd); // a file system that does not take F_FULLFSYNC; any other error is the sync's
          }
          throw e;
        }
      });
      return;
    }
    call(what, () -> metaData ? fsync(fd) : fdatasync(fd));
  }

  /**
   * The path that names {@code fd}'s own file, whatever name it has now (it opens that file, not a
   * name's); empty where the system offers none ({@code /proc} not mounted).
   */
  static java.util.Optional<Path> pathOf(int fd) {
    return DESCRIPTORS.map(folder -> folder.resolve(Integer.toString(fd)));
  }

  /** Where the system names each of this process's descriptors, if it does. */
  private static final java.util.Optional<Path> DESCRIPTORS = java.util.Optional.of(Path.of(Platform.isMac() ? "/dev/fd" : "/proc/self/fd"))
      .filter(java.nio.file.Files::isDirectory);

  /** {@code call} again while a signal interrupts it, as the JDK does; its error as an {@code IOException} about {@code what}. */
  private static long call(String what, java.util.function.LongSupplier call) throws IOException {
    while (true) {
      try {
        return call.getAsLong();
      } catch (LastErrorException e) {
        if (e.getErrorCode() != EINTR) {
          throw failure(what, e);
        }
      }
    }
  }

  /** Closes {@code fd} once: after {@code close} fails, the descriptor is gone all the same (on Linux, even on EINTR). */
  static void close(int fd, String what) throws IOException {
    try {
      close(fd);
    } catch (LastErrorException e) {
      throw failure(what, e);
    }
  }

  /** As the JDK's own file calls report an error: the file, and the system's text for it. */
  private static IOException failure(String what, LastErrorException e) {
    String text = strerror(e.getErrorCode());
    IOException failure = switch (e.getErrorCode()) {
      case 2 -> new java.nio.file.NoSuchFileException(what, null, text); // ENOENT
      case 13 -> new java.nio.file.AccessDeniedException(what, null, text); // EACCES
      default -> new java.nio.file.FileSystemException(what, null, text);
    };
    failure.initCause(e);
    return failure;
  }
}
