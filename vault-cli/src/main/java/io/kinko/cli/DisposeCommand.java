package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.Session;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kinko dispose}: the end of a vault (clause 5(11)). The log and every certificate go to
 * an archive first, then every key is destroyed. There is no undo, so it asks for the vault id on
 * a terminal, and elsewhere refuses unless {@code --yes} is given.
 */
@Command(name = "dispose", mixinStandardHelpOptions = true,
    description = {"Disposes of the whole vault (administrators only): archives its log and certificates, then destroys its keys.",
        "Exports the access log, every certificate and the public key to --archive-to DIR, then destroys every key slot, "
            + "the name key and the signing key, so no stored file can be decrypted again, and writes a final signed "
            + "certificate to DIR.",
        "There is no undo. On a terminal you confirm by typing the vault id; elsewhere --yes is required.",
        "Afterwards the vault no longer opens; the archive verifies with 'kinko log verify --archive DIR --key-fingerprint HEX', "
            + "the fingerprint recorded at the contract's start."})
final class DisposeCommand extends VaultCommand {
  static final String CERTIFICATE = "disposal-certificate.json";

  @Option(names = "--archive-to", required = true, paramLabel = "DIR",
      description = "A new or empty folder, outside the vault, for the log archive, the certificates and the public key.")
  Path archive;

  @Option(names = "--overwrite", description = "Also overwrite every encrypted blob with random data before removing it "
      + "(without it the blobs stay as ciphertext whose keys are destroyed).")
  boolean overwrite;

  @Option(names = "--yes", description = "Do not ask for confirmation: needed when not on a terminal.")
  boolean yes;

  @Override
  void check(Context context) throws IOException {
    if (!yes && context.terminal() == null) {
      throw new UsageException("dispose destroys the vault's keys for good: confirm with --yes (not on a terminal, so no prompt)");
    }
    if (Files.exists(archive, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isDirectory(archive, LinkOption.NOFOLLOW_LINKS)) {
        throw new UsageException("--archive-to " + archive + " exists and is not a folder");
      }
      try (Stream<Path> entries = Files.list(archive)) {
        if (entries.findAny().isPresent()) {
          throw new UsageException("--archive-to " + archive + " is not empty; give a new or empty folder");
        }
      }
    }
    Path vault = global.vaultDirectory(context);
    if (CertificateFiles.within(archive, vault) || CertificateFiles.within(vault, archive)) {
      throw new UsageException("--archive-to " + archive + " must be outside the vault " + vault + ": the archive outlives it");
    }
  }

  @Override
  int run(Session session, Context context) throws IOException {
    String id = session.vault().id();
    if (!yes) {
      String typed = context.terminal().readLine("This destroys every key of vault " + id + " (contract "
          + session.vault().contract().id() + ", " + session.vault().contract().client() + "); nothing stored can be read again.\n"
          + "Type the vault id to dispose of it: ");
      if (typed == null || !typed.strip().equals(id)) {
        throw new UsageException("the vault id was not typed: nothing was disposed of");
      }
    }
    DeletionCertificate certificate;
    ui.step("archiving the log and certificates to " + archive + ", then destroying the keys");
    try (Progress progress = ui.countProgress("dispose", -1, " blobs")) {
      certificate = session.dispose(archive, overwrite, progress::doneSoFar);
    }
    Path root = archive.toAbsolutePath().normalize();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    Path json = archive.resolve(CERTIFICATE);
    String fingerprint = certificate.body().header().signingKey().fingerprint();
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("vaultId", id);
      o.addProperty("overwrite", overwrite);
      o.addProperty("archive", root.toString());
      JsonArray list = new JsonArray();
      for (Path file : files) {
        JsonObject f = new JsonObject();
        f.addProperty("path", root.relativize(file).toString());
        f.addProperty("size", Files.size(file));
        list.add(f);
      }
      o.add("files", list);
      o.add("certificate", CertificateFiles.json(certificate, json));
      o.addProperty("keyFingerprint", fingerprint);
      ui.print(o);
      return ExitCodes.OK;
    }
    ui.say("vault " + id + " disposed of: its keys are destroyed" + (overwrite ? " and its blobs overwritten" : ""));
    ui.say("archive " + archive + ":");
    for (Path file : files) {
      ui.say(String.format("  %10d  %s", Files.size(file), root.relativize(file)));
    }
    ui.say("final certificate " + certificate.id() + ": " + json);
    Path pem = archive.resolve(CertificateFiles.DEFAULT_KEY_FILE);
    PrintWriter out = ui.quiet() ? new PrintWriter(java.io.Writer.nullWriter()) : context.out();
    out.println("the archived public key has fingerprint " + fingerprint + ": it must be the one recorded at the contract's start");
    out.println("verify them with it:");
    out.println("  " + CertificateFiles.opensslCommand(pem.toString(), json.toString(), json + ".sig"));
    out.println("  kinko log verify --archive " + CertificateFiles.quoted(archive.toString()) + " " + AuditorKey.FINGERPRINT_OPTION + " " + fingerprint);
    out.println("  kinko cert verify " + CertificateFiles.quoted(json.toString()) + " " + AuditorKey.FINGERPRINT_OPTION + " " + fingerprint);
    return ExitCodes.OK;
  }
}
