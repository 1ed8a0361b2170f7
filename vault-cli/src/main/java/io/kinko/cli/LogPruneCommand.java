package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.Session;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kinko log prune}: removes old entries once their retention has passed and they are archived. */
@Command(name = "prune", mixinStandardHelpOptions = true,
    description = {"Removes the access-log entries logged before --before.",
        "Refused (exit 6, and the refusal is logged) while any of them must still be kept, that is until one year "
            + "after the contract's end or the configured minimum, or while they have not been archived with 'kinko log export'.",
        "The log's hashes stay, so checkpoints and archives still verify after pruning."})
final class LogPruneCommand extends VaultCommand {
  @Option(names = "--before", required = true, paramLabel = "T", converter = TimeArgument.class,
      description = "Remove entries logged before T. " + TimeArgument.HELP)
  Instant before;

  @Override
  int run(Session session, Context context) {
    long removed = session.pruneLog(before);
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("removed", removed);
      o.add("before", Json.time(before));
      ui.print(o);
      return ExitCodes.OK;
    }
    ui.say("removed " + PutCommand.count(removed, "log entry", "log entries") + " logged before " + Times.human(before));
    return ExitCodes.OK;
  }
}
