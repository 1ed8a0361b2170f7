package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.Session;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code kinko cert list}: every certificate the vault issued, for administrators and auditors. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"Lists every certificate the vault issued, oldest first (administrators and auditors; the listing is logged).",
        "Columns: ID, KIND (deletion, wipe, disposal), ISSUED (the contract's time zone), ITEMS."})
final class CertListCommand extends VaultCommand {
  @Override
  int run(Session session, Context context) {
    List<DeletionCertificate> certificates = session.certificates();
    PrintWriter out = ui.text();
    if (ui.json()) {
      JsonArray array = new JsonArray();
      for (DeletionCertificate c : certificates) {
        JsonObject o = new JsonObject();
        o.addProperty("id", c.id());
        o.addProperty("kind", CertificateFiles.kind(c));
        o.add("issuedAt", Json.time(c.body().header().issuedAt()));
        o.addProperty("items", CertificateFiles.items(c));
        array.add(o);
      }
      JsonObject result = ui.object();
      result.add("certificates", array);
      ui.print(result);
      return ExitCodes.OK;
    }
    int idWidth = Math.max("ID".length(), certificates.stream().mapToInt(c -> c.id().length()).max().orElse(0));
    String format = "%-" + idWidth + "s  %-8s  %-23s  %s%n";
    out.printf(format, "ID", "KIND", "ISSUED", "ITEMS");
    for (DeletionCertificate c : certificates) {
      out.printf(format, c.id(), CertificateFiles.kind(c), Times.human(c.body().header().issuedAt()), CertificateFiles.items(c));
    }
    return ExitCodes.OK;
  }
}
