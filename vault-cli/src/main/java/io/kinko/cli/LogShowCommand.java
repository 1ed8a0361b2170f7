package io.kinko.cli;

import io.kinko.vault.LogEntry;
import io.kinko.vault.LogQuery;
import io.kinko.vault.Session;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kinko log show}: access-log entries, as a table or as the exact canonical JSON that was
 * hashed into the log. The reason comes last on each line, so columns stay aligned whatever its
 * characters.
 */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = {"Prints access-log entries, oldest first. Reading the log is itself logged (LOG_SHOW).",
        "Columns: SEQ, TIME (UTC, to the second), ACTOR, ACTION, DECISION, FILE (first 12 hex digits of the file id, '-' if none), REASON."})
final class LogShowCommand extends VaultCommand {
  static final int FILE_ID_DIGITS = 12;

  @Option(names = "--since", paramLabel = "T", converter = TimeArgument.class,
      description = "Only entries at or after T. " + TimeArgument.HELP)
  Instant since;

  @Option(names = "--until", paramLabel = "T", converter = TimeArgument.class,
      description = "Only entries before T (same forms as --since).")
  Instant until;

  // Not --user: that option already says who runs the command.
  @Option(names = "--actor", paramLabel = "USER", description = "Only entries of this user (the ACTOR column).")
  String actor;

  @Option(names = "--action", paramLabel = "ACTION",
      description = "Only entries of this action, such as LOGIN, PUT, GET, LIST, LOG_PRUNE, INCIDENT (case does not matter).")
  String action;

  @Option(names = "--json", description = "Print each entry as one line of JSON (JSON Lines): the exact canonical JSON of the log.")
  boolean json;

  @Override
  int run(Session session, Context context) {
    if (since != null && until != null && !since.isBefore(until)) {
      throw new UsageException("--since must be before --until");
    }
    String actionFilter = action == null ? null : action.strip().toUpperCase(Locale.ROOT);
    List<LogEntry> entries = session.logEntries(new LogQuery(since, until, actor, actionFilter));
    PrintWriter out = context.out();
    if (json) {
      for (LogEntry entry : entries) {
        out.print(entry.json());
        out.print('\n');
      }
    } else {
      printTable(entries, out);
    }
    return ExitCodes.OK;
  }

  private static void printTable(List<LogEntry> entries, PrintWriter out) {
    int seqWidth = width("SEQ", entries.stream().mapToInt(e -> Long.toString(e.seq()).length()).max().orElse(0));
    int actorWidth = width("ACTOR", entries.stream().mapToInt(e -> e.actor().length()).max().orElse(0));
    int actionWidth = width("ACTION", entries.stream().mapToInt(e -> e.action().length()).max().orElse(0));
    String format = "%" + seqWidth + "s  %-20s  %-" + actorWidth + "s  %-" + actionWidth + "s  %-8s  %-" + FILE_ID_DIGITS + "s  %s%n";
    out.printf(format, "SEQ", "TIME", "ACTOR", "ACTION", "DECISION", "FILE", "REASON");
    for (LogEntry e : entries) {
      String time = DateTimeFormatter.ISO_INSTANT.format(e.time().truncatedTo(ChronoUnit.SECONDS));
      String file = e.fileId() == null || e.fileId().isEmpty() ? "-"
          : e.fileId().substring(0, Math.min(FILE_ID_DIGITS, e.fileId().length()));
      out.printf(format, e.seq(), time, e.actor(), e.action(), e.decision(), file, printable(e.reason()));
    }
  }

  /** A reason as one line: control characters (a newline, an escape sequence) would forge table rows. */
  static String printable(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(text.length());
    text.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }

  private static int width(String heading, int widest) {
    return Math.max(heading.length(), widest);
  }
}
