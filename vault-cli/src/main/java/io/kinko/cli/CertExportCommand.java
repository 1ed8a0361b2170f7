package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.NotFoundException;
import io.kinko.vault.Session;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kinko cert export}: writes certificates the vault keeps, as rm and wipe wrote them. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Writes the certificate ID (or a unique start of it), or with --all every certificate, to DIR "
        + "as kinko-KIND-ID12.json and .json.sig (administrators and auditors).",
        "Use it when the copy written by rm or wipe is lost: the vault keeps every certificate it issued."})
final class CertExportCommand extends VaultCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The certificate's id, or a unique start of it.")
  String id;

  @Option(names = "--all", description = "Every certificate.")
  boolean all;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The folder to write to; created if absent.")
  Path output;

  @Override
  void check(Context context) {
    if (all == (id != null)) {
      throw new UsageException("give a certificate ID or --all (one of them)");
    }
    CertificateFiles.checkFolder(output);
  }

  @Override
  int run(Session session, Context context) {
    List<DeletionCertificate> certificates = session.certificates();
    if (!all) {
      String prefix = id.strip().toLowerCase(Locale.ROOT);
      certificates = certificates.stream().filter(c -> c.id().startsWith(prefix)).toList();
      if (certificates.isEmpty()) {
        throw new NotFoundException("no certificate with id " + id);
      }
      if (certificates.size() > 1) {
        throw new UsageException("'" + id + "' starts " + certificates.size() + " certificate ids; give more of it");
      }
    }
    Set<String> names = new HashSet<>();
    JsonArray written = new JsonArray();
    for (DeletionCertificate c : certificates) {
      String name = CertificateFiles.baseName(CertificateFiles.kind(c), c.id());
      if (!names.add(name)) {
        name = "kinko-" + CertificateFiles.kind(c) + "-" + c.id(); // two ids that share 12 digits: keep both
      }
      Path json = c.write(output, name);
      ui.say(c.id() + "  " + json);
      written.add(CertificateFiles.json(c, json));
    }
    ui.say("exported " + PutCommand.count(certificates.size(), "certificate") + " to " + output);
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("directory", output.toString());
      o.add("certificates", written);
      ui.print(o);
    }
    return ExitCodes.OK;
  }
}
