package io.kinko.vault.audit;

import io.kinko.vault.AccountStatus;
import io.kinko.vault.CertificateBody;
import io.kinko.vault.Contract;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.MonthlyReport;
import io.kinko.vault.MonthlyReport.CertificateRef;
import io.kinko.vault.MonthlyReport.Event;
import io.kinko.vault.MonthlyReport.LogCheckpoint;
import io.kinko.vault.MonthlyReport.Operation;
import io.kinko.vault.MonthlyReport.Previous;
import io.kinko.vault.MonthlyReport.RetentionStatus;
import io.kinko.vault.MonthlyReport.Staff;
import io.kinko.vault.MonthlyReport.StaffGrant;
import io.kinko.vault.MonthlyReport.UserFigures;
import io.kinko.vault.Permission;
import io.kinko.vault.Role;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one encoding of a {@link MonthlyReport}: RFC 8785 canonical JSON out, a strict parse in that
 * accepts only what {@link #encode} writes (no unknown or missing field, canonical bytes, times
 * with milliseconds and offset). Pure: no I/O.
 */
public final class ReportCodec {
  /** Times in a report: milliseconds and the offset, one text per instant and zone. */
  public static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");
  private static final String WHAT = "the report";

  private ReportCodec() {}

  /** The canonical JSON bytes of {@code report}: what is signed. */
  public static byte[] encode(MonthlyReport report) {
    return CanonicalJson.encode(toJson(report));
  }

  /**
   * Reads a report's canonical JSON.
   *
   * @throws IntegrityException naming the field that is missing, unknown or malformed, or saying the bytes are not canonical JSON
   */
  public static MonthlyReport parse(byte[] json) {
    JsonFields fields = JsonFields.canonical(json, WHAT);
    MonthlyReport report;
    try {
      report = read(fields);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IntegrityException("the report has a malformed value: " + e.getMessage());
    }
    if (!Arrays.equals(encode(report), json)) {
      throw new IntegrityException("the report holds a value in a form Kinko does not write (a time or a date not in its canonical form)");
    }
    return report;
  }

  // --- writing

  private static Map<String, Object> toJson(MonthlyReport r) {
    Map<String, Object> m = version1(r);
    if (r.version() >= 2) {
      m.put("incidentStatus", r.incidentStatus().stream().map(i -> (Object) map("id", i.id(), "rule", i.rule(), "severity", i.severity(),
          "detectedAt", time(i.detectedAt()), "actor", i.actor(), "status", i.status().name(), "acknowledgedBy", i.acknowledgedBy(),
          "acknowledgedAt", i.acknowledgedAt() == null ? null : time(i.acknowledgedAt()))).toList());
      m.put("incidentReports", r.incidentReports().stream().map(x -> (Object) map("reportId", x.reportId(), "incident", x.incident(),
          "rule", x.rule(), "issuedAt", time(x.issuedAt()), "sha256", x.sha256())).toList());
    }
    if (r.version() >= 3) {
      m.put("transportPackages", r.transportPackages().stream().map(x -> (Object) map("exportId", x.exportId(), "exportSeq", x.exportSeq(),
          "exportedAt", time(x.exportedAt()), "exportedBy", x.exportedBy(), "files", x.files(), "packageSha256", x.packageSha256(),
          "status", x.status(), "receivedAt", x.receivedAt() == null ? null : time(x.receivedAt()), "receivedBy", x.receivedBy())).toList());
    }
    return m;
  }

  private static Map<String, Object> version1(MonthlyReport r) {
    return map("type", r.type(), "version", r.version(),
        "period", map("month", r.period().month().toString(), "from", time(r.period().from()), "to", time(r.period().to()),
            "zone", r.period().zone()),
        "contract", map("id", r.contract().id(), "client", r.contract().client(), "contractor", r.contract().contractor(),
            "end", r.contract().end().toString()),
        "vault", r.vault(),
        "signingKey", map("algorithm", r.signingKey().algorithm(), "fingerprint", r.signingKey().fingerprint(),
            "fingerprintOf", r.signingKey().fingerprintOf()),
        "tool", map("name", r.tool().name(), "version", r.tool().version()),
        "issuedAt", time(r.issuedAt()), "issuedBy", r.issuedBy(),
        "staff", r.staff().stream().map(s -> map("user", s.user(), "role", s.role().name(), "status", s.status().name(),
            "grants", s.grants().stream().map(g -> map("prefix", g.prefix(),
                "permissions", g.permissions().stream().map(Permission::name).toList())).toList())).toList(),
        "changes", events(r.changes()),
        "users", r.users().stream().map(u -> map("user", u.user(), "logins", u.logins(), "failedLogins", u.failedLogins(),
            "lockouts", u.lockouts(), "operations", u.operations().stream()
                .map(o -> map("action", o.action(), "allowed", o.allowed(), "denied", o.denied())).toList())).toList(),
        "certificates", r.certificates().stream().map(c -> map("id", c.id(), "kind", c.kind(), "issuedAt", time(c.issuedAt()),
            "operator", c.operator(), "items", c.items())).toList(),
        "exports", events(r.exports()),
        "incidents", events(r.incidents()),
        "retention", map("contractEnd", r.retention().contractEnd().toString(), "keepUntil", time(r.retention().keepUntil()),
            "oldestSeq", r.retention().oldestSeq(), "oldestTime", time(r.retention().oldestTime()),
            "entriesInPeriod", r.retention().entriesInPeriod()),
        "checkpoint", map("at", r.checkpoint().at(), "treeSize", r.checkpoint().treeSize(), "note", r.checkpoint().note()),
        "previous", r.previous() == null ? null : map("month", r.previous().month().toString(), "sha256", r.previous().sha256(),
            "treeSize", r.previous().treeSize(), "checkpoint", r.previous().checkpoint(),
            "consistencyProof", r.previous().consistencyProof()));
  }

  private static List<Object> events(List<Event> events) {
    return events.stream().map(e -> (Object) map("seq", e.seq(), "time", time(e.time()), "actor", e.actor(), "action", e.action(),
        "decision", e.decision(), "reason", e.reason(), "nameTag", e.nameTag())).toList();
  }

  public static String time(OffsetDateTime t) {
    return TIME.format(t);
  }

  static Map<String, Object> map(Object... pairs) {
    Map<String, Object> m = new HashMap<>(); // values may be null (JSON null); CanonicalJson orders the keys
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], pairs[i + 1]);
    }
    return m;
  }

  // --- reading

  private static MonthlyReport read(JsonFields f) {
    String type = f.text("type");
    if (!MonthlyReport.TYPE.equals(type)) {
      throw f.refused("type", "is '" + type + "', not " + MonthlyReport.TYPE);
    }
    long version = f.number("version");
    if (version < 1 || version > MonthlyReport.VERSION) {
      throw f.refused("version", "is " + version + "; this Kinko reads versions 1 to " + MonthlyReport.VERSION);
    }
    JsonFields p = f.object("period");
    MonthlyReport.Period period = p.done(new MonthlyReport.Period(month(p, "month"), time(p, "from"), time(p, "to"), p.text("zone")));
    JsonFields c = f.object("contract");
    Contract contract = c.done(new Contract(c.text("id"), c.text("client"), c.text("contractor"), date(c, "end")));
    String vault = f.text("vault");
    JsonFields k = f.object("signingKey");
    CertificateBody.KeyName key = k.done(new CertificateBody.KeyName(k.text("algorithm"), k.text("fingerprint"), k.text("fingerprintOf")));
    JsonFields t = f.object("tool");
    CertificateBody.Tool tool = t.done(new CertificateBody.Tool(t.text("name"), t.text("version")));
    OffsetDateTime issuedAt = time(f, "issuedAt");
    String issuedBy = f.text("issuedBy");
    List<Staff> staff = f.objects("staff").stream().map(s -> s.done(new Staff(s.text("user"), Role.valueOf(s.text("role")),
        AccountStatus.valueOf(s.text("status")), s.objects("grants").stream().map(g -> g.done(new StaffGrant(g.text("prefix"),
            g.texts("permissions").stream().map(Permission::valueOf).toList()))).toList()))).toList();
    List<Event> changes = events(f, "changes");
    List<UserFigures> users = f.objects("users").stream().map(u -> u.done(new UserFigures(u.text("user"), u.number("logins"),
        u.number("failedLogins"), u.number("lockouts"), u.objects("operations").stream()
            .map(o -> o.done(new Operation(o.text("action"), o.number("allowed"), o.number("denied")))).toList()))).toList();
    List<CertificateRef> certificates = f.objects("certificates").stream().map(x -> x.done(new CertificateRef(x.text("id"),
        x.text("kind"), time(x, "issuedAt"), x.text("operator"), x.number("items")))).toList();
    List<Event> exports = events(f, "exports");
    List<Event> incidents = events(f, "incidents");
    JsonFields r = f.object("retention");
    RetentionStatus retention = r.done(new RetentionStatus(date(r, "contractEnd"), time(r, "keepUntil"), r.number("oldestSeq"),
        time(r, "oldestTime"), r.number("entriesInPeriod")));
    JsonFields cp = f.object("checkpoint");
    LogCheckpoint checkpoint = cp.done(new LogCheckpoint(cp.text("at"), cp.number("treeSize"), cp.text("note")));
    JsonFields pr = f.nullableObject("previous");
    Previous previous = pr == null ? null : pr.done(new Previous(month(pr, "month"), pr.text("sha256"), pr.number("treeSize"),
        pr.text("checkpoint"), pr.texts("consistencyProof")));
    List<MonthlyReport.IncidentStatus> incidentStatus = version < 2 ? List.of() : f.objects("incidentStatus").stream()
        .map(i -> i.done(new MonthlyReport.IncidentStatus(i.number("id"), i.text("rule"), i.number("severity"), time(i, "detectedAt"),
            i.text("actor"), io.kinko.vault.Incident.Status.valueOf(i.text("status")), i.nullableText("acknowledgedBy"),
            nullableTime(i, "acknowledgedAt")))).toList();
    List<MonthlyReport.IncidentReportRef> incidentReports = version < 2 ? List.of() : f.objects("incidentReports").stream()
        .map(x -> x.done(new MonthlyReport.IncidentReportRef(x.text("reportId"), x.number("incident"), x.text("rule"),
            time(x, "issuedAt"), x.text("sha256")))).toList();
    List<MonthlyReport.TransportPackage> transportPackages = version < 3 ? List.of() : f.objects("transportPackages").stream()
        .map(x -> x.done(new MonthlyReport.TransportPackage(x.text("exportId"), x.number("exportSeq"), time(x, "exportedAt"),
            x.text("exportedBy"), x.number("files"), x.nullableText("packageSha256"), x.text("status"), nullableTime(x, "receivedAt"),
            x.nullableText("receivedBy")))).toList();
    return f.done(new MonthlyReport(type, version, period, contract, vault, key, tool, issuedAt, issuedBy, staff, changes, users,
        certificates, exports, incidents, retention, checkpoint, previous, incidentStatus, incidentReports, transportPackages));
  }

  private static List<Event> events(JsonFields f, String name) {
    return f.objects(name).stream().map(e -> e.done(new Event(e.number("seq"), time(e, "time"), e.text("actor"), e.text("action"),
        e.text("decision"), e.text("reason"), e.nullableText("nameTag")))).toList();
  }

  static OffsetDateTime time(JsonFields f, String name) {
    OffsetDateTime t = parsed(f, name, text -> OffsetDateTime.parse(text, TIME), "a time like 2026-10-01T00:00:00.000+09:00");
    if (!t.getOffset().equals(Contract.ZONE.getRules().getOffset(t.toInstant()))) {
      throw f.refused(name, "is not a time in the contract's zone " + Contract.ZONE + ": " + ReportCodec.time(t));
    }
    return t;
  }

  private static OffsetDateTime nullableTime(JsonFields f, String name) {
    return f.nullableText(name) == null ? null : time(f, name);
  }

  static LocalDate date(JsonFields f, String name) {
    return parsed(f, name, LocalDate::parse, "a date like 2027-03-31");
  }

  private static YearMonth month(JsonFields f, String name) {
    return parsed(f, name, YearMonth::parse, "a month like 2026-10");
  }

  private static <T> T parsed(JsonFields f, String name, java.util.function.Function<String, T> parser, String what) {
    String text = f.text(name);
    try {
      return parser.apply(text);
    } catch (DateTimeException e) {
      throw f.refused(name, "is not " + what + ": " + text);
    }
  }
}
