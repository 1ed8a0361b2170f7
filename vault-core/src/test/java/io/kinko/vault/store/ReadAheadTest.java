package io.kinko.vault.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.kinko.vault.IntegrityException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stream read ahead hands out what its source hands out, in order, then the source's end or
 * its failure at the same byte: the source is the verified stream, so nothing past a failed
 * segment may come out, and nothing before it may be lost.
 */
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
