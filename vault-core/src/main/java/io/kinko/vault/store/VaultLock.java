package io.kinko.vault.store;

import com.sun.jna.LastErrorException;
import io.kinko.vault.VaultException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What keeps a second process out of an embedded vault while one has it open: {@code flock(2)} on
 * the vault's {@code db/} folder, taken before H2 opens its file and let go once no handle of the
 * vault in this process is open and H2 has closed every file of the folder.
 *
 * <p>Not H2's own lock on its file, which is a POSIX lock: the kernel drops a process's POSIX lock
 * on a file when the process closes any descriptor of that file, and the vault's process can well
 * open and close it (a folder put of a folder that holds the vault, an H2 connection by a plain URL
 * that H2 refuses, a backup tool in the same application). Another process could then open the
 * vault and write its log too. A {@code flock} lock belongs to the one open file description that
 * took it, and only closing that lets it go. It is taken on the folder itself, so there is no lock
 * file to delete, replace or plant a link as. Handles on one vault in one process share it
 * (a second description would conflict with the first), counted. Where {@code flock} is not at
 * hand (neither Linux nor macOS), a {@code FileChannel} lock on {@code db/lock} stands in for it.
 */
final class VaultLock {
  /** On either word size: flock, open and close take ints. */
  private static final boolean FLOCK = Posix.AT_HAND;
  /** The locks this process holds, by their folder's real path. */
  private static final Map<Path, VaultLock> HELD = new HashMap<>();

  private final Path folder;
  private final int descriptor;
  private final FileChannel channel;
  /** Handles of the vault open in this process. */
  private int handles;
  /** Files of the folder that H2 has open (it may hold one past the last handle's close, for a session still in use). */
  private int files;

  private VaultLock(Path folder, int descriptor, FileChannel channel) {
    this.folder = folder;
    this.descriptor = descriptor;
    this.channel = channel;
  }

  /** One handle's hold on the lock, let go once. */
  static final class Share {
    private final VaultLock lock;
    private final AtomicBoolean released = new AtomicBoolean();

    private Share(VaultLock lock) {
      this.lock = lock;
    }

    /** Lets go of this handle's hold (again: nothing); the lock goes with the last hold. */
    void release() {
      if (released.compareAndSet(false, true)) {
        synchronized (HELD) {
          lock.handles--;
          lock.letGoIfUnheld();
        }
      }
    }
  }

  /**
   * Takes the lock on the vault's database folder {@code folder}, or shares it if this process
   * holds it already; empty if another process holds it.
   *
   * @throws VaultException if the folder cannot be opened or locked for another reason
   */
  static Optional<Share> take(Path folder) {
    synchronized (HELD) {
      Path real;
      try {
        real = folder.toRealPath();
      } catch (IOException e) {
        throw new VaultException("cannot open the vault's database folder " + folder + ": " + FileStore.describe(e), e);
      }
      VaultLock lock = HELD.get(real);
      if (lock == null) {
        lock = FLOCK ? flock(real) : channelLock(real.resolve("lock"));
        if (lock == null) {
          return Optional.empty();
        }
        HELD.put(real, lock);
      }
      lock.handles++;
      return Optional.of(new Share(lock));
    }
  }

  /** H2 opened a file of {@code folder} (one of a vault's: the lock then waits for its close too). */
  static void fileOpened(Path folder) {
    synchronized (HELD) {
      VaultLock lock = HELD.get(folder);
      if (lock != null) {
        lock.files++;
      }
    }
  }

  /** H2 closed a file of {@code folder} that {@link #fileOpened} counted. */
  static void fileClosed(Path folder) {
    synchronized (HELD) {
      VaultLock lock = HELD.get(folder);
      if (lock != null && lock.files > 0) {
        lock.files--;
        lock.letGoIfUnheld();
      }
    }
  }

  /** Under HELD's monitor. */
  private void letGoIfUnheld() {
    if (handles > 0 || files > 0 || HELD.get(folder) != this) {
      return;
    }
    HELD.remove(folder);
    try {
      if (channel != null) {
        channel.close();
      } else {
        Posix.close(descriptor, folder.toString());
      }
    } catch (IOException e) {
      // The lock goes with the process at the latest.
    }
  }

  private static VaultLock flock(Path real) {
    int fd;
    try {
      fd = Posix.open(real, Posix.O_RDONLY);
    } catch (IOException e) {
      throw new VaultException("cannot open the vault's database folder " + real + " to lock it: " + FileStore.describe(e), e);
    }
    try {
      Posix.flock(fd, Posix.LOCK_EX | Posix.LOCK_NB);
      return new VaultLock(real, fd, null);
    } catch (LastErrorException e) {
      try {
        Posix.close(fd); // this description's own: another's lock stays
      } catch (LastErrorException ignored) {
        // nothing was locked through it
      }
      if (e.getErrorCode() == Posix.EWOULDBLOCK) {
        return null;
      }
      throw new VaultException("cannot lock the vault's database folder " + real + ": " + Posix.strerror(e.getErrorCode()), e);
    }
  }

  private static VaultLock channelLock(Path file) {
    try {
      FileChannel channel = PrivateFiles.create(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
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
      return new VaultLock(file.getParent(), -1, channel);
    } catch (java.nio.channels.OverlappingFileLockException e) {
      return null;
    } catch (IOException e) {
      throw new VaultException("cannot lock the vault's lock file " + file + ": " + FileStore.describe(e), e);
    }
  }

  @Override
  public String toString() {
    return "VaultLock[" + folder + "]";
  }
}
