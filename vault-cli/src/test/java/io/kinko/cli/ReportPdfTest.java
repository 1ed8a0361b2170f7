package io.kinko.cli;

import static io.kinko.cli.CertifiedDeletionTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monthly report's readable copy ({@code report-YYYY-MM.pdf}): Japanese with English labels in
 * the bundled font, and every figure it prints taken from the signed JSON beside it.
 */
class ReportPdfTest {
  /** The PDF is kept here after the run, for a person to look at. */
  private static final Path ARTEFACTS = Path.of("target", "report-pdf");

  @TempDir Path dir;

  @Test
  void report_writesAJapanesePdf_whoseFiguresAndCheckpointAreTheSignedJsons() throws IOException {
    Cli cli = Cli.forVault(dir.resolve("vault")).init();
    ok(cli.run("put", Files.writeString(dir.resolve("a.txt"), "a").toString(), "台帳/a.txt"));
    Path pw = Files.writeString(dir.resolve("pw.txt"), "a worker's long passphrase\n");
    ok(cli.run("user", "add", "tanaka", "--role", "worker", "--new-password-file", pw.toString()));
    Cli worker = Cli.forVault(dir.resolve("vault")).env("KINKO_USER", "tanaka").env("KINKO_PASSWORD", "a worker's long passphrase");
    assertEquals(ExitCodes.ACCESS_DENIED, worker.run("get", "台帳/a.txt", "-o", dir.resolve("out.txt").toString()).exit(), "no grant");
    JsonObject rm = JsonParser.parseString(ok(cli.run("rm", "台帳/a.txt", "--yes", "--json", "--cert-out", dir.resolve("certs").toString()))
        .out()).getAsJsonObject();
    String month = YearMonth.now(TimeArgument.ZONE).toString();

    JsonObject made = JsonParser.parseString(ok(cli.run("report", "--month", month, "-o", dir.resolve("r").toString(), "--json")).out())
        .getAsJsonObject();

    Path pdf = Path.of(made.get("pdf").getAsString());
    Files.createDirectories(ARTEFACTS);
    Files.copy(pdf, ARTEFACTS.resolve("report.pdf"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertEquals(dir.resolve("r").resolve("report-" + month + ".pdf").toAbsolutePath(), pdf);
    JsonObject report = JsonParser.parseString(Files.readString(Path.of(made.get("file").getAsString()))).getAsJsonObject();
    String text = text(pdf).replaceAll("\\s+", " ");
    assertTrue(text.contains("個人情報取扱状況報告書") && text.contains("Monthly handling report"), text);
    assertTrue(text.contains("テスト市") && text.contains("金庫株式会社") && text.contains("R7-0042"), "the contract on the cover: " + text);
    assertTrue(text.contains("tanaka") && text.contains("拒否"), "the worker's refused read: " + text);
    assertTrue(text.contains(rm.getAsJsonObject("certificate").get("id").getAsString()), "the deletion's certificate: " + text);
    assertTrue(text.contains("木のサイズ / tree size: " + report.getAsJsonObject("checkpoint").get("treeSize").getAsLong()), text);
    assertTrue(text.contains(report.getAsJsonObject("signingKey").get("fingerprint").getAsString()), "the key fingerprint: " + text);
    assertTrue(text.contains(made.get("sha256").getAsString()), "the JSON's SHA-256: " + text);
    assertTrue(text.contains("kinko report verify report-" + month + ".json"), "the verify command: " + text);
    assertTrue(text.contains("作成者") && text.contains("保護管理者") && text.contains("確認者"), "signature boxes: " + text);
    String version = io.kinko.vault.CertificateBody.Tool.kinko().version();
    assertTrue(version.matches("\\d+\\.\\d+\\.\\d+") && text.contains("Kinko " + version), "the release version: " + version + " in " + text);
    assertFalse(text.contains("\\u") || text.contains(JapanesePdf.PLACEHOLDER), "every character drawn: " + text);
  }

  private static String text(Path pdf) throws IOException {
    try (PDDocument document = Loader.loadPDF(Files.readAllBytes(pdf))) {
      return new PDFTextStripper().getText(document);
    }
  }
}
