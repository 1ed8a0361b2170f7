package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.kinko.vault.AlertSink;
import io.kinko.vault.AlertSinkHealth;
import io.kinko.vault.Session;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code kinko alert list}: every sink (checked against the vault's state) with its health. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"Lists the alert sinks (administrators only) with how each is doing.",
        "Columns: ID, KIND, TARGET, HEALTH (ok, or failing: its last attempt failed or an alert waited over "
            + AlertSinkHealth.PENDING_BOUND_MINUTES + " minutes), PENDING (alerts not yet delivered), DETAILS."})
final class AlertListCommand extends VaultCommand {
  @Override
  int run(Session session, Context context) {
    List<AlertSink> sinks = session.administration().alertSinks();
    Map<String, AlertSinkHealth> health = session.vault().status().alerts().stream()
        .collect(Collectors.toMap(AlertSinkHealth::id, Function.identity()));
    if (ui.json()) {
      JsonArray a = new JsonArray();
      sinks.forEach(s -> a.add(json(s, health.get(s.id()))));
      JsonObject o = ui.object();
      o.add("sinks", a);
      ui.print(o);
      return ExitCodes.OK;
    }
    PrintWriter out = context.out();
    if (sinks.isEmpty()) {
      ui.say("no alert sinks: incidents are only in the log (kinko alert add ...)");
      return ExitCodes.OK;
    }
    String format = "%-8s  %-7s  %-40s  %-7s  %7s  %s%n";
    out.printf(format, "ID", "KIND", "TARGET", "HEALTH", "PENDING", "DETAILS");
    for (AlertSink s : sinks) {
      AlertSinkHealth h = health.get(s.id());
      out.printf(format, s.id(), s.kind().name().toLowerCase(Locale.ROOT), s.target(), h == null ? "-" : h.healthy() ? "ok" : "failing",
          h == null ? "-" : h.pending(), details(s, h));
    }
    return ExitCodes.OK;
  }

  private static String details(AlertSink s, AlertSinkHealth h) {
    StringBuilder d = new StringBuilder();
    if (s.kind() == AlertSink.Kind.SMTP) {
      d.append("to ").append(String.join(", ", s.to()));
      if (s.startTls()) {
        d.append("; STARTTLS required");
      }
      if (s.user() != null) {
        d.append("; AUTH ").append(s.user()).append(s.hasPassword() ? " (password sealed)" : "");
      }
    }
    if (h != null && h.lastError() != null) {
      d.append(d.length() == 0 ? "" : "; ").append("last error: ").append(h.lastError());
    }
    return d.length() == 0 ? "-" : d.toString();
  }

  /** A sink and its health as {@code alert list --json} and {@code alert add --json} print them. */
  static JsonObject json(AlertSink s, AlertSinkHealth h) {
    JsonObject o = new JsonObject();
    o.addProperty("id", s.id());
    o.addProperty("kind", s.kind().name().toLowerCase(Locale.ROOT));
    o.addProperty("target", s.target());
    o.add("to", Json.strings(s.to()));
    o.add("from", Json.text(s.from()));
    o.addProperty("startTls", s.startTls());
    o.add("user", Json.text(s.user()));
    o.addProperty("hasPassword", s.hasPassword());
    o.addProperty("fromSeq", s.fromSeq());
    o.addProperty("addedBy", s.addedBy());
    o.add("addedAt", Json.time(s.addedAt()));
    o.add("health", h == null ? JsonNull.INSTANCE : health(h));
    return o;
  }

  /** One sink's health as {@code status --json} and {@code alert list --json} print it. */
  static JsonObject health(AlertSinkHealth h) {
    JsonObject o = new JsonObject();
    o.addProperty("id", h.id());
    o.addProperty("kind", h.kind().name().toLowerCase(Locale.ROOT));
    o.addProperty("target", h.target());
    o.addProperty("healthy", h.healthy());
    o.add("lastOutcome", Json.text(h.lastOutcome()));
    o.add("lastAttemptAt", Json.time(h.lastAttemptAt()));
    o.add("lastError", Json.text(h.lastError()));
    o.addProperty("pending", h.pending());
    o.add("oldestPendingAt", Json.time(h.oldestPendingAt()));
    return o;
  }
}
