package io.kinko.cli;

import static io.kinko.cli.CertifiedDeletionTest.jsonFiles;
import static io.kinko.cli.CertifiedDeletionTest.ok;
import static io.kinko.cli.CertifiedDeletionTest.only;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a certificate says in the city's terms: start, end, duration and result, the release
 * version, the standards by their current names, all signed (openssl verifies, an edit is caught);
 * and what was erased named by path or by keyed tag as the vault's policy ({@code init
 * --cert-names}) says, in the JSON and in the PDF alike.
 */
class CertificateContentTest {
  @TempDir Path dir;

  /** A vault for 横浜市 with the given naming policy (null: the default), its admin granted everything. */
  private Cli vault(String name, String certNames) {
    Cli cli = Cli.forVault(dir.resolve(name));
    List<String> args = new java.util.ArrayList<>(List.of("init", "--contract-id", "R8-情報-0042", "--client", "横浜市",
        "--contractor", "金庫株式会社", "--contract-end", "2027-03-31", "--admin", Cli.USER, "--password-cost", "minimum"));
    if (certNames != null) {
      args.addAll(List.of("--cert-names", certNames));
    }
    ok(cli.run(args.toArray(String[]::new)));
    ok(cli.run("grant", Cli.USER, ".", "read,write,delete,export"));
    return cli;
  }

  private Path deleteOne(Cli cli, String path, Path certs) throws IOException {
    Path source = Files.writeString(dir.resolve("source.txt"), "山田太郎 090-0000-0000\n", StandardCharsets.UTF_8);
    ok(cli.run("put", source.toString(), path));
    ok(cli.run("rm", "--yes", path, "--cert-out", certs.toString()));
    return only(jsonFiles(certs));
  }

  @Test
  void deletionCertificate_carriesStartEndDurationResultVersionAndStandards_signedSoOpensslVerifiesIt() throws Exception {
    Cli cli = vault("vault", null);
    Path pem = dir.resolve("vault.pub.pem");
    ok(cli.run("key", "export", "-o", pem.toString()));
    Instant before = Instant.now();
    Path json = deleteOne(cli, "名簿/山田.txt", dir.resolve("certs"));

    JsonObject cert = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    JsonObject erasure = cert.getAsJsonObject("erasure");
    Instant started = Instant.parse(erasure.get("startedAt").getAsString());
    Instant finished = Instant.parse(erasure.get("finishedAt").getAsString());
    assertFalse(started.isBefore(before.minusSeconds(1)) || finished.isBefore(started) || finished.isAfter(Instant.now()), erasure::toString);
    assertEquals(Duration.between(started, finished), Duration.parse(erasure.get("duration").getAsString()));
    assertEquals("COMPLETED", erasure.get("result").getAsString());
    String version = cert.getAsJsonObject("tool").get("version").getAsString();
    assertTrue(version.matches("\\d+\\.\\d+\\.\\d+"), "a release version, not a snapshot: " + version);
    List<String> standards = cert.getAsJsonArray("standards").asList().stream().map(e -> e.getAsString()).toList();
    assertTrue(standards.containsAll(List.of("NIST SP 800-88 Rev. 2", "IEEE 2883-2022", "ISO/IEC 27040:2024")), standards::toString);
    assertTrue(cert.getAsJsonObject("signingKey").get("fingerprint").getAsString().matches("[0-9a-f]{64}"));

    Path sig = Path.of(json + ".sig");
    assertEquals(0, ExternalTool.OPENSSL.run(dir, "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem.toString(), "-in",
        json.toString(), "-sigfile", sig.toString()).exit(), "openssl rejected the certificate");

    // The result is signed: a FAILED turned into COMPLETED, or the other way, is caught by both verifiers.
    Files.writeString(json, Files.readString(json).replace("\"result\":\"COMPLETED\"", "\"result\":\"FAILED\""));
    Cli.Result tampered = new Cli().run("cert", "verify", json.toString(), "--key", pem.toString());
    assertEquals(5, tampered.exit(), tampered::toString);
    assertNotEquals(0, ExternalTool.OPENSSL.run(dir, "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem.toString(), "-in",
        json.toString(), "-sigfile", sig.toString()).exit(), "openssl accepted an altered certificate");
  }

  @Test
  void byDefault_aDeletionNamesTheFileByItsKeyedTagOnly_inTheJsonAndThePdf() throws Exception {
    Cli cli = vault("vault", null);
    Path json = deleteOne(cli, "名簿/山田太郎.txt", dir.resolve("certs"));

    String text = Files.readString(json);
    assertFalse(text.contains("山田太郎.txt"), text);
    JsonObject item = JsonParser.parseString(text).getAsJsonObject().getAsJsonArray("items").get(0).getAsJsonObject();
    assertFalse(item.has("path"), item::toString);
    String pdf = pdfText(json);
    assertFalse(pdf.contains("山田太郎.txt"), pdf);
    assertTrue(pdf.replaceAll("\\s", "").contains(item.get("nameTag").getAsString()), pdf);
    assertTrue(pdf.contains("キー付き") || pdf.contains("keyed tag"), pdf);
  }

  @Test
  void withCertNamesPlain_aDeletionNamesThePath_inTheJsonAndThePdf_andAWipeListsPathsToo() throws Exception {
    Cli cli = vault("vault", "plain");
    Path json = deleteOne(cli, "名簿/山田太郎.txt", dir.resolve("certs"));

    JsonObject item = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("items").get(0).getAsJsonObject();
    assertEquals("名簿/山田太郎.txt", item.get("path").getAsString());
    assertTrue(item.get("nameTag").getAsString().matches("[0-9a-f]{64}"), "the tag stays beside the path");
    assertTrue(pdfText(json).contains("名簿/山田太郎.txt"));

    Path folder = Files.createDirectories(dir.resolve("scans"));
    Files.writeString(folder.resolve("鈴木花子.pdf"), "personal data");
    ok(cli.run("wipe", "--yes", folder.toString(), "--cert-out", dir.resolve("wipe-certs").toString()));
    JsonArray wiped = JsonParser.parseString(Files.readString(only(jsonFiles(dir.resolve("wipe-certs"))))).getAsJsonObject()
        .getAsJsonArray("items");
    assertTrue(wiped.get(0).getAsJsonObject().get("path").getAsString().endsWith("鈴木花子.pdf"), wiped::toString);
  }

  @Test
  void byDefault_aWipeCertificateNamesWipedFilesByTag_notByPath() throws Exception {
    Cli cli = vault("vault", null);
    Path folder = Files.createDirectories(dir.resolve("scans"));
    Files.writeString(folder.resolve("鈴木花子.pdf"), "personal data");

    ok(cli.run("wipe", "--yes", folder.toString(), "--cert-out", dir.resolve("certs").toString()));

    Path json = only(jsonFiles(dir.resolve("certs")));
    String text = Files.readString(json);
    assertFalse(text.contains("鈴木花子"), text);
    JsonObject item = JsonParser.parseString(text).getAsJsonObject().getAsJsonArray("items").get(0).getAsJsonObject();
    assertTrue(item.get("nameTag").getAsString().matches("[0-9a-f]{64}") && !item.has("path"), item::toString);
    assertFalse(pdfText(json).contains("鈴木花子"));
    ok(new Cli().run("cert", "verify", json.toString(), "--key-fingerprint",
        JsonParser.parseString(text).getAsJsonObject().getAsJsonObject("signingKey").get("fingerprint").getAsString(),
        "--key", exportKey(cli).toString()));
  }

  @Test
  void theNamingPolicy_isSealed_anEditedKinkoJsonIsRefusedAtLogin() throws Exception {
    Cli cli = vault("vault", "plain");
    Path descriptor = dir.resolve("vault/kinko.json");
    String original = Files.readString(descriptor);
    assertTrue(original.contains("\"names\": \"plain\""), original);

    Files.writeString(descriptor, original.replace("\"names\": \"plain\"", "\"names\": \"tag\""));

    Cli.Result ls = cli.run("ls");
    assertEquals(5, ls.exit(), ls::toString);
  }

  @Test
  void aCharacterTheFontLacks_isPrintedAsAPlaceholder_andTheCommandSaysSoOnStderr() throws Exception {
    Cli cli = vault("vault", "plain");
    Path json = deleteOne(cli, "名簿/山田😀.txt", dir.resolve("certs"));
    Path out = dir.resolve("cert.pdf");

    Cli.Result result = ok(new Cli().run("cert", "pdf", json.toString(), "-o", out.toString()));

    assertTrue(result.err().contains("U+1F600") && result.err().contains(JapanesePdf.PLACEHOLDER), result::toString);
    String text = text(Files.readAllBytes(out));
    assertTrue(text.contains("名簿/山田" + JapanesePdf.PLACEHOLDER + ".txt"), text);
    assertFalse(text.contains("\\u") || text.contains("\\ud83d"), text);
  }

  private Path exportKey(Cli cli) {
    Path pem = dir.resolve("key-" + System.nanoTime() + ".pem");
    ok(cli.run("key", "export", "-o", pem.toString()));
    return pem;
  }

  private String pdfText(Path json) throws IOException {
    Path out = dir.resolve("cert-" + System.nanoTime() + ".pdf");
    ok(new Cli().run("cert", "pdf", json.toString(), "-o", out.toString()));
    return text(Files.readAllBytes(out));
  }

  static String text(byte[] pdf) throws IOException {
    try (PDDocument document = Loader.loadPDF(pdf)) {
      return new PDFTextStripper().getText(document);
    }
  }
}
