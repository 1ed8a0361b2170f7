package io.kinko.vault;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.List;
import java.util.Objects;

/**
 * The monthly handling-status report to the city (clause 10), as its signed JSON says it: one
 * record shared by the writer, the offline verifier and any renderer (PDF, HTML), never a map
 * read back by field name. Times are in the contract's zone ({@link Contract#ZONE}) with their
 * offset. The JSON is canonical (RFC 8785) and signed detached with the vault's Ed25519 key, so
 * <pre>openssl pkeyutl -verify -rawin -pubin -inkey vault.pub.pem -in report-2026-10.json -sigfile report-2026-10.json.sig</pre>
 * checks it with no Kinko code; {@link #verify} also checks its checkpoint and its consistency
 * with the previous report.
 *
 * @param period the month reported on, [from, to)
 * @param staff the designated staff: users holding a grant when the report was made
 * @param changes every change to users and grants logged in the period (allowed or refused)
 * @param users per actor of the period: logins, failed logins, lockouts and operations per action
 * @param certificates deletion, wipe and disposal certificates issued in the period
 * @param exports the period's exports (log archives, public key, transport packages)
 * @param incidents the period's INCIDENT entries
 * @param checkpoint the signed checkpoint of the log at the period's end, or at the report's time
 *     for a month not yet over
 * @param previous the previous report this one continues, or null for the first
 * @param incidentStatus the incidents detected in the period and their status when the report was
 *     made (version 2; empty in a version 1 report)
 * @param incidentReports the incident reports issued in the period (version 2; empty in a version 1 report)
 * @param transportPackages transport packages (clause 7) made in the period, received in it, or still
 *     in transit at its end, with their status when the report was made (version 3; empty before)
 */
public record MonthlyReport(String type, long version, Period period, Contract contract, String vault,
    CertificateBody.KeyName signingKey, CertificateBody.Tool tool, OffsetDateTime issuedAt, String issuedBy,
    List<Staff> staff, List<Event> changes, List<UserFigures> users, List<CertificateRef> certificates,
    List<Event> exports, List<Event> incidents, RetentionStatus retention, LogCheckpoint checkpoint, Previous previous,
    List<IncidentStatus> incidentStatus, List<IncidentReportRef> incidentReports, List<TransportPackage> transportPackages) {
  /** The value of {@code type}. */
  public static final String TYPE = "kinko-monthly-report";
  /**
   * The format version this code writes; it still reads version 1, which has no incident status or
   * incident reports, and version 2, which has no transport packages.
   */
  public static final long VERSION = 3;

  public MonthlyReport {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(signingKey, "signingKey");
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(issuedBy, "issuedBy");
    staff = List.copyOf(staff);
    changes = List.copyOf(changes);
    users = List.copyOf(users);
    certificates = List.copyOf(certificates);
    exports = List.copyOf(exports);
    incidents = List.copyOf(incidents);
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(checkpoint, "checkpoint");
    incidentStatus = List.copyOf(incidentStatus);
    incidentReports = List.copyOf(incidentReports);
    if (version < 2 && !(incidentStatus.isEmpty() && incidentReports.isEmpty())) {
      throw new IllegalArgumentException("a version " + version + " report has no incident status or incident reports");
    }
    transportPackages = List.copyOf(transportPackages);
    if (version < 3 && !transportPackages.isEmpty()) {
      throw new IllegalArgumentException("a version " + version + " report has no transport packages");
    }
  }

  /** A report of the fields version 2 has. */
  public MonthlyReport(String type, long version, Period period, Contract contract, String vault, CertificateBody.KeyName signingKey,
      CertificateBody.Tool tool, OffsetDateTime issuedAt, String issuedBy, List<Staff> staff, List<Event> changes, List<UserFigures> users,
      List<CertificateRef> certificates, List<Event> exports, List<Event> incidents, RetentionStatus retention, LogCheckpoint checkpoint,
      Previous previous, List<IncidentStatus> incidentStatus, List<IncidentReportRef> incidentReports) {
    this(type, version, period, contract, vault, signingKey, tool, issuedAt, issuedBy, staff, changes, users, certificates, exports,
        incidents, retention, checkpoint, previous, incidentStatus, incidentReports, List.of());
  }

  /**
   * A transport package as the report lists it: the export, its package, and whether a verified
   * receipt is recorded ({@code RECEIVED}: when, by which vault) or not ({@code IN_TRANSIT}, or
   * {@code NOT_WRITTEN} for an export that sealed no package).
   */
  public record TransportPackage(String exportId, long exportSeq, OffsetDateTime exportedAt, String exportedBy, long files,
      String packageSha256, String status, OffsetDateTime receivedAt, String receivedBy) {
    public TransportPackage {
      Objects.requireNonNull(exportId, "exportId");
      Objects.requireNonNull(exportedAt, "exportedAt");
      Objects.requireNonNull(exportedBy, "exportedBy");
      Objects.requireNonNull(status, "status");
    }
  }

  /** A report of the fields version 1 has. */
  public MonthlyReport(String type, long version, Period period, Contract contract, String vault, CertificateBody.KeyName signingKey,
      CertificateBody.Tool tool, OffsetDateTime issuedAt, String issuedBy, List<Staff> staff, List<Event> changes, List<UserFigures> users,
      List<CertificateRef> certificates, List<Event> exports, List<Event> incidents, RetentionStatus retention, LogCheckpoint checkpoint,
      Previous previous) {
    this(type, version, period, contract, vault, signingKey, tool, issuedAt, issuedBy, staff, changes, users, certificates, exports,
        incidents, retention, checkpoint, previous, List.of(), List.of(), List.of());
  }

  /**
   * An incident of the period (its INCIDENT entry's sequence is its id) and where it stood when the
   * report was made: {@code OPEN} or {@code ACKNOWLEDGED}, by whom and when first (null while open).
   */
  public record IncidentStatus(long id, String rule, long severity, OffsetDateTime detectedAt, String actor, Incident.Status status,
      String acknowledgedBy, OffsetDateTime acknowledgedAt) {
    public IncidentStatus {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(detectedAt, "detectedAt");
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(status, "status");
      if ((status == Incident.Status.OPEN) != (acknowledgedBy == null) || (acknowledgedBy == null) != (acknowledgedAt == null)) {
        throw new IllegalArgumentException("incident " + id + " is " + status + " but names " + (acknowledgedBy == null ? "no" : "an")
            + " acknowledgement");
      }
    }
  }

  /** An incident report (事故報告書) issued in the period, as its INCIDENT_REPORT entry recorded it. */
  public record IncidentReportRef(String reportId, long incident, String rule, OffsetDateTime issuedAt, String sha256) {
    public IncidentReportRef {
      Objects.requireNonNull(reportId, "reportId");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(issuedAt, "issuedAt");
      Objects.requireNonNull(sha256, "sha256");
    }
  }

  /** The month and its bounds: from the first instant of the month to the first of the next, in {@code zone}. */
  public record Period(YearMonth month, OffsetDateTime from, OffsetDateTime to, String zone) {
    public Period {
      Objects.requireNonNull(month, "month");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(zone, "zone");
    }

    /** The month {@code month} in the contract's zone. */
    public static Period of(YearMonth month) {
      return new Period(month, month.atDay(1).atStartOfDay(Contract.ZONE).toOffsetDateTime(),
          month.plusMonths(1).atDay(1).atStartOfDay(Contract.ZONE).toOffsetDateTime(), Contract.ZONE.getId());
    }
  }

  /** A user holding grants: their role, status and grants, each a path prefix as {@code kinko acl} shows it. */
  public record Staff(String user, Role role, AccountStatus status, List<StaffGrant> grants) {
    public Staff {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(status, "status");
      grants = List.copyOf(grants);
    }
  }

  /** One grant: the prefix ("" is the whole vault) and its permissions, in {@link Permission} order. */
  public record StaffGrant(String prefix, List<Permission> permissions) {
    public StaffGrant {
      Objects.requireNonNull(prefix, "prefix");
      permissions = List.copyOf(permissions);
    }
  }

  /** One log entry as the report cites it; {@code nameTag} is the keyed tag of the path acted on, or null. */
  public record Event(long seq, OffsetDateTime time, String actor, String action, String decision, String reason, String nameTag) {
    public Event {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(decision, "decision");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** What one actor did in the period. */
  public record UserFigures(String user, long logins, long failedLogins, long lockouts, List<Operation> operations) {
    public UserFigures {
      Objects.requireNonNull(user, "user");
      operations = List.copyOf(operations);
    }
  }

  /** How often an actor's {@code action} was allowed and refused in the period. */
  public record Operation(String action, long allowed, long denied) {
    public Operation {
      Objects.requireNonNull(action, "action");
    }
  }

  /** A certificate issued in the period: its id, kind label, time, operator and number of items. */
  public record CertificateRef(String id, String kind, OffsetDateTime issuedAt, String operator, long items) {
    public CertificateRef {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(issuedAt, "issuedAt");
      Objects.requireNonNull(operator, "operator");
    }
  }

  /**
   * How long the log is kept: the contract's end, the keep-until of the period's entries (one year
   * past the contract's end, or the configured minimum), and the oldest entry still stored (entries
   * before it were archived and pruned).
   */
  public record RetentionStatus(java.time.LocalDate contractEnd, OffsetDateTime keepUntil, long oldestSeq, OffsetDateTime oldestTime,
      long entriesInPeriod) {
    public RetentionStatus {
      Objects.requireNonNull(contractEnd, "contractEnd");
      Objects.requireNonNull(keepUntil, "keepUntil");
      Objects.requireNonNull(oldestTime, "oldestTime");
    }
  }

  /**
   * The signed checkpoint (C2SP signed note) of the log's first {@code treeSize} entries.
   *
   * @param at {@code "period-end"} (the entries logged before the period's end) or {@code "report-time"}
   *     (a month not over yet: every entry up to the report)
   */
  public record LogCheckpoint(String at, long treeSize, String note) {
    public static final String PERIOD_END = "period-end";
    public static final String REPORT_TIME = "report-time";

    public LogCheckpoint {
      if (!PERIOD_END.equals(at) && !REPORT_TIME.equals(at)) {
        throw new IllegalArgumentException("checkpoint 'at' is " + at + ", not " + PERIOD_END + " or " + REPORT_TIME);
      }
      Objects.requireNonNull(note, "note");
    }
  }

  /**
   * The report this one continues (of an earlier month, or made earlier in this one): its month, the
   * SHA-256 of its JSON bytes, its signed checkpoint and the RFC 9162 consistency proof (hex) from
   * that checkpoint's tree to this report's.
   */
  public record Previous(YearMonth month, String sha256, long treeSize, String checkpoint, List<String> consistencyProof) {
    public Previous {
      Objects.requireNonNull(month, "month");
      Objects.requireNonNull(sha256, "sha256");
      Objects.requireNonNull(checkpoint, "checkpoint");
      consistencyProof = List.copyOf(consistencyProof);
    }
  }

  /** A report the vault made: its model, where its files went and the SHA-256 of its JSON (also in the REPORT entry). */
  public record Issued(MonthlyReport report, Path json, Path signature, Path csv, String sha256) {
    public Issued {
      Objects.requireNonNull(report, "report");
      Objects.requireNonNull(json, "json");
      Objects.requireNonNull(signature, "signature");
      Objects.requireNonNull(csv, "csv");
      Objects.requireNonNull(sha256, "sha256");
    }
  }

  /**
   * What an offline verification found sound.
   *
   * @param previousChecked whether a previous report was given and the consistency proof checked against it
   */
  public record Verified(MonthlyReport report, String keyFingerprint, boolean previousChecked) {
    public Verified {
      Objects.requireNonNull(report, "report");
      Objects.requireNonNull(keyFingerprint, "keyFingerprint");
    }
  }

  /** The file name of a month's report JSON: {@code report-YYYY-MM.json}. */
  public static String fileName(YearMonth month) {
    return "report-" + month + ".json";
  }

  /**
   * Reads a report's JSON strictly, without verifying it (see {@link #verify}).
   *
   * @throws IntegrityException naming a field that is missing, unknown or malformed, or if the bytes are not canonical JSON
   */
  public static MonthlyReport parse(byte[] json) {
    return VaultProvider.installed().parseReport(json);
  }

  /**
   * Verifies a report offline with the vault's public key alone: the Ed25519 signature over the
   * exact JSON bytes, its shape, the key it names, its checkpoint's signature, the consistency
   * proof from the previous report's checkpoint it carries, and, with {@code previousJson}, that
   * this previous report is the one it names (SHA-256) and continues.
   *
   * @param publicKeyPem the vault's public key; the caller vouches for it (pin it with {@link KeyFingerprint#check})
   * @param previousJson the previous report's JSON as the city filed it, or null
   * @throws IntegrityException naming what does not verify
   */
  public static Verified verify(byte[] json, byte[] signature, String publicKeyPem, byte[] previousJson) {
    return VaultProvider.installed().verifyReport(json, signature, publicKeyPem, previousJson);
  }
}
