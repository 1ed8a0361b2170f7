package io.kinko.cli;

import io.kinko.vault.Incident;
import io.kinko.vault.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kinko incident ack}: an administrator acknowledges an incident; the INCIDENT_ACK entry is the record. */
@Command(name = "ack", mixinStandardHelpOptions = true,
    description = {"Acknowledges incident ID with --note (one line, at most " + Incident.MAX_NOTE + " characters): an INCIDENT_ACK "
        + "entry names the incident and carries the note. The first acknowledgement closes it; later ones add follow-up notes.",
        "Administrators only; a refusal is logged. An ID that is no INCIDENT entry is an error (exit 1)."})
final class IncidentAckCommand extends VaultCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The incident's id, as 'kinko incident list' shows it.")
  String id;

  @Option(names = "--note", required = true, paramLabel = "TEXT", description = "What was found or done (logged; no file names, please).")
  String note;

  private long incident;

  @Override
  void check(Context context) {
    incident = IncidentCommand.id(id);
  }

  @Override
  int run(Session session, Context context) {
    Incident acked = session.acknowledgeIncident(incident, note);
    Incident.Acknowledgement ack = acked.acknowledgements().get(acked.acknowledgements().size() - 1);
    if (ui.json()) {
      com.google.gson.JsonObject o = ui.object();
      o.add("incident", IncidentListCommand.json(acked));
      o.addProperty("ackSeq", ack.seq());
      ui.print(o);
      return ExitCodes.OK;
    }
    ui.say("incident " + acked.id() + " (" + acked.rule().id() + ") acknowledged by " + ack.by() + " in log entry " + ack.seq()
        + (acked.acknowledgements().size() > 1 ? " (follow-up note " + (acked.acknowledgements().size() - 1) + ")" : ""));
    return ExitCodes.OK;
  }
}
