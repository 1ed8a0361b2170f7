package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.Password;
import io.kinko.vault.RecoveryKey;
import io.kinko.vault.Vault;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kinko recover}: sets a new password for an administrator with the vault's recovery key,
 * for when every administrator password is lost. No login: the key is the credential. The key is
 * read (and its checksum checked) before the vault is opened, so a typo costs nothing and is not
 * counted; a key that passes the checksum and still does not open the slot is a failed login.
 */
@Command(name = "recover", mixinStandardHelpOptions = true,
    description = {"Sets a new password for an administrator (--user or KINKO_USER) with the vault's recovery key, when "
        + "every administrator password is lost. No login needed; the recovery is logged and alerted as an incident, "
        + "and the account's lockout is cleared.",
        "The key is asked on the terminal without echo, or read from the first line of --recovery-key-file ('-': standard input); "
        + "its last group is a checksum, so a typing mistake is refused (exit 2) before any key work. A wrong key: exit 3.",
        "The new password comes from --new-password-file, or is asked twice on the terminal. "
        + "Afterwards, replace the key: kinko recovery rotate."})
final class RecoverCommand implements Callable<Integer> {
  static final String KEY_OPTION = "--recovery-key-file";

  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Mixin
  NewPasswordOption newPassword;

  @Option(names = KEY_OPTION, paramLabel = "FILE", description = "Read the recovery key from the first line of FILE ('-' for standard input).")
  Path keyFile;

  @Override
  public Integer call() {
    Context context = VaultCommand.context(spec);
    Output ui = Output.of(spec, global);
    String user = global.user(context);
    if (keyFile == null && context.terminal() == null) {
      throw new UsageException("no recovery key: not on a terminal, so give " + KEY_OPTION + " FILE");
    }
    if (keyFile != null && keyFile.toString().equals("-") && newPassword.file != null && newPassword.file.toString().equals("-")) {
      throw new UsageException(KEY_OPTION + " and " + NewPasswordOption.OPTION + " cannot both read standard input");
    }
    if (newPassword.file == null && context.terminal() == null) {
      throw new UsageException("no new password: not on a terminal, so give " + NewPasswordOption.OPTION + " FILE");
    }
    String fingerprint;
    try (Password text = PasswordSource.read(KEY_OPTION, keyFile, null, context, "Recovery key for the vault (14 groups of 4): ", null);
         RecoveryKey key = RecoveryKey.parse(text.chars())) {
      fingerprint = key.fingerprint();
      ui.step("opening the vault " + global.vaultDirectory(context));
      try (Vault vault = VaultCommand.open(global, context);
           Password replacement = newPassword.read(context, "New password for " + user + ": ")) {
        vault.recover(user, key, replacement);
      }
    }
    ui.say("set a new password for " + user + " with the recovery key " + fingerprint + "; the recovery is logged and alerted "
        + "as an incident. Replace the key now: kinko recovery rotate --recovery-sheet FILE");
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("user", user);
      o.addProperty("recoveryFingerprint", fingerprint);
      ui.print(o);
    }
    return ExitCodes.OK;
  }
}
