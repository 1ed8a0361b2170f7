package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.Vault;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kinko recovery status}: which recovery key the vault names, without a login (the fingerprint is no secret). */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Shows the fingerprint of the vault's recovery key (compare it with the one on the sheet in the safe), "
        + "or says that the vault has none. No login; read as stored (kinko audit checks it against the vault's state)."})
final class RecoveryStatusCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Override
  public Integer call() {
    Context context = VaultCommand.context(spec);
    Output ui = Output.of(spec, global);
    String fingerprint;
    try (Vault vault = VaultCommand.open(global, context)) {
      fingerprint = vault.status().recoveryFingerprint();
    }
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("recoveryFingerprint", fingerprint);
      ui.print(o);
    } else {
      ui.text().println(fingerprint != null ? "recovery key " + fingerprint
          : "no recovery key: if every administrator password is lost, the data is lost; kinko recovery rotate --recovery-sheet FILE");
    }
    return ExitCodes.OK;
  }
}
