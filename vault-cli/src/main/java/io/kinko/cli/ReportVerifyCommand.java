package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.MonthlyReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kinko report verify}: what the city runs on a report it receives. Needs the vault's public
 * key pinned by the auditor ({@link AuditorKey}); no password, no vault. Every reason the report
 * cannot be accepted exits with 5.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Verifies a monthly report offline: the Ed25519 signature over the exact JSON bytes, its fields, its signed "
        + "log checkpoint and the consistency proof from the previous report's checkpoint.",
        "With --previous (the report filed the month before), also that it is the report this one names and continues: "
            + "a vault rolled back behind a filed report cannot produce a report that passes.",
        "Needs --key PEM or --key-fingerprint HEX. Any failure, a missing or unreadable file included, exits with 5."})
final class ReportVerifyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Mixin
  AuditorKey key;

  @Parameters(index = "0", paramLabel = "REPORT", description = "The report's JSON file.")
  Path report;

  @Option(names = "--sig", paramLabel = "FILE", description = "The detached signature. Default: REPORT.sig.")
  Path sig;

  @Option(names = "--previous", paramLabel = "PREV.json", description = "The previous report as filed.")
  Path previous;

  @Override
  public Integer call() {
    Output ui = Output.of(spec, global);
    AuditorKey.Pinned pinned = key.resolve(List.of(CertVerifyCommand.folderOf(report)));
    byte[] json = CertVerifyCommand.read(report, "report");
    byte[] signature = CertVerifyCommand.read(sig != null ? sig : CertVerifyCommand.signatureOf(report), "signature");
    byte[] before = previous == null ? null : CertVerifyCommand.read(previous, "previous report");
    MonthlyReport.Verified verified = MonthlyReport.verify(json, signature, pinned.pem(), before);
    MonthlyReport r = verified.report();
    String continues = r.previous() == null ? null : r.previous().month().toString();
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("month", r.period().month().toString());
      o.addProperty("vault", r.vault());
      o.addProperty("treeSize", r.checkpoint().treeSize());
      o.addProperty("previous", continues);
      o.addProperty("previousChecked", verified.previousChecked());
      o.addProperty("keyFingerprint", pinned.fingerprint().toString());
      o.addProperty("keyPinned", pinned.pinned());
      ui.print(o);
      return ExitCodes.OK;
    }
    ui.say("report for " + r.period().month() + " verified: signed, checkpoint of " + r.checkpoint().treeSize() + " log entries"
        + (continues == null ? ", the first report" : verified.previousChecked()
            ? ", consistent with the previous report given (" + continues + ")"
            : ", consistent with the checkpoint of the report for " + continues + " it names (give --previous to check that report too)"));
    ui.say("vault: " + r.vault());
    ui.say(pinned.describe());
    return ExitCodes.OK;
  }
}
