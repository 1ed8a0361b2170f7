package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.IncidentPolicy;
import io.kinko.vault.Session;
import java.io.PrintWriter;
import java.time.DayOfWeek;
import java.util.EnumSet;
import java.util.Locale;
import picocli.CommandLine.Command;

/**
 * {@code kinko policy}: shows the incident policy (clause 6), the thresholds and hours of the
 * detection rules; {@code kinko policy set} changes it. Administrators only; reading it is logged too.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
    description = {"Shows the incident policy: when failed logins, logins with unknown names, refused operations, "
        + "mass reading and access outside working hours raise an incident (an INCIDENT log entry). "
        + "A lockout, an export and a disposal always raise one.",
        "Administrators only (exit 4 otherwise). 'kinko policy set KEY VALUE' changes one value; the change is logged."},
    subcommands = {PolicySetCommand.class})
final class PolicyCommand extends VaultCommand {
  @Override
  int run(Session session, Context context) {
    print(ui, session.administration().incidentPolicy(), session.administration().cityRecipient().orElse(null),
        session.administration().twoFactorRoles());
    return ExitCodes.OK;
  }

  /** Prints {@code policy} as text, or under --json as {"policy": {...}} (docs/cli-json.md). */
  static void print(Output ui, IncidentPolicy policy, String cityRecipient, java.util.Set<io.kinko.vault.Role> twoFactor) {
    if (ui.json()) {
      JsonObject o = ui.object();
      o.add("policy", json(policy));
      o.addProperty("cityRecipient", cityRecipient);
      JsonArray roles = new JsonArray();
      twoFactor.stream().sorted().forEach(r -> roles.add(r.name()));
      o.add("twoFactorRoles", roles);
      ui.print(o);
      return;
    }
    PrintWriter out = ui.text();
    String format = "%-14s  %-22s  %s%n";
    out.printf(format, "failed-logins", threshold(policy.failedLogins()), "failed logins for one user within the window");
    out.printf(format, "unknown-users", threshold(policy.unknownUsers()), "failed logins with names that are no user");
    out.printf(format, "denied", threshold(policy.deniedOperations()), "refused operations of one user");
    out.printf(format, "mass-read", massRead(policy.massRead()), "files or bytes read by one user");
    out.printf(format, "working-hours", hours(policy.workingHours()), "Asia/Tokyo; access outside raises once per user and day");
    out.printf(format, "always", "lockout export dispose", "each raises an incident");
    out.printf(format, "city-recipient", cityRecipient == null ? "none" : cityRecipient, "the default recipient of kinko export");
    out.printf(format, "two-factor", twoFactor.isEmpty() ? "none"
        : twoFactor.stream().sorted().map(r -> r.name().toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.joining(",")),
        "roles that log in with password and token together");
    out.flush();
  }

  static JsonObject json(IncidentPolicy policy) {
    JsonObject o = new JsonObject();
    o.add("failedLogins", json(policy.failedLogins()));
    o.add("unknownUsers", json(policy.unknownUsers()));
    o.add("deniedOperations", json(policy.deniedOperations()));
    JsonObject m = new JsonObject();
    m.addProperty("files", policy.massRead().files());
    m.addProperty("bytes", policy.massRead().bytes());
    m.addProperty("windowMinutes", policy.massRead().window().toMinutes());
    o.add("massRead", m);
    JsonObject h = new JsonObject();
    IncidentPolicy.WorkingHours w = policy.workingHours();
    h.addProperty("off", w.off());
    h.addProperty("start", w.start().toString());
    h.addProperty("end", w.end().toString());
    JsonArray days = new JsonArray();
    if (!w.off()) {
      EnumSet.copyOf(w.days()).forEach(d -> days.add(d.name()));
    }
    h.add("days", days);
    o.add("workingHours", h);
    return o;
  }

  private static JsonObject json(IncidentPolicy.Threshold t) {
    JsonObject o = new JsonObject();
    o.addProperty("count", t.count());
    o.addProperty("windowMinutes", t.window().toMinutes());
    return o;
  }

  /** As {@code policy set} takes it: {@code 5/15m}. */
  static String threshold(IncidentPolicy.Threshold t) {
    return t.count() + "/" + window(t.window());
  }

  /** As {@code policy set} takes it: {@code 200files/1GiB/60m}. */
  static String massRead(IncidentPolicy.MassRead m) {
    return m.files() + "files/" + bytes(m.bytes()) + "/" + window(m.window());
  }

  /** As {@code policy set} takes it: {@code 08:00-20:00 mon-fri}, or {@code off}. */
  static String hours(IncidentPolicy.WorkingHours w) {
    if (w.off()) {
      return "off";
    }
    StringBuilder days = new StringBuilder();
    for (DayOfWeek d : EnumSet.copyOf(w.days())) {
      days.append(days.length() == 0 ? "" : ",").append(d.name().substring(0, 3).toLowerCase(Locale.ROOT));
    }
    return w.start() + "-" + w.end() + " " + days;
  }

  static String window(java.time.Duration d) {
    return d.toMinutes() % 60 == 0 ? d.toHours() + "h" : d.toMinutes() + "m";
  }

  static String bytes(long b) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (u < units.length - 1 && b % 1024 == 0 && b >= 1024) {
      b /= 1024;
      u++;
    }
    return b + units[u];
  }
}
