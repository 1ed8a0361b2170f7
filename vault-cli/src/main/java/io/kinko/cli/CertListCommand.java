package io.kinko.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.Session;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kinko cert list}: every certificate the vault issued, for administrators and auditors. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"Lists every certificate the vault issued, oldest first (administrators and auditors; the listing is logged).",
        "Columns: ID, KIND (deletion, wipe, disposal), ISSUED (UTC), ITEMS."})
final class CertListCommand extends VaultCommand {
  @Option(names = "--json", description = "Print a JSON array of {id, kind, issuedAt, items}.")
  boolean json;

  @Override
  int run(Session session, Context context) {
    List<DeletionCertificate> certificates = session.certificates();
    PrintWriter out = context.out();
    if (json) {
      JsonArray array = new JsonArray();
      for (DeletionCertificate c : certificates) {
        JsonObject o = new JsonObject();
        o.addProperty("id", c.id());
        o.addProperty("kind", CertificateFiles.kind(c));
        o.addProperty("issuedAt", c.body().header().issuedAt().toString());
        o.addProperty("items", CertificateFiles.items(c));
        array.add(o);
      }
      out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(array));
      return ExitCodes.OK;
    }
    int idWidth = Math.max("ID".length(), certificates.stream().mapToInt(c -> c.id().length()).max().orElse(0));
    String format = "%-" + idWidth + "s  %-8s  %-20s  %s%n";
    out.printf(format, "ID", "KIND", "ISSUED", "ITEMS");
    for (DeletionCertificate c : certificates) {
      out.printf(format, c.id(), CertificateFiles.kind(c), toSeconds(c.body().header().issuedAt()), CertificateFiles.items(c));
    }
    return ExitCodes.OK;
  }

  /** As ls and log show print times: UTC, to the second. */
  private static String toSeconds(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
