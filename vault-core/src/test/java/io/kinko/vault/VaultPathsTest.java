package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import io.kinko.vault.store.VaultPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VaultPathsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"../x", "a/../../x", "a/..", "/etc/passwd", "/", "a//b", "./a", "a/./b", "a\\b", "a\u0000b", "a\nb"})
  void put_atAnUnsafePath_isRejectedAndStoresNothing(String bad) {
    try (Vault vault = TestVaults.create(dir.resolve("v")); Session s = TestVaults.login(vault)) {
      assertThrows(IllegalArgumentException.class, () -> TestVaults.put(s, bad, new byte[1]));
      assertThrows(IllegalArgumentException.class, () -> s.get(bad));
      assertEquals(0, s.list("").size());
    }
  }

  @Test
  void anAcceptedPath_neverEscapesTheVault() {
    qt().withExamples(2000).forAll(strings().allPossible().ofLengthBetween(0, 12)).checkAssert(input -> {
      VaultPath p;
      try {
        p = VaultPath.of(input.replace('x', '/').replace('y', '.'));
      } catch (IllegalArgumentException rejected) {
        return;
      }
      assertTrue(!p.value().startsWith("/"), p.value());
      for (String segment : p.value().split("/", -1)) {
        assertTrue(p.isRoot() || !(segment.isEmpty() || segment.equals(".") || segment.equals("..")), p.value());
      }
      assertEquals(p, VaultPath.of(p.value()), "parsing is not idempotent");
    });
  }

  @Test
  void japaneseNames_inEitherUnicodeForm_nameTheSameFile() {
    String nfc = "申請書/がぎぐ.txt";
    String nfd = Normalizer.normalize(nfc, Normalizer.Form.NFD);
    try (Vault vault = TestVaults.create(dir.resolve("v")); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, nfd, "内容".getBytes(StandardCharsets.UTF_8));
      assertArrayEquals("内容".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(s, nfc));
      assertEquals(nfc, s.list("申請書").get(0).path());
    }
  }

  @Test
  void putFolder_withOneNameInNfcAndInNfd_reportsBothAsSkipped_namingEachOther_andStoresNeither() throws Exception {
    String nfc = "が.txt";
    String nfd = Normalizer.normalize(nfc, Normalizer.Form.NFD);
    Path source = java.nio.file.Files.createDirectories(dir.resolve("from-a-mac"));
    Path composed = java.nio.file.Files.writeString(source.resolve(nfc), "NFC の内容");
    Path decomposed = java.nio.file.Files.writeString(source.resolve(nfd), "NFD の内容");
    // A lone decomposed name has no twin: it is stored under its NFC spelling.
    String lone = Normalizer.normalize("ぎ.txt", Normalizer.Form.NFD);
    java.nio.file.Files.writeString(source.resolve(lone), "ひとつ");
    org.junit.jupiter.api.Assumptions.assumeFalse(java.nio.file.Files.isSameFile(composed, decomposed),
        "this file system folds Unicode forms into one name");
    try (Vault vault = TestVaults.create(dir.resolve("v")); Session s = TestVaults.login(vault)) {
      PutReport report = s.put("受付", source);

      assertEquals(java.util.List.of("受付/ぎ.txt"), report.stored().stream().map(FileInfo::path).toList());
      assertEquals(java.util.List.of(), s.versions("受付/" + nfc), "a hidden version was stored");
      assertEquals(java.util.Set.of(composed, decomposed),
          report.skipped().stream().map(PutReport.Skipped::source).collect(java.util.stream.Collectors.toSet()));
      for (PutReport.Skipped skip : report.skipped()) {
        Path other = skip.source().equals(composed) ? decomposed : composed;
        assertTrue(skip.reason().contains(other.toString()) && skip.reason().contains("NFC"), skip.reason());
      }
      assertArrayEquals("ひとつ".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(s, "受付/" + lone));
      assertArrayEquals("ひとつ".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(s, "受付/ぎ.txt"));
    }
  }

  @Test
  void get_ofAPathWithNoFile_isNotFound() {
    try (Vault vault = TestVaults.create(dir.resolve("v")); Session s = TestVaults.login(vault)) {
      assertThrows(NotFoundException.class, () -> s.get("none.txt"));
      assertThrows(NotFoundException.class, () -> s.stat("none.txt"));
    }
  }
}
