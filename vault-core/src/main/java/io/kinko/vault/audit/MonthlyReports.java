package io.kinko.vault.audit;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.Action;
import io.kinko.vault.CertificateBody;
import io.kinko.vault.Contract;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogEntry;
import io.kinko.vault.LogQuery;
import io.kinko.vault.MonthlyReport;
import io.kinko.vault.MonthlyReport.Event;
import io.kinko.vault.MonthlyReport.LogCheckpoint;
import io.kinko.vault.MonthlyReport.Operation;
import io.kinko.vault.MonthlyReport.UserFigures;
import io.kinko.vault.VaultException;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.store.Database;
import io.kinko.vault.store.Durable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Makes the monthly report (clause 10) from the log: the period's figures, a checkpoint of the log
 * at the period's end signed now, and the consistency proof from the previous report's checkpoint.
 * The previous report is the one given, or the newest earlier one the vault stored in {@code
 * reports/}, checked against the SHA-256 its REPORT entry recorded. A log that does not contain
 * the previous report's tree (a rolled-back or rewritten vault) gets no report: an {@link
 * IntegrityException}, which the session's door logs as an INCIDENT.
 */
public final class MonthlyReports {
  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern STORED = Pattern.compile("report-(\\d{4}-\\d{2})\\.json");
  /** What the REPORT entry that records a report says: month, SHA-256 of the JSON, checkpoint size. */
  private static final Pattern RECORD = Pattern.compile("report (\\d{4}-\\d{2}) sha256 ([0-9a-f]{64}), checkpoint of (\\d+) entries");
  private static final Set<String> CHANGES = Set.of(Action.USER_ADD.name(), Action.USER_PASSWD.name(), Action.USER_LOCK.name(),
      Action.USER_UNLOCK.name(), Action.USER_DISABLE.name(), Action.GRANT.name(), Action.REVOKE.name(),
      // Credentials: a password set with the recovery key, the key replaced, a card enrolled or removed.
      Action.RECOVER.name(), Action.RECOVERY_ROTATE.name(), Action.TOKEN_ADD.name(), Action.TOKEN_REMOVE.name());
  private static final Set<String> EXPORTS = Set.of(Action.LOG_EXPORT.name(), Action.KEY_EXPORT.name(), "EXPORT");

  /** What the vault knows that the log does not hold: who it is, its staff and certificates, where reports are kept. */
  public record Source(String id, Contract contract, Retention retention, Path reports, Database database, AccessLog log,
      SigningKey key, Clock clock) {}

  private final Source vault;

  public MonthlyReports(Source vault) {
    this.vault = vault;
  }

  /**
   * Makes, signs and writes the report for {@code month} to {@code directory} and to the vault's
   * {@code reports/} folder.
   *
   * @param previousJson the previous report as filed with the city, or null to take the vault's stored one
   * @param staff the designated staff now; {@code certificates} every certificate the vault issued;
   *     {@code incidents} every incident with its status now (those detected in the period are reported)
   * @throws IntegrityException if the previous report is altered or not of this vault, or the log
   *     does not contain its checkpoint's tree
   * @throws VaultException if the month has not begun, or the files cannot be written
   */
  public MonthlyReport.Issued issue(YearMonth month, byte[] previousJson, Path directory, String issuer, List<MonthlyReport.Staff> staff,
      List<MonthlyReport.CertificateRef> certificates, List<MonthlyReport.IncidentStatus> incidents,
      List<MonthlyReport.TransportPackage> transportPackages) {
    MonthlyReport.Period period = MonthlyReport.Period.of(month);
    Instant now = vault.clock().instant();
    Instant to = period.to().toInstant();
    if (!period.from().toInstant().isBefore(now)) {
      throw new VaultException("the month " + month + " has not begun (it starts " + ReportCodec.time(period.from()) + ")");
    }
    byte[] previous = previousJson != null ? previousJson : stored(month).orElse(null);
    MonthlyReport before = previous == null ? null : previousOf(previous, month);
    boolean over = !to.isAfter(now);
    Signed signed = vault.database().durably(c -> sign(c, before, over ? to : null));
    List<LogEntry> entries = vault.log().entries(new LogQuery(period.from().toInstant(), to, null, null)).stream()
        .filter(e -> e.seq() < signed.size()).toList();
    MonthlyReport.Previous link = before == null ? null : new MonthlyReport.Previous(before.period().month(),
        ReportVerifier.sha256(previous), before.checkpoint().treeSize(), before.checkpoint().note(), signed.proof());
    Map<String, Object> named = SigningKey.named(vault.key().publicKey());
    MonthlyReport report = new MonthlyReport(MonthlyReport.TYPE, MonthlyReport.VERSION, period, vault.contract(), vault.id(),
        new CertificateBody.KeyName((String) named.get("algorithm"), (String) named.get("fingerprint"), (String) named.get("fingerprintOf")),
        CertificateBody.Tool.kinko(), zoned(now), issuer, staff,
        events(entries, e -> CHANGES.contains(e.action())), figures(entries),
        certificates.stream().filter(c -> !c.issuedAt().isBefore(period.from()) && c.issuedAt().isBefore(period.to())).toList(),
        events(entries, e -> EXPORTS.contains(e.action())), events(entries, e -> e.action().equals(Action.INCIDENT.name())),
        retention(entries, to), new LogCheckpoint(over ? LogCheckpoint.PERIOD_END : LogCheckpoint.REPORT_TIME, signed.size(),
            signed.note()), link,
        incidents.stream().filter(i -> !i.detectedAt().isBefore(period.from()) && i.detectedAt().isBefore(period.to())).toList(),
        incidentReports(entries), transportPackages.stream().filter(t -> concerns(t, period)).toList());
    byte[] json = ReportCodec.encode(report);
    byte[] signature = vault.key().sign(json);
    String name = MonthlyReport.fileName(month);
    Path csv = directory.resolve(name.replace(".json", ".csv"));
    try {
      Files.createDirectories(directory);
      // The vault's copy first: a report handed out is always one the next report can continue.
      Durable.write(vault.reports().resolve(name + ".sig"), signature);
      Durable.write(vault.reports().resolve(name), json);
      Durable.write(directory.resolve(name + ".sig"), signature);
      Durable.write(directory.resolve(name), json);
      Durable.write(csv, ReportCsv.of(report));
    } catch (IOException e) {
      throw new VaultException("cannot write the report for " + month + " to " + directory + ": " + e.getMessage(), e);
    }
    return new MonthlyReport.Issued(report, directory.resolve(name), directory.resolve(name + ".sig"), csv, ReportVerifier.sha256(json));
  }

  /** The reason of the REPORT entry that records an issued report: what finding it again checks. */
  public static String record(MonthlyReport.Issued issued) {
    return "report " + issued.report().period().month() + " sha256 " + issued.sha256() + ", checkpoint of "
        + issued.report().checkpoint().treeSize() + " entries";
  }

  /** The signed checkpoint of this report's tree and the consistency proof from the previous report's. */
  private record Signed(long size, String note, List<String> proof) {}

  /**
   * In one unit of work under the log head's lock: checks that the log contains the previous
   * report's tree, signs a checkpoint of the entries before {@code end} (all of them when null) and
   * proves it consistent with the previous one.
   */
  private Signed sign(Connection c, MonthlyReport before, Instant end) throws SQLException {
    long head = AccessLog.Head.lock(c).size();
    long size = end == null ? head : sizeBefore(c, end);
    try (DbNodeStore nodes = new DbNodeStore(c)) {
      MerkleTree tree = MerkleTree.snapshot(nodes, head);
      List<String> proof = List.of();
      if (before != null) {
        long m = before.checkpoint().treeSize();
        Checkpoint previous = ReportVerifier.checkpoint(before.checkpoint().note(), vault.id(), vault.key().publicKey(),
            "the previous report's checkpoint");
        String what = "the previous report's checkpoint (" + before.period().month() + ", " + m + " entries)";
        if (head < m) {
          throw new IntegrityException(IncidentRule.INTEGRITY_ROLLBACK, "the access log holds " + head + " entries, fewer than " + what
              + ": the vault was rolled back or replaced");
        }
        if (!Arrays.equals(tree.root(m), previous.rootHash())) {
          throw new IntegrityException(IncidentRule.INTEGRITY_ROLLBACK, "the access log's first " + m + " entries do not match " + what
              + ": the vault was rolled back or its log rewritten");
        }
        if (size < m) {
          throw new VaultException("the previous report (" + before.period().month() + ") covers " + m + " entries, more than the "
              + size + " logged before this report's period ends: give an earlier report as the previous one");
        }
        List<byte[]> hashes = tree.consistencyProof(m, size);
        try {
          // The proof reads inner nodes between the two sizes that neither root reads: held to both
          // roots here, as the report's auditor will hold it, before anything is signed or written.
          Merkle.verifyConsistency(m, size, hashes, previous.rootHash(), tree.root(size));
        } catch (VerificationException e) {
          throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the access log's tree between " + what + " and its first " + size
              + " entries does not prove one contains the other (" + e.getMessage() + "): the database was edited outside Kinko; no report was made");
        }
        proof = hashes.stream().map(HEX::formatHex).toList();
      }
      LogCheckpoints.Signed signed = LogCheckpoints.findOrSign(c, tree, size, LogCheckpoints.origin(vault.id()), vault.key(),
          vault.clock());
      return new Signed(size, new String(signed.note(), StandardCharsets.UTF_8), proof);
    }
  }

  private static long sizeBefore(Connection c, Instant end) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT MAX(seq) FROM log_entries WHERE logged_at < ?")) {
      s.setLong(1, end.toEpochMilli());
      try (ResultSet r = s.executeQuery()) {
        r.next();
        long last = r.getLong(1);
        if (r.wasNull()) {
          throw new VaultException("no stored log entry was logged before " + end + ": the period lies before the log (or was pruned)");
        }
        return last + 1;
      }
    }
  }

  /**
   * The previous report, read strictly: of this vault, for an earlier month or an earlier report
   * of the same month.
   */
  private MonthlyReport previousOf(byte[] json, YearMonth month) {
    MonthlyReport before;
    try {
      before = ReportCodec.parse(json);
    } catch (IntegrityException e) {
      throw new IntegrityException("the previous report: " + e.getMessage());
    }
    if (!before.vault().equals(vault.id())) {
      throw new IntegrityException("the previous report is of vault " + before.vault() + ", not of this vault " + vault.id());
    }
    if (before.period().month().isAfter(month)) {
      // The same month is allowed: a report made while the month ran, continued by the final one.
      throw new VaultException("the previous report is for " + before.period().month() + ", later than " + month);
    }
    return before;
  }

  /**
   * The newest report the vault stored for a month before {@code month}, checked against its
   * signature and against the SHA-256 its REPORT entry recorded, so a swapped file is caught.
   */
  private Optional<byte[]> stored(YearMonth month) {
    Optional<YearMonth> newest;
    try (Stream<Path> files = Files.list(vault.reports())) {
      newest = files.map(p -> STORED.matcher(p.getFileName().toString())).filter(Matcher::matches).map(m -> parseMonth(m.group(1)))
          .filter(m -> m != null && m.isBefore(month)).max(YearMonth::compareTo);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new VaultException("cannot read " + vault.reports() + ": " + e.getMessage(), e);
    }
    if (newest.isEmpty()) {
      return Optional.empty();
    }
    String name = MonthlyReport.fileName(newest.get());
    byte[] json;
    byte[] signature;
    try {
      json = Files.readAllBytes(vault.reports().resolve(name));
      signature = Files.readAllBytes(vault.reports().resolve(name + ".sig"));
    } catch (IOException e) {
      throw new IntegrityException("the vault's stored report " + name + " cannot be read: " + e.getMessage());
    }
    ReportVerifier.requireSigned(vault.key().publicKey(), json, signature, "the vault's stored report " + name + " (altered?)");
    String sha256 = ReportVerifier.sha256(json);
    Optional<String> recorded = lastRecorded(newest.get());
    if (recorded.isPresent() && !recorded.get().equals(sha256)) {
      throw new IntegrityException("the vault's stored report " + name + " has SHA-256 " + sha256 + ", but its REPORT entry recorded "
          + recorded.get() + ": the file was swapped");
    }
    return Optional.of(json);
  }

  /** The SHA-256 the newest REPORT entry recorded for {@code month}'s report (a report made again replaces the one before). */
  private Optional<String> lastRecorded(YearMonth month) {
    String hash = null;
    for (LogEntry e : vault.log().entries(new LogQuery(null, null, null, Action.REPORT.name()))) {
      Matcher m = RECORD.matcher(e.reason() == null ? "" : e.reason());
      if (m.matches() && m.group(1).equals(month.toString())) {
        hash = m.group(2);
      }
    }
    return Optional.ofNullable(hash);
  }

  private static YearMonth parseMonth(String text) {
    try {
      return YearMonth.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  // --- the figures: pure

  static List<Event> events(List<LogEntry> entries, java.util.function.Predicate<LogEntry> which) {
    return entries.stream().filter(which).map(e -> new Event(e.seq(), zoned(e.time()), e.actor(), e.action(), e.decision(),
        e.reason() == null ? "" : e.reason(), e.nameTag())).toList();
  }

  /** Does the period's report list this package: made in it, received in it, or not received by its end? */
  static boolean concerns(MonthlyReport.TransportPackage t, MonthlyReport.Period period) {
    boolean madeBeforeEnd = t.exportedAt().isBefore(period.to());
    boolean madeIn = !t.exportedAt().isBefore(period.from()) && madeBeforeEnd;
    boolean receivedIn = t.receivedAt() != null && !t.receivedAt().isBefore(period.from()) && t.receivedAt().isBefore(period.to());
    boolean openAtEnd = madeBeforeEnd && (t.receivedAt() == null ? !"NOT_WRITTEN".equals(t.status()) : !t.receivedAt().isBefore(period.to()));
    return madeIn || receivedIn || openAtEnd;
  }

  /** The incident reports issued in the period, as their INCIDENT_REPORT entries recorded them. */
  static List<MonthlyReport.IncidentReportRef> incidentReports(List<LogEntry> entries) {
    List<MonthlyReport.IncidentReportRef> out = new ArrayList<>();
    for (LogEntry e : entries) {
      Matcher m = IncidentReportCodec.RECORD.matcher(e.reason() == null ? "" : e.reason());
      if (e.action().equals(Action.INCIDENT_REPORT.name()) && "ALLOW".equals(e.decision()) && m.matches()) {
        out.add(new MonthlyReport.IncidentReportRef(m.group(1), Long.parseLong(m.group(2)), m.group(3), zoned(e.time()), m.group(4)));
      }
    }
    return out;
  }

  /**
   * Per actor: logins, failed logins, lockouts, and every action's allowed and refused count. Sorted
   * by actor and action. An allowed act that then failed (its commit refused) counts once, as
   * allowed: the DENY entry that records the failure is no refusal.
   */
  static List<UserFigures> figures(List<LogEntry> entries) {
    Map<String, Map<String, long[]>> byUser = new TreeMap<>();
    for (LogEntry e : entries) {
      if (io.kinko.vault.incident.IncidentRules.failedAfterApproval(e)) {
        continue;
      }
      long[] counts = byUser.computeIfAbsent(e.actor(), u -> new TreeMap<>()).computeIfAbsent(e.action(), a -> new long[2]);
      counts["ALLOW".equals(e.decision()) ? 0 : 1]++;
    }
    List<UserFigures> out = new ArrayList<>();
    byUser.forEach((user, actions) -> {
      long[] login = actions.getOrDefault(Action.LOGIN.name(), new long[2]);
      long[] lockout = actions.getOrDefault(Action.LOCKOUT.name(), new long[2]);
      out.add(new UserFigures(user, login[0], login[1], lockout[0] + lockout[1], actions.entrySet().stream()
          .map(a -> new Operation(a.getKey(), a.getValue()[0], a.getValue()[1])).toList()));
    });
    return out;
  }

  private MonthlyReport.RetentionStatus retention(List<LogEntry> entries, Instant periodEnd) {
    Instant keepUntil = entries.stream().map(LogEntry::keepUntil).filter(java.util.Objects::nonNull).max(Instant::compareTo)
        .orElse(vault.retention().keepUntil(periodEnd));
    long[] oldest = vault.database().inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT seq, logged_at FROM log_entries ORDER BY seq")) {
        s.setMaxRows(1);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? new long[] {r.getLong(1), r.getLong(2)} : new long[] {0, periodEnd.toEpochMilli()};
        }
      }
    });
    return new MonthlyReport.RetentionStatus(vault.contract().end(), zoned(keepUntil), oldest[0], zoned(Instant.ofEpochMilli(oldest[1])),
        entries.size());
  }

  /** An instant in the contract's zone, to the millisecond. */
  public static OffsetDateTime zoned(Instant t) {
    return t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).atZone(Contract.ZONE).toOffsetDateTime();
  }
}
