package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.DeletionRequest;
import io.kinko.vault.Session;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kinko approve}: the second person of the two-person rule for deletions ({@code kinko init
 * --two-person-rm}). An administrator other than the requester approves a request that {@code
 * kinko rm} recorded, which then runs and is certified naming both; or rejects it; or lists them.
 */
@Command(name = "approve", mixinStandardHelpOptions = true,
    description = {"Approves the deletion request ID that 'kinko rm' recorded under the two-person rule: the files are then "
        + "deleted and one signed certificate names the requester (作業者) and you (確認者).",
        "Only an administrator other than the requester may approve; a refusal is logged. "
            + "--list shows the requests awaiting approval; --reject --note TEXT cancels one (the requester may withdraw their own)."})
final class ApproveCommand extends VaultCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The request's id, as rm printed it.")
  String id;

  @Option(names = "--list", description = "List the requests awaiting approval (an administrator sees all, a worker their own).")
  boolean list;

  @Option(names = "--reject", description = "Cancel the request: nothing is deleted; the rejection is logged with --note.")
  boolean reject;

  @Option(names = "--note", paramLabel = "TEXT", description = "Why the request is rejected (with --reject; logged).")
  String note;

  @Option(names = "--cert-out", paramLabel = "DIR", description = CertificateFiles.CERT_OUT_HELP)
  Path certOut = Path.of(".");

  @Override
  void check(Context context) {
    if (list == (id != null)) {
      throw new UsageException("give a request ID or --list (one of them)");
    }
    if (list && reject) {
      throw new UsageException("--reject needs a request ID, not --list");
    }
    if (reject != (note != null)) {
      throw new UsageException(reject ? "--reject needs --note TEXT saying why" : "--note goes with --reject");
    }
    if (!list && !reject) {
      CertificateFiles.checkFolder(certOut);
    }
  }

  @Override
  int run(Session session, Context context) {
    if (list) {
      return list(session.pendingDeletions());
    }
    if (reject) {
      DeletionRequest rejected = session.rejectDeletion(id, note);
      ui.say("rejected deletion request " + rejected.id() + " of " + rejected.requester() + ": nothing was deleted");
      print("reject", List.of(rejected), null, null);
      return ExitCodes.OK;
    }
    DeletionRequest request = session.pendingDeletions().stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
    DeletionCertificate certificate = session.approveDeletion(id);
    int items = CertificateFiles.items(certificate);
    ui.say("approved: deleted " + PutCommand.count(items, "stored version") + " requested by "
        + certificate.body().header().operator());
    Path json = CertificateFiles.writeAndTell(certificate, certOut, ui);
    print("approve", request == null ? List.of() : List.of(request), certificate, json);
    return ExitCodes.OK;
  }

  private int list(List<DeletionRequest> requests) {
    if (ui.json()) {
      print("list", requests, null, null);
      return ExitCodes.OK;
    }
    PrintWriter out = ui.text();
    String format = "%-32s  %-23s  %-16s  %8s  %s%n";
    out.printf(format, "ID", "REQUESTED", "BY", "VERSIONS", "PATHS");
    for (DeletionRequest r : requests) {
      out.printf(format, r.id(), Times.human(r.requestedAt()), r.requester(), r.versions(), String.join(", ", r.paths()));
    }
    return ExitCodes.OK;
  }

  /** The one --json shape of approve, --reject and --list (docs/cli-json.md). */
  private void print(String action, List<DeletionRequest> requests, DeletionCertificate certificate, Path json) {
    if (!ui.json()) {
      return;
    }
    JsonObject o = ui.object();
    o.addProperty("action", action);
    JsonArray array = new JsonArray();
    requests.forEach(r -> array.add(json(r)));
    o.add("requests", array);
    o.add("deleted", certificate == null ? JsonNull.INSTANCE : new JsonPrimitive(CertificateFiles.items(certificate)));
    o.add("certificate", certificate == null ? JsonNull.INSTANCE : CertificateFiles.json(certificate, json));
    ui.print(o);
  }

  /** A request under --json: {id, requester, requestedAt, scope, versions, paths}. */
  static JsonObject json(DeletionRequest request) {
    JsonObject o = new JsonObject();
    o.addProperty("id", request.id());
    o.addProperty("requester", request.requester());
    o.add("requestedAt", Json.time(request.requestedAt()));
    o.addProperty("scope", request.scope());
    o.addProperty("versions", request.versions());
    JsonArray paths = new JsonArray();
    request.paths().forEach(paths::add);
    o.add("paths", paths);
    return o;
  }
}
