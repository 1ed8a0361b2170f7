package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.IncidentReport;
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
 * {@code kinko incident verify}: what the city runs on an incident report it receives. Needs the
 * vault's public key pinned by the auditor ({@link AuditorKey}); no password, no vault. Every
 * reason the report cannot be accepted exits with 5.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Verifies an incident report offline: the Ed25519 signature over the exact JSON bytes, its fields, its signed "
        + "log checkpoint, and each carried entry's inclusion proof against that checkpoint (the incident's own INCIDENT entry "
        + "and each evidence entry it names).",
        "Needs --key PEM or --key-fingerprint HEX. Any failure, a missing or unreadable file included, exits with 5."})
final class IncidentVerifyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Mixin
  AuditorKey key;

  @Parameters(index = "0", paramLabel = "REPORT", description = "The incident report's JSON file.")
  Path report;

  @Option(names = "--sig", paramLabel = "FILE", description = "The detached signature. Default: REPORT.sig.")
  Path sig;

  @Override
  public Integer call() {
    Output ui = Output.of(spec, global);
    AuditorKey.Pinned pinned = key.resolve(List.of(CertVerifyCommand.folderOf(report)));
    byte[] json = CertVerifyCommand.read(report, "incident report");
    byte[] signature = CertVerifyCommand.read(sig != null ? sig : CertVerifyCommand.signatureOf(report), "signature");
    IncidentReport.Verified verified = IncidentReport.verify(json, signature, pinned.pem());
    IncidentReport r = verified.report();
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("reportId", r.reportId());
      o.addProperty("incident", r.incident().id());
      o.addProperty("rule", r.incident().rule());
      o.addProperty("vault", r.vault());
      o.addProperty("treeSize", r.checkpoint().treeSize());
      o.addProperty("entriesProved", verified.entriesProved());
      o.addProperty("keyFingerprint", pinned.fingerprint().toString());
      o.addProperty("keyPinned", pinned.pinned());
      ui.print(o);
      return ExitCodes.OK;
    }
    ui.say("incident report " + r.reportId() + " verified: incident " + r.incident().id() + " (" + r.incident().rule() + "), signed, "
        + PutCommand.count(verified.entriesProved(), "log entry", "log entries") + " proved against the checkpoint of " + r.checkpoint().treeSize()
        + " entries");
    ui.say("vault: " + r.vault());
    ui.say(pinned.describe());
    return ExitCodes.OK;
  }
}
