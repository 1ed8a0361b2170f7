package io.kinko.vault.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import com.google.crypto.tink.KeysetHandle;
import io.kinko.vault.IntegrityException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The direct-buffer paths for large files (sealing into a channel, opening segment by segment)
 * write and read the blob that Tink's own stream writes: the reader opens what Tink's stream
 * wrote at every segment boundary, the writer's blobs have the stream's length and read back, and
 * the reader refuses every alteration the format promises to catch.
 */
class SegmentBlobTest {
  private static final String VAULT = "0123456789abcdef0123456789abcdef";
  private static final String FILE = "fedcba9876543210fedcba9876543210";
  private static final KeysetHandle MASTER = VaultKeys.newMasterKeyset();
  private static final VaultKeys KEYS = VaultKeys.unlock(VAULT, MASTER, VaultKeys.newSealedNamesKey(VAULT, MASTER));
  private static final int FIRST = BlobCipher.FIRST_SEGMENT_PLAINTEXT;
  private static final int NEXT = BlobCipher.SEGMENT_PLAINTEXT;

  @TempDir Path dir;

  @Test
  void bothWriters_writeBlobsOfOneLengthThatTheReaderOpens_atEverySegmentBoundary() throws IOException {
    for (int size : new int[] {FIRST + 1, FIRST + NEXT - 1, FIRST + NEXT, FIRST + NEXT + 1, FIRST + 3 * NEXT, FIRST + 3 * NEXT + 77}) {
      byte[] content = content(size);
      byte[] byTink = byTinksStream(content, 1 << 16);
      byte[] bySegments = bySegments(content, 1 << 16);
      assertEquals(byTink.length, bySegments.length, size + " bytes");
      assertArrayEquals(content, read(byTink, size), "Tink's stream's blob, " + size + " bytes");
      assertArrayEquals(content, read(bySegments, size), "the segment writer's blob, " + size + " bytes");
    }
  }

  @Test
  void theSegmentWriter_writesTheSameBlob_whateverTheCallerHandsInPerWrite() {
    qt().withExamples(20).forAll(integers().between(FIRST + 1, FIRST + 2 * NEXT + 10), integers().between(1, NEXT + 10))
        .checkAssert((size, perWrite) -> {
          byte[] content = content(size);
          try {
            byte[] blob = bySegments(content, perWrite);
            assertEquals(byTinksStream(content, 1 << 16).length, blob.length);
            assertArrayEquals(content, read(blob, size), () -> size + " bytes written " + perWrite + " at a time");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  @Test
  void bothReaders_refuseAFlippedByteInEverySegment_andHandOutOnlyTheSegmentsBefore() throws IOException {
    for (Reader reader : readers()) {
      refusesAFlippedByteInEverySegment(reader);
    }
  }

  private static void refusesAFlippedByteInEverySegment(Reader reader) throws IOException {
    byte[] content = content(FIRST + 2 * NEXT + 4321);
    byte[] blob = bySegments(content, 1 << 20);
    int header = BlobCipher.headerLength(new ByteArrayInputStream(blob));
    int body = header + 40; // Tink's stream header
    int[] positions = {body + 3, body + FIRST + 16 + 5, blob.length - 17, blob.length - 1};
    int[] segments = {0, 1, 3, 3}; // the first, a full one, the short last one
    for (int i = 0; i < positions.length; i++) {
      byte[] altered = blob.clone();
      altered[positions[i]] ^= 0x10;
      ByteArrayOutputStream returned = new ByteArrayOutputStream();
      IntegrityException e = assertThrows(IntegrityException.class, () -> reader.readInto(altered, content.length, returned));
      assertEquals("file " + FILE + " failed integrity check at segment " + segments[i], e.getMessage());
      int before = segments[i] == 0 ? 0 : FIRST + (segments[i] - 1) * NEXT;
      assertArrayEquals(Arrays.copyOf(content, before), returned.toByteArray(), "bytes before segment " + segments[i]);
    }
  }

  @Test
  void bothReaders_refuseTruncationAppendedBytesSwappedSegmentsAndAWrongSize() throws IOException {
    for (Reader reader : readers()) {
      refusesTruncationAppendedBytesSwappedSegmentsAndAWrongSize(reader);
    }
  }

  private static void refusesTruncationAppendedBytesSwappedSegmentsAndAWrongSize(Reader reader) throws IOException {
    byte[] content = content(FIRST + 2 * NEXT + 4321);
    byte[] blob = bySegments(content, 1 << 20);
    int header = BlobCipher.headerLength(new ByteArrayInputStream(blob)) + 40;
    for (int cut : new int[] {1, 16, 4321 + 16, 4321 + 16 + 1, 4321 + 16 + (1 << 20)}) {
      byte[] truncated = Arrays.copyOf(blob, blob.length - cut);
      assertThrows(IntegrityException.class, () -> reader.read(truncated, content.length), "truncated by " + cut);
    }
    for (int extra : new int[] {1, 16, 1 << 20}) {
      byte[] longer = Arrays.copyOf(blob, blob.length + extra);
      assertThrows(IntegrityException.class, () -> reader.read(longer, content.length), extra + " bytes appended");
    }
    byte[] swapped = blob.clone();
    int second = header + FIRST + 16;
    System.arraycopy(blob, second, swapped, second + (1 << 20), 1 << 20);
    System.arraycopy(blob, second + (1 << 20), swapped, second, 1 << 20);
    IntegrityException e = assertThrows(IntegrityException.class, () -> reader.read(swapped, content.length));
    assertTrue(e.getMessage().contains("segment 1"), e.getMessage());
    for (long size : new long[] {content.length - 1, content.length + 1, content.length + NEXT}) {
      assertThrows(IntegrityException.class, () -> reader.read(blob, size), "recorded size " + size);
    }
  }

  @Test
  void everyReader_opensWhatBothWritersWrote_atSegmentBoundaries() throws IOException {
    for (Reader reader : readers()) {
      for (int size : new int[] {FIRST + 1, FIRST + NEXT, FIRST + NEXT + 1, FIRST + 3 * NEXT + 77}) {
        byte[] content = content(size);
        assertArrayEquals(content, reader.read(byTinksStream(content, 1 << 16), size), size + " bytes, Tink");
        assertArrayEquals(content, reader.read(bySegments(content, 1 << 16), size), size + " bytes, segments");
      }
    }
  }

  @Test
  void theSegmentWriter_intoASinkThatTakesItsBuffers_writesTheSameBlobBytes_andNeverTouchesABufferItGaveAway() {
    qt().withExamples(15).forAll(integers().between(FIRST + 1, FIRST + 3 * NEXT + 10), integers().between(1, NEXT + 10))
        .checkAssert((size, perWrite) -> {
          byte[] content = content(size);
          try {
            TakingSink sink = new TakingSink();
            try (OutputStream enc = BlobCipher.encryptToChannel(KEYS, FILE, sink)) {
              write(enc, content, perWrite);
            }
            byte[] blob = sink.bytes();
            assertTrue(sink.taken > 0, "no segment was handed over whole");
            assertEquals(byTinksStream(content, 1 << 16).length, blob.length);
            assertArrayEquals(content, read(blob, size), () -> size + " bytes written " + perWrite + " at a time");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /**
   * Keeps each buffer handed over as it is and reads it only at the end, so a writer that went on
   * writing into a buffer it gave away would show in the blob; gives back fresh buffers.
   */
  private static final class TakingSink implements SegmentSink {
    private final java.util.List<byte[]> written = new java.util.ArrayList<>();
    private final java.util.List<java.nio.ByteBuffer> kept = new java.util.ArrayList<>();
    private final java.util.List<Integer> order = new java.util.ArrayList<>(); // -1: from written, else index into kept
    int taken;

    @Override
    public java.nio.ByteBuffer exchange(java.nio.ByteBuffer full) {
      taken++;
      order.add(kept.size());
      kept.add(full);
      return SegmentBuffers.take();
    }

    @Override
    public int write(java.nio.ByteBuffer src) {
      byte[] b = new byte[src.remaining()];
      src.get(b);
      order.add(-1 - written.size());
      written.add(b);
      return b.length;
    }

    byte[] bytes() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i : order) {
        if (i < 0) {
          out.writeBytes(written.get(-1 - i));
        } else {
          java.nio.ByteBuffer b = kept.get(i).duplicate();
          byte[] bytes = new byte[b.remaining()];
          b.get(bytes);
          out.writeBytes(bytes);
        }
      }
      return out.toByteArray();
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  @Test
  void theExchangingReader_repeatsItsEndAndItsFailure() throws IOException {
    byte[] content = content(FIRST + NEXT + 9);
    byte[] blob = bySegments(content, 1 << 20);
    try (InputStream in = BlobCipher.decrypt(KEYS, FILE, content.length, new ByteArrayInputStream(blob))) {
      SegmentSource segments = (SegmentSource) in;
      assertEquals(FIRST, segments.exchange(SegmentBuffers.take()).remaining());
      assertEquals(NEXT, segments.exchange(SegmentBuffers.take()).remaining());
      assertEquals(9, segments.exchange(SegmentBuffers.take()).remaining());
      assertNull(segments.exchange(SegmentBuffers.take()), "the end");
      assertNull(segments.exchange(SegmentBuffers.take()), "the end, again");
      assertEquals(-1, in.read());
    }
    byte[] altered = blob.clone();
    altered[altered.length - 1] ^= 1;
    try (InputStream in = BlobCipher.decrypt(KEYS, FILE, content.length, new ByteArrayInputStream(altered))) {
      SegmentSource segments = (SegmentSource) in;
      assertEquals(FIRST, segments.exchange(SegmentBuffers.take()).remaining());
      assertEquals(NEXT, segments.exchange(SegmentBuffers.take()).remaining());
      IntegrityException forged = assertThrows(IntegrityException.class, () -> segments.exchange(SegmentBuffers.take()));
      assertEquals("file " + FILE + " failed integrity check at segment 2", forged.getMessage());
      assertSame(forged, assertThrows(IntegrityException.class, () -> segments.exchange(SegmentBuffers.take())), "again");
      assertSame(forged, assertThrows(IntegrityException.class, in::read), "and to read");
    }
  }

  @Test
  void theReader_afterClose_refusesToRead_forItsBuffersWentBackToThePool() throws IOException {
    byte[] content = content(FIRST + NEXT + 9);
    InputStream in = BlobCipher.decrypt(KEYS, FILE, content.length, new ByteArrayInputStream(bySegments(content, 1 << 20)));
    assertEquals(content[0], (byte) in.read());
    in.close();
    assertThrows(IOException.class, () -> in.read(new byte[10]));
  }

  private static byte[] byTinksStream(byte[] content, int perWrite) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream enc = BlobCipher.encrypt(KEYS, FILE, out)) {
      write(enc, content, perWrite);
    }
    return out.toByteArray();
  }

  private static byte[] bySegments(byte[] content, int perWrite) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream enc = BlobCipher.encryptToChannel(KEYS, FILE, Channels.newChannel(out))) {
      write(enc, content, perWrite);
    }
    return out.toByteArray();
  }

  private static void write(OutputStream out, byte[] content, int perWrite) throws IOException {
    for (int at = 0; at < content.length; at += perWrite) {
      out.write(content, at, Math.min(perWrite, content.length - at));
    }
  }

  private static byte[] read(byte[] blob, long size) throws IOException {
    return readInto(blob, size, new ByteArrayOutputStream());
  }

  private static byte[] readInto(byte[] blob, long size, ByteArrayOutputStream out) throws IOException {
    return readInto(new ByteArrayInputStream(blob), size, out);
  }

  /** A way to hand a blob to the reader: as a stream of bytes, or as a file's channel. */
  private interface Reader {
    byte[] readInto(byte[] blob, long size, ByteArrayOutputStream out) throws IOException;

    default byte[] read(byte[] blob, long size) throws IOException {
      return readInto(blob, size, new ByteArrayOutputStream());
    }
  }

  private List<Reader> readers() {
    return List.of(SegmentBlobTest::readInto, this::readFromFile, SegmentBlobTest::exchangeInto);
  }

  /**
   * Takes the segments' buffers themselves ({@link SegmentSource#exchange}) after a first read of a
   * few bytes, so a segment handed over part-read is covered too; every buffer it gets back is kept
   * until the end, so a reader that went on writing into one it gave away would show.
   */
  private static byte[] exchangeInto(byte[] blob, long size, ByteArrayOutputStream out) throws IOException {
    List<java.nio.ByteBuffer> taken = new java.util.ArrayList<>();
    try (InputStream in = BlobCipher.decrypt(KEYS, FILE, size, new ByteArrayInputStream(blob))) {
      byte[] first = new byte[7];
      out.write(first, 0, in.read(first));
      SegmentSource segments = (SegmentSource) in;
      for (java.nio.ByteBuffer b; (b = segments.exchange(SegmentBuffers.take())) != null; ) {
        taken.add(b);
      }
    } finally {
      for (java.nio.ByteBuffer b : taken) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        out.writeBytes(bytes);
      }
    }
    return out.toByteArray();
  }

  /** Reads through a file's channel, which the reader reads segments from straight into its buffers. */
  private byte[] readFromFile(byte[] blob, long size, ByteArrayOutputStream out) throws IOException {
    Path file = Files.createTempFile(dir, "blob", ".bin");
    Files.write(file, blob);
    return readInto(new ChannelInput(FileChannel.open(file, StandardOpenOption.READ)), size, out);
  }

  private static byte[] readInto(InputStream blob, long size, ByteArrayOutputStream out) throws IOException {
    try (InputStream in = BlobCipher.decrypt(KEYS, FILE, size, blob)) {
      byte[] buffer = new byte[50_000];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
    }
    return out.toByteArray();
  }

  private static byte[] content(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }
}
