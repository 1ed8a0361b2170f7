package io.kinko.vault.audit;

import io.kinko.vault.Action;
import io.kinko.vault.IncidentReport;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogEntry;
import io.kinko.vault.crypto.SigningKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks an incident report offline, with the vault's public key alone, as {@link ReportVerifier}
 * checks a monthly report: the signature over the exact bytes, the strict shape, the key it names,
 * its checkpoint's signature, and each carried entry's inclusion proof against that checkpoint.
 * The incident entry must be the INCIDENT the report is about, and the evidence the entries its
 * summary names, so a report cannot pair a true entry with another incident's story.
 */
public final class IncidentReportVerifier {
  private IncidentReportVerifier() {}

  /** @throws IntegrityException naming what does not verify */
  public static IncidentReport.Verified verify(byte[] json, byte[] signature, String publicKeyPem) {
    byte[] publicKey = ReportVerifier.publicKey(publicKeyPem);
    ReportVerifier.requireSigned(publicKey, json, signature, "the incident report's signature");
    IncidentReport report = IncidentReportCodec.parse(json);
    String what = "the report on incident " + report.incident().id();
    SigningKey.checkNamed(report.signingKey().fingerprint(), publicKey, what);
    Checkpoint checkpoint = ReportVerifier.checkpoint(report.checkpoint().checkpoint(), report.vault(), publicKey, what + "'s checkpoint");
    if (checkpoint.size() != report.checkpoint().treeSize()) {
      throw new IntegrityException(what + " says its checkpoint is of " + report.checkpoint().treeSize() + " entries, but it signs "
          + checkpoint.size());
    }
    try {
      LogEntry incident = LogProofs.verify(report.entry(), checkpoint, report.vault(), what + ", its INCIDENT entry");
      if (incident.seq() != report.incident().id() || !incident.action().equals(Action.INCIDENT.name())) {
        throw new IntegrityException(what + " carries entry " + incident.seq() + " (" + incident.action() + "), not INCIDENT "
            + report.incident().id());
      }
      List<Long> proved = new ArrayList<>();
      for (var evidence : report.evidence()) {
        proved.add(LogProofs.verify(evidence, checkpoint, report.vault(), what + ", evidence entry " + evidence.seq()).seq());
      }
      if (!proved.equals(report.incident().evidence())) {
        throw new IntegrityException(what + " names evidence " + report.incident().evidence() + " but carries entries " + proved);
      }
    } catch (FormatException | VerificationException e) {
      throw new IntegrityException(what + " does not tie to the log: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IntegrityException(what + " has a malformed value: " + e.getMessage());
    }
    return new IncidentReport.Verified(report, SigningKey.fingerprint(publicKey), 1 + report.evidence().size());
  }
}
