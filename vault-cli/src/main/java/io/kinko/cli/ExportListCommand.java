package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.Session;
import io.kinko.vault.Transport;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code kinko export list}: each export and where it stands, derived from the log. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"Lists the exports, oldest first: id, when, by whom, files, package SHA-256 and status: RECEIVED (when, by which "
        + "vault), IN_TRANSIT (no receipt recorded yet) or NOT_WRITTEN (logged, but no package was sealed).",
        "Derived from the EXPORT, EXPORT_SEALED and EXPORT_RECEIPT entries, each proved against a checkpoint signed now. "
            + "Administrators and auditors; logged."})
final class ExportListCommand extends VaultCommand {
  @Override
  int run(Session session, Context context) {
    List<Transport.ExportRecord> exports = session.exports();
    if (ui.json()) {
      JsonObject o = ui.object();
      JsonArray array = new JsonArray();
      exports.forEach(e -> array.add(json(e)));
      o.add("exports", array);
      ui.print(o);
      return ExitCodes.OK;
    }
    if (exports.isEmpty()) {
      ui.say("no exports");
    }
    for (Transport.ExportRecord e : exports) {
      ui.say(e.exportId() + "  " + Times.human(e.at()) + "  " + e.by() + "  " + PutCommand.count(e.files(), "file") + "  "
          + switch (e.status()) {
            case RECEIVED -> "received " + Times.human(e.receivedAt()) + " by vault " + e.receivedByVault();
            case IN_TRANSIT -> "in transit (package " + e.packageSha256() + ")";
            case NOT_WRITTEN -> "not written";
          });
    }
    return ExitCodes.OK;
  }

  static JsonObject json(Transport.ExportRecord e) {
    JsonObject o = new JsonObject();
    o.addProperty("exportId", e.exportId());
    o.addProperty("exportSeq", e.exportSeq());
    o.addProperty("at", Times.json(e.at()));
    o.addProperty("by", e.by());
    o.addProperty("files", e.files());
    o.addProperty("status", e.status().name());
    o.addProperty("packageSha256", e.packageSha256());
    o.addProperty("packageSize", e.packageSize() >= 0 ? e.packageSize() : null);
    boolean received = e.status() == Transport.Status.RECEIVED;
    o.add("receivedAt", Json.time(received ? e.receivedAt() : null));
    o.addProperty("receivedBy", received ? e.receivedByVault() : null);
    o.addProperty("receiptSeq", received ? e.receiptSeq() : null);
    return o;
  }
}
