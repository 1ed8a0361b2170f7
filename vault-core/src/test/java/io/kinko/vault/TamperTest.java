package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stored blob altered in any way fails verification, and no unverified byte comes out. */
class TamperTest extends VaultTest {
  @Test
  void get_withAnyByteOfASmallBlobFlipped_isRejectedBeforeAnyByteIsReturned() throws IOException {
    byte[] content = TestVaults.randomBytes(1, 3000);
    Path blob = TestVaults.blobOf(vault, TestVaults.put(session, "small.bin", content).fileId());
    byte[] original = Files.readAllBytes(blob);
    for (int position = 0; position < original.length; position++) {
      byte[] altered = original.clone();
      altered[position] ^= 0x01;
      Files.write(blob, altered);
      ByteArrayOutputStream returned = new ByteArrayOutputStream();
      int at = position;
      assertThrows(IntegrityException.class, () -> readInto("small.bin", returned), () -> "flip at byte " + at + " was not detected");
      assertEquals(0, returned.size(), "bytes were returned before the flip at " + position + " was detected");
    }
    Files.write(blob, original);
    assertArrayEquals(content, TestVaults.readAll(session, "small.bin"));
  }

  @Test
  void get_withARandomByteOfA5MiBBlobFlipped_isRejectedAndOnlyVerifiedBytesPrecedeTheFailure() throws IOException {
    byte[] content = TestVaults.randomBytes(2, 5 << 20);
    Path blob = TestVaults.blobOf(vault, TestVaults.put(session, "large.bin", content).fileId());
    byte[] original = Files.readAllBytes(blob);
    qt().withExamples(30).forAll(integers().between(0, original.length - 1), integers().between(0, 7))
        .checkAssert((position, bit) -> {
          byte[] altered = original.clone();
          altered[position] ^= (byte) (1 << bit);
          write(blob, altered);
          for (Reader reader : readers()) {
            ByteArrayOutputStream returned = new ByteArrayOutputStream();
            assertThrows(IntegrityException.class, () -> reader.readInto("large.bin", returned));
            byte[] prefix = returned.toByteArray();
            assertArrayEquals(Arrays.copyOf(content, prefix.length), prefix, "a returned byte differs from what was stored");
            assertTrue(prefix.length <= position, "bytes past the flipped position " + position + " were returned");
          }
        });
  }

  @Test
  void get_ofATruncatedBlob_isRejected() throws IOException {
    byte[] content = TestVaults.randomBytes(3, (2 << 20) + 77);
    Path blob = TestVaults.blobOf(vault, TestVaults.put(session, "t.bin", content).fileId());
    byte[] original = Files.readAllBytes(blob);
    int fullSegment = (1 << 20) + 127;
    for (int length : new int[] {0, 4, 28, 60, 127, 200, fullSegment, 1 << 20, 2 << 20, original.length - 1}) {
      write(blob, Arrays.copyOf(original, Math.min(length, original.length - 1)));
      for (Reader reader : readers()) {
        assertThrows(IntegrityException.class, () -> reader.readInto("t.bin", new ByteArrayOutputStream()), "truncated to " + length);
      }
    }
  }

  @Test
  void get_ofABlobWithBytesAppended_isRejected() throws IOException {
    byte[] content = TestVaults.randomBytes(4, 100_000);
    Path blob = TestVaults.blobOf(vault, TestVaults.put(session, "a.bin", content).fileId());
    byte[] original = Files.readAllBytes(blob);
    for (int extra : new int[] {1, 16, 4096, 1 << 20}) {
      byte[] longer = Arrays.copyOf(original, original.length + extra);
      write(blob, longer);
      assertThrows(IntegrityException.class, () -> readInto("a.bin", new ByteArrayOutputStream()), extra + " bytes appended");
    }
  }

  @Test
  void get_ofABlobWithSegmentsReordered_isRejected() throws IOException {
    byte[] content = TestVaults.randomBytes(5, 3 << 20);
    Path blob = TestVaults.blobOf(vault, TestVaults.put(session, "r.bin", content).fileId());
    byte[] original = Files.readAllBytes(blob);
    int header = 29 + 65 + 32;
    int segment = 1 << 20;
    byte[] swapped = original.clone();
    // Segments 1 and 2 of the Tink stream (both full length) trade places.
    System.arraycopy(original, header + segment, swapped, header + 2 * segment, segment);
    System.arraycopy(original, header + 2 * segment, swapped, header + segment, segment);
    write(blob, swapped);
    for (Reader reader : readers()) {
      ByteArrayOutputStream returned = new ByteArrayOutputStream();
      IntegrityException e = assertThrows(IntegrityException.class, () -> reader.readInto("r.bin", returned));
      assertTrue(e.getMessage().contains("segment 1"), e.getMessage());
      assertArrayEquals(Arrays.copyOf(content, returned.size()), returned.toByteArray());
    }
  }

  @Test
  void get_ofABlobWithBytesAppendedPastItsLastSegment_isRejected_throughEitherReader() throws IOException {
    byte[] content = TestVaults.randomBytes(6, (2 << 20) + 5);
    Path blob = TestVaults.blobOf(vault, TestVaults.put(session, "l.bin", content).fileId());
    byte[] original = Files.readAllBytes(blob);
    for (int extra : new int[] {1, 16, 1 << 20}) {
      write(blob, Arrays.copyOf(original, original.length + extra));
      for (Reader reader : readers()) {
        ByteArrayOutputStream returned = new ByteArrayOutputStream();
        assertThrows(IntegrityException.class, () -> reader.readInto("l.bin", returned), extra + " bytes appended");
        assertArrayEquals(Arrays.copyOf(content, returned.size()), returned.toByteArray());
      }
    }
  }

  /** The two ways a caller takes a file's bytes: its reads, or a transfer to a channel (as {@code kinko get}). */
  @FunctionalInterface
  private interface Reader {
    void readInto(String path, ByteArrayOutputStream out) throws IOException;
  }

  private List<Reader> readers() {
    return List.of(this::readInto, (path, out) -> TestVaults.transferInto(session, path, out));
  }

  @Test
  void get_ofABlobSwappedWithAnotherFilesBlob_isRejectedAsSwapped() throws IOException {
    Path a = TestVaults.blobOf(vault, TestVaults.put(session, "a.txt", "aaaa".getBytes()).fileId());
    Path b = TestVaults.blobOf(vault, TestVaults.put(session, "b.txt", "bbbb".getBytes()).fileId());
    byte[] aBytes = Files.readAllBytes(a);
    Files.write(a, Files.readAllBytes(b));
    Files.write(b, aBytes);
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.readAll(session, "a.txt"));
    assertTrue(e.getMessage().contains("swapped"), e.getMessage());
  }

  @Test
  void get_ofABlobWithAnUnknownFormatVersion_isRejectedNamingTheVersion() throws IOException {
    Path blob = TestVaults.blobOf(vault, TestVaults.put(session, "v.txt", "v".getBytes()).fileId());
    byte[] bytes = Files.readAllBytes(blob);
    bytes[5] = 2;
    Files.write(blob, bytes);
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.readAll(session, "v.txt"));
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());
  }

  @Test
  void get_ofAMissingBlob_isAnIntegrityFailure() throws IOException {
    Files.delete(TestVaults.blobOf(vault, TestVaults.put(session, "gone.txt", "x".getBytes()).fileId()));
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.get("gone.txt"));
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void get_afterAMetadataRowIsRepointedAtAnotherFile_isRejected() throws Exception {
    TestVaults.put(session, "a.txt", "for a".getBytes());
    TestVaults.put(session, "b.txt", "for b".getBytes());
    session.close();
    vault.close();
    // The attacker owns the database: give a.txt's row b.txt's file id and sealed metadata.
    try (Connection c = TestDatabase.connect(dir.resolve("vault"))) {
      String[] b = new String[2];
      try (ResultSet r = c.createStatement().executeQuery("SELECT file_id, sealed_meta FROM files ORDER BY stored_at DESC")) {
        r.next();
        b[0] = r.getString(1);
        b[1] = r.getString(2);
      }
      try (PreparedStatement s = c.prepareStatement("UPDATE files SET sealed_meta = ? WHERE file_id <> ?")) {
        s.setString(1, b[1]);
        s.setString(2, b[0]);
        assertEquals(1, s.executeUpdate());
      }
    }
    vault = TestVaults.open(dir.resolve("vault"));
    session = TestVaults.login(vault);
    assertThrows(IntegrityException.class, () -> session.get("a.txt"));
    assertArrayEquals("for b".getBytes(), TestVaults.readAll(session, "b.txt"));
  }

  private void readInto(String path, ByteArrayOutputStream out) throws IOException {
    try (InputStream in = session.get(path)) {
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
