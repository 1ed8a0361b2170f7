package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.Grant;
import io.kinko.vault.Permission;
import io.kinko.vault.Session;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kinko grant}: adds permissions on a vault path prefix to a user's grant there. Access is
 * denied by default, administrators included: whoever handles content needs a grant.
 */
@Command(name = "grant", mixinStandardHelpOptions = true,
    description = {"Gives user NAME the permissions PERMS on VAULT_PATH and everything below it (administrators only).",
        "Permissions add up: a second grant on the same path adds to the first, and a user's permissions on a file are those "
            + "of every grant on the file's folders. Without any grant, access is denied, for administrators too.",
        "Auditors and service credentials cannot be granted file permissions."})
final class GrantCommand extends VaultCommand {
  /** How the CLI writes the whole vault (the library's empty path): one visible, typeable character. */
  static final String WHOLE_VAULT = ".";
  static final String PATH_HELP = "A file or folder in the vault, stored or not yet; '.' for the whole vault.";
  static final String PERMS_HELP = "Comma-separated, any case: read, write, delete, export (e.g. read,write).";

  @Parameters(index = "0", paramLabel = "NAME", description = "Who gets the permissions.")
  String name;

  @Parameters(index = "1", paramLabel = "VAULT_PATH", description = PATH_HELP)
  String vaultPath;

  @Parameters(index = "2", paramLabel = "PERMS", description = PERMS_HELP)
  String perms;

  private Set<Permission> permissions;

  @Override
  void check(Context context) {
    permissions = Permission.parse(perms); // IllegalArgumentException: exit 2, before any login
  }

  @Override
  int run(Session session, Context context) {
    Grant grant = session.administration().grant(name, vaultPath, permissions);
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("user", grant.user());
      o.addProperty("prefix", shown(grant.prefix()));
      o.add("granted", json(permissions));
      o.add("holds", json(grant.permissions()));
      ui.print(o);
      return ExitCodes.OK;
    }
    ui.say("granted " + format(permissions) + " on " + shown(grant.prefix()) + " to " + grant.user()
        + "; " + grant.user() + " now holds " + format(grant.permissions()) + " there");
    return ExitCodes.OK;
  }

  /** {@code read,write}: as they are typed. */
  static String format(Set<Permission> permissions) {
    return Permission.format(permissions).toLowerCase(Locale.ROOT);
  }

  /** Permissions as JSON: ["read", "write"], in the enum's order. */
  static JsonArray json(Set<Permission> permissions) {
    JsonArray array = new JsonArray();
    for (Permission p : Permission.values()) {
      if (permissions.contains(p)) {
        array.add(format(Set.of(p)));
      }
    }
    return array;
  }

  /** A prefix as the CLI shows it: {@value #WHOLE_VAULT} for the whole vault. */
  static String shown(String prefix) {
    return prefix.isEmpty() ? WHOLE_VAULT : prefix;
  }
}
