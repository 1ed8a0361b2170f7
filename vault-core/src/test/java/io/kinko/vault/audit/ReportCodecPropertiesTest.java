package io.kinko.vault.audit;

import static io.kinko.vault.audit.JsonEdits.edited;
import static io.kinko.vault.audit.JsonEdits.object;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.kinko.vault.AccountStatus;
import io.kinko.vault.CertificateBody;
import io.kinko.vault.Contract;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.MonthlyReport;
import io.kinko.vault.Permission;
import io.kinko.vault.Role;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random monthly reports: encode, parse and encode again give the same bytes and an equal record;
 * a report with a field added, a value of the wrong type or a time in another form is refused and
 * the field named; the CSV quotes as RFC 4180 says.
 */
class ReportCodecPropertiesTest {
  @Test
  void anyReport_encodesParsesAndEncodesToTheSameBytes() {
    qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
      MonthlyReport report = report(new Random(seed));
      byte[] json = ReportCodec.encode(report);
      MonthlyReport parsed = ReportCodec.parse(json);
      assertEquals(report, parsed);
      assertArrayEquals(json, ReportCodec.encode(parsed));
    });
  }

  @Test
  void parse_ofAReportWithAnAddedWrongOrRewrittenField_isRefusedAndNamesIt() {
    byte[] json = ReportCodec.encode(report(new Random(7)));
    assertRefused("unknown field 'retention.extra'", edited(json, m -> object(m, "retention").put("extra", 1L)));
    assertRefused("'checkpoint.treeSize' is not an integer", edited(json, m -> object(m, "checkpoint").put("treeSize", "12")));
    assertRefused("lacks the required field 'previous'", edited(json, m -> m.remove("previous")));
    assertRefused("'issuedAt' is not a time", edited(json, m -> m.put("issuedAt", "2026-10-01T00:00+09:00")));
    assertRefused("version", edited(json, m -> m.put("version", 4L)));
    assertRefused("version", edited(json, m -> m.put("version", 0L)));
    // Version 2 added the incidents' status and the incident reports: required there, unknown in version 1.
    byte[] v2 = ReportCodec.encode(report(new Random(7), 2));
    assertRefused("lacks the required field 'incidentStatus'", edited(v2, m -> m.remove("incidentStatus")));
    assertRefused("lacks the required field 'incidentReports'", edited(v2, m -> m.remove("incidentReports")));
    // Version 3 added the transport packages: required there, unknown in version 2.
    byte[] v3 = ReportCodec.encode(report(new Random(7), 3));
    assertRefused("lacks the required field 'transportPackages'", edited(v3, m -> m.remove("transportPackages")));
    assertRefused("unknown field 'transportPackages'", edited(v2, m -> m.put("transportPackages", List.of())));
    byte[] v1 = ReportCodec.encode(report(new Random(7), 1));
    assertRefused("unknown field 'incidentStatus'", edited(v1, m -> m.put("incidentStatus", List.of())));
    String text = new String(json, StandardCharsets.UTF_8);
    assertRefused("not canonical", text.replaceFirst("\\{", "{ ").getBytes(StandardCharsets.UTF_8));
    // The same instant in another offset: every time of a report is in the contract's zone.
    assertRefused("contract's zone", edited(json, m -> m.put("issuedAt",
        ReportCodec.TIME.format(java.time.OffsetDateTime.parse((String) m.get("issuedAt"), ReportCodec.TIME)
            .withOffsetSameInstant(java.time.ZoneOffset.UTC)))));
  }

  private static void assertRefused(String expected, byte[] json) {
    IntegrityException e = assertThrows(IntegrityException.class, () -> ReportCodec.parse(json));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void csv_quotesCommasQuotesAndLineBreaks_only() {
    assertEquals("plain", ReportCsv.quoted("plain"));
    assertEquals("\"a,b\"", ReportCsv.quoted("a,b"));
    assertEquals("\"say \"\"hi\"\"\"", ReportCsv.quoted("say \"hi\""));
    assertEquals("\"a\r\nb\"", ReportCsv.quoted("a\r\nb"));
  }

  @Test
  void aVersion1Report_asOlderKinkoWroteIt_stillReadsToTheSameBytes() {
    qt().withExamples(100).forAll(longs().all()).checkAssert(seed -> {
      byte[] json = ReportCodec.encode(report(new Random(seed), 1));
      assertTrue(!new String(json, StandardCharsets.UTF_8).contains("incidentStatus"), "a version 1 report grew version 2's fields");
      assertArrayEquals(json, ReportCodec.encode(ReportCodec.parse(json)));
    });
  }

  static MonthlyReport report(Random r) {
    return report(r, 1 + r.nextInt(3));
  }

  static MonthlyReport report(Random r, long version) {
    MonthlyReport v = base(r);
    List<MonthlyReport.IncidentStatus> status = new ArrayList<>();
    List<MonthlyReport.IncidentReportRef> reports = new ArrayList<>();
    for (int i = version < 2 ? 0 : r.nextInt(3); i > 0; i--) {
      boolean open = r.nextBoolean();
      status.add(new MonthlyReport.IncidentStatus(r.nextInt(1000), "integrity.blob", 2, time(r), text(r),
          open ? io.kinko.vault.Incident.Status.OPEN : io.kinko.vault.Incident.Status.ACKNOWLEDGED, open ? null : text(r), open ? null : time(r)));
      reports.add(new MonthlyReport.IncidentReportRef("0a".repeat(16), r.nextInt(1000), "auth.lockout", time(r), "ab".repeat(32)));
    }
    List<MonthlyReport.TransportPackage> packages = new ArrayList<>();
    for (int i = version < 3 ? 0 : r.nextInt(3); i > 0; i--) {
      boolean received = r.nextBoolean();
      packages.add(new MonthlyReport.TransportPackage("1b".repeat(16), r.nextInt(1000), time(r), text(r), r.nextInt(50),
          r.nextBoolean() ? "cd".repeat(32) : null, received ? "RECEIVED" : "IN_TRANSIT", received ? time(r) : null,
          received ? "0123456789abcdef0123456789abcdef" : null));
    }
    return new MonthlyReport(v.type(), version, v.period(), v.contract(), v.vault(), v.signingKey(), v.tool(), v.issuedAt(), v.issuedBy(),
        v.staff(), v.changes(), v.users(), v.certificates(), v.exports(), v.incidents(), v.retention(), v.checkpoint(), v.previous(),
        status, reports, packages);
  }

  private static MonthlyReport base(Random r) {
    YearMonth month = YearMonth.of(2000 + r.nextInt(100), 1 + r.nextInt(12));
    MonthlyReport.Period period = MonthlyReport.Period.of(month);
    List<MonthlyReport.Staff> staff = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      staff.add(new MonthlyReport.Staff(text(r), Role.values()[r.nextInt(Role.values().length)],
          AccountStatus.values()[r.nextInt(AccountStatus.values().length)],
          List.of(new MonthlyReport.StaffGrant(r.nextBoolean() ? "" : text(r), List.of(Permission.READ, Permission.EXPORT)))));
    }
    List<MonthlyReport.UserFigures> users = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      users.add(new MonthlyReport.UserFigures(text(r), r.nextInt(100), r.nextInt(100), r.nextInt(3),
          List.of(new MonthlyReport.Operation(text(r), r.nextInt(1000), r.nextInt(10)))));
    }
    MonthlyReport.Previous previous = r.nextBoolean() ? null
        : new MonthlyReport.Previous(month.minusMonths(1), "ab".repeat(32), 1 + r.nextInt(1000), text(r), List.of("cd".repeat(32)));
    return new MonthlyReport(MonthlyReport.TYPE, MonthlyReport.VERSION, period,
        new Contract(text(r), text(r), text(r), LocalDate.of(2000 + r.nextInt(100), 1 + r.nextInt(12), 1 + r.nextInt(28))),
        "0123456789abcdef0123456789abcdef", new CertificateBody.KeyName("Ed25519", "ef".repeat(32), "SHA-256 of the DER SubjectPublicKeyInfo"),
        new CertificateBody.Tool("Kinko", "0.1.0"), time(r), text(r), staff, events(r), users,
        r.nextBoolean() ? List.of() : List.of(new MonthlyReport.CertificateRef(text(r), "deletion-certificate", time(r), text(r), 1 + r.nextInt(9))),
        events(r), events(r), new MonthlyReport.RetentionStatus(LocalDate.of(2027, 3, 31), time(r), r.nextInt(1000), time(r), r.nextInt(1000)),
        new MonthlyReport.LogCheckpoint(r.nextBoolean() ? MonthlyReport.LogCheckpoint.PERIOD_END : MonthlyReport.LogCheckpoint.REPORT_TIME,
            1 + r.nextInt(10_000), text(r) + "\n"), previous);
  }

  private static List<MonthlyReport.Event> events(Random r) {
    List<MonthlyReport.Event> out = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      out.add(new MonthlyReport.Event(r.nextInt(1_000_000), time(r), text(r), "GRANT", r.nextBoolean() ? "ALLOW" : "DENY", text(r),
          r.nextBoolean() ? null : text(r)));
    }
    return out;
  }

  private static java.time.OffsetDateTime time(Random r) {
    return MonthlyReports.zoned(Instant.ofEpochMilli(946_684_800_000L + (long) (r.nextDouble() * 3_000_000_000_000L)));
  }

  /** Text with the characters a report holds: Japanese, quotes, commas, a backslash. */
  private static String text(Random r) {
    String[] parts = {"山田", "申請書/2026", "a,b", "say \"hi\"", "\\", "tanaka", "R8-情報-0042", "横浜市"};
    return parts[r.nextInt(parts.length)] + r.nextInt(100);
  }
}
