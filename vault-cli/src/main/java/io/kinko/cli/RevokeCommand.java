package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.Permission;
import io.kinko.vault.Session;
import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kinko revoke}: takes permissions back from a user's grant on exactly one prefix. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
    description = {"Takes PERMS (all of them if left out) away from user NAME's grant on VAULT_PATH (administrators only).",
        "VAULT_PATH must be the path the grant was given on (see 'kinko acl'); a grant on a folder above it is not changed. "
            + "No grant there: exit 1."})
final class RevokeCommand extends VaultCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "Whose grant.")
  String name;

  @Parameters(index = "1", paramLabel = "VAULT_PATH", description = GrantCommand.PATH_HELP)
  String vaultPath;

  @Parameters(index = "2", arity = "0..1", paramLabel = "PERMS", description = GrantCommand.PERMS_HELP + " Default: all.")
  String perms;

  private Set<Permission> permissions;

  @Override
  void check(Context context) {
    permissions = perms == null ? EnumSet.noneOf(Permission.class) : Permission.parse(perms); // empty: all
  }

  @Override
  int run(Session session, Context context) {
    session.administration().revoke(name, vaultPath, permissions);
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("user", name);
      o.addProperty("prefix", GrantCommand.shown(vaultPath.equals(".") ? "" : vaultPath));
      o.addProperty("all", permissions.isEmpty());
      o.add("revoked", GrantCommand.json(permissions.isEmpty() ? EnumSet.allOf(Permission.class) : permissions));
      ui.print(o);
      return ExitCodes.OK;
    }
    String what = permissions.isEmpty() ? "every permission" : GrantCommand.format(permissions);
    ui.say("revoked " + what + " of " + name + " on " + GrantCommand.shown(vaultPath.equals(".") ? "" : vaultPath));
    return ExitCodes.OK;
  }
}
