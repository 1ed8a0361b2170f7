package io.kinko.vault.audit;

import io.kinko.vault.Action;
import io.kinko.vault.MonthlyReport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The per-user figures of a monthly report as CSV that Excel opens as it is: UTF-8 with a byte
 * order mark, CRLF line ends, RFC 4180 quoting. One row per actor: logins, failed logins,
 * lockouts, refusals, then one column per action of the period (its entries, allowed or refused),
 * in {@link Action} order. A view of the signed JSON, not signed itself. Pure: no I/O.
 */
public final class ReportCsv {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private ReportCsv() {}

  public static byte[] of(MonthlyReport report) {
    List<String> actions = report.users().stream().flatMap(u -> u.operations().stream()).map(MonthlyReport.Operation::action)
        .distinct().sorted(Comparator.comparingInt(ReportCsv::order).thenComparing(Comparator.naturalOrder())).toList();
    StringBuilder out = new StringBuilder();
    List<String> header = new ArrayList<>(List.of("month", "user", "logins", "failed_logins", "lockouts", "denied"));
    actions.forEach(a -> header.add(a.toLowerCase(java.util.Locale.ROOT)));
    row(out, header);
    for (MonthlyReport.UserFigures u : report.users()) {
      List<String> cells = new ArrayList<>(List.of(report.period().month().toString(), u.user(), Long.toString(u.logins()),
          Long.toString(u.failedLogins()), Long.toString(u.lockouts()),
          Long.toString(u.operations().stream().mapToLong(MonthlyReport.Operation::denied).sum())));
      for (String a : actions) {
        cells.add(Long.toString(u.operations().stream().filter(o -> o.action().equals(a)).mapToLong(o -> o.allowed() + o.denied()).sum()));
      }
      row(out, cells);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(BOM);
    bytes.writeBytes(out.toString().getBytes(StandardCharsets.UTF_8));
    return bytes.toByteArray();
  }

  private static int order(String action) {
    try {
      return Action.valueOf(action).ordinal();
    } catch (IllegalArgumentException e) {
      return Integer.MAX_VALUE; // an action of a later version: after the known ones
    }
  }

  private static void row(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(quoted(cells.get(i)));
    }
    out.append("\r\n");
  }

  /** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. */
  static String quoted(String cell) {
    if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\r') < 0 && cell.indexOf('\n') < 0) {
      return cell;
    }
    return '"' + cell.replace("\"", "\"\"") + '"';
  }
}
