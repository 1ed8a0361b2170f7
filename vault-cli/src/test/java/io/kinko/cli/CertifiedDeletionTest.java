package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kinko rm}, {@code wipe}, {@code put --wipe-source}, {@code dispose} and {@code cert verify|list|export}, in-process. */
class CertifiedDeletionTest {
  @TempDir Path dir;
  Path vault;
  Path certs;
  Path pem;
  Cli cli;

  @BeforeEach
  void paths() {
    vault = dir.resolve("vault");
    certs = dir.resolve("certs");
    pem = dir.resolve("vault.pub.pem");
  }

  @Nested
  class Rm {
    @BeforeEach
    void vaultWithFiles() throws IOException {
      cli = Cli.forVault(vault).init();
      put("山田.txt", "案件/2026/山田.txt", "山田太郎\n");
      put("鈴木.txt", "案件/2026/鈴木.txt", "鈴木花子\n");
      put("other.txt", "other.txt", "other\n");
      put("山田.txt", "案件/2026/山田.txt", "山田太郎 v2\n"); // a second version
      ok(cli.run("key", "export", "-o", pem.toString()));
    }

    @Test
    void rm_ofAFile_deletesEveryVersion_andWritesACertificateThatKinkoAndOpensslVerify() throws Exception {
      Cli.Result rm = ok(cli.run("rm", "--yes", "案件/2026/山田.txt", "--cert-out", certs.toString()));

      Path json = only(jsonFiles(certs));
      assertTrue(json.getFileName().toString().matches("kinko-deletion-[0-9a-f]{12}\\.json"), json::toString);
      Path sig = Path.of(json + ".sig");
      assertTrue(Files.isRegularFile(sig), sig::toString);
      assertTrue(rm.out().contains("deleted 2 stored versions of 案件/2026/山田.txt"), rm::toString);
      assertTrue(rm.out().contains(json.toString()), rm::toString);
      assertTrue(rm.out().contains("openssl pkeyutl -verify -rawin -pubin -inkey vault.pub.pem -in " + json + " -sigfile " + sig),
          rm::toString);
      assertEquals(1, cli.run("ls", "案件/2026/山田.txt").exit(), "the file is still listed");
      ok(cli.run("ls", "案件/2026/鈴木.txt"));

      Cli.Result verified = ok(new Cli().run("cert", "verify", json.toString(), "--key", pem.toString()));
      String id = JsonParser.parseString(Files.readString(json)).getAsJsonObject().get("certificateId").getAsString();
      assertTrue(json.getFileName().toString().contains(id.substring(0, 12)), json::toString);
      assertTrue(verified.out().startsWith("certificate " + id + " verified: deletion-certificate, 2 items, tied to log tree of size "),
          verified::toString);
      assertEquals(0, openssl("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem.toString(), "-in", json.toString(),
          "-sigfile", sig.toString()), "openssl rejected the certificate");

      byte[] bytes = Files.readAllBytes(json);
      int i = new String(bytes, StandardCharsets.UTF_8).indexOf("\"size\":") + 7; // a digit of the first item's size
      bytes[i] = (byte) (bytes[i] == '9' ? '8' : bytes[i] + 1);
      Files.write(json, bytes);
      Cli.Result tampered = new Cli().run("cert", "verify", json.toString(), "--key", pem.toString());
      assertEquals(5, tampered.exit(), tampered::toString);
      assertFalse(tampered.out().contains("verified"), tampered::toString);
      assertNotEquals(0, openssl("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem.toString(), "-in", json.toString(),
          "-sigfile", sig.toString()), "openssl accepted an altered certificate");
    }

    @Test
    void certVerify_withOnlyTheVaultInKinkoVault_isRefused_becauseItsKeyProvesNothing() {
      ok(cli.run("rm", "--yes", "other.txt", "--cert-out", certs.toString()));
      Path json = only(jsonFiles(certs));

      Cli.Result result = new Cli().env("KINKO_VAULT", vault.toString()).run("cert", "verify", json.toString());

      assertEquals(2, result.exit(), result::toString);
      assertTrue(result.err().contains("--key PEM or --key-fingerprint HEX"), result::toString);
    }

    @Test
    void certVerify_failures_exit5() throws IOException {
      ok(cli.run("rm", "--yes", "other.txt", "--cert-out", certs.toString()));
      Path json = only(jsonFiles(certs));
      Path otherKey = dir.resolve("other.pem");
      Cli.forVault(dir.resolve("other-vault")).initWithoutGrants().run("key", "export", "-o", otherKey.toString());

      assertEquals(5, new Cli().run("cert", "verify", json.toString(), "--key", otherKey.toString()).exit(), "another vault's key");
      assertEquals(5, new Cli().run("cert", "verify", json.toString(), "--key", pem.toString(), "--sig", json.toString()).exit(),
          "a wrong signature file");
      Files.delete(Path.of(json + ".sig"));
      Cli.Result noSig = new Cli().run("cert", "verify", json.toString(), "--key", pem.toString());
      assertEquals(5, noSig.exit(), noSig::toString);
      assertTrue(noSig.err().contains("signature"), noSig::toString);
      assertEquals(2, new Cli().run("cert", "verify", json.toString()).exit(), "no key and no vault is a usage error");
    }

    @Test
    void rm_ofAFolderWithoutR_exits2AndDeletesNothing() {
      Cli.Result result = cli.run("rm", "--yes", "案件/2026", "--cert-out", certs.toString());

      assertEquals(2, result.exit(), result::toString);
      assertTrue(result.err().contains("is a folder") && result.err().contains("rm -r"), result::toString);
      ok(cli.run("ls", "案件/2026/山田.txt"));
      assertFalse(Files.exists(certs) && !jsonFiles(certs).isEmpty(), "a certificate was written");
    }

    @Test
    void rmR_deletesTheFolderWithOneCertificateListingEveryVersion() {
      Cli.Result result = ok(cli.run("rm", "--yes", "-r", "案件", "--cert-out", certs.toString()));

      assertEquals(1, cli.run("ls", "案件").exit(), "the folder is still listed");
      ok(cli.run("ls", "other.txt"));
      Path json = only(jsonFiles(certs));
      assertTrue(result.out().contains("deleted 3 stored versions below 案件"), result::toString);
      Cli.Result verified = ok(new Cli().run("cert", "verify", json.toString(), "--key", pem.toString()));
      assertTrue(verified.out().contains(", 3 items, "), verified::toString);
    }

    @Test
    void rm_ofNothingStored_exits1_andOfTheWholeVault_exits2() {
      assertEquals(1, cli.run("rm", "--yes", "nothing.txt", "--cert-out", certs.toString()).exit());
      assertEquals(2, cli.run("rm", "--yes", "-r", ".", "--cert-out", certs.toString()).exit());
      ok(cli.run("ls", "other.txt"));
    }

    @Test
    void rm_withACertOutThatIsAFile_exits2BeforeDeleting() throws IOException {
      Path file = dir.resolve("a-file");
      Files.writeString(file, "x");

      assertEquals(2, cli.run("rm", "--yes", "other.txt", "--cert-out", file.toString()).exit());
      ok(cli.run("ls", "other.txt"));
    }

    @Test
    void certList_andExport_giveBackTheCertificatesRmWrote() throws IOException {
      ok(cli.run("rm", "--yes", "other.txt", "--cert-out", certs.toString()));
      ok(cli.run("rm", "--yes", "-r", "案件", "--cert-out", certs.toString()));

      Cli.Result list = ok(cli.run("cert", "list"));
      List<String> lines = list.outLines();
      assertTrue(lines.get(0).matches("ID +KIND +ISSUED +ITEMS"), list::toString);
      assertEquals(3, lines.size(), list::toString);
      assertTrue(lines.get(1).matches("[0-9a-f]{32}  deletion  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\+09:00  1"), lines.get(1));
      assertTrue(lines.get(2).matches("[0-9a-f]{32}  deletion  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\+09:00  3"), lines.get(2));
      JsonArray json = JsonParser.parseString(ok(cli.run("cert", "list", "--json")).out()).getAsJsonObject().getAsJsonArray("certificates");
      String first = json.get(0).getAsJsonObject().get("id").getAsString();

      Path exported = dir.resolve("exported");
      ok(cli.run("cert", "export", first.substring(0, 8), "-o", exported.toString()));
      Path one = only(jsonFiles(exported));
      assertEquals(Files.readString(certs.resolve(one.getFileName())), Files.readString(one), "export differs from what rm wrote");
      ok(new Cli().run("cert", "verify", one.toString(), "--key", pem.toString()));

      Path all = dir.resolve("all");
      ok(cli.run("cert", "export", "--all", "-o", all.toString()));
      assertEquals(2, jsonFiles(all).size());
      assertEquals(2, cli.run("cert", "export", "-o", all.toString()).exit(), "neither ID nor --all");
      assertEquals(1, cli.run("cert", "export", "ffffffffffffffffffff", "-o", all.toString()).exit(), "no such certificate");
    }
  }

  @Test
  void rm_withoutADeleteGrant_exits4AndKeepsTheFile() throws IOException {
    cli = Cli.forVault(vault).initWithoutGrants();
    ok(cli.run("grant", Cli.USER, ".", "read,write"));
    put("a.txt", "a.txt", "a\n");

    Cli.Result result = cli.run("rm", "--yes", "a.txt", "--cert-out", certs.toString());

    assertEquals(4, result.exit(), result::toString);
    ok(cli.run("ls", "a.txt"));
    assertTrue(LogCommandsTest.rows(ok(cli.run("log", "show", "--action", "DELETE"))).stream()
        .anyMatch(r -> r.decision().equals("DENY")), "the refusal is logged");
  }

  @Test
  void get_ofAFileWithoutReadGrant_isLoggedAsAGetDenial() throws IOException {
    cli = Cli.forVault(vault).initWithoutGrants();
    ok(cli.run("grant", Cli.USER, ".", "write"));
    put("a.txt", "a.txt", "a\n");

    Cli.Result get = cli.run("get", "a.txt", "-o", dir.resolve("out.txt").toString());

    assertEquals(4, get.exit(), get::toString);
    assertFalse(Files.exists(dir.resolve("out.txt")));
    List<LogCommandsTest.Row> rows = LogCommandsTest.rows(ok(cli.run("log", "show", "--actor", Cli.USER)));
    assertTrue(rows.stream().anyMatch(r -> r.action().equals("GET") && r.decision().equals("DENY")), rows::toString);
    assertTrue(rows.stream().noneMatch(r -> r.action().equals("STAT")), rows::toString);
  }

  @Nested
  class Wipe {
    Path folder;

    @BeforeEach
    void vaultAndAFolder() throws IOException {
      cli = Cli.forVault(vault).init();
      ok(cli.run("key", "export", "-o", pem.toString()));
      folder = dir.resolve("作業");
      Files.createDirectories(folder.resolve("sub"));
      Files.writeString(folder.resolve("名簿.csv"), "山田太郎,1\n");
      Files.write(folder.resolve("sub").resolve("data.bin"), new byte[10_000]);
    }

    @Test
    void wipe_removesTheFolder_andWritesACertificateListingEachFile() throws Exception {
      Cli.Result result = ok(cli.run("wipe", "--yes", folder.toString(), "--cert-out", certs.toString()));

      assertFalse(Files.exists(folder), "the folder is still there");
      Path json = only(jsonFiles(certs));
      assertTrue(json.getFileName().toString().matches("kinko-wipe-[0-9a-f]{12}\\.json"), json::toString);
      assertTrue(result.out().startsWith("wiped 2 files of " + folder), result::toString);
      Cli.Result verified = ok(new Cli().run("cert", "verify", json.toString(), "--key", pem.toString()));
      assertTrue(verified.out().contains(" verified: wipe-certificate, 2 items, "), verified::toString);
      assertEquals(0, openssl("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem.toString(), "-in", json.toString(),
          "-sigfile", json + ".sig"));
      JsonObject cert = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
      assertEquals("RANDOM", cert.getAsJsonObject("method").getAsJsonArray("techniques").get(0).getAsString());
    }

    @Test
    void wipe_methods_mapToTheLibrarysAndPassesOtherThan1AreRefused() throws IOException {
      Path zero = dir.resolve("zero.txt");
      Files.writeString(zero, "z");
      ok(cli.run("wipe", "--yes", zero.toString(), "--zero", "--cert-out", certs.toString()));
      JsonObject cert = JsonParser.parseString(Files.readString(only(jsonFiles(certs)))).getAsJsonObject();
      assertEquals("ZERO", cert.getAsJsonObject("method").getAsJsonArray("techniques").get(0).getAsString());

      Cli.Result three = cli.run("wipe", "--yes", folder.toString(), "--passes", "3", "--cert-out", certs.toString());
      assertEquals(2, three.exit(), three::toString);
      assertTrue(three.err().contains("only --passes 1"), three::toString);
      assertEquals(2, cli.run("wipe", "--yes", folder.toString(), "--zero", "--dod3").exit(), "two methods at once");
      assertTrue(Files.exists(folder.resolve("名簿.csv")), "a refused wipe touched the folder");
      ok(cli.run("wipe", "--yes", folder.toString(), "--passes", "1", "--cert-out", certs.toString()));
      assertFalse(Files.exists(folder));
    }

    @Test
    void wipe_ofAFolderWithALink_wipesTheRest_namesTheLinkAndExits1() throws IOException {
      Path outside = dir.resolve("outside.txt");
      Files.writeString(outside, "keep me");
      Files.createSymbolicLink(folder.resolve("link"), outside);

      Cli.Result result = cli.run("wipe", "--yes", folder.toString(), "--cert-out", certs.toString());

      assertEquals(1, result.exit(), result::toString);
      assertTrue(result.err().contains("link"), result::toString);
      assertEquals("keep me", Files.readString(outside));
      assertFalse(Files.exists(folder.resolve("名簿.csv")));
      assertEquals(1, jsonFiles(certs).size(), "the files that were wiped still get their certificate");
    }

    @Test
    void wipe_refusesTheVault_aFolderHoldingTheCertOut_andWhatDoesNotExist() {
      assertEquals(2, cli.run("wipe", "--yes", vault.toString(), "--cert-out", certs.toString()).exit());
      assertEquals(2, cli.run("wipe", "--yes", dir.toString(), "--cert-out", certs.toString()).exit(), "holds the vault");
      assertEquals(2, cli.run("wipe", "--yes", folder.toString(), "--cert-out", folder.resolve("certs").toString()).exit());
      assertEquals(1, cli.run("wipe", "--yes", dir.resolve("absent").toString(), "--cert-out", certs.toString()).exit());
      assertTrue(Files.exists(folder.resolve("名簿.csv")) && Files.isDirectory(vault.resolve("keys")));
    }

    @Test
    void putWipeSource_afterACompletePut_wipesTheSourceWithOneCertificate() throws IOException {
      Cli.Result result = ok(cli.run("put", folder.toString(), "受領", "--wipe-source", "--yes", "--cert-out", certs.toString()));

      assertFalse(Files.exists(folder), "the source is still there");
      assertTrue(result.out().startsWith("stored 2 files"), result::toString);
      assertTrue(ok(cli.run("ls", "受領")).out().contains("受領/sub/data.bin"));
      Path json = only(jsonFiles(certs));
      Cli.Result verified = ok(new Cli().run("cert", "verify", json.toString(), "--key", pem.toString()));
      assertTrue(verified.out().contains(", 2 items, "), verified::toString);
    }

    @Test
    void putWipeSource_whenSomethingWasSkipped_storesTheRestButWipesNothing() throws IOException {
      Path outside = dir.resolve("outside.txt");
      Files.writeString(outside, "keep me");
      Files.createSymbolicLink(folder.resolve("link"), outside);

      Cli.Result result = cli.run("put", folder.toString(), "受領", "--wipe-source", "--yes", "--cert-out", certs.toString());

      assertEquals(1, result.exit(), result::toString);
      assertTrue(result.err().contains("was not wiped") && result.err().contains("could not be stored"), result::toString);
      assertTrue(Files.exists(folder.resolve("名簿.csv")) && Files.exists(folder.resolve("sub").resolve("data.bin")));
      assertFalse(Files.exists(certs) && !jsonFiles(certs).isEmpty(), "a certificate was written");
      assertTrue(ok(cli.run("ls", "受領")).out().contains("受領/名簿.csv"));
    }

    @Test
    void putCertOut_withoutWipeSource_exits2() {
      assertEquals(2, cli.run("put", folder.toString(), "--cert-out", certs.toString()).exit());
    }
  }

  @Nested
  class Dispose {
    Path archive;

    @BeforeEach
    void vaultWithADeletion() throws IOException {
      cli = Cli.forVault(vault).init();
      put("a.txt", "a.txt", "a\n");
      put("b.txt", "b.txt", "b\n");
      ok(cli.run("rm", "--yes", "a.txt", "--cert-out", certs.toString()));
      archive = dir.resolve("archive");
    }

    @Test
    void dispose_yes_archivesEverything_laterCommandsFail_andTheArchiveStillVerifies() throws Exception {
      Cli.Result result = ok(cli.run("dispose", "--archive-to", archive.toString(), "--yes"));

      Path json = archive.resolve("disposal-certificate.json");
      Path archivedKey = archive.resolve("vault.pub.pem");
      assertTrue(result.out().contains("final certificate ") && result.out().contains(json.toString()), result::toString);
      assertTrue(result.out().contains("vault.pub.pem") && result.out().contains("certificates/"), result::toString);
      Cli.Result ls = cli.run("ls");
      assertEquals(1, ls.exit(), ls::toString);
      assertTrue(ls.err().contains("disposed"), ls::toString);
      assertEquals(1, cli.run("get", "b.txt", "-o", dir.resolve("b.txt").toString()).exit());

      Cli offline = new Cli();
      Cli.Result log = ok(offline.run("log", "verify", "--archive", archive.toString(), "--key", archivedKey.toString()));
      assertTrue(log.out().startsWith("archive verified: "), log::toString);
      Cli.Result cert = ok(offline.run("cert", "verify", json.toString(), "--key", archivedKey.toString()));
      assertTrue(cert.out().contains(" verified: disposal-certificate, "), cert::toString);
      Path deletion = only(jsonFiles(archive.resolve("certificates")));
      ok(offline.run("cert", "verify", deletion.toString(), "--key", archivedKey.toString()));
      assertEquals(0, openssl("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", archivedKey.toString(), "-in", json.toString(),
          "-sigfile", json + ".sig"));
    }

    @Test
    void dispose_withoutYesAndNoTerminal_exits2AndTheVaultStillWorks() {
      Cli.Result result = cli.run("dispose", "--archive-to", archive.toString());

      assertEquals(2, result.exit(), result::toString);
      assertTrue(result.err().contains("--yes"), result::toString);
      assertFalse(Files.exists(archive));
      ok(cli.run("ls", "b.txt"));
    }

    @Test
    void dispose_onATerminal_disposesOnlyWhenTheVaultIdIsTyped() throws IOException {
      String id = JsonParser.parseString(Files.readString(vault.resolve("kinko.json"))).getAsJsonObject().get("vaultId").getAsString();

      Cli.Result wrong = cli.terminal(new Cli.ScriptedTerminal("not-the-id")).run("dispose", "--archive-to", archive.toString());
      assertEquals(2, wrong.exit(), wrong::toString);
      ok(cli.terminal(null).run("ls", "b.txt"));

      Cli.ScriptedTerminal terminal = new Cli.ScriptedTerminal(id);
      ok(cli.terminal(terminal).run("dispose", "--archive-to", archive.toString()));
      assertTrue(terminal.prompts.get(0).contains("Type the vault id"), terminal.prompts::toString);
      assertEquals(1, cli.terminal(null).run("ls").exit());
    }

    @Test
    void dispose_intoAFolderThatIsNotEmpty_exits2() throws IOException {
      Files.createDirectories(archive);
      Files.writeString(archive.resolve("old.txt"), "old");

      assertEquals(2, cli.run("dispose", "--archive-to", archive.toString(), "--yes").exit());
      ok(cli.run("ls", "b.txt"));
    }
  }

  // --- helpers

  private void put(String name, String vaultPath, String content) throws IOException {
    Path source = dir.resolve("src").resolve(name);
    Files.createDirectories(source.getParent());
    Files.writeString(source, content, StandardCharsets.UTF_8);
    ok(cli.run("put", source.toString(), vaultPath));
  }

  static List<Path> jsonFiles(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static <T> T only(List<T> items) {
    assertEquals(1, items.size(), items::toString);
    return items.get(0);
  }

  static Cli.Result ok(Cli.Result result) {
    assertEquals(0, result.exit(), result::toString);
    return result;
  }

  private int openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl did not finish");
    return process.exitValue();
  }
}
