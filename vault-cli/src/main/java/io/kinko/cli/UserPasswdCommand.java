package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.Password;
import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kinko user passwd}: without NAME, changes your own password: the password you log in
 * with is the old one, checked again by the library before the change. With NAME (someone else),
 * an administrator resets NAME's password. Not a {@link VaultCommand}, because changing your own
 * password needs the login password after the login.
 */
@Command(name = "passwd", mixinStandardHelpOptions = true,
    description = {"Without NAME: changes your own password. The current one is your login password "
        + "(--password-file, $" + PasswordSource.PASSWORD_ENV + " or a prompt); a wrong one fails with exit 3.",
        "With NAME: an administrator sets NAME's password (for a user who forgot theirs, or after a lockout).",
        "The new password comes from --new-password-file, or is asked twice on the terminal."})
final class UserPasswdCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Mixin
  NewPasswordOption newPassword;

  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Whose password an administrator resets. Default: your own.")
  String name;

  @Override
  public Integer call() {
    Context context = VaultCommand.context(spec);
    Output output = Output.of(spec, global);
    String user = global.user(context);
    newPassword.check(global, context);
    boolean own = name == null || name.equals(user);
    String target = own ? user : name;
    try (Vault vault = VaultCommand.open(global, context);
         Password current = PasswordSource.read(global, context, (own ? "Current password for " : "Password for ") + user + ": ", null);
         Session session = vault.login(user, current);
         Password replacement = newPassword.read(context, "New password for " + target + ": ")) {
      if (own) {
        session.changePassword(current, replacement);
        output.say("changed the password of " + user);
      } else {
        session.administration().resetPassword(name, replacement);
        output.say("set a new password for " + name + "; they should change it with 'kinko user passwd'");
      }
      if (output.json()) {
        JsonObject o = output.object();
        o.addProperty("user", target);
        o.addProperty("own", own);
        output.print(o);
      }
    }
    return ExitCodes.OK;
  }
}
