package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.LogArchive;
import io.kinko.vault.Session;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kinko log export}: writes a range of the log as an archive that verifies offline. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Writes the access-log entries logged in [--from, --to) to an archive in DIR: the entries as JSON Lines "
        + "plus a manifest with a signed checkpoint and proofs.",
        "Auditors verify it with 'kinko log verify --archive DIR --key-fingerprint HEX' (or --key PEM), without the vault. "
            + "Archives in one folder must cover adjacent ranges: export each period once, [--from, --to) after the previous --to. "
            + "The export is logged.",
        "Entries must be archived before 'kinko log prune' may remove them."})
final class LogExportCommand extends VaultCommand {
  @Option(names = "--from", required = true, paramLabel = "T", converter = TimeArgument.class,
      description = "First moment included. " + TimeArgument.HELP)
  Instant from;

  @Option(names = "--to", required = true, paramLabel = "T", converter = TimeArgument.class,
      description = "First moment no longer included (same forms as --from).")
  Instant to;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The folder for the archive; created if absent.")
  Path output;

  @Override
  int run(Session session, Context context) {
    if (!from.isBefore(to)) {
      throw new UsageException("--from must be before --to");
    }
    LogArchive archive;
    try (Progress progress = ui.countProgress("log export", -1, " entries")) {
      archive = session.exportLog(from, to, output, progress::doneSoFar);
    }
    long count = archive.lastSeq() - archive.firstSeq() + 1;
    if (ui.json()) {
      JsonObject o = ui.object();
      o.add("from", Json.time(from));
      o.add("to", Json.time(to));
      o.addProperty("entries", count);
      o.addProperty("firstSeq", archive.firstSeq());
      o.addProperty("lastSeq", archive.lastSeq());
      o.addProperty("treeSize", archive.treeSize());
      o.addProperty("directory", output.toAbsolutePath().normalize().toString());
      o.addProperty("entriesFile", archive.entries().toString());
      o.addProperty("manifest", archive.manifest().toString());
      ui.print(o);
      return ExitCodes.OK;
    }
    ui.say("exported " + PutCommand.count(count, "log entry", "log entries") + " (" + archive.firstSeq() + " to "
        + archive.lastSeq() + ", tree size " + archive.treeSize() + ") to " + output.toAbsolutePath().normalize());
    ui.say("  entries:  " + archive.entries());
    ui.say("  manifest: " + archive.manifest());
    return ExitCodes.OK;
  }
}
