package io.kinko.vault.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.h2.store.fs.FilePath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file system the embedded database is opened through, on a thread whose interrupt is set:
 * each step that a plain FileChannel would fail (and close the file for every thread) succeeds, the
 * file stays open, the process keeps its lock on it, and the thread keeps its interrupt.
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
  void theProcessKeepsTheLock_throughStepsOnAnInterruptedThread() throws Exception {
    Path file = dir.resolve("f");
    try (FileChannel channel = open(file)) {
      FileLock lock = channel.tryLock(0, Long.MAX_VALUE, false);
      assertNotNull(lock);
      Thread.currentThread().interrupt();
      channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
      channel.read(ByteBuffer.allocate(3), 0);
      channel.size();
      channel.truncate(2);
      channel.force(true);
      assertTrue(Thread.interrupted());
      assertTrue(lock.isValid());
      assertTrue(lockedByThisProcess(file), "an interrupted step closed a descriptor of the file, and the kernel dropped the lock");
      assertEquals(2, channel.size());
      lock.release();
      assertFalse(lock.isValid());
      assertFalse(lockedByThisProcess(file));
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
   * H2 reads its file from many threads at once. Interrupting some of them while they read would
   * close a FileChannel's descriptor under all of them: each read must still return the file's
   * bytes, and H2's lock on the file, which the kernel keeps per process and drops when any
   * descriptor of the file closes, must still be held when the reads are done.
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
      Storm storm = readWhileInterrupted(channel, bytes, 4, 3000);
      assertEquals(List.of(), storm.failures());
      assertTrue(channel.isOpen());
      assertTrue(lock.isValid());
      assertTrue(lockedByThisProcess(file), "the kernel no longer holds the file's lock for this process: another could open it");
    }
  }

  /**
   * The attack the lock is for: another process tries to take H2's lock on the file, again and
   * again, while this one's readers are interrupted thousands of times. If an interrupt ever closed
   * a descriptor of the file, the kernel would drop this process's lock with it, and the other
   * process could take it before it was taken again: two processes would then write one vault.
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 300, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD) // a probe that hangs fails the test
  void anotherProcess_neverTakesTheLock_whileThisOnesReadersAreInterrupted() throws Exception {
    Path file = dir.resolve("f");
    byte[] bytes = new byte[1 << 20];
    new java.util.Random(3).nextBytes(bytes);
    try (FileChannel channel = open(file)) {
      channel.write(ByteBuffer.wrap(bytes), 0);
      FileLock lock = channel.tryLock(0, Long.MAX_VALUE, false);
      assertNotNull(lock);
      Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(), file.toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (java.io.BufferedReader out = new java.io.BufferedReader(
          new java.io.InputStreamReader(probe.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
        assertEquals("READY", out.readLine(), "the probe did not start");
        Storm storm = readWhileInterrupted(channel, bytes, 2, 20_000);
        probe.getOutputStream().close(); // stops the probe
        String[] counts = out.readLine().split(" ");
        assertEquals(List.of(), storm.failures());
        assertTrue(Long.parseLong(counts[0]) > 100, "the probe barely tried (" + counts[0] + " attempts): it did not test the lock");
        assertEquals("0", counts[1], "another process took the lock " + counts[1] + " times in " + counts[0] + " attempts, "
            + "during " + storm.interrupts() + " interrupts of this one's readers");
        assertTrue(lockedByThisProcess(file));
      } finally {
        probe.destroyForcibly();
        assertTrue(probe.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
      }
    }
  }

  /** What the readers of {@link #readWhileInterrupted} saw go wrong, and how often they were interrupted. */
  private record Storm(List<Throwable> failures, long interrupts) {}

  /**
   * Reads {@code reads} blocks of 4 KiB at random places of {@code bytes}, the file's content, on
   * each of {@code readers} threads, checking each block, while the first two threads are
   * interrupted again and again (the others only share the file with them).
   */
  private static Storm readWhileInterrupted(FileChannel channel, byte[] bytes, int readers, int reads) {
    List<Thread> threads = new java.util.ArrayList<>();
    java.util.Queue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
    for (int t = 0; t < readers; t++) {
      int seed = t;
      threads.add(new Thread(() -> {
        java.util.Random random = new java.util.Random(seed);
        ByteBuffer block = ByteBuffer.allocate(4096);
        try {
          for (int i = 0; i < reads; i++) {
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
    threads.forEach(Thread::start);
    long interrupts = 0;
    while (threads.stream().anyMatch(Thread::isAlive)) {
      threads.get((int) (interrupts++ % 2)).interrupt();
      Thread.onSpinWait();
    }
    return new Storm(List.copyOf(failures), interrupts);
  }

  /** Descriptors of {@code file} this process has open, as the kernel lists them. */
  private static long descriptorsOf(Path file) throws Exception {
    Object key = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    return descriptorKeys().stream().filter(key::equals).count();
  }

  /**
   * Buffers without an array (direct, read-only) read and write the same bytes; the file's
   * descriptors, shared by threads reading at once, are all closed with it, and it refuses steps after.
   */
  @Test
  void directAndReadOnlyBuffers_readAndWrite_andClosingClosesEveryDescriptor() throws Exception {
    Path file = dir.resolve("f");
    byte[] bytes = new byte[64 * 1024];
    new java.util.Random(4).nextBytes(bytes);
    FileChannel channel = open(file);
    try {
      assertEquals(bytes.length, channel.write(ByteBuffer.wrap(bytes).asReadOnlyBuffer(), 0));
      ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
      while (direct.hasRemaining()) {
        assertTrue(channel.read(direct, direct.position()) > 0);
      }
      byte[] back = new byte[bytes.length];
      direct.flip().get(back);
      assertArrayEquals(bytes, back);
      assertEquals(List.of(), together(3, () -> {
        for (int i = 0; i < 200; i++) {
          channel.read(ByteBuffer.allocate(4096), (i % 16) * 4096L);
        }
      }));
      assertEquals(UninterruptedFilePath.File.DESCRIPTORS, descriptorsOf(file));
    } finally {
      channel.close();
    }
    assertEquals(0, descriptorsOf(file), "a descriptor of the file outlived it");
    assertThrows(java.nio.channels.ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(1), 0));
    assertThrows(java.nio.channels.ClosedChannelException.class, () -> channel.write(ByteBuffer.allocate(1), 0));
    assertThrows(java.nio.channels.ClosedChannelException.class, channel::size);
  }

  /**
   * A file put in the database's place while it is open (renamed over it): ten threads read at
   * once, and every one reads the file the vault opened.
   */
  @Test
  void aFilePutInItsPlaceWhileOpen_isNeverReadFrom() throws Exception {
    Path file = dir.resolve("f");
    byte[] bytes = new byte[1 << 20];
    new java.util.Random(5).nextBytes(bytes);
    try (FileChannel channel = open(file)) {
      channel.write(ByteBuffer.wrap(bytes), 0);
      Path other = dir.resolve("other");
      Files.write(other, new byte[bytes.length]);
      Files.move(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Storm storm = readWhileInterrupted(channel, bytes, 10, 500);
      assertEquals(List.of(), storm.failures());
    }
  }

  /**
   * What H2's reading loop relies on: -1 at the end (0 would loop for ever); a truncation that only
   * shortens; and, as a FileChannel, a refusal of a negative place or a read-only buffer before any I/O.
   */
  @Test
  void atTheEnd_aReadSaysSo_andATruncationNeverLengthens() throws Exception {
    try (FileChannel channel = open(dir.resolve("f"))) {
      channel.write(ByteBuffer.wrap(new byte[100]), 0);
      assertEquals(-1, channel.read(ByteBuffer.allocate(10), 100));
      assertEquals(-1, channel.read(ByteBuffer.allocate(10), 5000));
      ByteBuffer tail = ByteBuffer.allocate(10);
      assertEquals(4, channel.read(tail, 96));
      channel.truncate(1000);
      assertEquals(100, channel.size());
      channel.position(80);
      channel.truncate(50);
      assertEquals(50, channel.size());
      assertEquals(50, channel.position());
      assertThrows(IllegalArgumentException.class, () -> channel.read(ByteBuffer.allocate(1), -1));
      assertThrows(IllegalArgumentException.class, () -> channel.read(ByteBuffer.allocate(1).asReadOnlyBuffer(), 0));
      assertThrows(IllegalArgumentException.class, () -> channel.write(ByteBuffer.allocate(1), -1));
      assertThrows(IllegalArgumentException.class, () -> channel.truncate(-1));
      assertThrows(IllegalArgumentException.class, () -> channel.position(-1));
      assertEquals(50, channel.size());
    }
  }

  /**
   * A close while other threads write: it waits for their steps. A descriptor closed under a step
   * is a number the process can give the next file it opens, and the step's bytes would land there.
   */
  @Test
  void closingWhileOthersWrite_waitsForTheirSteps_soNoOtherFileGetsTheirBytes() throws Exception {
    byte[] block = new byte[16 * 1024];
    java.util.Arrays.fill(block, (byte) 0x5a);
    for (int round = 0; round < 300; round++) {
      FileChannel channel = open(dir.resolve("f" + round));
      java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
      List<Thread> writers = new java.util.ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int slot = t;
        writers.add(new Thread(() -> {
          try {
            while (true) {
              channel.write(ByteBuffer.wrap(block), slot * (long) block.length);
              written.incrementAndGet();
            }
          } catch (java.io.IOException closed) {
            // the end of this round
          }
        }));
      }
      writers.forEach(Thread::start);
      while (written.get() < 2 && writers.stream().allMatch(Thread::isAlive)) {
        Thread.onSpinWait();
      }
      assertTrue(written.get() >= 2, "round " + round + ": the writers stopped before the close");
      channel.close();
      List<Path> others = new java.util.ArrayList<>();
      List<FileChannel> opened = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Path other = dir.resolve("other" + round + "-" + i);
        others.add(other);
        opened.add(FileChannel.open(other, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE));
      }
      for (Thread t : writers) {
        t.join();
      }
      for (FileChannel o : opened) {
        o.close();
      }
      for (Path other : others) {
        assertEquals(0, Files.size(other), "round " + round + ": a write after the close went to " + other.getFileName());
      }
    }
  }

  /**
   * Against the JDK's own FileChannel on a twin file, with either way of doing I/O (the system's
   * calls, and the channel on a quiet thread where those are not at hand): writes and reads at
   * random places, of random lengths up to three times what a step copies through native memory at
   * once, from and into every kind of buffer H2 could pass (an array's, a slice of one, direct, a
   * read-only view), each starting at a random position, return what the JDK's would and leave
   * the same bytes, positions and length.
   */
  @Test
  void everyKindOfBuffer_readsAndWritesAsTheJdksFileChannelDoes() throws Exception {
    Database.embeddedUrl(dir); // loads the file system, and Posix with it
    int most = 3 * UninterruptedFilePath.File.CHUNK;
    java.util.concurrent.atomic.AtomicInteger example = new java.util.concurrent.atomic.AtomicInteger();
    for (boolean posix : new boolean[] {true, false}) {
      // the buffer's kind (the hundreds) and how many bytes lead in it (the rest) as one number: QuickTheories takes four at most
      qt().withExamples(60).forAll(integers().between(0, most), integers().between(0, most), integers().between(0, 399),
          integers().between(0, 2 * most)).checkAssert((at, length, kindAndLead, readAt) -> {
        int kind = kindAndLead / 100;
        int lead = kindAndLead % 100;
        try {
          int n = example.incrementAndGet();
          Path twin = dir.resolve("twin" + n);
          try (FileChannel file = new UninterruptedFilePath.File(dir.resolve("f" + n).toString(), "rw", posix);
              FileChannel jdk = FileChannel.open(twin, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.READ,
                  java.nio.file.StandardOpenOption.WRITE)) {
            byte[] bytes = new byte[length];
            new java.util.Random(n).nextBytes(bytes);
            ByteBuffer src = buffer(kind, lead, length);
            src.duplicate().put(bytes);
            src = kind == 3 ? src.asReadOnlyBuffer() : src;
            ByteBuffer jdkSrc = ByteBuffer.wrap(bytes);
            assertEquals(jdk.write(jdkSrc, at), file.write(src, at), "what the write returned");
            assertEquals(jdkSrc.position(), src.position() - lead);
            assertEquals(jdk.size(), file.size());
            ByteBuffer dst = buffer(kind == 3 ? 2 : kind, lead, length);
            ByteBuffer jdkDst = ByteBuffer.allocate(length);
            assertEquals(jdk.read(jdkDst, readAt), file.read(dst, readAt), "what the read returned at " + readAt + " of " + jdk.size());
            assertEquals(jdkDst.position(), dst.position() - lead);
            byte[] back = new byte[jdkDst.position()];
            dst.flip().position(lead).get(back);
            assertArrayEquals(java.util.Arrays.copyOf(jdkDst.array(), jdkDst.position()), back);
          }
          assertArrayEquals(Files.readAllBytes(twin), Files.readAllBytes(dir.resolve("f" + n)));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
  }

  /** A buffer of {@code kind} (0 an array's, 1 a slice of a larger array, 2 direct, 3 direct to be made read-only) of {@code length} bytes after {@code lead} others, positioned after those. */
  private static ByteBuffer buffer(int kind, int lead, int length) {
    ByteBuffer b = switch (kind) {
      case 0 -> ByteBuffer.allocate(lead + length);
      case 1 -> ByteBuffer.wrap(new byte[lead + length + 50], 17, lead + length).slice();
      default -> ByteBuffer.allocateDirect(lead + length);
    };
    return b.position(lead);
  }

  /**
   * A file opened for reading refuses a write and a truncation as the JDK's channel does, before
   * any I/O, with either way of doing I/O, and stays open with its bytes; a missing file opened for
   * reading is not created.
   */
  @Test
  void openedForReading_aWriteOrATruncationIsRefused_andTheFileStaysAsItWas() throws Exception {
    Database.embeddedUrl(dir);
    Path file = dir.resolve("f");
    Files.write(file, new byte[] {1, 2, 3});
    for (boolean posix : new boolean[] {true, false}) {
      try (FileChannel channel = new UninterruptedFilePath.File(file.toString(), "r", posix)) {
        assertThrows(java.nio.channels.NonWritableChannelException.class, () -> channel.write(ByteBuffer.wrap(new byte[] {9}), 0));
        assertThrows(java.nio.channels.NonWritableChannelException.class, () -> channel.truncate(1));
        assertThrows(java.nio.channels.NonWritableChannelException.class, () -> channel.truncate(5));
        assertTrue(channel.isOpen());
        ByteBuffer back = ByteBuffer.allocate(3);
        assertEquals(3, channel.read(back, 0));
        assertArrayEquals(new byte[] {1, 2, 3}, back.array());
      }
    }
    assertThrows(java.nio.file.NoSuchFileException.class, () -> new UninterruptedFilePath.File(dir.resolve("missing").toString(), "r"));
    assertFalse(Files.exists(dir.resolve("missing")));
  }

  /**
   * The database's name switched to another file and back, again and again, while it is opened:
   * every open either is refused or holds one file, the one the name named before it began, with
   * both its descriptors (its I/O and H2's lock must never be on two files). With the check by
   * name only (before and after each open), an open held both files within 1,488 attempts.
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aNameSwitchedAwayAndBackDuringTheOpen_neverLeavesTheDescriptorsOnTwoFiles() throws Exception {
    Database.embeddedUrl(dir);
    Path db = dir.resolve("db");
    Path x = dir.resolve("x");
    Path y = dir.resolve("y");
    Files.write(x, new byte[] {1});
    Files.write(y, new byte[] {2});
    Object onX = Files.readAttributes(x, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    Object onY = Files.readAttributes(y, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    Files.createLink(db, x);
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.Queue<Throwable> swapFailures = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Thread switcher = new Thread(() -> {
      Path next = dir.resolve("next");
      try {
        while (!stop.get()) {
          for (Path target : new Path[] {y, x}) {
            Files.deleteIfExists(next);
            Files.createLink(next, target);
            Files.move(next, db, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        }
      } catch (Throwable e) {
        swapFailures.add(e);
      }
    });
    switcher.start();
    int accepted = 0;
    int refused = 0;
    try {
      while (accepted < 6_000 && swapFailures.isEmpty()) {
        FileChannel file;
        try {
          file = new UninterruptedFilePath.File(db.toString(), "r");
        } catch (java.io.IOException replaced) {
          refused++;
          continue;
        }
        try (file) {
          accepted++;
          List<Object> held = descriptorKeys();
          assertFalse(held.contains(onX) && held.contains(onY),
              "open " + accepted + " holds descriptors of both files (" + refused + " refused so far)");
        }
      }
    } finally {
      stop.set(true);
      switcher.join();
    }
    assertEquals(List.of(), List.copyOf(swapFailures));
    assertTrue(refused > 0, "the name never switched during an open: the race was not exercised");
  }

  /** The device and inode of each file this process has a descriptor of, as the kernel lists them. */
  private static List<Object> descriptorKeys() throws Exception {
    List<Object> keys = new java.util.ArrayList<>();
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          keys.add(Files.readAttributes(fd, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        } catch (java.io.IOException gone) {
          // closed meanwhile, or the listing's own
        }
      }
    }
    return keys;
  }

  /**
   * A FIFO planted as the database (by someone who can write the vault's folder) is refused at
   * once, for reading and for writing, with either way of doing I/O: an open for reading of a FIFO
   * waits for a writer, and would have hung the vault's open with its lock held.
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aFifoPlantedAsTheDatabase_isRefusedAtOnce() throws Exception {
    Database.embeddedUrl(dir);
    Path fifo = dir.resolve("planted");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor());
    for (boolean posix : new boolean[] {true, false}) {
      for (String mode : new String[] {"r", "rw"}) {
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> new UninterruptedFilePath.File(fifo.toString(), mode, posix));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
      }
    }
    assertEquals(0, descriptorsOf(fifo), "a refused open left a descriptor of the FIFO open");
  }

  /**
   * Many more threads than the file keeps buffers for read through heap buffers at once, each
   * longer than a chunk: all read the file's bytes, and the file keeps at most
   * {@value UninterruptedFilePath.File#KEPT} buffers of native memory afterwards (it had kept one
   * per thread that ever ran at once).
   */
  @Test
  void manyReadersAtOnce_readTheirBytes_andTheFileKeepsFewBuffers() throws Exception {
    Database.embeddedUrl(dir);
    byte[] bytes = new byte[2 * UninterruptedFilePath.File.CHUNK + 17];
    new java.util.Random(9).nextBytes(bytes);
    try (UninterruptedFilePath.File file = new UninterruptedFilePath.File(dir.resolve("f").toString(), "rw")) {
      file.write(ByteBuffer.wrap(bytes), 0);
      assertEquals(List.of(), together(32, () -> {
        for (int i = 0; i < 10; i++) {
          ByteBuffer back = ByteBuffer.allocate(bytes.length);
          while (back.hasRemaining()) {
            file.read(back, back.position());
          }
          assertArrayEquals(bytes, back.array());
        }
      }));
      assertTrue(file.kept() >= 1 && file.kept() <= UninterruptedFilePath.File.KEPT, "kept " + file.kept());
    }
  }

  /** A body of work that may throw anything. */
  @FunctionalInterface
  private interface Work {
    void run() throws Throwable;
  }

  /** Runs {@code work} on {@code threads} threads started together; what each threw. */
  private static List<Throwable> together(int threads, Work work) throws InterruptedException {
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    java.util.Queue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
    List<Thread> running = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      running.add(new Thread(() -> {
        try {
          start.await();
          work.run();
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    running.forEach(Thread::start);
    for (Thread t : running) {
      t.join();
    }
    return List.copyOf(failures);
  }
}
