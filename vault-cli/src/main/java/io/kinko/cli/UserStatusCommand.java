package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.Administration;
import io.kinko.vault.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kinko user lock|unlock|disable NAME}: an administrator changes whether NAME may log in. */
abstract class UserStatusCommand extends VaultCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The user.")
  String name;

  @Override
  final int run(Session session, Context context) {
    String done = apply(session.administration(), name);
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("user", name);
      o.addProperty("status", spec.name().equals("unlock") ? "ACTIVE" : spec.name().equals("lock") ? "LOCKED" : "DISABLED");
      ui.print(o);
    } else {
      ui.say(done);
    }
    return ExitCodes.OK;
  }

  /** Makes the change; returns what to print. */
  abstract String apply(Administration administration, String user);

  @Command(name = "lock", mixinStandardHelpOptions = true,
      description = {"Locks NAME's account: NAME cannot log in (exit 3) until 'kinko user unlock'.",
          "The last active administrator cannot be locked (exit 1)."})
  static final class Lock extends UserStatusCommand {
    @Override
    String apply(Administration administration, String user) {
      administration.lock(user);
      return "locked " + user;
    }
  }

  @Command(name = "unlock", mixinStandardHelpOptions = true,
      description = "Unlocks NAME's account (locked by an administrator or by too many failed logins) and clears its failed-login count.")
  static final class Unlock extends UserStatusCommand {
    @Override
    String apply(Administration administration, String user) {
      administration.unlock(user);
      return "unlocked " + user;
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = {"Disables NAME for good: their key slot is overwritten and removed and their grants dropped; "
          + "they stay in the user list and the log. There is no undo.",
          "The last active administrator cannot be disabled (exit 1)."})
  static final class Disable extends UserStatusCommand {
    @Override
    String apply(Administration administration, String user) {
      administration.disable(user);
      return "disabled " + user + ": key slot destroyed, grants removed";
    }
  }
}
