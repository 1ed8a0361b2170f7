package io.kinko.cli;

import io.kinko.vault.Session;
import io.kinko.vault.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kinko export receipt}: records the receiving vault's signed receipt against the export it names. */
@Command(name = "receipt", mixinStandardHelpOptions = true,
    description = {"Verifies RECEIPT (receipt.json from 'kinko import', with RECEIPT.sig beside it) with the receiving vault's public "
        + "key and records it against this vault's export (an EXPORT_RECEIPT entry): its signature, its IMPORT entry's proof, and "
        + "that it names a package this vault sealed with the same SHA-256. A receipt that fails is refused (exit 5) and logged.",
        "Administrators only."})
final class ExportReceiptCommand extends VaultCommand {
  @Parameters(index = "0", paramLabel = "RECEIPT", description = "The receipt's JSON file.")
  Path receipt;

  @Option(names = "--sig", paramLabel = "FILE", description = "The detached signature. Default: RECEIPT.sig.")
  Path signature;

  @Option(names = "--key", required = true, paramLabel = "PEM", description = "The receiving vault's public key (its 'kinko key export').")
  Path key;

  private byte[] json;
  private byte[] sig;
  private String pem;

  @Override
  void check(Context context) throws IOException {
    json = Files.readAllBytes(receipt);
    sig = Files.readAllBytes(signature != null ? signature : Path.of(receipt + ".sig"));
    pem = Files.readString(key);
  }

  @Override
  int run(Session session, Context context) {
    Transport.ExportRecord e = session.recordReceipt(json, sig, pem);
    if (ui.json()) {
      com.google.gson.JsonObject o = ui.object();
      ExportListCommand.json(e).entrySet().forEach(f -> o.add(f.getKey(), f.getValue()));
      ui.print(o);
      return ExitCodes.OK;
    }
    ui.say("receipt recorded: export " + e.exportId() + " received " + Times.human(e.receivedAt()) + " by vault " + e.receivedByVault()
        + " (entry " + e.receiptSeq() + ")");
    return ExitCodes.OK;
  }
}
