package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.Password;
import io.kinko.vault.Session;
import io.kinko.vault.Transport;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kinko export}: carries files out of the vault (clause 7) as one age file that the
 * recipient opens with the stock {@code age -d}, holding a tar of the files and the signed waybill.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Writes PACKAGE.age: one age file (age-encryption.org/v1) encrypted to the recipients, holding a tar of the "
        + "newest version of each file (under files/) and the waybill (送付状) waybill.json with its signature waybill.json.sig.",
        "The recipient opens it with: age -d -i key.txt PACKAGE.age | tar x",
        "EXPORT permission on every path (a folder: on it and each file below); a refusal is logged and writes nothing. The "
            + "EXPORT entry is logged before any byte is written; the package is written beside PACKAGE under a private name, "
            + "synced, logged (EXPORT_SEALED, naming its SHA-256) and only then renamed. Without --to, --recipients-file or "
            + "--passphrase the package goes to the city's recipient (kinko policy set city-recipient).",
        "'kinko export list' shows each export, received or in transit; 'kinko export receipt' records a receipt."},
    subcommands = {ExportReceiptCommand.class, ExportListCommand.class})
final class ExportCommand extends VaultCommand {
  // Not required by picocli, which would then demand them before 'export list' too; check() does.
  @Parameters(arity = "0..*", paramLabel = "VAULT_PATH", description = "Stored files or folders to export ('.' for the whole vault).")
  List<String> paths = new ArrayList<>();

  @Option(names = "--to", paramLabel = "RECIPIENT", description = "An age X25519 recipient (age1...); repeatable.")
  List<String> to = new ArrayList<>();

  @Option(names = {"-R", "--recipients-file"}, paramLabel = "FILE", description = "An age recipients file: one age1... per line, # comments.")
  List<Path> recipientsFiles = new ArrayList<>();

  @Option(names = "--passphrase", description = "Encrypt to a passphrase instead (age's scrypt; alone): read from --passphrase-file, "
      + "KINKO_PASSPHRASE or the terminal (asked twice).")
  boolean passphrase;

  @Option(names = "--passphrase-file", paramLabel = "FILE", description = "The passphrase's file (first line), for --passphrase.")
  Path passphraseFile;

  @Option(names = {"-o", "--output"}, paramLabel = "PACKAGE", description = "The package to write (required); must not exist.")
  Path output;

  private List<String> recipients;

  @Override
  void check(Context context) {
    if (paths.isEmpty() || output == null) {
      throw new UsageException("give the VAULT_PATHs to export and -o PACKAGE (or a command: list, receipt)");
    }
    paths = paths.stream().map(p -> p.equals(".") ? "" : p).toList();
    if (Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      throw new UsageException(output + " exists; kinko export never overwrites a file");
    }
    // Checked before the EXPORT entry, which raises transfer.export: a mistyped folder is no export.
    Path folder = output.toAbsolutePath().getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw new UsageException("the folder of " + output + " does not exist; kinko export makes no folder");
    }
    if (passphrase && (!to.isEmpty() || !recipientsFiles.isEmpty())) {
      throw new UsageException("--passphrase must be a package's only recipient (age's scrypt rule): drop --to and --recipients-file");
    }
    recipients = new ArrayList<>(to);
    for (Path file : recipientsFiles) {
      recipients.addAll(readRecipients(file));
    }
  }

  /** The age1... lines of a recipients file; the library checks each. */
  static List<String> readRecipients(Path file) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw new UsageException("recipients file " + file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new UsageException("cannot read recipients file " + file + ": " + e.getMessage());
    }
    List<String> out = new ArrayList<>();
    for (String line : text.split("\r?\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        out.add(line.strip());
      }
    }
    if (out.isEmpty()) {
      throw new UsageException("recipients file " + file + " names no recipient");
    }
    return out;
  }

  @Override
  int run(Session session, Context context) {
    Transport.Exported exported;
    if (passphrase) {
      try (Password p = PasswordSource.read("--passphrase-file", passphraseFile, "KINKO_PASSPHRASE", context,
          "Passphrase for the package: ", "Repeat the passphrase: ")) {
        exported = session.exportPackage(paths, Transport.Recipients.passphrase(p), output);
      }
    } else {
      exported = session.exportPackage(paths, recipients.isEmpty() ? null : Transport.Recipients.of(recipients), output);
    }
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("exportId", exported.exportId());
      o.addProperty("file", exported.file().toString());
      o.addProperty("sha256", exported.sha256());
      o.addProperty("size", exported.size());
      JsonArray r = new JsonArray();
      exported.recipients().forEach(r::add);
      o.add("recipients", r);
      o.addProperty("files", exported.files().size());
      o.addProperty("exportSeq", exported.exportSeq());
      o.addProperty("sealedSeq", exported.sealedSeq());
      ui.print(o);
      return ExitCodes.OK;
    }
    ui.say("export " + exported.exportId() + ": " + PutCommand.count(exported.files().size(), "file") + " in " + exported.file());
    ui.say("  package SHA-256 " + exported.sha256() + " (" + exported.size() + " bytes)");
    ui.say("  to " + String.join(", ", exported.recipients()));
    ui.say("  logged as entries " + exported.exportSeq() + " (EXPORT) and " + exported.sealedSeq() + " (EXPORT_SEALED)");
    ui.say("  the recipient opens it with: age -d -i KEY " + exported.file().getFileName() + " | tar x");
    return ExitCodes.OK;
  }
}
