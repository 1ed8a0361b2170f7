package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.Password;
import io.kinko.vault.Session;
import io.kinko.vault.TokenCredential;
import io.kinko.vault.TokenInfo;
import io.kinko.vault.Vault;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kinko user add-token}: enrols a card or token for a user. Not a {@link VaultCommand}:
 * its {@code --token} and {@code --pin-file} name the token being enrolled, so one's own login
 * token, if any, comes from the environment ({@code KINKO_TOKEN}, ...).
 */
@Command(name = "add-token", mixinStandardHelpOptions = true,
    description = {"Enrols a card or token for user NAME: the vault's key is sealed for a key pair on it, which unseals it on the token with its PIN.",
        "An administrator enrols anyone; any user may enrol their own token. You log in with your password "
            + "(or your own token through $" + TokenLoginOptions.TOKEN_ENV + ", $" + TokenLoginOptions.MODULE_ENV + ", $" + TokenLoginOptions.PIN_FILE_ENV + ").",
        "Uses the key pair --key-id (default 'kinko') on the token, or generates an EC P-256 key pair there when the token lacks it.",
        "With --two-factor the slot needs the token and the password together and NAME's password-only slot is destroyed: "
            + "for yourself, your current password; for someone else, a new password (--new-password-file or asked twice). "
            + "A role under the vault's two-factor policy ('kinko policy set two-factor ROLE') must be enrolled with --two-factor."})
final class UserAddTokenCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Mixin
  NewPasswordOption newPassword;

  @Parameters(index = "0", paramLabel = "NAME", description = "Whose token it is.")
  String name;

  @Option(names = "--module", required = true, paramLabel = "LIB.so", description = "The token's PKCS#11 module (opensc-pkcs11.so, libykcs11.so, libsofthsm2.so).")
  Path module;

  @Option(names = "--token", paramLabel = "LABEL", description = "The token's label. Without it: the only token present.")
  String label;

  @Option(names = "--key-id", paramLabel = "ID", description = "The key pair's alias (CKA_LABEL/CKA_ID) on the token. Default: kinko.")
  String keyId;

  @Option(names = "--pin-file", paramLabel = "FILE", description = "Read the token's PIN from the first line of FILE. Without it: a prompt.")
  Path pinFile;

  @Option(names = "--two-factor", description = "Password and token together; NAME's password-only slot is destroyed.")
  boolean twoFactor;

  @Override
  public Integer call() {
    Context context = VaultCommand.context(spec);
    Output ui = Output.of(spec, global);
    String user = global.user(context);
    boolean own = name.equals(user);
    if (twoFactor && !own) {
      newPassword.check(global, context);
    }
    TokenLoginOptions ownToken = new TokenLoginOptions();
    boolean tokenLogin = ownToken.label(context) != null;
    TokenInfo info;
    try (Vault vault = VaultCommand.open(global, context);
         Password current = tokenLogin ? null : PasswordSource.read(global, context, "Password for " + user + ": ", null);
         Session session = tokenLogin ? ownToken.login(vault, user, global, context) : vault.login(user, current);
         Password half = !twoFactor ? null : !own ? newPassword.read(context, "New password for " + name + " (with the token): ")
             : current != null ? Password.copyOf(current.chars()) : PasswordSource.read(global, context, "Password for " + user + ": ", null);
         Password pin = TokenLoginOptions.readPin(pinFile, context, label)) {
      info = session.addToken(name, new TokenCredential(module, label, pin), keyId, half);
    }
    if (ui.json()) {
      ui.print(json(info, ui.object()));
    } else {
      ui.say("enrolled token '" + info.label() + "' (serial " + info.serial() + ") for " + info.user() + ": key " + info.keyId() + ", "
          + info.algorithm() + (info.twoFactor() ? "; two factors: the password-only slot of " + info.user() + " is destroyed" : ""));
    }
    return ExitCodes.OK;
  }

  static JsonObject json(TokenInfo info, JsonObject o) {
    o.addProperty("user", info.user());
    o.addProperty("label", info.label());
    o.addProperty("serial", info.serial());
    o.addProperty("keyId", info.keyId());
    o.addProperty("algorithm", info.algorithm());
    o.addProperty("twoFactor", info.twoFactor());
    return o;
  }
}
