package io.kinko.cli;

import static io.kinko.cli.CertifiedDeletionTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kinko incident list|ack|report|verify}, in-process against a vault with a planted
 * integrity failure (a flipped blob byte): the incident is listed, a worker may not acknowledge
 * it, the administrator does, and the report verifies with openssl and {@code incident verify}
 * while every altered file exits 5. No file name reaches the report or its PDF.
 */
class IncidentCommandTest {
  private static final String PLANTED = "山田花子の申請書.pdf";

  @TempDir Path dir;
  private Path vault;
  private Cli cli;
  private Path pem;
  private long id;

  @BeforeEach
  void vaultWithAnIncident() throws IOException {
    vault = dir.resolve("vault");
    cli = Cli.forVault(vault).init();
    Path file = Files.writeString(dir.resolve("source.txt"), "the record");
    ok(cli.run("put", file.toString(), "案件/" + PLANTED));
    pem = dir.resolve("vault.pub.pem");
    ok(cli.run("key", "export", "-o", pem.toString()));
    String fileId = JsonParser.parseString(ok(cli.run("ls", "案件", "--json")).out()).getAsJsonObject().getAsJsonArray("files").get(0)
        .getAsJsonObject().get("fileId").getAsString();
    Path blob = vault.resolve("blobs").resolve(fileId.substring(0, 2)).resolve(fileId);
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length - 2] ^= 1;
    Files.write(blob, bytes);
    assertEquals(5, cli.run("get", "案件/" + PLANTED, "-o", dir.resolve("out").toString()).exit());
    JsonArray incidents = list("--json");
    assertEquals(1, incidents.size());
    id = incidents.get(0).getAsJsonObject().get("id").getAsLong();
  }

  private JsonArray list(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "incident";
    all[1] = "list";
    System.arraycopy(args, 0, all, 2, args.length);
    return JsonParser.parseString(ok(cli.run(all)).out()).getAsJsonObject().getAsJsonArray("incidents");
  }

  @Test
  void list_showsItOpen_aWorkersAckIsDenied_theAdministratorsClosesIt() throws IOException {
    Cli.Result shown = ok(cli.run("incident", "list"));
    assertTrue(shown.out().contains("integrity.blob") && shown.out().contains("open"), shown::toString);
    JsonObject incident = list("--open", "--json").get(0).getAsJsonObject();
    assertEquals("OPEN", incident.get("status").getAsString());
    assertEquals(2, incident.get("severity").getAsInt());

    Path password = Files.writeString(dir.resolve("worker.pw"), "another long passphrase");
    ok(cli.run("user", "add", "worker1", "--role", "worker", "--new-password-file", password.toString()));
    Cli worker = Cli.forVault(vault).env("KINKO_USER", "worker1").env("KINKO_PASSWORD", "another long passphrase");
    assertEquals(4, worker.run("incident", "ack", Long.toString(id), "--note", "mine now").exit());
    assertEquals(4, worker.run("incident", "list").exit());

    Cli.Result acked = ok(cli.run("incident", "ack", Long.toString(id), "--note", "restored from backup"));
    assertTrue(acked.out().contains("incident " + id + " (integrity.blob) acknowledged by " + Cli.USER), acked::toString);
    assertEquals(0, list("--open", "--json").size());
    JsonObject closed = list("--json").get(0).getAsJsonObject();
    assertEquals("ACKNOWLEDGED", closed.get("status").getAsString());
    assertEquals("restored from backup", closed.getAsJsonArray("acknowledgements").get(0).getAsJsonObject().get("note").getAsString());
    assertTrue(ok(cli.run("log", "show", "--action", "INCIDENT_ACK")).out().contains("worker1"), "the denied ack is not in the log");

    assertEquals(1, cli.run("incident", "ack", "0", "--note", "x").exit(), "entry 0 is no incident");
    assertEquals(2, cli.run("incident", "ack", "x1", "--note", "x").exit());
    assertEquals(2, cli.run("incident", "ack", Long.toString(id)).exit(), "no --note");
    assertEquals(2, cli.run("incident", "ack", Long.toString(id), "--note", "two\nlines").exit());
  }

  @Test
  void report_isSignedJsonAndAPdfDraft_verifiedByOpensslAndIncidentVerify_andAlteredFilesExit5() throws Exception {
    ok(cli.run("incident", "ack", Long.toString(id), "--note", "disk replaced"));
    Path out = dir.resolve("reports");
    Cli.Result made = ok(cli.run("incident", "report", Long.toString(id), "-o", out.toString()));
    Path json = out.resolve("incident-" + id + ".json");
    Path sig = out.resolve("incident-" + id + ".json.sig");
    Path pdf = out.resolve("incident-" + id + ".pdf");
    assertTrue(Files.isRegularFile(json) && Files.isRegularFile(sig) && Files.isRegularFile(pdf), made::toString);

    assertEquals(0, Cli.openssl("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem.toString(), "-in", json.toString(),
        "-sigfile", sig.toString()));
    Cli.Result verified = ok(new Cli().run("incident", "verify", json.toString(), "--key", pem.toString()));
    assertTrue(verified.out().contains("incident " + id + " (integrity.blob), signed, 2 log entries proved"), verified::toString);

    String text = Files.readString(json);
    assertFalse(text.contains(PLANTED) || text.contains("案件"), "the report names the planted file");
    Path altered = dir.resolve("altered.json");
    Files.writeString(altered, text.replace("disk replaced", "disk replacer"));
    Files.copy(sig, Path.of(altered + ".sig"));
    Cli.Result bad = new Cli().run("incident", "verify", altered.toString(), "--key", pem.toString());
    assertEquals(5, bad.exit(), bad::toString);
    assertTrue(bad.err().contains("signature"), bad::toString);
    assertTrue(Cli.openssl("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem.toString(), "-in", altered.toString(),
        "-sigfile", sig.toString()) != 0);
    byte[] badSig = Files.readAllBytes(sig);
    badSig[3] ^= 1;
    Path badSigFile = Files.write(dir.resolve("bad.sig"), badSig);
    assertEquals(5, new Cli().run("incident", "verify", json.toString(), "--key", pem.toString(), "--sig", badSigFile.toString()).exit());
    assertEquals(5, new Cli().run("incident", "verify", dir.resolve("missing.json").toString(), "--key", pem.toString()).exit());

    String shown = pdfText(pdf);
    assertFalse(shown.contains(PLANTED), "the PDF names the planted file");
    for (String field : new String[] {"事故報告書", "Incident report", "integrity.blob", "原因", "Cause", "影響範囲", "再発防止策",
        "disk replaced", "kinko incident verify incident-" + id + ".json"}) {
      assertTrue(shown.contains(field), "the PDF lacks " + field + ":\n" + shown);
    }
    JsonObject parsed = JsonParser.parseString(text).getAsJsonObject();
    assertTrue(shown.contains(parsed.get("reportId").getAsString()), "the PDF lacks the report id");
    assertTrue(shown.contains(Long.toString(id)));

    // The monthly report lists it.
    String month = java.time.YearMonth.now(TimeArgument.ZONE).toString();
    ok(cli.run("report", "--month", month, "-o", dir.resolve("monthly").toString()));
    String monthly = Files.readString(dir.resolve("monthly").resolve("report-" + month + ".json"));
    assertTrue(monthly.contains(parsed.get("reportId").getAsString()), "the monthly report does not list the incident report");
    // Long hex wraps inside a table cell: compare without the line breaks.
    String monthlyPdf = pdfText(dir.resolve("monthly").resolve("report-" + month + ".pdf")).replace(" ", "");
    assertTrue(monthlyPdf.contains(parsed.get("reportId").getAsString()), monthlyPdf);
    assertTrue(monthlyPdf.contains("ACKNOWLEDGED"), monthlyPdf);
  }

  @Test
  void anAcknowledgementEditedWithH2sTools_isRefusedWithExit5_neverAChangedStatus() throws Exception {
    ok(cli.run("incident", "ack", Long.toString(id), "--note", "restored"));
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + vault.resolve("db").resolve("kinko"), "kinko", "");
         Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate("UPDATE log_entries SET entry = STRINGTOUTF8(REPLACE(UTF8TOSTRING(entry), 'incident " + id + "; note', 'incident 0; note')) "
          + "WHERE action = 'INCIDENT_ACK' AND UTF8TOSTRING(entry) LIKE '%ALLOW%'"));
    }
    Cli.Result refused = cli.run("incident", "list", "--open");
    assertEquals(5, refused.exit(), refused::toString);
    assertEquals(5, cli.run("log", "verify").exit());
  }

  private static String pdfText(Path pdf) throws IOException {
    try (PDDocument document = Loader.loadPDF(Files.readAllBytes(pdf))) {
      return new PDFTextStripper().getText(document).replaceAll("\\s+", " ");
    }
  }
}
