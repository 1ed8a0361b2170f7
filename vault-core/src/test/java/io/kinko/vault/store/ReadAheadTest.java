package io.kinko.vault.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.kinko.vault.IntegrityException;
import io.kinko.vault.crypto.BlobCipher;
import io.kinko.vault.crypto.SegmentBuffers;
import io.kinko.vault.crypto.SegmentSource;
import io.kinko.vault.crypto.VaultKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stream read ahead hands out what its source hands out, in order, then the source's end or
 * its failure at the same byte: the source is the verified stream, so nothing past a failed
 * segment may come out, and nothing before it may be lost.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a stream whose reader stopped would wait for ever
class ReadAheadTest {
  private static final int CHUNK = ReadAhead.CHUNK;

  @Test
  void read_yieldsEveryByteInOrder_atChunkBoundaries() throws IOException {
    for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, (ReadAhead.CHUNKS + 2) * CHUNK + 5}) {
      byte[] content = content(size);
      try (InputStream in = new ReadAhead(new ByteArrayInputStream(content))) {
        assertArrayEquals(content, in.readAllBytes(), size + " bytes");
        assertEquals(-1, in.read(), "after the end");
      }
    }
  }

  @Test
  void read_yieldsEveryByteInOrder_whateverTheSourceAndTheCallerHandOutPerRead() {
    qt().withExamples(30).forAll(integers().between(0, 3 * CHUNK), integers().between(1, CHUNK + 10), integers().between(1, CHUNK + 10))
        .checkAssert((size, perSourceRead, perRead) -> {
          byte[] content = content(size);
          try (InputStream in = new ReadAhead(trickle(content, perSourceRead, content.length, null))) {
            assertArrayEquals(content, readAll(in, perRead, new ByteArrayOutputStream()));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  @Test
  void aFailureOfTheSource_comesOutAfterExactlyTheBytesBeforeIt_andAgainAtTheNextRead() throws IOException {
    byte[] content = content(3 * CHUNK);
    for (int failAt : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 12_345, 2 * CHUNK}) {
      IntegrityException forged = new IntegrityException("file x failed integrity check at segment 2");
      ByteArrayOutputStream returned = new ByteArrayOutputStream();
      try (InputStream in = new ReadAhead(trickle(content, 64 * 1024, failAt, forged))) {
        assertSame(forged, assertThrows(IntegrityException.class, () -> readAll(in, 100_000, returned)));
        assertSame(forged, assertThrows(IntegrityException.class, in::read), "a read after the failure");
      }
      assertArrayEquals(Arrays.copyOf(content, failAt), returned.toByteArray(), "bytes before the failure at " + failAt);
    }
  }

  @Test
  void aSegmentSource_comesOutInOrder_throughReadAndAsBuffersToAChannel() {
    qt().withExamples(20).forAll(integers().between(0, 4 * CHUNK), integers().between(1, CHUNK + 10))
        .checkAssert((size, perRead) -> {
          byte[] content = content(size);
          try (InputStream in = new ReadAhead(new Segments(content, -1, null))) {
            assertArrayEquals(content, readAll(in, perRead, new ByteArrayOutputStream()), size + " bytes read " + perRead + " at a time");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          ChannelOutput out = new ChannelOutput();
          try (InputStream in = new ReadAhead(new Segments(content, -1, null))) {
            assertEquals((long) size, in.transferTo(out));
            assertEquals(-1, in.read(), "after the end");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          assertArrayEquals(content, out.toByteArray(), size + " bytes transferred");
          assertEquals(0, out.arrays(), "bytes written through an array, not as the buffers themselves");
        });
  }

  @Test
  void aSegmentSourcesFailure_comesOutAfterExactlyTheSegmentsBeforeIt_toAChannelToo() throws IOException {
    byte[] content = content(4 * CHUNK);
    for (int failAt : new int[] {0, 1, 3}) {
      IntegrityException forged = new IntegrityException("file x failed integrity check at segment " + failAt);
      ChannelOutput out = new ChannelOutput();
      try (InputStream in = new ReadAhead(new Segments(content, failAt, forged))) {
        assertSame(forged, assertThrows(IntegrityException.class, () -> in.transferTo(out)));
        assertSame(forged, assertThrows(IntegrityException.class, () -> in.transferTo(out)), "a transfer after the failure");
        assertSame(forged, assertThrows(IntegrityException.class, in::read), "a read after the failure");
      }
      assertArrayEquals(Arrays.copyOf(content, failAt * Segments.SEGMENT), out.toByteArray(), "bytes before segment " + failAt);
    }
  }

  @Test
  void transferTo_anOutputThatIsNoChannel_getsEveryByteThroughRead() throws IOException {
    byte[] content = content(2 * CHUNK + 3);
    try (InputStream in = new ReadAhead(new Segments(content, -1, null))) {
      assertEquals(3, in.read(new byte[3]));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertEquals(content.length - 3, in.transferTo(out));
      assertArrayEquals(Arrays.copyOfRange(content, 3, content.length), out.toByteArray());
    }
  }

  @Test
  void close_whileInterrupted_waitsForTheReaderToStop_beforeTheSourceGivesItsBuffersBack() throws Exception {
    byte[] content = content(4 * CHUNK);
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> readerThread = new AtomicReference<>();
    InputStream slowDisk = new ByteArrayInputStream(blob(content)) { // a read no interrupt cuts short (NFS, a plain stream)
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        if (pos > 2 * CHUNK && blocked.getCount() > 0) {
          readerThread.set(Thread.currentThread());
          blocked.countDown();
          awaitUninterruptibly(release);
        }
        return super.read(b, off, len);
      }
    };
    ReadAhead in = new ReadAhead(BlobCipher.decrypt(KEYS, FILE, content.length, slowDisk));
    assertTrue(blocked.await(1, TimeUnit.MINUTES));
    boolean[] after = new boolean[2]; // the reader still alive, the interrupt kept
    Thread closer = new Thread(() -> {
      Thread.currentThread().interrupt(); // as after a ClosedByInterruptException on the caller's output
      try {
        in.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      after[0] = readerThread.get().isAlive();
      after[1] = Thread.currentThread().isInterrupted();
    });
    closer.setDaemon(true);
    closer.start();
    while (closer.isAlive() && closer.getState() != Thread.State.WAITING) { // close() waits for the reader
      Thread.onSpinWait();
    }
    release.countDown();
    closer.join();
    assertFalse(after[0], "close returned while the reader could still fill the buffers the source gives back to the pool");
    assertTrue(after[1], "the closing thread's interrupt was lost");
  }

  @Test
  void close_fromAnotherThread_whileTheCallerWritesABuffer_givesThatBufferToNoOneElse() throws Exception {
    byte[] content = content(4 * CHUNK);
    ReadAhead in = new ReadAhead(BlobCipher.decrypt(KEYS, FILE, content.length, new ByteArrayInputStream(blob(content))));
    CountDownLatch inWrite = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    AtomicReference<ByteBuffer> writing = new AtomicReference<>();
    ChannelOutput got = new ChannelOutput() {
      @Override
      public synchronized int write(ByteBuffer bytes) {
        if (writing.get() == null) {
          writing.set(bytes);
          inWrite.countDown();
          awaitUninterruptibly(closed);
        }
        return super.write(bytes);
      }
    };
    Thread caller = new Thread(() -> {
      try {
        in.transferTo(got);
      } catch (IOException e) {
        // stream closed: expected
      }
    });
    caller.setDaemon(true);
    caller.start();
    assertTrue(inWrite.await(1, TimeUnit.MINUTES));
    in.close(); // a watchdog's
    java.util.List<ByteBuffer> taken = new java.util.ArrayList<>(); // as the next files' streams would: more than the pool keeps
    byte[] otherFile = new byte[CHUNK];
    Arrays.fill(otherFile, (byte) 0x7a);
    for (int i = 0; i < 40; i++) {
      taken.add(SegmentBuffers.take().put(otherFile));
    }
    closed.countDown();
    caller.join();
    taken.forEach(SegmentBuffers::give);
    assertTrue(got.size() > 0, "nothing was written");
    assertArrayEquals(Arrays.copyOf(content, got.size()), got.toByteArray(),
        "the buffer the caller was writing went back to the pool, and another file's bytes were written");
  }

  @Test
  void transferTo_anOutputThatTakesNoBytes_failsRatherThanSpins() throws IOException {
    ChannelOutput full = new ChannelOutput() {
      @Override
      public synchronized int write(ByteBuffer bytes) {
        return 0; // a non-blocking channel with no room
      }
    };
    try (InputStream in = new ReadAhead(new Segments(content(2 * CHUNK), -1, null))) {
      IOException e = assertThrows(IOException.class, () -> in.transferTo(full));
      assertTrue(e.getMessage().contains("took no bytes"), e.getMessage());
    }
  }

  @Test
  void anInterruptOfTheReaderThreadItself_endsTheStreamWithAFailure_notAWaitForEver() throws IOException {
    byte[] content = content(8 * CHUNK);
    CountDownLatch filled = new CountDownLatch(ReadAhead.CHUNKS + 1);
    AtomicReference<Thread> readerThread = new AtomicReference<>();
    Segments source = new Segments(content, -1, null) {
      @Override
      public ByteBuffer exchange(ByteBuffer empty) {
        readerThread.set(Thread.currentThread());
        ByteBuffer full = super.exchange(empty);
        filled.countDown();
        return full;
      }
    };
    ChannelOutput out = new ChannelOutput();
    try (InputStream in = new ReadAhead(source)) {
      awaitUninterruptibly(filled); // every buffer is full: the reader waits for a free one
      readerThread.get().interrupt();
      assertThrows(InterruptedIOException.class, () -> in.transferTo(out));
    }
    assertArrayEquals(Arrays.copyOf(content, out.size()), out.toByteArray());
  }

  private static final String VAULT = "0123456789abcdef0123456789abcdef";
  private static final String FILE = "fedcba9876543210fedcba9876543210";
  private static final com.google.crypto.tink.KeysetHandle MASTER = VaultKeys.newMasterKeyset();
  private static final VaultKeys KEYS = VaultKeys.unlock(VAULT, MASTER, VaultKeys.newSealedNamesKey(VAULT, MASTER));

  private static byte[] blob(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.io.OutputStream enc = BlobCipher.encrypt(KEYS, FILE, out)) {
      enc.write(content);
    }
    return out.toByteArray();
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Content handed over in segments of {@link #SEGMENT} bytes (the last one shorter), each in the
   * buffer it is given, as the blob's opening stream does; {@code failure} instead of segment
   * {@code failAt}. It has no bytes to read except through {@link #exchange}.
   */
  private static class Segments extends InputStream implements SegmentSource {
    static final int SEGMENT = CHUNK - 16;
    private final byte[] content;
    private final int failAt;
    private final IntegrityException failure;
    private int at;
    private int segment;

    Segments(byte[] content, int failAt, IntegrityException failure) {
      this.content = content;
      this.failAt = failAt;
      this.failure = failure;
    }

    @Override
    public ByteBuffer exchange(ByteBuffer empty) {
      if (!empty.isDirect() || empty.capacity() != SegmentBuffers.SIZE) {
        throw new IllegalStateException("not a segment buffer"); // on the reader's thread: comes out of the stream
      }
      if (segment == failAt) {
        throw failure;
      }
      if (at == content.length) {
        return null;
      }
      int n = Math.min(SEGMENT, content.length - at);
      empty.clear().put(content, at, n).flip();
      at += n;
      segment++;
      return empty;
    }

    @Override
    public int read() {
      throw new IllegalStateException("a segment source is read through exchange");
    }
  }

  @Test
  void close_beforeTheEnd_closesTheSource() throws IOException {
    boolean[] closed = {false};
    InputStream source = new ByteArrayInputStream(content(8 * CHUNK)) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    InputStream in = new ReadAhead(source);
    assertEquals(10, in.read(new byte[10]));
    in.close();
    assertTrue(closed[0], "the source was left open");
    assertThrows(IOException.class, in::read);
  }

  /** Hands out at most {@code perRead} bytes per read, and {@code failure} once {@code failAt} bytes are out. */
  private static InputStream trickle(byte[] content, int perRead, int failAt, RuntimeException failure) {
    return new ByteArrayInputStream(content) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        if (failure != null && pos >= failAt) {
          throw failure;
        }
        return super.read(b, off, Math.min(Math.min(len, perRead), failure == null ? len : failAt - pos));
      }
    };
  }

  private static byte[] readAll(InputStream in, int perRead, ByteArrayOutputStream out) throws IOException {
    byte[] buffer = new byte[perRead];
    for (int n; (n = in.read(buffer, 0, perRead)) >= 0; ) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  private static byte[] content(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }
}
