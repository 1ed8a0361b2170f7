package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.AlertDelivery;
import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kinko alert deliver [--follow]}: delivers what is due to every sink now. Needs no login
 * (the sinks are read as stored); {@code --login} also serves mail sinks with a sealed password.
 */
@Command(name = "deliver", mixinStandardHelpOptions = true,
    description = {"Delivers the pending alerts to every sink now, in order, and prints each attempt. Needs no login; "
        + "with --login (the password as for any command) it also sends mail through sinks with a password.",
        "--follow keeps going, a round every --interval seconds, for a systemd service. On the embedded database "
            + "(H2) a vault admits one process, so run 'kinko alert deliver' from a timer there instead; --follow is for PostgreSQL.",
        "Exit 0 if nothing failed, 1 if an attempt failed (it is retried later with backoff)."})
final class AlertDeliverCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Mixin
  TokenLoginOptions tokenLogin;

  @Option(names = "--follow", description = "Keep delivering until stopped.")
  boolean follow;

  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "30", description = "Seconds between rounds with --follow (default 30).")
  int interval;

  @Option(names = "--login", description = "Log in (--user, password) so that mail sinks with a sealed password are served too.")
  boolean login;

  @Override
  public Integer call() throws Exception {
    Context context = VaultCommand.context(spec);
    Output ui = Output.of(spec, global);
    if (interval < 1 || interval > 86_400) {
      throw new UsageException("--interval is 1 to 86400 seconds");
    }
    if (follow && global.json) {
      throw new UsageException("--follow prints attempts as they happen; it does not take --json");
    }
    try (Vault vault = VaultCommand.open(global, context);
         Session session = login ? VaultCommand.login(vault, global.user(context), global, tokenLogin, context) : null) {
      boolean failed;
      do {
        List<AlertDelivery> made = vault.deliverAlerts();
        failed = made.stream().anyMatch(d -> !d.delivered());
        if (ui.json()) {
          JsonArray a = new JsonArray();
          made.forEach(d -> a.add(json(d)));
          JsonObject o = ui.object();
          o.add("deliveries", a);
          o.addProperty("pending", vault.status().alerts().stream().mapToLong(h -> h.pending()).sum());
          ui.print(o);
        } else {
          for (AlertDelivery d : made) {
            String line = "alert " + d.incidentSeq() + " to " + d.sinkId() + ": " + d.outcome().toLowerCase(java.util.Locale.ROOT)
                + " (attempt " + d.attempt() + ")" + (d.error() == null ? "" : ": " + d.error());
            if (d.delivered()) {
              ui.say(line);
            } else {
              ui.warn(line);
            }
          }
        }
        if (follow) {
          Thread.sleep(Duration.ofSeconds(interval).toMillis()); // a service's pace, not a synchronisation
        }
      } while (follow);
      return failed ? ExitCodes.ERROR : ExitCodes.OK;
    }
  }

  /** One attempt as {@code alert deliver --json} and {@code alert test --json} print it. */
  static JsonObject json(AlertDelivery d) {
    JsonObject o = new JsonObject();
    o.addProperty("sink", d.sinkId());
    o.addProperty("seq", d.incidentSeq());
    o.addProperty("test", d.test());
    o.addProperty("attempt", d.attempt());
    o.add("at", Json.time(d.at()));
    o.addProperty("outcome", d.outcome());
    o.add("error", Json.text(d.error()));
    return o;
  }
}
