package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log verification and export tell the caller how far they have come (issue #11: progress for
 * {@code kinko log verify}, {@code log export} and {@code dispose}): counts that only grow and end at what the
 * report says was done, never beyond it.
 */
class LogProgressTest {
  @TempDir Path dir;

  @Test
  void verifyLog_tellsGrowingCounts_endingAtTheTreeSize() {
    try (Vault vault = TestVaults.create(dir.resolve("vault")); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes());
      TestVaults.put(s, "b.txt", "b".getBytes());
      List<Long> told = new ArrayList<>();

      LogReport report = s.verifyLog(null, told::add);

      assertFalse(told.isEmpty(), "the caller was told nothing");
      assertGrowing(told);
      assertEquals(report.treeSize(), told.get(told.size() - 1), "the last count is the log's size");
    }
  }

  @Test
  void exportLog_tellsGrowingCounts_endingAtTheEntriesWritten() {
    try (Vault vault = TestVaults.create(dir.resolve("vault")); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes());
      List<Long> told = new ArrayList<>();

      LogArchive archive = s.exportLog(Instant.EPOCH, Instant.now().plusSeconds(1), dir.resolve("archive"), told::add);

      assertFalse(told.isEmpty(), "the caller was told nothing");
      assertGrowing(told);
      assertEquals(archive.lastSeq() - archive.firstSeq() + 1, told.get(told.size() - 1), "the last count is the entries written");
    }
  }

  @Test
  void dispose_withOverwrite_tellsEachBlobOverwritten() {
    List<Long> told = new ArrayList<>();
    DeletionCertificate certificate;
    try (Vault vault = TestVaults.create(dir.resolve("vault")); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes());
      TestVaults.put(s, "b.txt", "b".getBytes());
      certificate = s.dispose(dir.resolve("final"), true, told::add);
    }

    assertEquals(List.of(1L, 2L), told, "one count per blob, in order");
    assertEquals(2L, certificate.body().blobsOverwritten(), "the certificate and the counts agree");
  }

  private static void assertGrowing(List<Long> counts) {
    for (int i = 1; i < counts.size(); i++) {
      assertTrue(counts.get(i) > counts.get(i - 1), "counts " + counts + " do not grow");
    }
    assertTrue(counts.get(0) > 0, "counts " + counts + " start at nothing");
  }
}
