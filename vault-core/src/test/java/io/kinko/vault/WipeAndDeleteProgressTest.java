package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The files-done callbacks of wipe and deleteTree, which the CLI's progress bars count. */
class WipeAndDeleteProgressTest extends VaultTest {
  @Test
  void wipe_tellsFilesDone_oneToN_inOrder_afterEachFileIsGone() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String name : List.of("a.txt", "2026/b.txt", "2026/11/c.bin", "2026/11/d.bin", "2027/e.txt")) {
      Path file = dir.resolve("exports").resolve(name);
      Files.createDirectories(file.getParent());
      files.add(Files.write(file, TestVaults.randomBytes(name.hashCode(), 10_000)));
    }
    List<Long> told = new ArrayList<>();

    WipeReport report = session.wipe(dir.resolve("exports"), WipeMethod.DOD3, false, done -> {
      told.add(done);
      long gone = files.stream().filter(f -> !Files.exists(f)).count();
      assertTrue(gone >= done, "told " + done + " files done while only " + gone + " were gone");
    });

    assertEquals(5, report.filesWiped());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), told);
  }

  @Test
  void wipe_countsOnlyTheFilesItWipes_notTheOnesItLeaves() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.writeString(tree.resolve("mine.txt"), "mine");
    Files.writeString(tree.resolve("also.txt"), "also mine");
    Path shared = Files.writeString(dir.resolve("shared.txt"), "also elsewhere");
    Files.createLink(tree.resolve("hard.txt"), shared);
    Files.createSymbolicLink(tree.resolve("link.txt"), shared);
    List<Long> told = new ArrayList<>();

    WipeReport report = session.wipe(tree, WipeMethod.RANDOM, false, told::add);

    assertEquals(2, report.filesWiped());
    assertEquals(2, report.skipped().size(), report.skipped().toString());
    assertEquals(List.of(1L, 2L), told);
  }

  @Test
  void wipe_ofOneFile_tellsOne() throws IOException {
    Path file = Files.writeString(dir.resolve("one.csv"), "氏名,住所");
    List<Long> told = new ArrayList<>();

    session.wipe(file, WipeMethod.ZERO, false, told::add);

    assertEquals(List.of(1L), told);
  }

  @Test
  void deleteTree_tellsFilesDone_oneToN_countingFilesNotVersions_afterEachFilesBlobsAreGone() {
    Map<String, List<FileInfo>> stored = new java.util.LinkedHashMap<>();
    for (String path : List.of("案件/a.txt", "案件/sub/b.txt", "案件/sub/c.txt", "案件/d.txt")) {
      stored.computeIfAbsent(path, p -> new ArrayList<>()).add(TestVaults.put(session, path, path.getBytes()));
    }
    stored.get("案件/sub/b.txt").add(TestVaults.put(session, "案件/sub/b.txt", "b2".getBytes()));
    stored.get("案件/sub/b.txt").add(TestVaults.put(session, "案件/sub/b.txt", "b3".getBytes()));
    FileInfo other = TestVaults.put(session, "他/e.txt", "e".getBytes());
    List<Long> told = new ArrayList<>();

    DeletionCertificate cert = session.deleteTree("案件", done -> {
      told.add(done);
      long filesGone = stored.values().stream()
          .filter(versions -> versions.stream().noneMatch(v -> Files.exists(TestVaults.blobOf(vault, v.fileId())))).count();
      assertEquals(done, filesGone, "told " + done + " files done while " + filesGone + " had every blob gone");
    });

    assertEquals(List.of(1L, 2L, 3L, 4L), told);
    assertEquals(6, com.google.gson.JsonParser.parseString(cert.json()).getAsJsonObject().getAsJsonArray("items").size());
    assertTrue(Files.exists(TestVaults.blobOf(vault, other.fileId())), "a file outside the tree was touched");
  }

  @Test
  void deleteTree_ofManyFiles_neverTellsMoreThanTheFilesListed() {
    int n = 40;
    for (int i = 0; i < n; i++) {
      TestVaults.put(session, "batch/" + i + ".txt", ("record " + i).getBytes());
    }
    List<Long> told = new ArrayList<>();

    session.deleteTree("batch", told::add);

    assertEquals(LongStream.rangeClosed(1, n).boxed().collect(Collectors.toList()), told);
    assertEquals(List.of(), session.list("batch"));
  }

  @Test
  void deleteTree_refused_tellsNothing_andDeletesNothing() {
    TestVaults.put(session, "x/a.txt", "a".getBytes());
    try (Password p = Password.wrap("a long staff password 1".toCharArray())) {
      session.administration().addUser("bob", Role.WORKER, p, null);
    }
    session.administration().grant("bob", "", EnumSet.of(Permission.READ));
    List<Long> told = new ArrayList<>();
    LongConsumer record = told::add;
    try (Password p = Password.wrap("a long staff password 1".toCharArray()); Session bob = vault.login("bob", p)) {
      assertThrows(AccessDeniedException.class, () -> bob.deleteTree("x", record));
    }
    assertEquals(List.of(), told);
    assertEquals("a", new String(TestVaults.readAll(session, "x/a.txt")));
  }
}
