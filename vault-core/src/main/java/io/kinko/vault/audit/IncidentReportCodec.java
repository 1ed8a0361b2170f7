package io.kinko.vault.audit;

import io.kinko.vault.CertificateBody;
import io.kinko.vault.Contract;
import io.kinko.vault.Incident;
import io.kinko.vault.IncidentReport;
import io.kinko.vault.IntegrityException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The one encoding of an {@link IncidentReport}: RFC 8785 canonical JSON out, a strict parse in
 * that accepts only what {@link #encode} writes, as {@link ReportCodec} does for monthly reports
 * (same times, same strict fields, same log proofs as certificates). Pure: no I/O.
 */
public final class IncidentReportCodec {
  private static final String WHAT = "the incident report";

  private IncidentReportCodec() {}

  /** The canonical JSON bytes of {@code report}: what is signed. */
  public static byte[] encode(IncidentReport report) {
    return CanonicalJson.encode(toJson(report));
  }

  /**
   * Reads an incident report's canonical JSON.
   *
   * @throws IntegrityException naming the field that is missing, unknown or malformed, or saying the bytes are not canonical JSON
   */
  public static IncidentReport parse(byte[] json) {
    JsonFields fields = JsonFields.canonical(json, WHAT);
    IncidentReport report;
    try {
      report = read(fields);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IntegrityException(WHAT + " has a malformed value: " + e.getMessage());
    }
    if (!Arrays.equals(encode(report), json)) {
      throw new IntegrityException(WHAT + " holds a value in a form Kinko does not write (a time or a date not in its canonical form)");
    }
    return report;
  }

  /** What the INCIDENT_REPORT entry that records an issued report says; the monthly report reads it back ({@link #RECORD}). */
  public static String record(IncidentReport report, String sha256) {
    return "incident report " + report.reportId() + " of incident " + report.incident().id() + ", rule " + report.incident().rule()
        + ", sha256 " + sha256;
  }

  /** The grammar of {@link #record}: report id, incident id, rule, SHA-256. */
  public static final java.util.regex.Pattern RECORD =
      java.util.regex.Pattern.compile("incident report ([0-9a-f]{32}) of incident (\\d+), rule ([a-z.-]+), sha256 ([0-9a-f]{64})");

  private static Map<String, Object> toJson(IncidentReport r) {
    IncidentReport.Summary i = r.incident();
    return ReportCodec.map("type", r.type(), "version", r.version(), "reportId", r.reportId(),
        "issuedAt", ReportCodec.time(r.issuedAt()), "issuedBy", r.issuedBy(), "vault", r.vault(),
        "contract", ReportCodec.map("id", r.contract().id(), "client", r.contract().client(), "contractor", r.contract().contractor(),
            "end", r.contract().end().toString()),
        "signingKey", ReportCodec.map("algorithm", r.signingKey().algorithm(), "fingerprint", r.signingKey().fingerprint(),
            "fingerprintOf", r.signingKey().fingerprintOf()),
        "tool", ReportCodec.map("name", r.tool().name(), "version", r.tool().version()),
        "incident", ReportCodec.map("id", i.id(), "rule", i.rule(), "severity", i.severity(), "meaningJa", i.meaningJa(),
            "meaningEn", i.meaningEn(), "detectedAt", ReportCodec.time(i.detectedAt()), "actor", i.actor(), "evidence", i.evidence(),
            "detail", i.detail(), "status", i.status().name()),
        "entry", LogProofs.json(r.entry()),
        "evidence", r.evidence().stream().map(p -> (Object) LogProofs.json(p)).toList(),
        "checkpoint", ReportCodec.map("treeSize", r.checkpoint().treeSize(), "note", r.checkpoint().checkpoint()),
        "actions", r.actions().stream().map(a -> (Object) ReportCodec.map("seq", a.seq(), "by", a.by(), "at", ReportCodec.time(a.at()),
            "note", a.note())).toList(),
        "cause", r.cause(), "impact", r.impact(), "prevention", r.prevention());
  }

  private static IncidentReport read(JsonFields f) {
    String type = f.text("type");
    if (!IncidentReport.TYPE.equals(type)) {
      throw f.refused("type", "is '" + type + "', not " + IncidentReport.TYPE);
    }
    long version = f.number("version");
    if (version != IncidentReport.VERSION) {
      throw f.refused("version", "is " + version + "; this Kinko reads version " + IncidentReport.VERSION);
    }
    JsonFields c = f.object("contract");
    Contract contract = c.done(new Contract(c.text("id"), c.text("client"), c.text("contractor"), ReportCodec.date(c, "end")));
    JsonFields k = f.object("signingKey");
    CertificateBody.KeyName key = k.done(new CertificateBody.KeyName(k.text("algorithm"), k.text("fingerprint"), k.text("fingerprintOf")));
    JsonFields t = f.object("tool");
    CertificateBody.Tool tool = t.done(new CertificateBody.Tool(t.text("name"), t.text("version")));
    JsonFields i = f.object("incident");
    IncidentReport.Summary incident = i.done(new IncidentReport.Summary(i.number("id"), i.text("rule"), i.number("severity"),
        i.text("meaningJa"), i.text("meaningEn"), ReportCodec.time(i, "detectedAt"), i.text("actor"), i.numbers("evidence"),
        i.text("detail"), Incident.Status.valueOf(i.text("status"))));
    JsonFields cp = f.object("checkpoint");
    CertificateBody.SignedCheckpoint checkpoint = cp.done(new CertificateBody.SignedCheckpoint(cp.number("treeSize"), cp.text("note")));
    List<IncidentReport.Taken> actions = f.objects("actions").stream().map(a -> a.done(new IncidentReport.Taken(a.number("seq"),
        a.text("by"), ReportCodec.time(a, "at"), a.text("note")))).toList();
    return f.done(new IncidentReport(type, version, f.text("reportId"), ReportCodec.time(f, "issuedAt"), f.text("issuedBy"), f.text("vault"),
        contract, key, tool, incident, LogProofs.read(f.object("entry")), f.objects("evidence").stream().map(LogProofs::read).toList(),
        checkpoint, actions, f.text("cause"), f.text("impact"), f.text("prevention")));
  }
}
