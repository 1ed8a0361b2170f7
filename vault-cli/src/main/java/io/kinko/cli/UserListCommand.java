package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.Session;
import io.kinko.vault.UserInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import io.kinko.vault.TokenInfo;
import picocli.CommandLine.Command;

/** {@code kinko user list}: every registered user, disabled ones included. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"Lists every registered user (administrators only).",
        "Columns: NAME, ROLE, STATUS (ACTIVE, LOCKED or DISABLED), FAILED (consecutive failed logins), "
            + "EXPIRES (last day the account may log in, '-' for none), CHIEF (the chief administrator named at init), "
            + "TOKEN (the label of the enrolled token, '(+password)' when it needs the password too; '-' for none)."})
final class UserListCommand extends VaultCommand {
  @Override
  int run(Session session, Context context) {
    List<UserInfo> users = session.administration().users();
    Map<String, TokenInfo> tokens = session.administration().tokens().stream().collect(Collectors.toMap(TokenInfo::user, t -> t));
    if (ui.json()) {
      ui.print(json(users, tokens, ui.object()));
    } else {
      printTable(users, tokens, context.out());
    }
    return ExitCodes.OK;
  }

  private static void printTable(List<UserInfo> users, Map<String, TokenInfo> tokens, PrintWriter out) {
    int nameWidth = Math.max("NAME".length(), users.stream().mapToInt(u -> u.name().length()).max().orElse(0));
    String format = "%-" + nameWidth + "s  %-7s  %-8s  %6s  %-10s  %-5s  %s%n";
    out.printf(format, "NAME", "ROLE", "STATUS", "FAILED", "EXPIRES", "CHIEF", "TOKEN");
    for (UserInfo u : users) {
      TokenInfo t = tokens.get(u.name());
      out.printf(format, u.name(), u.role(), u.status(), u.failedLogins(), u.expires() == null ? "-" : u.expires(),
          u.chief() ? "yes" : "no", t == null ? "-" : t.label() + (t.twoFactor() ? " (+password)" : ""));
    }
  }

  private static JsonObject json(List<UserInfo> users, Map<String, TokenInfo> tokens, JsonObject result) {
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
      TokenInfo t = tokens.get(u.name());
      o.add("token", t == null ? com.google.gson.JsonNull.INSTANCE : UserAddTokenCommand.json(t, new JsonObject()));
      array.add(o);
    }
    result.add("users", array);
    return result;
  }
}
