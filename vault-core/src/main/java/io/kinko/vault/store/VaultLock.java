package io.kinko.vault.store;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.kinko.vault.VaultException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What keeps a second process out of an embedded vault while one has it open: {@code flock(2)}
 * on {@code db/lock}, taken before H2 opens its file and let go after H2 closed it.
 *
 * <p>Not H2's own lock on its file, which is a POSIX lock: the kernel drops a process's POSIX lock
 * on a file when the process closes any descriptor of that file, and the vault's process can well
 * open and close it (a folder put of a folder that holds the vault, an H2 connection by a plain URL
 * that H2 refuses, a backup tool in the same application). Another process could then open the
 * vault and write its log too. A {@code flock} lock belongs to the one open file description that
 * took it, and only closing that lets it go. Handles on one vault in one process share it (a
 * second description would conflict with the first), counted. Where {@code flock} is not at hand
 * (neither Linux nor macOS), a {@code FileChannel} lock on the same file stands in for it.
 */
final class VaultLock {
  private static final int LOCK_EX = 2;
  private static final int LOCK_NB = 4;
  private static final int O_RDWR = 2;
  /** Not inherited by a process this one starts. */
  private static final int O_CLOEXEC = Platform.isLinux() ? 0x80000 : Platform.isMac() ? 0x1000000 : 0;
  private static final boolean FLOCK = Platform.isLinux() || Platform.isMac();
  /** The locks this process holds, by their file's real path. */
  private static final Map<Path, VaultLock> HELD = new HashMap<>();

  /** The C library's calls, by JNA. */
  private interface LibC extends Library {
    int open(byte[] path, int flags) throws LastErrorException;

    int flock(int fd, int operation) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  private static LibC libc;

  private final Path file;
  private final int descriptor;
  private final FileChannel channel;
  private int handles = 1;

  private VaultLock(Path file, int descriptor, FileChannel channel) {
    this.file = file;
    this.descriptor = descriptor;
    this.channel = channel;
  }

  /**
   * Takes the lock in {@code file} (created 0600 if missing), or shares it if this process holds it
   * already; empty if another process holds it.
   *
   * @throws VaultException if the file cannot be made, opened or locked for another reason
   */
  static Optional<VaultLock> take(Path file) {
    synchronized (HELD) {
      Path real;
      try {
        if (!Files.exists(file)) {
          PrivateFiles.create(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
        }
        real = file.toRealPath();
      } catch (IOException e) {
        throw new VaultException("cannot make the vault's lock file " + file + ": " + FileStore.describe(e), e);
      }
      VaultLock held = HELD.get(real);
      if (held != null) {
        held.handles++;
        return Optional.of(held);
      }
      VaultLock taken = FLOCK ? flock(real) : channelLock(real);
      if (taken != null) {
        HELD.put(real, taken);
      }
      return Optional.ofNullable(taken);
    }
  }

  private static VaultLock flock(Path real) {
    if (libc == null) {
      libc = Native.load(Platform.C_LIBRARY_NAME, LibC.class);
    }
    int fd;
    try {
      // The name as the JDK passes it to the system; the terminating NUL is C's.
      byte[] name = (real + "\0").getBytes(Charset.forName(System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name())));
      fd = libc.open(name, O_RDWR | O_CLOEXEC);
    } catch (LastErrorException e) {
      throw new VaultException("cannot open the vault's lock file " + real + " (error " + e.getErrorCode() + ")", e);
    }
    try {
      libc.flock(fd, LOCK_EX | LOCK_NB);
      return new VaultLock(real, fd, null);
    } catch (LastErrorException e) {
      libc.close(fd); // this description's own: another's lock stays
      if (e.getErrorCode() == (Platform.isMac() ? 35 : 11)) { // EWOULDBLOCK
        return null;
      }
      throw new VaultException("cannot lock the vault's lock file " + real + " (error " + e.getErrorCode() + ")", e);
    }
  }

  private static VaultLock channelLock(Path real) {
    try {
      FileChannel channel = FileChannel.open(real, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = Interrupts.onQuietThread(() -> channel.tryLock());
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      if (lock == null) {
        channel.close();
        return null;
      }
      return new VaultLock(real, -1, channel);
    } catch (java.nio.channels.OverlappingFileLockException e) {
      return null;
    } catch (IOException e) {
      throw new VaultException("cannot lock the vault's lock file " + real + ": " + FileStore.describe(e), e);
    }
  }

  /** Lets go of one handle's share; the last lets go of the lock. */
  void release() {
    synchronized (HELD) {
      if (--handles > 0) {
        return;
      }
      HELD.remove(file);
      try {
        if (channel != null) {
          channel.close();
        } else {
          libc.close(descriptor);
        }
      } catch (IOException | LastErrorException e) {
        // The lock goes with the process at the latest.
      }
    }
  }

  @Override
  public String toString() {
    return "VaultLock[" + file + "]";
  }
}
