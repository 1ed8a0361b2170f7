package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives handed over month by month verify as one contiguous range: a missing, repeated,
 * overlapping or renamed archive is named, whichever folders they are spread over (issue #9, attack 9).
 */
class ArchiveRangeTest {
  @TempDir Path dir;
  Path all;
  String pem;
  List<LogArchive> three;
  LogArchive overlapping;

  /** Three archives of adjacent periods in one folder, and one more of two periods in another. */
  @BeforeEach
  void threeAdjacentArchives() {
    all = dir.resolve("all");
    try (Vault vault = TestVaults.create(dir.resolve("vault")); Session s = TestVaults.login(vault)) {
      pem = vault.publicKeyPem();
      TestVaults.put(s, "a.txt", "a".getBytes());
      Instant firstCut = Instant.now();
      TestVaults.put(s, "b.txt", "b".getBytes());
      Instant secondCut = Instant.now();
      TestVaults.put(s, "c.txt", "c".getBytes());
      three = List.of(s.exportLog(Instant.EPOCH, firstCut, all), s.exportLog(firstCut, secondCut, all),
          s.exportLog(secondCut, Instant.now().plusSeconds(1), all));
      overlapping = s.exportLog(Instant.EPOCH, secondCut, dir.resolve("overlapping"));
    }
  }

  @Test
  void verify_ofAdjacentArchives_coversTheWholeRange_inOneFolderOrSpreadOverSeveral() throws IOException {
    LogReport report = LogArchive.verify(all, pem);
    assertEquals(three.get(2).treeSize(), report.treeSize());
    assertEquals(report.treeSize(), report.entriesChecked(), "entries 0 to the last, each once");
    assertEquals(three.get(0).lastSeq() + 1, three.get(1).firstSeq());
    assertEquals(three.get(1).lastSeq() + 1, three.get(2).firstSeq());

    Path later = Files.createDirectory(dir.resolve("later"));
    move(three.get(2), later);
    assertEquals(report, LogArchive.verify(List.of(later, all), pem), "the order of the folders does not matter");
  }

  @Test
  void verify_withTheMiddleArchiveRemoved_namesTheMissingEntries() throws IOException {
    LogArchive middle = three.get(1);
    Files.delete(middle.entries());
    Files.delete(middle.manifest());

    IntegrityException e = assertThrows(IntegrityException.class, () -> LogArchive.verify(all, pem));

    assertTrue(e.getMessage().contains("entries " + range(middle) + " are missing"), e.getMessage());
    assertTrue(e.getMessage().contains(three.get(0).manifest().getFileName().toString())
        && e.getMessage().contains(three.get(2).manifest().getFileName().toString()), e.getMessage());
  }

  @Test
  void verify_withTheSameArchiveInTwoFolders_namesTheDuplicate() throws IOException {
    Path copy = Files.createDirectory(dir.resolve("copy"));
    LogArchive middle = three.get(1);
    Files.copy(middle.entries(), copy.resolve(middle.entries().getFileName()));
    Files.copy(middle.manifest(), copy.resolve(middle.manifest().getFileName()));

    IntegrityException e = assertThrows(IntegrityException.class, () -> LogArchive.verify(List.of(all, copy), pem));

    assertTrue(e.getMessage().contains("entries " + range(middle) + " are in two archives")
        && e.getMessage().contains("duplicate"), e.getMessage());
    assertEquals(LogArchive.verify(all, pem), LogArchive.verify(List.of(all, all), pem), "one folder given twice is one folder");
  }

  @Test
  void verify_withArchivesThatOverlap_namesTheEntriesBothHold() throws IOException {
    move(three.get(0), dir.resolve("overlapping"));

    IntegrityException e = assertThrows(IntegrityException.class, () -> LogArchive.verify(dir.resolve("overlapping"), pem));

    assertTrue(e.getMessage().contains("overlap at entries 0-" + three.get(0).lastSeq()), e.getMessage());
    assertTrue(overlapping.lastSeq() > three.get(0).lastSeq(), "the overlapping archive reaches past the first");
  }

  @Test
  void verify_withTwoArchivesRenamedIntoEachOthersPlace_namesTheReorderedArchive() throws IOException {
    LogArchive first = three.get(0);
    LogArchive second = three.get(1);
    Path parked = Files.createDirectory(dir.resolve("parked"));
    move(first, parked);
    Files.move(second.entries(), first.entries());
    Files.move(second.manifest(), first.manifest());
    Files.move(parked.resolve(first.entries().getFileName()), second.entries());
    Files.move(parked.resolve(first.manifest().getFileName()), second.manifest());

    IntegrityException e = assertThrows(IntegrityException.class, () -> LogArchive.verify(all, pem));

    assertTrue(e.getMessage().contains("renamed or reordered"), e.getMessage());
    assertTrue(e.getMessage().contains("holds entries " + range(first))
        || e.getMessage().contains("holds entries " + range(second)), e.getMessage());
  }

  @Test
  void verify_ofArchivesOfAnotherVault_mixedIn_isRefused() throws IOException {
    Path other = dir.resolve("other");
    String otherPem;
    try (Vault vault = TestVaults.create(dir.resolve("other-vault")); Session s = TestVaults.login(vault)) {
      otherPem = vault.publicKeyPem();
      s.exportLog(Instant.EPOCH, Instant.now().plusSeconds(1), other);
    }

    IntegrityException e = assertThrows(IntegrityException.class, () -> LogArchive.verify(List.of(all, other), pem));

    assertTrue(e.getMessage().contains("does not verify with the public key") || e.getMessage().contains("two vaults"), e.getMessage());
    assertThrows(IntegrityException.class, () -> LogArchive.verify(List.of(all, other), otherPem));
  }

  /** How messages name a range of entries: "5" or "5-9". */
  private static String range(LogArchive a) {
    return a.firstSeq() == a.lastSeq() ? Long.toString(a.firstSeq()) : a.firstSeq() + "-" + a.lastSeq();
  }

  private static void move(LogArchive archive, Path to) throws IOException {
    Files.move(archive.entries(), to.resolve(archive.entries().getFileName()));
    Files.move(archive.manifest(), to.resolve(archive.manifest().getFileName()));
  }
}
