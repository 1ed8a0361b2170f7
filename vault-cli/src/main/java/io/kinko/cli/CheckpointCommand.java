package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.Session;
import picocli.CommandLine.Command;

/** {@code kinko checkpoint}: a signed checkpoint of the log, byte for byte, for safekeeping outside the vault. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
    description = {"Signs a checkpoint of the access log as it is now and prints the signed note (C2SP signed-note format).",
        "Save it outside the vault (kinko checkpoint > cp.txt); later, 'kinko log verify --witness cp.txt' proves the log "
            + "still contains everything it covered. Auditors check the signature with the verifier key from 'kinko key export'."})
final class CheckpointCommand extends VaultCommand {
  @Override
  int run(Session session, Context context) {
    String note = session.checkpoint();
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("note", note);
      ui.print(o);
      return ExitCodes.OK;
    }
    // Exactly the note: its bytes are what the signature covers, so no line separator is added or changed.
    context.out().print(note);
    context.out().flush();
    return ExitCodes.OK;
  }
}
