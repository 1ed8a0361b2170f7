package io.kinko.cli;

import static io.kinko.cli.CertifiedDeletionTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates as earlier versions of Kinko wrote them (vault-core's test resources, see the README
 * there) verify and render through the same typed record; what is not a certificate is refused by
 * field, exit 5.
 */
class CertificateFormatsTest {
  /** vault-core's fixtures; Maven runs each module's tests in the module's folder. */
  private static final Path FIXTURES = Path.of("../vault-core/src/test/resources/io/kinko/vault/erase/certificates");

  @TempDir Path dir;

  @Test
  void anOlderCertificate_withoutSigningKeyOrCommitment_verifiesAndRendersItsSha256() throws IOException {
    Path json = FIXTURES.resolve("older-deletion.json");
    Path key = FIXTURES.resolve("older-vault.pub.pem");
    String sha256 = contentSha256(json);

    Cli.Result verified = ok(new Cli().run("cert", "verify", json.toString(), "--key", key.toString()));
    Cli.Result pdf = ok(new Cli().run("cert", "pdf", json.toString(), "-o", dir.resolve("older.pdf").toString(),
        "--key", key.toString()));

    assertTrue(verified.out().contains(" verified: deletion-certificate, 1 item, "), verified::toString);
    String text = text(dir.resolve("older.pdf")).replaceAll("\\s", "");
    assertTrue(text.contains("SHA-256" + sha256), text);
    assertTrue(pdf.out().startsWith("wrote "), pdf::toString);
  }

  @Test
  void wipeAndDisposalCertificates_ofTheUntypedWriter_renderUnderTheirOwnTitles() throws IOException {
    ok(new Cli().run("cert", "pdf", FIXTURES.resolve("wipe.json").toString(), "-o", dir.resolve("wipe.pdf").toString()));
    ok(new Cli().run("cert", "pdf", FIXTURES.resolve("disposal.json").toString(), "-o", dir.resolve("disposal.pdf").toString()));

    String wipe = text(dir.resolve("wipe.pdf"));
    String disposal = text(dir.resolve("disposal.pdf"));
    assertTrue(wipe.contains("Erasure") || wipe.contains("消去証明書"), wipe);
    assertTrue(wipe.contains("2 of 2 items passed"), wipe);
    assertTrue(disposal.contains("Disposal") || disposal.contains("廃棄証明書"), disposal);
    assertTrue(disposal.contains("keys/signing.key"), disposal);
  }

  @Test
  void aCertificateMissingAField_isNotRendered_andTheMessageNamesTheField() throws IOException {
    Path json = dir.resolve("edited.json");
    Files.writeString(json, Files.readString(FIXTURES.resolve("wipe.json")).replace("\"notWiped\":0,", ""));
    Path pdf = dir.resolve("edited.pdf");

    Cli.Result result = new Cli().run("cert", "pdf", json.toString(), "-o", pdf.toString());

    assertEquals(ExitCodes.INTEGRITY, result.exit(), result::toString);
    assertTrue(result.err().contains("'notWiped'"), result::toString);
    assertFalse(Files.exists(pdf), "a PDF was written of something that is not a certificate");
  }

  private static String contentSha256(Path json) throws IOException {
    return com.google.gson.JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("items").get(0)
        .getAsJsonObject().get("contentSha256").getAsString();
  }

  private static String text(Path pdf) throws IOException {
    try (PDDocument document = Loader.loadPDF(Files.readAllBytes(pdf))) {
      return new PDFTextStripper().getText(document);
    }
  }
}
