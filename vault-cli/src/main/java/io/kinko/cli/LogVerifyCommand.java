package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.LogArchive;
import io.kinko.vault.LogReport;
import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kinko log verify}: the vault's whole log (as a logged-in user), or an exported archive
 * offline with the vault's public key. Any failure names the first bad sequence number and ends
 * with exit code 5.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Verifies the access log: every entry against its hash and its predecessor, every signed checkpoint "
        + "against the tree, and a checkpoint kept outside the vault (--witness) for consistency.",
        "With --archive (one or more folders), verifies exported archives instead, offline, as one contiguous range: a missing, "
            + "repeated, overlapping or renamed archive is named. No password, no vault; it needs --key PEM or --key-fingerprint HEX "
            + "(recorded at the contract's start): a key in the vault folder or beside the archives proves nothing.",
        "A failure names the first bad sequence number and exits with 5."})
final class LogVerifyCommand implements Callable<Integer> {
  /** Longer files are not a checkpoint note but a mistake. */
  static final long MAX_WITNESS_BYTES = 64 * 1024;

  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Mixin
  TokenLoginOptions tokenLogin;

  @Option(names = "--witness", paramLabel = "CHECKPOINT_FILE",
      description = "A signed checkpoint saved earlier (kinko checkpoint > FILE), for example the one in a monthly report: "
          + "the log must still contain it.")
  Path witness;

  @Option(names = "--archive", paramLabel = "DIR",
      description = "Verify the archives in DIR (kinko log export) instead of the vault's log; repeat it for archives in several folders.")
  List<Path> archives;

  @Mixin
  AuditorKey key;

  @Override
  public Integer call() throws IOException {
    Context context = VaultCommand.context(spec);
    Output ui = Output.of(spec, global);
    if (archives != null) {
      return verifyArchive(ui);
    }
    if (key.given()) {
      throw new UsageException("--key and --key-fingerprint are used with --archive only; the vault's own log is verified with the key its login opens");
    }
    byte[] witnessNote = witness == null ? null : readWitness(witness);
    String user = global.user(context);
    LogReport report;
    try (Vault vault = VaultCommand.open(global, context); Session session = VaultCommand.login(vault, user, global, tokenLogin, context);
         Progress progress = ui.countProgress("log verify", ui.showsProgress() ? vault.status().logSize() : -1, " entries")) {
      report = session.verifyLog(witnessNote, progress::doneSoFar);
    }
    if (ui.json()) {
      ui.print(json(report, ui.object(), false, null));
      return ExitCodes.OK;
    }
    ui.say("log verified: " + describe(report, true));
    return ExitCodes.OK;
  }

  /** A verification under --json: {archive, treeSize, entries, firstSeq, checkpoints, witness, keyFingerprint, pinned}. */
  private static JsonObject json(LogReport report, JsonObject o, boolean archive, AuditorKey.Pinned pinned) {
    o.addProperty("archive", archive);
    o.addProperty("treeSize", report.treeSize());
    o.addProperty("entries", report.entriesChecked());
    o.addProperty("firstSeq", report.treeSize() - report.entriesChecked());
    o.addProperty("checkpoints", report.checkpointsChecked());
    o.addProperty("witness", report.witnessChecked());
    o.add("keyFingerprint", Json.text(pinned == null ? null : pinned.fingerprint()));
    o.add("keyPinned", pinned == null ? com.google.gson.JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(pinned.pinned()));
    return o;
  }

  private int verifyArchive(Output ui) throws IOException {
    if (witness != null) {
      throw new UsageException("--witness checks the vault's log, not an archive; use one or the other");
    }
    for (Path archive : archives) {
      if (!Files.isDirectory(archive)) {
        throw new UsageException(archive + " is not a folder of log archives");
      }
    }
    AuditorKey.Pinned pinned = key.resolve(archives);
    LogReport report;
    try (Progress progress = ui.progress("log verify", -1, -1)) {
      report = LogArchive.verify(archives, pinned.pem());
    }
    if (ui.json()) {
      ui.print(json(report, ui.object(), true, pinned));
      return ExitCodes.OK;
    }
    long first = report.treeSize() - report.entriesChecked();
    ui.say("archive verified: " + describe(report, false) + " (entries " + first + " to " + (report.treeSize() - 1)
        + ", tree size " + report.treeSize() + ")");
    ui.say(pinned.describe());
    return ExitCodes.OK;
  }

  /** "N entries, M checkpoints[, witness consistent]". */
  static String describe(LogReport report, boolean wholeLog) {
    StringBuilder b = new StringBuilder();
    b.append(PutCommand.count(report.entriesChecked(), "entry", "entries"));
    if (wholeLog && report.entriesChecked() != report.treeSize()) {
      b.append(" (of ").append(report.treeSize()).append(" ever logged; the older ones were pruned or archived)");
    }
    b.append(", ").append(PutCommand.count(report.checkpointsChecked(), "checkpoint"));
    if (report.witnessChecked()) {
      b.append(", witness consistent");
    }
    return b.toString();
  }

  private static byte[] readWitness(Path file) throws IOException {
    if (Files.size(file) > MAX_WITNESS_BYTES) {
      throw new UsageException(file + " is too large to be a signed checkpoint");
    }
    return Files.readAllBytes(file);
  }
}
