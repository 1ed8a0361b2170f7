package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.Password;
import io.kinko.vault.Session;
import io.kinko.vault.Transport;
import io.kinko.vault.VaultProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kinko import}: takes a transport package in, checked in full before anything is stored, and writes the signed receipt. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Opens PACKAGE.age with the identity (or passphrase), checks the waybill's signature, its EXPORT entry's proof and "
        + "every file's size and SHA-256 over a private copy of the package, and only then stores the files below VAULT_PATH "
        + "(WRITE permission; a PUT entry each) and logs IMPORT naming the export id.",
        "A package that fails any check, or has no waybill (an age file of a plain tar), is refused: exit 5, nothing stored. No "
            + "identity that opens it: exit 3.",
        "Writes the receipt (受領書) receipt-EXPORTID.json and .json.sig into --receipt-dir (default: the current folder); send it "
            + "back to the sender for 'kinko export receipt'."})
final class ImportCommand extends VaultCommand {
  @Parameters(index = "0", paramLabel = "PACKAGE", description = "The package (an age file).")
  Path packageFile;

  @Parameters(index = "1", arity = "0..1", paramLabel = "VAULT_PATH", description = "Where to store the files; the root by default.")
  String destination = "";

  @Option(names = {"-i", "--identity"}, paramLabel = "KEY", description = "An age identity file (AGE-SECRET-KEY-1...); repeatable.")
  List<Path> identities = new ArrayList<>();

  @Option(names = "--passphrase", description = "Open a passphrase package: read from --passphrase-file, KINKO_PASSPHRASE or the terminal.")
  boolean passphrase;

  @Option(names = "--passphrase-file", paramLabel = "FILE", description = "The passphrase's file (first line), for --passphrase.")
  Path passphraseFile;

  @Option(names = "--sender-key", paramLabel = "PEM", description = "Pin the sending vault's public key; without it the key the "
      + "waybill embeds is used, and the output says the sender is unpinned. Once a package from a vault was taken in, an unpinned "
      + "one naming that vault must carry the same key.")
  Path senderKey;

  @Option(names = "--receipt-dir", paramLabel = "DIR", description = "Where to write the receipt. Default: the current folder.")
  Path receiptDir = Path.of(".");

  private String senderPem;

  @Override
  void check(Context context) throws IOException {
    if (identities.isEmpty() && !passphrase) {
      throw new UsageException("give --identity KEY (or --passphrase) to open the package");
    }
    if (!Files.isRegularFile(packageFile)) {
      throw new UsageException(packageFile + " is not a file");
    }
    senderPem = senderKey == null ? null : Files.readString(senderKey);
    if (senderPem != null) {
      // Checked here, not by the import: a wrong file is the operator's slip, not a package that failed its check.
      try {
        VaultProvider.installed().fingerprint(senderPem);
      } catch (IntegrityException e) {
        throw new UsageException("--sender-key " + senderKey + " holds no Ed25519 public key (PEM, as 'kinko key export' writes it)");
      }
    }
    // The receipt is written once the files are stored and logged: a folder that cannot take it must stop the import first.
    try {
      Files.createDirectories(receiptDir);
    } catch (IOException e) {
      throw new UsageException("--receipt-dir " + receiptDir + " cannot hold the receipt: " + e.getMessage());
    }
    if (!Files.isWritable(receiptDir)) {
      throw new UsageException("--receipt-dir " + receiptDir + " is not a folder this user can write the receipt into");
    }
  }

  @Override
  int run(Session session, Context context) throws IOException {
    Transport.Imported imported;
    if (passphrase) {
      try (Password p = PasswordSource.read("--passphrase-file", passphraseFile, "KINKO_PASSPHRASE", context,
          "Passphrase of the package: ", null)) {
        imported = session.importPackage(packageFile, new Transport.Identities(identities, p), senderPem, destination);
      }
    } else {
      imported = session.importPackage(packageFile, new Transport.Identities(identities, null), senderPem, destination);
    }
    Path receipt = VaultProvider.installed().writeSigned(receiptDir, "receipt-" + imported.exportId(), imported.receiptJson(),
        imported.receiptSignature());
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("exportId", imported.exportId());
      o.addProperty("senderVault", imported.senderVault());
      o.addProperty("senderKeyFingerprint", imported.senderKeyFingerprint());
      o.addProperty("senderPinned", imported.senderPinned());
      o.addProperty("packageSha256", imported.packageSha256());
      JsonArray stored = new JsonArray();
      for (Transport.Item i : imported.stored()) {
        JsonObject one = new JsonObject();
        one.addProperty("path", i.path());
        one.addProperty("nameTag", i.nameTag());
        one.addProperty("size", i.size());
        one.addProperty("sha256", i.sha256());
        stored.add(one);
      }
      o.add("stored", stored);
      o.addProperty("importSeq", imported.importSeq());
      o.addProperty("receipt", receipt.toAbsolutePath().toString());
      ui.print(o);
      return ExitCodes.OK;
    }
    ui.say("import of export " + imported.exportId() + ": " + PutCommand.count(imported.stored().size(), "file") + " stored"
        + (destination.isEmpty() ? "" : " below " + destination));
    ui.say("  sender: vault " + imported.senderVault() + ", key " + imported.senderKeyFingerprint()
        + (imported.senderPinned() ? " (pinned by --sender-key)" : " (UNPINNED: the key the waybill carries; pin it with --sender-key)"));
    ui.say("  package SHA-256 " + imported.packageSha256() + "; logged as entry " + imported.importSeq() + " (IMPORT)");
    ui.say("  receipt: " + receipt + " (+ .sig): send it back for 'kinko export receipt'");
    return ExitCodes.OK;
  }
}
