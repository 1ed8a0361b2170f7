package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class WipeAndDisposeTest extends VaultTest {
  @Test
  void wipe_destroysEveryFileInTheTree_removesTheFolders_andCertifiesEachFile() throws IOException {
    Path scans = Files.createDirectories(dir.resolve("scans/2026/11"));
    Files.writeString(scans.resolve("山田太郎.pdf"), "personal data", StandardCharsets.UTF_8);
    Files.write(scans.resolveSibling("big.bin"), TestVaults.randomBytes(1, 3_000_000));
    Files.write(dir.resolve("scans/empty.txt"), new byte[0]);

    WipeReport report = session.wipe(dir.resolve("scans"), WipeMethod.DOD3, false);

    assertTrue(report.complete(), report.skipped().toString());
    assertEquals(3, report.filesWiped());
    assertFalse(Files.exists(dir.resolve("scans")), "the emptied folders were not removed");
    JsonObject cert = JsonParser.parseString(report.certificate().json()).getAsJsonObject();
    assertEquals("wipe-certificate", cert.get("kinko").getAsString());
    assertEquals(3, cert.getAsJsonArray("items").size());
    assertTrue(report.certificate().json().contains("3 passes"), report.certificate().json());
    DeletionCertificate.verify(report.certificate().bytes(), report.certificate().signature(), vault.publicKeyPem());
    assertEquals(1, session.logEntries(new LogQuery(null, null, null, "WIPE")).size());
  }

  @Test
  void wipe_neverFollowsALink_outOfTheTree_andLeavesHardLinkedFilesUnlessForced() throws IOException {
    Path outside = Files.writeString(dir.resolve("outside.txt"), "not mine to wipe");
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.createSymbolicLink(tree.resolve("link.txt"), outside);
    Files.createSymbolicLink(tree.resolve("linkdir"), dir);
    Path shared = Files.writeString(dir.resolve("shared.txt"), "also elsewhere");
    Files.createLink(tree.resolve("hard.txt"), shared);
    Files.writeString(tree.resolve("mine.txt"), "mine");

    WipeReport report = session.wipe(tree, WipeMethod.RANDOM, false);

    assertEquals(1, report.filesWiped());
    assertEquals("not mine to wipe", Files.readString(outside));
    assertEquals("also elsewhere", Files.readString(shared));
    assertTrue(report.skipped().stream().anyMatch(s -> s.reason().contains("hard links")), report.skipped().toString());
    assertEquals(3, report.skipped().size(), report.skipped().toString());

    WipeReport forced = session.wipe(tree.resolve("hard.txt"), WipeMethod.ZERO, true);
    assertEquals(1, forced.filesWiped());
    // One inode, two names: forcing destroys the data under the other name too, which is why it is refused without --force.
    assertEquals(0, Files.size(shared), "--force left the shared data under the other name");
  }

  @Test
  void wipe_ofTheVaultOrAnythingInIt_isRefused_andTheVaultIsIntact() {
    TestVaults.put(session, "a.txt", "a".getBytes());
    List<Path> targets = new java.util.ArrayList<>(List.of(vault.directory(), vault.directory().resolve("blobs"),
        vault.directory().resolve("keys"), dir));
    if (!TestDatabase.postgres()) {
      targets.add(vault.directory().resolve("db"));
    }
    for (Path target : targets) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> session.wipe(target, WipeMethod.RANDOM, true));
      assertTrue(e.getMessage().contains("vault"), e.getMessage());
    }
    assertEquals("a", new String(TestVaults.readAll(session, "a.txt")));
    session.verifyLog(null);
  }

  @Test
  void anAuditor_mayNotWipe() throws IOException {
    Files.writeString(dir.resolve("f.txt"), "f");
    try (Password p = Password.wrap("a long staff password 1".toCharArray())) {
      session.administration().addUser("kansa", Role.AUDITOR, p, null);
    }
    try (Password p = Password.wrap("a long staff password 1".toCharArray()); Session auditor = vault.login("kansa", p)) {
      assertThrows(AccessDeniedException.class, () -> auditor.wipe(dir.resolve("f.txt"), WipeMethod.RANDOM, false));
    }
    assertTrue(Files.exists(dir.resolve("f.txt")));
  }

  @Test
  void dispose_archivesLogAndCertificates_destroysKeys_andTheArchiveStillVerifies() throws IOException {
    TestVaults.put(session, "a.txt", "a".getBytes());
    TestVaults.put(session, "b.txt", "b".getBytes());
    session.delete("a.txt");
    Path archive = dir.resolve("archive");

    DeletionCertificate disposal = session.dispose(archive, true);

    String pem = Files.readString(archive.resolve("vault.pub.pem"));
    DeletionCertificate.verify(Files.readAllBytes(archive.resolve("disposal-certificate.json")),
        Files.readAllBytes(archive.resolve("disposal-certificate.json.sig")), pem);
    assertEquals("disposal-certificate", JsonParser.parseString(disposal.json()).getAsJsonObject().get("kinko").getAsString());
    LogReport log = LogArchive.verify(archive, pem);
    assertTrue(log.entriesChecked() > 5);
    try (Stream<Path> certs = Files.list(archive.resolve("certificates"))) {
      List<Path> jsons = certs.filter(p -> p.toString().endsWith(".json")).toList();
      assertEquals(1, jsons.size(), "the deletion certificate of a.txt was not archived");
      DeletionCertificate.verify(Files.readAllBytes(jsons.get(0)), Files.readAllBytes(Path.of(jsons.get(0) + ".sig")), pem);
    }
    assertEquals(List.of(), TestVaults.filesUnder(vault.directory().resolve("blobs")));
    try (Stream<Path> keys = Files.list(vault.directory().resolve("keys"))) {
      assertEquals(List.of("signing.pub.pem"), keys.map(p -> p.getFileName().toString()).toList());
    }
    VaultException e = assertThrows(VaultException.class, () -> TestVaults.login(vault));
    assertTrue(e.getMessage().contains("disposed"), e.getMessage());
  }

  @Test
  void dispose_movesTheMonthlyReportsIntoTheArchive_whereTheyStillVerify_andLeavesNoneInTheVault() throws IOException {
    TestVaults.put(session, "受付/a.txt", "a".getBytes());
    java.time.YearMonth month = java.time.YearMonth.now(Contract.ZONE);
    MonthlyReport.Issued issued = session.monthlyReport(month, null, dir.resolve("filed"));
    byte[] filed = Files.readAllBytes(issued.json());
    Path kept = vault.directory().resolve("reports").resolve(MonthlyReport.fileName(month));
    assertTrue(Files.isRegularFile(kept), "the vault keeps its report to continue the next one from");
    Path archive = dir.resolve("archive");

    session.dispose(archive, false);

    Path archived = archive.resolve("reports").resolve(MonthlyReport.fileName(month));
    assertTrue(java.util.Arrays.equals(filed, Files.readAllBytes(archived)), "the archived report is the one the city was given");
    MonthlyReport.verify(filed, Files.readAllBytes(Path.of(archived + ".sig")), Files.readString(archive.resolve("vault.pub.pem")), null);
    assertEquals(List.of(), TestVaults.filesUnder(vault.directory().resolve("reports")), "a report (staff names, grant folders) left in the vault");
  }
  @Test
  void dispose_followsNoLinkPlantedInTheVaultFolder_toAFileOutsideIt() throws IOException {
    TestVaults.put(session, "受付/a.txt", "a".getBytes());
    Path outside = dir.resolve("outside.txt");
    Files.writeString(outside, "the user's own file, outside the vault");
    Path blobs = vault.directory().resolve("blobs");
    Path someBlobFolder;
    try (Stream<Path> folders = Files.list(blobs)) {
      someBlobFolder = folders.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    // Links someone who can write the vault folder planted: in blobs/, in reports/ and in keys/.
    Files.createSymbolicLink(someBlobFolder.resolve("planted"), outside);
    Files.createDirectories(vault.directory().resolve("reports"));
    Files.createSymbolicLink(vault.directory().resolve("reports").resolve("planted.json"), outside);
    Files.createSymbolicLink(vault.directory().resolve("keys").resolve("planted.slot"), outside);
    Path archive = dir.resolve("archive");

    session.dispose(archive, true);

    assertEquals("the user's own file, outside the vault", Files.readString(outside));
    assertFalse(Files.exists(archive.resolve("reports").resolve("planted.json")), "the dispose archived what a planted link names");
  }
}
