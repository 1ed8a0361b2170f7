package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.Session;
import io.kinko.vault.UserInfo;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code kinko user list}: every registered user, disabled ones included. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"Lists every registered user (administrators only).",
        "Columns: NAME, ROLE, STATUS (ACTIVE, LOCKED or DISABLED), FAILED (consecutive failed logins), "
            + "EXPIRES (last day the account may log in, '-' for none), CHIEF (the chief administrator named at init)."})
final class UserListCommand extends VaultCommand {
  @Override
  int run(Session session, Context context) {
    List<UserInfo> users = session.administration().users();
    if (ui.json()) {
      ui.print(json(users, ui.object()));
    } else {
      printTable(users, context.out());
    }
    return ExitCodes.OK;
  }

  private static void printTable(List<UserInfo> users, PrintWriter out) {
    int nameWidth = Math.max("NAME".length(), users.stream().mapToInt(u -> u.name().length()).max().orElse(0));
    String format = "%-" + nameWidth + "s  %-7s  %-8s  %6s  %-10s  %s%n";
    out.printf(format, "NAME", "ROLE", "STATUS", "FAILED", "EXPIRES", "CHIEF");
    for (UserInfo u : users) {
      out.printf(format, u.name(), u.role(), u.status(), u.failedLogins(), u.expires() == null ? "-" : u.expires(),
          u.chief() ? "yes" : "no");
    }
  }

  private static JsonObject json(List<UserInfo> users, JsonObject result) {
    JsonArray array = new JsonArray();
    for (UserInfo u : users) {
      JsonObject o = new JsonObject();
      o.addProperty("name", u.name());
      o.addProperty("role", u.role().name());
      o.addProperty("status", u.status().name());
      o.addProperty("failedLogins", u.failedLogins());
      o.add("expires", Json.text(u.expires()));
      o.addProperty("chief", u.chief());
      o.add("created", Json.time(u.created()));
      array.add(o);
    }
    result.add("users", array);
    return result;
  }
}
