package io.kinko.vault.audit;

import static io.kinko.vault.audit.AuditorArtifacts.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogArchive;
import io.kinko.vault.LogReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log archives as an auditor verifies them ({@code kinko log verify --archive DIR --key PEM}):
 * whatever the bytes of a manifest or of its entries, the verification ends in the report of the
 * entries that were signed or an {@link IntegrityException} that says what failed, never another
 * failure. The manifest is not signed as a whole, only the checkpoints in it, so an edit that
 * verifies must leave its JSON value and the entries' lines as they were. The seeds are the
 * January and February 2027 archives in {@code artifacts/}, handed over both or one alone. Plain
 * {@code mvn test} replays the seeds; JAZZER_FUZZ=1 explores.
 */
class LogArchiveFuzzTest {
  /** The two archives, by base name, and what verifying each alone and both together reports. */
  private static final String JANUARY = AuditorArtifacts.JANUARY_ARCHIVE;
  private static final String FEBRUARY = AuditorArtifacts.FEBRUARY_ARCHIVE;
  private static final List<List<String>> HANDED_OVER = List.of(List.of(JANUARY, FEBRUARY), List.of(JANUARY), List.of(FEBRUARY));
  private static final Map<List<String>, LogReport> REPORTS = Map.of(
      HANDED_OVER.get(0), new LogReport(AuditorArtifacts.FEBRUARY_SIZE, AuditorArtifacts.FEBRUARY_SIZE, 3, false),
      HANDED_OVER.get(1), new LogReport(AuditorArtifacts.JANUARY_SIZE, AuditorArtifacts.JANUARY_SIZE, 1, false),
      HANDED_OVER.get(2), new LogReport(AuditorArtifacts.FEBRUARY_SIZE, AuditorArtifacts.FEBRUARY_SIZE - AuditorArtifacts.JANUARY_SIZE,
          2, false));

  @TempDir static Path folder;

  @Test
  void theArchivesAsHandedOver_verify_eachAloneAndBothAsOneRange() {
    for (List<String> archives : HANDED_OVER) {
      assertEquals(REPORTS.get(archives), LogArchive.verify(List.of(handOver(archives, "", null)), KEY), archives.toString());
    }
  }

  @Test
  void anEntriesFileWithBytesThatAreNotUtf8_isAnIntegrityRefusal_notAFileThatCannotBeRead() {
    String file = JANUARY + ".jsonl";
    byte[] entries = AuditorArtifacts.read(file);
    entries[1] = (byte) 0xF6; // the fuzzer's first finding: a VaultException "cannot read …: Input length = 1", exit 1

    IntegrityException e = assertThrows(IntegrityException.class, () -> LogArchive.verify(List.of(handOver(List.of(JANUARY), file, entries)), KEY));

    assertTrue(e.getMessage().contains(file + " holds bytes that are not UTF-8 text"), e.getMessage());
  }

  @Test
  void aManifestFieldThatNoSignatureCovers_editedOrAdded_isAnIntegrityRefusal() {
    // the fuzzer's second finding: the signing key's description edited, and the archive verified
    assertTrue(manifestEdited("\"fingerprintOf\"", "\"fingIrprintOf\"").contains("names its signing key in a form Kinko does not write"));
    assertTrue(manifestEdited("\"treeSize\":8}", "\"treeSize\":9}").contains("says its previous checkpoint is of 9 entries, but it signs 8"));
    assertTrue(manifestEdited("\"kinko\":", "\"note\":\"x\",\"kinko\":").contains("has a field Kinko does not write: 'note'"));
  }

  /**
   * What the verifier page refuses, the library refuses too, so the auditor's two tools agree: an
   * entries file whose lines end in {@code \r\n} (the page hashes the {@code \r} with the entry,
   * the library's line reader dropped it), a hash in upper case (the page reads lower case only).
   */
  @Test
  void crLfLineEndings_andAHashInUpperCase_areRefused_asTheVerifierPageRefusesThem() {
    String file = JANUARY + ".jsonl";
    byte[] crlf = new String(AuditorArtifacts.read(file), StandardCharsets.UTF_8).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    assertThrows(IntegrityException.class, () -> LogArchive.verify(List.of(handOver(List.of(JANUARY), file, crlf)), KEY));

    String manifest = new String(AuditorArtifacts.read(FEBRUARY + ".manifest.json"), StandardCharsets.UTF_8);
    java.util.regex.Matcher hash = java.util.regex.Pattern.compile("\"consistencyProof\":\\[\"([0-9a-f]{64})\"").matcher(manifest);
    assertTrue(hash.find(), "February's archive has no consistency proof");
    assertTrue(manifestEdited(hash.group(1), hash.group(1).toUpperCase(java.util.Locale.ROOT)).contains("lower-case hex"));
  }

  /** The refusal of February's archive with {@code from} in its manifest replaced by {@code to}. */
  private static String manifestEdited(String from, String to) {
    String file = FEBRUARY + ".manifest.json";
    String manifest = new String(AuditorArtifacts.read(file), StandardCharsets.UTF_8);
    assertTrue(manifest.contains(from), from);
    byte[] edited = manifest.replace(from, to).getBytes(StandardCharsets.UTF_8);
    return assertThrows(IntegrityException.class, () -> LogArchive.verify(List.of(handOver(List.of(FEBRUARY), file, edited)), KEY), to)
        .getMessage();
  }

  @FuzzTest(maxDuration = "10s")
  void anyEditOfAManifestOrItsEntries_isRefusedAsIntegrity_neverOtherwise(FuzzedDataProvider data) {
    List<String> archives = data.pickValue(HANDED_OVER);
    List<String> files = new ArrayList<>();
    archives.forEach(a -> files.addAll(List.of(a + ".manifest.json", a + ".jsonl")));
    String target = data.pickValue(files);
    byte[] edited = AuditorArtifacts.edited(data, AuditorArtifacts.read(target));
    LogReport report;
    try {
      report = LogArchive.verify(List.of(handOver(archives, target, edited)), KEY);
    } catch (IntegrityException refused) {
      assertFalse(refused.getMessage().isBlank(), "a refusal that says nothing");
      return;
    }
    assertEquals(REPORTS.get(archives), report);
    byte[] original = AuditorArtifacts.read(target);
    if (target.endsWith(".jsonl")) {
      assertEquals(lines(original), lines(edited), "archived entries verified that are not the ones signed");
    } else {
      assertEquals(meaning(original), meaning(edited), "a manifest verified that says what its writer did not");
    }
  }

  /** The folder the auditor is given: {@code archives}' files, {@code target} as {@code edited}. */
  private static Path handOver(List<String> archives, String target, byte[] edited) {
    try {
      try (Stream<Path> old = Files.list(folder)) {
        for (Path p : old.toList()) {
          Files.delete(p);
        }
      }
      for (String archive : archives) {
        for (String file : List.of(archive + ".manifest.json", archive + ".jsonl")) {
          Files.write(folder.resolve(file), file.equals(target) ? edited : AuditorArtifacts.read(file));
        }
      }
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A manifest's JSON value: the verifier reads hashes in lower case only, as Kinko writes them. */
  private static Object meaning(byte[] manifest) {
    return CanonicalJson.parse(manifest);
  }

  /** The entries as the lines between {@code \n}s (a {@code \r} is part of its line), with or without a final line end. */
  private static List<String> lines(byte[] file) {
    List<String> lines = new ArrayList<>(List.of(new String(file, StandardCharsets.UTF_8).split("\n", -1)));
    if (lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }
}
