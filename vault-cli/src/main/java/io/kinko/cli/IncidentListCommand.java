package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.Incident;
import io.kinko.vault.Session;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kinko incident list}: the incidents, from the log, each entry checked against a signed checkpoint first. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"Lists the incidents, oldest first: id (the INCIDENT entry's sequence), when detected, rule, severity "
        + "(RFC 5424: 2 critical … 5 notice), whose operation raised it, status and the rule's detail.",
        "Administrators and auditors; the listing is logged. An INCIDENT or INCIDENT_ACK entry altered in the database "
            + "is refused (exit 5) and logged as an incident."})
final class IncidentListCommand extends VaultCommand {
  @Option(names = "--open", description = "Only the incidents nobody has acknowledged yet.")
  boolean openOnly;

  @Override
  int run(Session session, Context context) {
    List<Incident> incidents = session.incidents(openOnly);
    if (ui.json()) {
      JsonObject o = ui.object();
      JsonArray array = new JsonArray();
      incidents.forEach(i -> array.add(json(i)));
      o.add("incidents", array);
      ui.print(o);
      return ExitCodes.OK;
    }
    if (incidents.isEmpty()) {
      ui.say(openOnly ? "no open incident" : "no incident");
      return ExitCodes.OK;
    }
    PrintWriter out = ui.text();
    String format = "%-8s  %-23s  %-22s  %3s  %-12s  %-12s  %s%n";
    out.printf(format, "ID", "DETECTED", "RULE", "SEV", "ACTOR", "STATUS", "DETAIL");
    for (Incident i : incidents) {
      out.printf(format, i.id(), Times.human(i.time()), i.rule().id(), i.severity(), i.actor(), i.status().name().toLowerCase(
          java.util.Locale.ROOT), i.detail());
    }
    return ExitCodes.OK;
  }

  /** An incident under --json (docs/cli-json.md). */
  static JsonObject json(Incident i) {
    JsonObject o = new JsonObject();
    o.addProperty("id", i.id());
    o.add("detectedAt", Json.time(i.time()));
    o.addProperty("rule", i.rule().id());
    o.addProperty("severity", i.severity());
    o.addProperty("actor", i.actor());
    JsonArray evidence = new JsonArray();
    i.evidence().forEach(evidence::add);
    o.add("evidence", evidence);
    o.addProperty("detail", i.detail());
    o.addProperty("status", i.status().name());
    JsonArray acks = new JsonArray();
    for (Incident.Acknowledgement a : i.acknowledgements()) {
      JsonObject ack = new JsonObject();
      ack.addProperty("seq", a.seq());
      ack.addProperty("by", a.by());
      ack.add("at", Json.time(a.at()));
      ack.addProperty("note", a.note());
      acks.add(ack);
    }
    o.add("acknowledgements", acks);
    return o;
  }
}
