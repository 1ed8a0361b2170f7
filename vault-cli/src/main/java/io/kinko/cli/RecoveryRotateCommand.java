package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.RecoveryKey;
import io.kinko.vault.Session;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kinko recovery rotate}: an administrator replaces the recovery key (after it was used, or
 * when the sheet may have been seen), or gives a vault made before recovery keys its first. The
 * old key and its slot stop working at once.
 */
@Command(name = "rotate", mixinStandardHelpOptions = true,
    description = {"Replaces the vault's recovery key with a new one (administrators): the old key and its slot stop working, "
        + "the old slot's bytes are overwritten. A vault that has none gets its first.",
        "The new key is shown once on standard error (or in the --json object), with its fingerprint; --recovery-sheet FILE "
        + "also writes the printable one-page sheet (PDF, 0600) for the fireproof safe."})
final class RecoveryRotateCommand extends VaultCommand {
  @Option(names = "--recovery-sheet", paramLabel = "FILE",
      description = "Write the new key's sheet (one A4 page: key, QR code, fingerprint, instructions) to FILE, which must not exist "
          + "and must not lie inside the vault.")
  Path sheet;

  @Override
  void check(Context context) {
    RecoverySheet.check(sheet, global.vaultDirectory(context));
  }

  @Override
  int run(Session session, Context context) {
    char[] text;
    String fingerprint;
    try (RecoveryKey key = session.administration().rotateRecoveryKey()) {
      text = key.text();
      fingerprint = key.fingerprint();
    }
    JsonObject o = ui.json() ? ui.object() : null;
    RecoverySheet.handOver(ui, context, session.vault(), text, fingerprint, sheet, o);
    ui.say("replaced the recovery key; the new one is " + fingerprint);
    if (o != null) {
      ui.print(o);
    }
    return ExitCodes.OK;
  }
}
