package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RoundTripTest extends VaultTest {
  /** Plaintext bytes in Tink's first segment (1 MiB less its 40-byte header and 16-byte tag) and in later ones. */
  static final int FIRST = (1 << 20) - 56;
  static final int NEXT = (1 << 20) - 16;

  static IntStream segmentBoundaries() {
    return IntStream.of(0, 1, 2, FIRST - 1, FIRST, FIRST + 1, FIRST + NEXT - 1, FIRST + NEXT, FIRST + NEXT + 1, FIRST + 2 * NEXT + 1);
  }

  @ParameterizedTest
  @MethodSource("segmentBoundaries")
  void get_afterPut_returnsTheSameBytes_atSegmentBoundaries(int size) throws java.io.IOException {
    byte[] content = TestVaults.randomBytes(size, size);
    FileInfo info = TestVaults.put(session, "boundary/" + size, content);
    assertEquals(size, info.size());
    assertArrayEquals(content, TestVaults.readAll(session, "boundary/" + size));
    java.io.ByteArrayOutputStream transferred = new java.io.ByteArrayOutputStream();
    int copied = TestVaults.transferInto(session, "boundary/" + size, transferred);
    assertArrayEquals(content, transferred.toByteArray(), "transferred to a channel");
    if (size > (1 << 20)) {
      assertEquals(0, copied, "a file read ahead reaches a channel as its segments' buffers, not through arrays");
    }
  }

  @Test
  void get_afterPut_returnsTheSameBytes_forRandomSizes() {
    qt().withExamples(40).forAll(integers().between(0, 3 * (1 << 20)), longs().all())
        .checkAssert((size, seed) -> {
          byte[] content = TestVaults.randomBytes(seed, size);
          String path = "random/" + Long.toHexString(seed) + "-" + size;
          TestVaults.put(session, path, content);
          assertArrayEquals(content, TestVaults.readAll(session, path));
        });
  }

  @Test
  void put_ofAnExistingPath_storesANewVersionAndKeepsTheOld() {
    TestVaults.put(session, "台帳.csv", "v1".getBytes(StandardCharsets.UTF_8));
    FileInfo second = TestVaults.put(session, "台帳.csv", "v2".getBytes(StandardCharsets.UTF_8));
    assertEquals(2, second.version());
    assertEquals("v2", new String(TestVaults.readAll(session, "台帳.csv"), StandardCharsets.UTF_8));
    List<FileInfo> versions = session.versions("台帳.csv");
    assertEquals(List.of(1, 2), versions.stream().map(FileInfo::version).toList());
    assertEquals(2, TestVaults.filesUnder(vault.directory().resolve("blobs")).size());
  }

  @Test
  void list_showsNewestVersionOfEachFileBelowThePrefix_inPathOrder() {
    TestVaults.put(session, "申請書/2026/山田太郎.pdf", new byte[10]);
    TestVaults.put(session, "申請書/2026/佐藤花子.pdf", new byte[20]);
    TestVaults.put(session, "申請書/2026/佐藤花子.pdf", new byte[30]);
    TestVaults.put(session, "申請書2/other.txt", new byte[1]);
    List<FileInfo> listed = session.list("申請書");
    assertEquals(List.of("申請書/2026/佐藤花子.pdf", "申請書/2026/山田太郎.pdf"), listed.stream().map(FileInfo::path).toList());
    assertEquals(30, listed.get(0).size());
    assertEquals(2, listed.get(0).version());
    assertEquals(4 - 1, session.list("").size());
  }

  @Test
  void vaultFolder_holdsNoFileNameAndNoContentInPlaintext() throws IOException {
    String name = "氏名一覧-yamada-taro";
    byte[] marker = "MARKER-CONTENT-0123456789-山田太郎".getBytes(StandardCharsets.UTF_8);
    TestVaults.put(session, "秘密/" + name + ".txt", marker);
    session.close();
    vault.close();
    for (Path file : TestVaults.filesUnder(dir.resolve("vault"))) {
      assertFalse(file.getFileName().toString().contains("yamada"), "file name leaked into " + file);
      byte[] bytes = Files.readAllBytes(file);
      for (byte[] needle : List.of(marker, name.getBytes(StandardCharsets.UTF_8), "yamada-taro".getBytes(StandardCharsets.UTF_8),
          name.getBytes(StandardCharsets.UTF_16BE), "yamada-taro".getBytes(StandardCharsets.UTF_16BE))) {
        assertFalse(TestVaults.contains(bytes, needle), "plaintext found in " + dir.relativize(file));
      }
    }
    vault = TestVaults.open(dir.resolve("vault"));
    session = TestVaults.login(vault);
  }

  @Test
  void put_fromALargeStream_usesBoundedMemory() throws IOException {
    long size = 64L << 20;
    Runtime rt = Runtime.getRuntime();
    FileInfo info = session.put("big.bin", new ZeroStream(size));
    assertEquals(size, info.size());
    long before = rt.totalMemory() - rt.freeMemory();
    try (InputStream in = session.get("big.bin")) {
      assertEquals(size, in.transferTo(java.io.OutputStream.nullOutputStream()));
    }
    long after = rt.totalMemory() - rt.freeMemory();
    // The heap may grow by a few segment buffers, never by the file's size.
    assertFalse(after - before > size / 2, "heap grew by " + (after - before) + " bytes reading " + size);
  }

  /** A stream of {@code size} zero bytes that never holds them in memory. */
  static final class ZeroStream extends InputStream {
    private long left;

    ZeroStream(long size) {
      this.left = size;
    }

    @Override
    public int read() {
      return left-- > 0 ? 0 : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }
}
