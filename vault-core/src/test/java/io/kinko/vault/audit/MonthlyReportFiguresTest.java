package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kinko.vault.LogEntry;
import io.kinko.vault.MonthlyReport;
import io.kinko.vault.incident.IncidentRules;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The monthly report's per-user figures, from the entries of its month. */
class MonthlyReportFiguresTest {
  private static final Instant AT = Instant.parse("2026-11-10T01:00:00Z");

  /**
   * A put that was allowed and whose commit was then refused (or whose outcome is unknown) has
   * its ALLOW entry and a DENY entry that records the failure: it counts once, as allowed, not
   * also as a refusal, which the city reads as access refused. A refusal still counts as one.
   */
  @Test
  void anAllowedPutThatThenFailed_countsOnceAsAllowed_andARefusalAsRefused() {
    List<LogEntry> entries = List.of(
        entry(0, "PUT", "ALLOW", "WRITE granted"),
        entry(1, "PUT", "DENY", IncidentRules.FAILED_AFTER_APPROVAL + "vault database error: SQLSTATE 40001"),
        entry(2, "PUT", "ALLOW", "WRITE granted"),
        entry(3, "PUT", "DENY", IncidentRules.UNKNOWN_AFTER_APPROVAL + "the change may be stored"),
        entry(4, "PUT", "DENY", "no WRITE on 'a'"));
    List<MonthlyReport.UserFigures> figures = MonthlyReports.figures(entries);
    assertEquals(List.of(new MonthlyReport.Operation("PUT", 2, 1)), figures.get(0).operations());
  }

  private static LogEntry entry(long seq, String action, String decision, String reason) {
    return new LogEntry(seq, AT, "tanaka", action, decision, reason, "file" + seq, null, "host", 1, "app", AT, "{}");
  }
}
