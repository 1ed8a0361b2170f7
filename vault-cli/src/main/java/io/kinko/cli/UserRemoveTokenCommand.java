package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kinko user remove-token}: destroys a user's token slot (overwritten, synced, read back, unlinked). */
@Command(name = "remove-token", mixinStandardHelpOptions = true,
    description = {"Removes the token of user NAME: its slot is overwritten in place, synced and unlinked, so the token opens nothing any more.",
        "An administrator removes anyone's; a user their own. Refused when it is NAME's only slot (two factors): set a password first "
            + "with 'kinko user passwd NAME'."})
final class UserRemoveTokenCommand extends VaultCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "Whose token to remove.")
  String name;

  @Override
  int run(Session session, Context context) {
    session.removeToken(name);
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("user", name);
      ui.print(o);
    } else {
      ui.say("removed the token of " + name + "; its slot is destroyed");
    }
    return ExitCodes.OK;
  }
}
