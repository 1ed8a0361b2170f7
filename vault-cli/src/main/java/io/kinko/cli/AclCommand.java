package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.Grant;
import io.kinko.vault.Session;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kinko acl}: the grants that bear on a path. The prefix comes last on each line, so
 * columns stay aligned whatever the width of its characters.
 */
@Command(name = "acl", mixinStandardHelpOptions = true,
    description = {"Lists the grants on VAULT_PATH, on the folders above it and below it (administrators only).",
        "Columns: USER, PERMISSIONS, GRANTED BY, GRANTED AT (the contract's time zone), PREFIX ('.' is the whole vault)."})
final class AclCommand extends VaultCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "VAULT_PATH", description = "Default: the whole vault ('.').")
  String vaultPath = "";

  @Override
  int run(Session session, Context context) {
    List<Grant> grants = session.administration().acl(vaultPath);
    if (ui.json()) {
      ui.print(json(grants, ui.object()));
    } else {
      printTable(grants, context.out());
    }
    return ExitCodes.OK;
  }

  private static void printTable(List<Grant> grants, PrintWriter out) {
    int userWidth = width("USER", grants.stream().mapToInt(g -> g.user().length()).max().orElse(0));
    int permsWidth = width("PERMISSIONS", grants.stream().mapToInt(g -> GrantCommand.format(g.permissions()).length()).max().orElse(0));
    int byWidth = width("GRANTED BY", grants.stream().mapToInt(g -> String.valueOf(g.grantedBy()).length()).max().orElse(0));
    String format = "%-" + userWidth + "s  %-" + permsWidth + "s  %-" + byWidth + "s  %-23s  %s%n";
    out.printf(format, "USER", "PERMISSIONS", "GRANTED BY", "GRANTED AT", "PREFIX");
    for (Grant g : grants) {
      String at = g.grantedAt() == null ? "-" : Times.human(g.grantedAt());
      out.printf(format, g.user(), GrantCommand.format(g.permissions()), g.grantedBy(), at, GrantCommand.shown(g.prefix()));
    }
  }

  private static JsonObject json(List<Grant> grants, JsonObject result) {
    JsonArray array = new JsonArray();
    for (Grant g : grants) {
      JsonObject o = new JsonObject();
      o.addProperty("user", g.user());
      o.addProperty("prefix", GrantCommand.shown(g.prefix()));
      o.add("permissions", GrantCommand.json(g.permissions()));
      o.add("grantedBy", Json.text(g.grantedBy()));
      o.add("grantedAt", Json.time(g.grantedAt()));
      array.add(o);
    }
    result.add("grants", array);
    return result;
  }

  private static int width(String heading, int widest) {
    return Math.max(heading.length(), widest);
  }
}
