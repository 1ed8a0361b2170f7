package io.kinko.cli;

import static io.kinko.cli.CertifiedDeletionTest.jsonFiles;
import static io.kinko.cli.CertifiedDeletionTest.ok;
import static io.kinko.cli.CertifiedDeletionTest.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kinko cert pdf}: the readable copy names the authoritative JSON by its SHA-256, with
 * Japanese labels when this machine has a Japanese font (CI installs one) and English otherwise.
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
  void pdf_namesTheJsonAsAuthoritative_withItsSha256_andJapaneseLabelsWhenAFontWasFound() throws IOException {
    Path out = dir.resolve("cert.pdf");

    // The system's fonts, or the one the test run names (no vault, no user, no password either way).
    Cli.Result result = ok(new Cli().env(CertPdfCommand.FONT_ENV, System.getenv(CertPdfCommand.FONT_ENV))
        .run("cert", "pdf", json.toString(), "-o", out.toString()));

    String text = text(Files.readAllBytes(out));
    String sha256 = CertificatePdf.sha256(Files.readAllBytes(json));
    assertTrue(text.contains(sha256), text);
    assertTrue(result.out().contains(sha256), result::toString);
    assertTrue(text.contains("authoritative"), text);
    assertTrue(text.contains("openssl pkeyutl -verify -rawin -pubin"), text);
    assertTrue(text.contains("and 10 more"), "30 items are summarized:\n" + text);
    if (result.out().contains("Japanese and English labels")) {
      for (String label : List.of("削除証明書", "委託元", "受託者", "テスト市", "金庫株式会社")) {
        assertTrue(text.contains(label), () -> label + " missing from\n" + text);
      }
    } else {
      assertTrue(result.out().contains("English labels only"), result::toString);
      assertTrue(text.contains("Certificate of Deletion") && text.contains("Client"), text);
    }
  }

  @Test
  void pdf_printsEachItemsContentCommitment_andNoSha256OfAnyDeletedContent() throws Exception {
    ByteArrayOutputStream pdf = new ByteArrayOutputStream();
    CertificatePdf.render(Files.readAllBytes(json), new CertificatePdf.Names(json.getFileName().toString(),
        json.getFileName() + ".sig", "vault.pub.pem"), List.of(), false, pdf, new PrintWriter(new StringWriter()));
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
  void render_withoutAJapaneseFont_writesEnglishAndEscapesWhatHelveticaCannotShow() throws IOException {
    ByteArrayOutputStream pdf = new ByteArrayOutputStream();
    StringWriter warnings = new StringWriter();

    CertificatePdf.Rendered rendered = CertificatePdf.render(Files.readAllBytes(json),
        new CertificatePdf.Names(json.getFileName().toString(), json.getFileName() + ".sig", "vault.pub.pem"), List.of(), false, pdf,
        new PrintWriter(warnings));

    assertEquals(null, rendered.font());
    String text = text(pdf.toByteArray());
    assertTrue(text.contains("Certificate of Deletion") && text.contains("authoritative") && text.contains(rendered.sha256()), text);
    assertTrue(text.contains("\\u30c6\\u30b9\\u30c8\\u5e02"), "テスト市 as escapes:\n" + text); // the client
    assertFalse(text.contains("削除"), text);
    assertTrue(rendered.pages() >= 1 && rendered.pages() <= 3, "pages: " + rendered.pages());
  }

  @Test
  void aFontFileThatIsNotAFont_isAUsageErrorWithFont_andSkippedFromTheEnvironment() throws IOException {
    Path notAFont = dir.resolve("font.ttf");
    Files.writeString(notAFont, "not a font");
    Path out = dir.resolve("cert.pdf");

    Cli.Result named = new Cli().run("cert", "pdf", json.toString(), "-o", out.toString(), "--font", notAFont.toString());
    assertEquals(2, named.exit(), named::toString);
    assertFalse(Files.exists(out));

    Cli.Result fromEnv = ok(new Cli().env(CertPdfCommand.FONT_ENV, notAFont.toString()).run("cert", "pdf", json.toString(), "-o",
        out.toString()));
    assertTrue(fromEnv.err().contains(notAFont.toString()), fromEnv::toString);
    assertTrue(text(Files.readAllBytes(out)).contains("authoritative"));
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

  private static String text(byte[] pdf) throws IOException {
    try (PDDocument document = Loader.loadPDF(pdf)) {
      return new PDFTextStripper().getText(document);
    }
  }
}
