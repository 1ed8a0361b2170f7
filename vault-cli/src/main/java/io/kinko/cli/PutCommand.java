package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.kinko.vault.FileInfo;
import io.kinko.vault.PutReport;
import io.kinko.vault.Session;
import io.kinko.vault.WipeMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kinko put}: stores a file, or a folder's files, as new versions. What cannot be stored
 * (symbolic links, special files, unreadable files) is named on stderr and makes the exit code 1,
 * but does not stop the rest. With {@code --wipe-source} the plaintext source is wiped, with one
 * certificate, only after everything in it was stored and nothing in it changed meanwhile.
 */
@Command(name = "put", mixinStandardHelpOptions = true,
    description = {"Stores a file, or every file below a folder, in the vault.",
        "Symbolic links are not followed: they are reported and skipped, as are special and unreadable files.",
        "With --wipe-source, SOURCE is then wiped as by 'kinko wipe' (one pass of random data) with one certificate, "
            + "but only if every entry was stored and SOURCE did not change during the put; otherwise it is left and the exit code is 1.",
        "Before storing anything, --wipe-source shows on a terminal what it will wipe and asks (default no); elsewhere --yes "
            + "is required. With --dry-run it lists what would be wiped and neither stores nor wipes anything."})
final class PutCommand extends VaultCommand {
  @Parameters(index = "0", paramLabel = "SOURCE", description = "The local file or folder.")
  Path source;

  @Parameters(index = "1", arity = "0..1", paramLabel = "VAULT_PATH",
      description = "Where to store it, '/'-separated (default: SOURCE's name). '.' puts a folder's content at the top.")
  String vaultPath;

  @Option(names = "--wipe-source", description = "After a complete put, wipe SOURCE (the plaintext originals) with a certificate.")
  boolean wipeSource;

  @Option(names = "--cert-out", paramLabel = "DIR", description = "With --wipe-source: " + CertificateFiles.CERT_OUT_HELP)
  Path certOut;

  @Option(names = "--yes", description = "With --wipe-source: " + Confirmation.YES_HELP)
  boolean yes;

  @Option(names = "--dry-run", description = "With --wipe-source: " + Confirmation.DRY_RUN_HELP)
  boolean dryRun;

  @Override
  void check(Context context) throws IOException {
    if (Files.isRegularFile(source) && Files.size(source) >= NativeCrypto.WORTH_LOADING) {
      NativeCrypto.preload();
    }
    if ((certOut != null || yes || dryRun) && !wipeSource) {
      throw new UsageException((certOut != null ? "--cert-out" : yes ? "--yes" : "--dry-run")
          + " is for --wipe-source; add --wipe-source or leave it out");
    }
    if (wipeSource) {
      WipeCommand.checkTarget(source, certOut(), global.vaultDirectory(context), "wipe the source", context);
      Confirmation.check(context, yes, dryRun, "put --wipe-source");
    }
  }

  private Path certOut() {
    return certOut != null ? certOut : Path.of(".");
  }

  @Override
  int run(Session session, Context context) throws IOException {
    String target = vaultPath != null ? vaultPath : defaultVaultPath(source);
    if (wipeSource && (dryRun || !yes)) {
      ErasePlan plan = ErasePlan.ofLocal(source, false);
      if (dryRun) {
        plan.print(ui, "store and then wipe");
        return ExitCodes.OK;
      }
      Confirmation.ask(context, yes, plan, "store in " + target + " and then wipe");
    }
    SourceSnapshot before = wipeSource ? SourceSnapshot.of(source) : null;
    PutReport report;
    NativeCrypto.install();
    long[] total = ui.showsProgress() ? Progress.sizeOf(source) : new long[] {-1, -1};
    ui.step("storing " + source + " as " + target);
    try (Progress progress = ui.progress("put", total[1], total[0])) {
      report = session.put(target, source, progress);
    }
    for (PutReport.Skipped skipped : report.skipped()) {
      ui.warn("skipped " + skipped.source() + ": " + skipped.reason());
    }
    long bytes = report.stored().stream().mapToLong(FileInfo::size).sum();
    ui.say("stored " + count(report.stored().size(), "file") + ", " + count(bytes, "byte"));
    JsonObject result = ui.json() ? json(target, report, bytes, ui.object()) : null;
    if (!wipeSource) {
      printWithoutWipe(result);
      return report.complete() ? ExitCodes.OK : ExitCodes.ERROR;
    }
    String refusal = wipeRefusal(report, before, SourceSnapshot.of(source), bytes);
    if (refusal != null) {
      ui.warn("kinko: " + source + " was not wiped: " + refusal);
      printWithoutWipe(result);
      return ExitCodes.ERROR;
    }
    ui.step("wiping the source " + source);
    return WipeCommand.finish(session.wipe(source, WipeMethod.RANDOM, false), source, certOut(), ui, result);
  }

  private void printWithoutWipe(JsonObject result) {
    if (result != null) {
      result.add("wipe", JsonNull.INSTANCE);
      ui.print(result);
    }
  }

  /** A put under --json: {path, files, bytes, complete, stored[], skipped[]}; "wipe" is added after. */
  private static JsonObject json(String target, PutReport report, long bytes, JsonObject o) {
    o.addProperty("path", target);
    o.addProperty("files", report.stored().size());
    o.addProperty("bytes", bytes);
    o.addProperty("complete", report.complete());
    JsonArray stored = new JsonArray();
    report.stored().forEach(f -> stored.add(LsCommand.json(f)));
    o.add("stored", stored);
    o.add("skipped", json(report.skipped()));
    return o;
  }

  /** Entries left alone by put or wipe: [{source, reason}]. */
  static JsonArray json(List<PutReport.Skipped> skipped) {
    JsonArray array = new JsonArray();
    for (PutReport.Skipped s : skipped) {
      JsonObject o = new JsonObject();
      o.addProperty("source", s.source().toString());
      o.addProperty("reason", s.reason());
      array.add(o);
    }
    return array;
  }

  /** Why the source must not be wiped, or null if everything in it is stored. */
  private static String wipeRefusal(PutReport report, SourceSnapshot before, SourceSnapshot after, long storedBytes) {
    if (!report.complete()) {
      return count(report.skipped().size(), "entry", "entries") + " could not be stored (see above); wipe it yourself "
          + "with 'kinko wipe' once everything is stored";
    }
    if (!before.equals(after)) {
      return "it changed while it was being stored; put it again";
    }
    if (report.stored().size() != after.regularFiles() || storedBytes != after.bytes()) {
      return "the vault stored " + count(report.stored().size(), "file") + " (" + count(storedBytes, "byte") + ") but it holds "
          + count(after.regularFiles(), "file") + " (" + count(after.bytes(), "byte") + ")";
    }
    return null;
  }

  private static String defaultVaultPath(Path source) {
    Path name = source.toAbsolutePath().normalize().getFileName();
    if (name == null) {
      throw new UsageException("'" + source + "' has no name to store it under: give a VAULT_PATH");
    }
    return name.toString();
  }

  static String count(long n, String unit) {
    return count(n, unit, unit + "s");
  }

  static String count(long n, String singular, String plural) {
    return n + " " + (n == 1 ? singular : plural);
  }
}
