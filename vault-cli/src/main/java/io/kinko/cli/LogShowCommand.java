package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.LogEntry;
import io.kinko.vault.LogQuery;
import io.kinko.vault.Session;
import java.io.PrintWriter;
import java.time.Instant;
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
        "Columns: SEQ, TIME (the contract's time zone, to the second), ACTOR, ACTION, DECISION, FILE (first 12 hex digits of the file id, '-' if none), REASON."})
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

  @Override
  int run(Session session, Context context) {
    if (since != null && until != null && !since.isBefore(until)) {
      throw new UsageException("--since must be before --until");
    }
    String actionFilter = action == null ? null : action.strip().toUpperCase(Locale.ROOT);
    List<LogEntry> entries = session.logEntries(new LogQuery(since, until, actor, actionFilter));
    PrintWriter out = ui.text();
    if (ui.json()) {
      JsonArray array = new JsonArray();
      entries.forEach(e -> array.add(json(e)));
      JsonObject result = ui.object();
      result.add("entries", array);
      ui.print(result);
    } else {
      printTable(entries, out);
    }
    return ExitCodes.OK;
  }

  private static void printTable(List<LogEntry> entries, PrintWriter out) {
    int seqWidth = width("SEQ", entries.stream().mapToInt(e -> Long.toString(e.seq()).length()).max().orElse(0));
    int actorWidth = width("ACTOR", entries.stream().mapToInt(e -> e.actor().length()).max().orElse(0));
    int actionWidth = width("ACTION", entries.stream().mapToInt(e -> e.action().length()).max().orElse(0));
    String format = "%" + seqWidth + "s  %-26s  %-" + actorWidth + "s  %-" + actionWidth + "s  %-8s  %-" + FILE_ID_DIGITS + "s  %s%n";
    out.printf(format, "SEQ", "TIME", "ACTOR", "ACTION", "DECISION", "FILE", "REASON");
    for (LogEntry e : entries) {
      String time = Times.humanSeconds(e.time());
      String file = e.fileId() == null || e.fileId().isEmpty() ? "-"
          : e.fileId().substring(0, Math.min(FILE_ID_DIGITS, e.fileId().length()));
      out.printf(format, e.seq(), time, e.actor(), e.action(), e.decision(), file, printable(e.reason()));
    }
  }

  /** One entry's fields, and in {@code canonical} the exact canonical JSON that was hashed into the log. */
  private static JsonObject json(LogEntry e) {
    JsonObject o = new JsonObject();
    o.addProperty("seq", e.seq());
    o.add("time", Json.time(e.time()));
    o.addProperty("actor", e.actor());
    o.addProperty("action", e.action());
    o.addProperty("decision", e.decision());
    o.add("reason", Json.text(e.reason()));
    o.add("fileId", Json.text(e.fileId() == null || e.fileId().isEmpty() ? null : e.fileId()));
    o.add("nameTag", Json.text(e.nameTag() == null || e.nameTag().isEmpty() ? null : e.nameTag()));
    o.add("host", Json.text(e.host()));
    o.addProperty("pid", e.pid());
    o.add("application", Json.text(e.application()));
    o.add("address", Json.text(e.address()));
    o.add("keepUntil", Json.time(e.keepUntil()));
    o.addProperty("canonical", e.json());
    return o;
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
