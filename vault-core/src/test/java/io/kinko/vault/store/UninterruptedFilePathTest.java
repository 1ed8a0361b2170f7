package io.kinko.vault.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.store.fs.FilePath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file system the embedded database is opened through, on a thread whose interrupt is set:
 * each step that a plain FileChannel would fail (and close the file for every thread) succeeds, the
 * file stays open, and the thread keeps its interrupt.
 */
class UninterruptedFilePathTest {
  @TempDir Path dir;

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted(); // JUnit's thread, for the next test
  }

  private FileChannel open(Path file) throws Exception {
    Database.embeddedUrl(dir); // registers the file system
    return FilePath.get(UninterruptedFilePath.SCHEME + ":file:" + file).open("rw");
  }

  @Test
  void writeReadAndSync_onAnInterruptedThread_eachSucceed_andTheThreadKeepsItsInterrupt() throws Exception {
    Path file = dir.resolve("f");
    byte[] bytes = new byte[100_000];
    new java.util.Random(1).nextBytes(bytes);
    try (FileChannel channel = open(file)) {
      Thread.currentThread().interrupt();
      assertEquals(bytes.length, channel.write(ByteBuffer.wrap(bytes), 4096));
      assertTrue(Thread.currentThread().isInterrupted());
      channel.force(true);
      assertTrue(Thread.currentThread().isInterrupted());
      ByteBuffer back = ByteBuffer.allocate(bytes.length);
      while (back.hasRemaining()) {
        assertTrue(channel.read(back, 4096 + back.position()) > 0);
      }
      assertTrue(Thread.interrupted());
      assertArrayEquals(bytes, back.array());
      assertEquals(4096 + bytes.length, channel.size());
      assertTrue(channel.isOpen());
    }
    assertEquals(4096 + bytes.length, Files.size(file));
  }

  @Test
  void theLock_isTakenAgainOnTheFileOpenedAgain() throws Exception {
    try (FileChannel channel = open(dir.resolve("f"))) {
      FileLock lock = channel.tryLock(0, Long.MAX_VALUE, false);
      assertNotNull(lock);
      Thread.currentThread().interrupt();
      channel.size(); // closes the descriptor under the lock, and opens it again
      assertTrue(Thread.interrupted());
      assertTrue(lock.isValid(), "the lock went with the closed descriptor");
      lock.release();
      assertFalse(lock.isValid());
    }
  }

  @Test
  void inAUnitOfWork_theInterruptComesBackWhenTheUnitEnds() throws Exception {
    try (FileChannel channel = open(dir.resolve("f"))) {
      try (Interrupts.Held held = Interrupts.holdBack()) {
        Thread.currentThread().interrupt(); // as another thread's would arrive, mid-unit
        channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
        assertFalse(Thread.currentThread().isInterrupted(), "given back before the unit ended: the next step would close the file again");
        channel.read(ByteBuffer.allocate(3), 0);
      }
      assertTrue(Thread.interrupted());
    }
  }

  /** Whether this process holds a POSIX lock on {@code file}, as the kernel says (not as the JVM's own table does). */
  private static boolean lockedByThisProcess(Path file) throws Exception {
    long inode = (Long) Files.getAttribute(file, "unix:ino");
    String pid = Long.toString(ProcessHandle.current().pid());
    for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
      String[] f = line.trim().split("\\s+");
      // "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF"
      if (f.length >= 6 && f[1].equals("POSIX") && f[4].equals(pid) && f[5].endsWith(":" + inode)) {
        return true;
      }
    }
    return false;
  }

  /**
   * H2 reads its file from many threads at once. Interrupting some of them while they read closes
   * the descriptor under all of them: each read must still return the file's bytes, and H2's lock
   * on the file, which the kernel keeps per process and drops when any descriptor of the file
   * closes, must still be held when the reads are done.
   */
  @Test
  void readersInterruptedWhileOthersRead_allReadTheirBytes_andTheProcessKeepsTheFilesLock() throws Exception {
    Path file = dir.resolve("f");
    byte[] bytes = new byte[1 << 20];
    new java.util.Random(2).nextBytes(bytes);
    try (FileChannel channel = open(file)) {
      channel.write(ByteBuffer.wrap(bytes), 0);
      FileLock lock = channel.tryLock(0, Long.MAX_VALUE, false);
      assertTrue(lockedByThisProcess(file));
      java.util.List<Thread> readers = new java.util.ArrayList<>();
      java.util.Queue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        readers.add(new Thread(() -> {
          java.util.Random random = new java.util.Random(seed);
          ByteBuffer block = ByteBuffer.allocate(4096);
          try {
            for (int i = 0; i < 3000; i++) {
              int at = random.nextInt(bytes.length / 4096) * 4096;
              block.clear();
              while (block.hasRemaining()) {
                channel.read(block, at + block.position());
              }
              if (!java.util.Arrays.equals(block.array(), 0, 4096, bytes, at, at + 4096)) {
                failures.add(new AssertionError("read other bytes at " + at));
              }
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }, "reader-" + t));
      }
      readers.forEach(Thread::start);
      long interrupts = 0;
      while (readers.stream().anyMatch(Thread::isAlive)) {
        readers.get((int) (interrupts++ % 2)).interrupt(); // two of the four; the other two only see the closes
        Thread.onSpinWait();
      }
      assertEquals(java.util.List.of(), java.util.List.copyOf(failures));
      assertTrue(channel.isOpen());
      assertTrue(lock.isValid());
      assertTrue(lockedByThisProcess(file), "the kernel no longer holds the file's lock for this process: another could open it");
    }
  }
}
