package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.IncidentReport;
import io.kinko.vault.Session;
import io.kinko.vault.VaultProvider;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kinko incident report}: the incident report for the city (事故報告書), signed like a
 * certificate, and a PDF draft the privacy manager completes by hand.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Writes up incident ID for the city into DIR: incident-ID.json (canonical JSON), its detached Ed25519 "
        + "signature incident-ID.json.sig and a Japanese/English PDF draft incident-ID.pdf (事故報告書) with empty sections for "
        + "the cause, the impact and the prevention of recurrence.",
        "The report carries the INCIDENT entry and each evidence entry with its inclusion proof against a checkpoint signed "
            + "now, and the acknowledgements so far; it holds no file name, content or secret. The monthly report lists it. "
            + "Administrators only; logged. Auditors check it offline with 'kinko incident verify'."})
final class IncidentReportCommand extends VaultCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The incident's id, as 'kinko incident list' shows it.")
  String id;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The folder for the report's files; created if absent.")
  Path output;

  private long incident;

  @Override
  void check(Context context) {
    incident = IncidentCommand.id(id);
    CertificateFiles.checkFolder(output);
  }

  @Override
  int run(Session session, Context context) throws IOException {
    IncidentReport.Signed signed = session.incidentReport(incident);
    String name = "incident-" + incident;
    Path json = VaultProvider.installed().writeSigned(output, name, signed.json(), signed.signature());
    Path pdf = output.resolve(name + ".pdf");
    ReportPdf.Rendered rendered;
    try (AtomicFile out = AtomicFile.beside(pdf)) {
      rendered = IncidentPdf.render(signed.report(), json.getFileName().toString(), signed.sha256(), out.output());
      out.commit();
    }
    if (rendered.missing() != null) {
      ui.warn("kinko: " + rendered.missing());
    }
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("incident", incident);
      o.addProperty("reportId", signed.report().reportId());
      o.addProperty("file", json.toAbsolutePath().toString());
      o.addProperty("signature", json.toAbsolutePath() + ".sig");
      o.addProperty("pdf", pdf.toAbsolutePath().toString());
      o.addProperty("sha256", signed.sha256());
      o.addProperty("treeSize", signed.report().checkpoint().treeSize());
      ui.print(o);
      return ExitCodes.OK;
    }
    ui.say("incident report " + signed.report().reportId() + " on incident " + incident + " written to " + json.toAbsolutePath().getParent());
    ui.say("  report:    " + json.getFileName() + " (SHA-256 " + signed.sha256() + ")");
    ui.say("  signature: " + json.getFileName() + ".sig");
    ui.say("  draft:     " + pdf.getFileName() + " (" + PutCommand.count(rendered.pages(), "page") + "; fill in the cause, impact and "
        + "prevention, then sign)");
    ui.say("  " + PutCommand.count(1 + signed.report().evidence().size(), "log entry", "log entries") + " proved against the checkpoint of "
        + signed.report().checkpoint().treeSize() + " entries");
    return ExitCodes.OK;
  }
}
