package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.MonthlyReport;
import io.kinko.vault.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kinko report}: the monthly handling-status report to the city (clause 10), signed like a
 * certificate, with a checkpoint of the log and the consistency proof from the previous report.
 * {@code kinko report verify} checks one offline.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Writes the monthly handling report for --month to DIR: report-YYYY-MM.json (canonical JSON), its detached "
        + "Ed25519 signature report-YYYY-MM.json.sig, the per-user figures as report-YYYY-MM.csv (UTF-8 with BOM, for Excel) and a readable copy in Japanese with English "
        + "labels as report-YYYY-MM.pdf (個人情報取扱状況報告書).",
        "The report carries the signed checkpoint of the log at the month's end (at the report's time while the month is not "
            + "over) and the consistency proof from the previous report's checkpoint: --previous as filed with the city, or "
            + "the newest earlier report the vault kept. A vault whose log does not contain that checkpoint (rolled back or "
            + "rewritten) gets no report: an INCIDENT is logged and the command exits with 5. Administrators only; logged.",
        "Auditors check a report offline with 'kinko report verify'."},
    subcommands = {ReportVerifyCommand.class})
final class ReportCommand extends VaultCommand {
  @Option(names = "--month", paramLabel = "YYYY-MM", description = "The month to report on (Asia/Tokyo, the contract's zone).")
  String month;

  @Option(names = "--previous", paramLabel = "PREV.json", description = "The previous report as filed with the city. "
      + "Default: the newest earlier report the vault kept (or none, for the first report).")
  Path previous;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "The folder for the report's files; created if absent.")
  Path output;

  private YearMonth reported;

  @Override
  void check(Context context) {
    if (month == null || output == null) {
      throw new UsageException("give --month YYYY-MM and -o DIR (or 'report verify REPORT.json --key PEM')");
    }
    try {
      reported = YearMonth.parse(month);
    } catch (DateTimeParseException e) {
      throw new UsageException("--month: '" + month + "' is not a month like 2026-10");
    }
  }

  @Override
  int run(Session session, Context context) throws IOException {
    byte[] filed = previous == null ? null : Files.readAllBytes(previous);
    MonthlyReport.Issued issued = session.monthlyReport(reported, filed, output);
    MonthlyReport r = issued.report();
    Path pdf = issued.json().resolveSibling("report-" + r.period().month() + ".pdf");
    ReportPdf.Rendered rendered;
    try (AtomicFile out = AtomicFile.beside(pdf)) {
      rendered = ReportPdf.render(r, issued.json().getFileName().toString(), issued.sha256(), out.output());
      out.commit();
    }
    if (rendered.missing() != null) {
      ui.warn("kinko: " + rendered.missing());
    }
    String continues = r.previous() == null ? null : r.previous().month().toString();
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("month", r.period().month().toString());
      o.addProperty("file", issued.json().toAbsolutePath().toString());
      o.addProperty("signature", issued.signature().toAbsolutePath().toString());
      o.addProperty("csv", issued.csv().toAbsolutePath().toString());
      o.addProperty("pdf", pdf.toAbsolutePath().toString());
      o.addProperty("sha256", issued.sha256());
      o.addProperty("checkpointAt", r.checkpoint().at());
      o.addProperty("treeSize", r.checkpoint().treeSize());
      o.addProperty("previous", continues);
      ui.print(o);
      return ExitCodes.OK;
    }
    ui.say("report for " + r.period().month() + " written to " + issued.json().toAbsolutePath().getParent());
    ui.say("  report:    " + issued.json().getFileName() + " (SHA-256 " + issued.sha256() + ")");
    ui.say("  signature: " + issued.signature().getFileName());
    ui.say("  figures:   " + issued.csv().getFileName());
    ui.say("  readable:  " + pdf.getFileName() + " (" + PutCommand.count(rendered.pages(), "page") + ", Japanese with English labels)");
    ui.say("  checkpoint of " + r.checkpoint().treeSize() + " log entries (" + r.checkpoint().at() + "), "
        + (continues == null ? "the first report: no previous one" : "consistent with the report for " + continues));
    return ExitCodes.OK;
  }
}
