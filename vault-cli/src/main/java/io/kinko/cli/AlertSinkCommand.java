package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.AlertDelivery;
import io.kinko.vault.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kinko alert test|remove ID}: an administrator acts on one sink. */
abstract class AlertSinkCommand extends VaultCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The sink, as 'kinko alert list' shows it (s12).")
  String id;

  @Command(name = "test", mixinStandardHelpOptions = true,
      description = {"Sends a test alert (marked as a test) to sink ID now and waits for the outcome (administrators only).",
          "Exit 0 if the sink took it, 1 if not (the reason is printed and recorded)."})
  static final class Test extends AlertSinkCommand {
    @Override
    int run(Session session, Context context) {
      AlertDelivery d = session.administration().testAlertSink(id);
      if (ui.json()) {
        JsonObject o = ui.object();
        o.add("delivery", AlertDeliverCommand.json(d));
        ui.print(o);
      } else if (d.delivered()) {
        ui.say("test alert delivered to " + id);
      } else {
        ui.warn("test alert to " + id + " not delivered (" + d.outcome() + "): " + d.error());
      }
      return d.delivered() ? ExitCodes.OK : ExitCodes.ERROR;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Removes sink ID (administrators only); what it had not delivered is not sent. Its past deliveries stay recorded.")
  static final class Remove extends AlertSinkCommand {
    @Override
    int run(Session session, Context context) {
      session.administration().removeAlertSink(id);
      if (ui.json()) {
        JsonObject o = ui.object();
        o.addProperty("removed", id);
        ui.print(o);
      } else {
        ui.say("removed alert sink " + id);
      }
      return ExitCodes.OK;
    }
  }
}
