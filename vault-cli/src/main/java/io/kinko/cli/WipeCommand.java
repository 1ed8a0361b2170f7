package io.kinko.cli;

import io.kinko.vault.PutReport;
import io.kinko.vault.Session;
import io.kinko.vault.WipeMethod;
import io.kinko.vault.WipeReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kinko wipe}: overwrites and removes a plain local file or folder (clause 5(11)) with a
 * certificate signed by the vault's key. What it leaves alone (links, special files, files with
 * other hard links) is named on stderr and makes the exit code 1.
 */
@Command(name = "wipe", mixinStandardHelpOptions = true,
    description = {"Overwrites every file of a local file or folder, reads the last pass back, removes them and writes a "
        + "certificate signed with the vault's key (login needed; the wipe is logged).",
        "Symbolic links are not followed and files with other hard links are left alone (unless --force); "
            + "each is named on stderr and the exit code is 1.",
        "It stays on PATH's file system (like rm --one-file-system): mount points and entries on other devices are left, "
            + "named, and not entered. It refuses /, your home folder and a mount point as PATH.",
        "On a terminal it shows what it will wipe (count, size, top folders) and asks (default no); elsewhere --yes is "
            + "required. --dry-run lists what would be wiped and changes nothing.",
        "Overwriting is not reliable on SSDs and copy-on-write file systems; the certificate records the medium's caveats."})
final class WipeCommand extends VaultCommand {
  @Parameters(index = "0", paramLabel = "PATH", description = "The local file or folder to wipe.")
  Path target;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Method method = new Method();

  @Option(names = "--force", description = "Also wipe files that have other hard links (their data is shared with the other names).")
  boolean force;

  @Option(names = "--cert-out", paramLabel = "DIR", description = CertificateFiles.CERT_OUT_HELP)
  Path certOut = Path.of(".");

  @Option(names = "--yes", description = Confirmation.YES_HELP)
  boolean yes;

  @Option(names = "--dry-run", description = Confirmation.DRY_RUN_HELP)
  boolean dryRun;

  /** How to overwrite: one of the options, or one pass of random data. */
  static final class Method {
    @Option(names = "--passes", paramLabel = "N",
        description = "Passes of random data; only 1 (the default) is supported. NIST SP 800-88 finds one pass enough on modern disks.")
    Integer passes;

    @Option(names = "--zero", description = "One pass of zeros instead of random data.")
    boolean zero;

    @Option(names = "--dod3", description = "Three passes: zeros, ones, random (the retired DoD 5220.22-M scheme some contracts ask for).")
    boolean dod3;

    WipeMethod toWipeMethod() {
      if (passes != null && passes != 1) {
        throw new UsageException("--passes " + passes + ": only --passes 1 is supported (one pass of random data); "
            + "--dod3 overwrites three times");
      }
      return zero ? WipeMethod.ZERO : dod3 ? WipeMethod.DOD3 : WipeMethod.RANDOM;
    }
  }

  private WipeMethod wipeMethod;

  @Override
  void check(Context context) throws IOException {
    wipeMethod = method == null ? WipeMethod.RANDOM : method.toWipeMethod();
    checkTarget(target, certOut, global.vaultDirectory(context), "wipe", context);
    Confirmation.check(context, yes, dryRun, "wipe");
  }

  /**
   * Refuses a wipe that would destroy what the command needs or keeps: the vault itself, the
   * folder the certificate goes to, the home folder ({@code $HOME}) or one holding it, a whole
   * file system ({@code /} or any mount point). Shared with {@code put --wipe-source}.
   */
  static void checkTarget(Path target, Path certOut, Path vault, String what, Context context) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(target.toString());
    }
    if (Files.isSymbolicLink(target)) {
      throw new UsageException("will not " + what + " " + target + ": it is a symbolic link; name what it points to");
    }
    if (target.toRealPath().getParent() == null) {
      throw new UsageException("will not " + what + " " + target + ": it is the root of the file system, /");
    }
    Path home = home(context);
    if (home != null && CertificateFiles.within(home, target)) {
      throw new UsageException("will not " + what + " " + target + ": it is or holds your home folder " + home
          + "; wipe the folders inside it that you mean");
    }
    if (ErasePlan.isMountPoint(target)) {
      throw new UsageException("will not " + what + " " + target + ": it is a mount point, so this would erase a whole "
          + "file system; wipe the folders inside it that you mean, or erase the disk with dedicated software");
    }
    if (CertificateFiles.within(vault, target) || CertificateFiles.within(target, vault)) {
      throw new UsageException("will not " + what + " " + target + ": it holds or is inside the vault " + vault
          + " (use 'kinko rm' for stored files, 'kinko dispose' for the vault)");
    }
    CertificateFiles.checkFolder(certOut);
    if (CertificateFiles.within(certOut, target)) {
      throw new UsageException("the certificate would be written into " + target + ", which is being wiped: "
          + "give --cert-out DIR outside it");
    }
  }

  /** The home folder from the run's environment ({@code HOME}), else the JVM's; null if it does not exist. */
  private static Path home(Context context) throws IOException {
    String home = context.env("HOME") != null ? context.env("HOME") : System.getProperty("user.home");
    Path path = home == null ? null : Path.of(home);
    return path != null && Files.exists(path) ? path.toRealPath() : null;
  }

  @Override
  int run(Session session, Context context) throws IOException {
    // What the wipe will overwrite, by its own rules: shown before asking, listed by --dry-run, and the bar's total.
    ErasePlan plan = dryRun || !yes || ui.showsProgress() ? ErasePlan.ofLocal(target, force) : null;
    if (dryRun) {
      plan.print(ui, "wipe");
      return ExitCodes.OK;
    }
    if (!yes) {
      Confirmation.ask(context, yes, plan, "wipe");
    }
    WipeReport report;
    ui.step("wiping " + target + " (" + wipeMethod + ")");
    try (Progress progress = ui.countProgress("wipe", plan == null ? -1 : plan.items().size(), " files")) {
      report = session.wipe(target, wipeMethod, force, progress::doneSoFar);
    }
    return finish(report, target, certOut, ui, null);
  }

  /**
   * Reports what a wipe did and writes its certificate; the exit code says whether anything was
   * left. Under --json the wipe is printed alone, or nested as "wipe" in {@code result} (put --wipe-source).
   */
  static int finish(WipeReport report, Path target, Path certOut, Output output, com.google.gson.JsonObject result) {
    for (PutReport.Skipped skipped : report.skipped()) {
      output.warn("not wiped " + skipped.source() + ": " + skipped.reason());
    }
    output.say("wiped " + PutCommand.count(report.filesWiped(), "file") + " of " + target
        + (report.complete() ? "" : "; " + PutCommand.count(report.skipped().size(), "entry", "entries") + " left (see above)"));
    Path json = CertificateFiles.writeAndTell(report.certificate(), certOut, output);
    if (output.json() && result == null) {
      output.print(json(report, target, json, output.object()));
    } else if (output.json()) {
      result.add("wipe", json(report, target, json, new com.google.gson.JsonObject()));
      output.print(result);
    }
    return report.complete() ? ExitCodes.OK : ExitCodes.ERROR;
  }

  /** A wipe under --json: {target, files, complete, skipped[], certificate}; put --wipe-source nests the same. */
  static com.google.gson.JsonObject json(WipeReport report, Path target, Path certificate, com.google.gson.JsonObject o) {
    o.addProperty("target", target.toString());
    o.addProperty("files", report.filesWiped());
    o.addProperty("complete", report.complete());
    o.add("skipped", PutCommand.json(report.skipped()));
    o.add("certificate", CertificateFiles.json(report.certificate(), certificate));
    return o;
  }
}
