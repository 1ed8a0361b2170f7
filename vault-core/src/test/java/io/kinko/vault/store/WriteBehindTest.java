package io.kinko.vault.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the writer thread writes is every byte handed in, in order, whatever the write sizes; its failures reach the caller. */
class WriteBehindTest {
  private static final int BUFFER = WriteBehind.BUFFER;

  @TempDir Path dir;

  @Test
  void close_leavesEveryByteInOrder_atBufferBoundariesAndPastAnEarlySync() throws IOException {
    int[] sizes = {0, 1, BUFFER - 1, BUFFER, BUFFER + 1, WriteBehind.BUFFERS * BUFFER + 3, (int) WriteBehind.WRITE_BACK + BUFFER / 2};
    for (int size : sizes) {
      byte[] content = content(size, size);
      Path file = dir.resolve("f" + size);
      try (WriteBehind out = open(file)) {
        out.write(content, 0, content.length);
      }
      assertArrayEquals(content, Files.readAllBytes(file), size + " bytes");
    }
  }

  @Test
  void close_leavesEveryByteInOrder_whateverTheCallerHandsInPerWrite() {
    qt().withExamples(30).forAll(integers().between(0, 3 * BUFFER), integers().between(1, BUFFER + 10)).checkAssert((size, perWrite) -> {
      byte[] content = content(size, 31L * size + perWrite);
      Path file = dir.resolve("q" + size + "-" + perWrite);
      try {
        try (WriteBehind out = open(file)) {
          for (int at = 0; at < size; at += perWrite) {
            out.write(content, at, Math.min(perWrite, size - at));
          }
        }
        assertArrayEquals(content, Files.readAllBytes(file), () -> size + " bytes written " + perWrite + " at a time");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  @Test
  void aWriteThatFailsOnTheWritersThread_isThrownToTheCaller_andClosesTheChannel() throws IOException {
    Path file = dir.resolve("ro");
    Files.write(file, new byte[0]);
    FileChannel readOnly = FileChannel.open(file, StandardOpenOption.READ);
    WriteBehind out = new WriteBehind(readOnly);
    byte[] chunk = new byte[BUFFER];
    IOException e = assertThrows(IOException.class, () -> {
      try (WriteBehind o = out) {
        for (int i = 0; i < 2 * WriteBehind.BUFFERS + 2; i++) {
          o.write(chunk, 0, chunk.length);
        }
      }
    });
    assertTrue(e.getCause() instanceof java.nio.channels.NonWritableChannelException, e::toString);
    assertFalse(readOnly.isOpen(), "the channel was left open");
  }

  @Test
  void exchangedSegmentBuffers_landInOrderAmongWrites_andTheBufferGivenBackIsNeverOneStillQueued() {
    qt().withExamples(30).forAll(integers().between(0, 12), integers().between(1, 3 * BUFFER / 2)).checkAssert((steps, perWrite) -> {
      Path file = dir.resolve("x" + steps + "-" + perWrite);
      java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
      Random random = new Random(31L * steps + perWrite);
      try {
        try (WriteBehind out = open(file)) {
          java.nio.ByteBuffer mine = io.kinko.vault.crypto.SegmentBuffers.take();
          for (int i = 0; i < steps; i++) {
            if (random.nextBoolean()) {
              byte[] b = content(perWrite, random.nextLong());
              out.write(b, 0, b.length);
              expected.writeBytes(b);
            } else {
              byte[] b = content(1 + random.nextInt(BUFFER), random.nextLong());
              mine.clear().put(b).flip();
              expected.writeBytes(b);
              java.nio.ByteBuffer handed = mine;
              mine = out.exchange(mine);
              assertTrue(mine != handed, "got back the buffer just handed over");
              assertTrue(mine.isDirect() && mine.capacity() == BUFFER && mine.position() == 0 && mine.limit() == BUFFER);
              // A buffer the writer still had to write would now be scribbled over before it reaches the file.
              mine.put(new byte[BUFFER]).clear();
            }
          }
        }
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file), () -> steps + " steps, writes of " + perWrite);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  @Test
  void anExchangeAfterTheWriterFailed_throwsTheFailure() throws IOException {
    Path file = dir.resolve("ro2");
    Files.write(file, new byte[0]);
    WriteBehind out = new WriteBehind(FileChannel.open(file, StandardOpenOption.READ));
    IOException e = assertThrows(IOException.class, () -> {
      try (WriteBehind o = out) {
        java.nio.ByteBuffer b = io.kinko.vault.crypto.SegmentBuffers.take();
        for (int i = 0; i < 4 * WriteBehind.BUFFERS + 4; i++) {
          b = o.exchange(b.limit(BUFFER));
        }
      }
    });
    assertTrue(e.getCause() instanceof java.nio.channels.NonWritableChannelException, e::toString);
  }

  private WriteBehind open(Path file) throws IOException {
    return new WriteBehind(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  private static byte[] content(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}
