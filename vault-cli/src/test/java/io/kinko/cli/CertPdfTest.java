package io.kinko.cli;

import static io.kinko.cli.CertifiedDeletionTest.jsonFiles;
import static io.kinko.cli.CertifiedDeletionTest.ok;
import static io.kinko.cli.CertifiedDeletionTest.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kinko cert pdf}: the readable copy is Japanese with English labels on every machine, in
 * the font Kinko bundles (no system font is looked for or used), names the authoritative JSON by
 * its SHA-256, and carries the result stamp and the signature boxes.
 */
class CertPdfTest {
  @TempDir Path dir;
  Cli cli;
  Path certs;
  Path json;

  @BeforeEach
  void aDeletionCertificate() throws IOException {
    cli = Cli.forVault(dir.resolve("vault")).init();
    certs = dir.resolve("certs");
    for (int i = 0; i < 30; i++) { // more items than the PDF lists one by one
      Path source = dir.resolve("src").resolve("山田" + i + ".txt");
      Files.createDirectories(source.getParent());
      Files.writeString(source, "山田太郎 " + i + "\n", StandardCharsets.UTF_8);
      ok(cli.run("put", source.toString(), "名簿/山田" + i + ".txt"));
    }
    ok(cli.run("rm", "--yes", "-r", "名簿", "--cert-out", certs.toString()));
    json = only(jsonFiles(certs));
  }

  @Test
  void pdf_isJapaneseWithEnglishLabels_stampedCompleted_withSignatureBoxes_andNamesTheJsonAsAuthoritative() throws Exception {
    Path out = dir.resolve("cert.pdf");

    Cli.Result result = ok(new Cli().run("cert", "pdf", json.toString(), "-o", out.toString()));

    String text = text(Files.readAllBytes(out));
    String sha256 = CertificatePdf.sha256(Files.readAllBytes(json));
    assertTrue(text.contains(sha256), text);
    assertTrue(result.out().contains(sha256) && result.out().contains("Japanese with English labels"), result::toString);
    assertEquals("", result.err(), "nothing to warn about");
    for (String expected : List.of("削除証明書", "Certificate of Deletion", "委託元 / Client", "テスト市", "受託者 / Contractor", "金庫株式会社",
        "完了", "COMPLETED", "作業者 / Operator", "確認者 / Checker", "立会者 / Witness", "氏名 / Name: " + Cli.USER,
        "開始 / Started", "終了 / Finished", "所要時間 / Duration", "パージ (Purge)", "暗号化消去", "30 件中 30 件合格", "削除 (DELETE)",
        "NIST SP 800-88 Rev. 2", "IEEE 2883-2022", "ISO/IEC 27040:2024", "authoritative", "openssl pkeyutl -verify -rawin -pubin",
        "and 10 more")) {
      assertTrue(text.contains(expected), () -> expected + " missing from\n" + text);
    }
    assertTrue(text.matches("(?s).*\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\+09:00.*"), "times in the contract's zone:\n" + text);
    assertFalse(text.contains("\\u"), "no escapes:\n" + text);
    assertFalse(text.contains("SNAPSHOT"), text);
  }

  /** Tagged: poppler is not on a fresh machine, so the README's mvn verify leaves it to .ci/run, which installs it. */
  @Test
  @Tag("poppler")
  void pdf_embedsOnlyTheBundledFont_andPopplerRendersItsJapaneseAndItsRedStamp() throws Exception {
    Path out = dir.resolve("cert.pdf");
    ok(new Cli().run("cert", "pdf", json.toString(), "-o", out.toString()));

    // Every font in the PDF is embedded, and it is IPAGothic: nothing depends on this machine's fonts.
    ExternalTool.Run fonts = ExternalTool.PDFFONTS.run(dir, out.toString());
    assertEquals(0, fonts.exit(), fonts.output());
    List<String> rows = fonts.output().lines().skip(2).toList();
    assertFalse(rows.isEmpty(), fonts.output());
    for (String row : rows) {
      assertTrue(row.contains("IPAGothic") && row.matches(".*\\byes\\s+yes\\s+yes\\s+.*"), "not the embedded subset: " + row);
    }
    // A second reader (poppler) extracts the Japanese and renders the stamp in its red.
    ExternalTool.Run text = ExternalTool.PDFTOTEXT.run(dir, "-enc", "UTF-8", out.toString(), "-");
    assertEquals(0, text.exit(), text.output());
    for (String expected : List.of("削除証明書", "テスト市", "完了", "作業者", "確認者", "立会者")) {
      assertTrue(text.output().contains(expected), () -> expected + " missing from poppler's text:\n" + text.output());
    }
    ExternalTool.Run png = ExternalTool.PDFTOPPM.run(dir, "-png", "-r", "60", "-f", "1", "-l", "1", out.toString(), "page");
    assertEquals(0, png.exit(), png.output());
    Path page = only(Files.list(dir).filter(p -> p.getFileName().toString().matches("page-0*1\\.png")).toList());
    java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(page.toFile());
    int red = 0;
    int dark = 0;
    for (int x = 0; x < image.getWidth(); x++) {
      for (int y = 0; y < image.getHeight(); y++) {
        int rgb = image.getRGB(x, y);
        int r = rgb >> 16 & 0xff;
        int g = rgb >> 8 & 0xff;
        int b = rgb & 0xff;
        red += r > 150 && g < 110 && b < 110 ? 1 : 0;
        dark += r < 100 && g < 100 && b < 100 ? 1 : 0;
      }
    }
    assertTrue(red > 200, "the stamp's red frame and 完了 are drawn: " + red + " red pixels");
    assertTrue(dark > 2000, "the page carries text: " + dark + " dark pixels");
  }

  @Test
  void pdf_printsEachItemsContentCommitment_andNoSha256OfAnyDeletedContent() throws Exception {
    ByteArrayOutputStream pdf = new ByteArrayOutputStream();
    CertificatePdf.render(Files.readAllBytes(json), new CertificatePdf.Names(json.getFileName().toString(),
        json.getFileName() + ".sig", "vault.pub.pem"), pdf);
    String text = text(pdf.toByteArray()).replaceAll("\\s", "");

    com.google.gson.JsonObject first = com.google.gson.JsonParser.parseString(Files.readString(json)).getAsJsonObject()
        .getAsJsonArray("items").get(0).getAsJsonObject();
    assertTrue(text.contains("contentcommitment" + first.get("contentCommitment").getAsString()), text);
    assertTrue(text.contains("HMAC-SHA256"), text);
    for (int i = 0; i < 30; i++) {
      byte[] content = ("山田太郎 " + i + "\n").getBytes(StandardCharsets.UTF_8);
      String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
      assertFalse(text.contains(sha), "the PDF holds the SHA-256 of item " + i);
      assertFalse(Files.readString(json).contains(sha), "the certificate holds the SHA-256 of item " + i);
    }
  }

  @Test
  void pdf_withTheWrongKey_exits5AndWritesNothing() throws IOException {
    Path otherKey = dir.resolve("other.pem");
    ok(Cli.forVault(dir.resolve("other-vault")).initWithoutGrants().run("key", "export", "-o", otherKey.toString()));
    Path out = dir.resolve("cert.pdf");

    Cli.Result result = new Cli().run("cert", "pdf", json.toString(), "-o", out.toString(), "--key", otherKey.toString());

    assertEquals(5, result.exit(), result::toString);
    assertFalse(Files.exists(out));
  }

  static String text(byte[] pdf) throws IOException {
    try (PDDocument document = Loader.loadPDF(pdf)) {
      return new PDFTextStripper().getText(document);
    }
  }
}
