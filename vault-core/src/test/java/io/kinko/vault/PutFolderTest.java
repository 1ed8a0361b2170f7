package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PutFolderTest {
  @TempDir Path dir;
  Vault vault;
  Session session;
  Path source;

  @BeforeEach
  void open() throws IOException {
    vault = TestVaults.create(dir.resolve("vault"));
    session = TestVaults.login(vault);
    source = Files.createDirectories(dir.resolve("scans"));
  }

  @AfterEach
  void close() {
    session.close();
    vault.close();
  }

  @Test
  void put_ofAFolderWhoseBatchesShareStateBuckets_storesAndServesEveryFile() throws IOException {
    // 600 paths over 4,096 buckets: a batch of 512 puts dozens of pairs into one bucket, so one
    // state update changes a bucket it has already changed.
    int files = 600;
    for (int i = 0; i < files; i++) {
      Files.writeString(source.resolve("f" + i + ".txt"), "content " + i);
    }
    PutReport report = session.put("many", source);
    assertEquals(files, report.stored().size(), report.skipped()::toString);
    assertEquals(files, session.list("many").size());
    for (int i = 0; i < files; i += 97) {
      assertArrayEquals(("content " + i).getBytes(StandardCharsets.UTF_8), TestVaults.readAll(session, "many/f" + i + ".txt"));
    }
    session.verifyLog(null);
    // The second batch built on the digests the first one kept: a session that reads the stored nodes agrees.
    try (Session fresh = TestVaults.login(vault)) {
      assertEquals(files, fresh.list("many").size());
      assertArrayEquals("content 599".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(fresh, "many/f599.txt"));
    }
  }

  @Test
  void put_ofAFolder_storesEveryRegularFileBelowTheTarget_withJapaneseNamesAndEmptyFiles() throws IOException {
    Files.createDirectories(source.resolve("申請書/2026"));
    Files.writeString(source.resolve("申請書/2026/山田太郎.txt"), "山田太郎 横浜市中区", StandardCharsets.UTF_8);
    Files.write(source.resolve("empty.bin"), new byte[0]);
    Files.write(source.resolve("申請書/big.bin"), TestVaults.randomBytes(9, 3_000_000));
    AtomicLong progress = new AtomicLong();
    PutReport report = session.put("受付", source, progress::addAndGet);
    assertTrue(report.complete(), report.skipped().toString());
    assertEquals(3, report.stored().size());
    assertEquals(3_000_000 + "山田太郎 横浜市中区".getBytes(StandardCharsets.UTF_8).length, progress.get());
    assertEquals(List.of("受付/empty.bin", "受付/申請書/2026/山田太郎.txt", "受付/申請書/big.bin"),
        session.list("受付").stream().map(FileInfo::path).toList());
    assertEquals(0, TestVaults.readAll(session, "受付/empty.bin").length);
    assertArrayEquals(Files.readAllBytes(source.resolve("申請書/big.bin")), TestVaults.readAll(session, "受付/申請書/big.bin"));
  }

  @Test
  void put_ofAFolderWithSymlinksAndSpecialFiles_reportsThemAndStoresTheRest() throws Exception {
    Files.writeString(source.resolve("real.txt"), "real");
    Path outside = Files.writeString(dir.resolve("outside-secret.txt"), "must not be stored");
    Files.createSymbolicLink(source.resolve("link.txt"), outside);
    Files.createSymbolicLink(source.resolve("linkdir"), dir);
    Process mkfifo = new ProcessBuilder("mkfifo", source.resolve("pipe").toString()).start();
    assertEquals(0, mkfifo.waitFor());
    Files.writeString(source.resolve("bad\\name.txt"), "name with a backslash");

    PutReport report = session.put("in", source);

    assertEquals(List.of("in/real.txt"), report.stored().stream().map(FileInfo::path).toList());
    assertEquals(4, report.skipped().size(), report.skipped().toString());
    assertTrue(report.skipped().stream().anyMatch(s -> s.source().endsWith("link.txt") && s.reason().contains("symbolic link")));
    assertTrue(report.skipped().stream().anyMatch(s -> s.source().endsWith("linkdir") && s.reason().contains("symbolic link")));
    assertTrue(report.skipped().stream().anyMatch(s -> s.source().endsWith("pipe") && s.reason().contains("not a regular file")));
    assertTrue(report.skipped().stream().anyMatch(s -> s.source().toString().endsWith("bad\\name.txt")));
    assertFalse(report.complete());
  }

  @Test
  void put_fromAStreamThatFailsHalfway_storesNothingAndLeavesNoBlob() {
    InputStream failing = new InputStream() {
      int left = 100_000;

      @Override
      public int read() throws IOException {
        // Keeps failing once it has failed: InputStream.read(byte[]) swallows a later byte's error.
        if (left <= 0) {
          throw new IOException("device went away");
        }
        left--;
        return 7;
      }
    };
    VaultException e = assertThrows(VaultException.class, () -> session.put("half.bin", failing));
    assertTrue(e.getMessage().contains("device went away"), e.getMessage());
    assertThrows(NotFoundException.class, () -> session.stat("half.bin"));
    assertEquals(List.of(), TestVaults.filesUnder(vault.directory().resolve("blobs")));
  }

  @Test
  void put_ofAMissingSource_isAClearError() {
    VaultException e = assertThrows(VaultException.class, () -> session.put("x", dir.resolve("no-such-folder")));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }
}
