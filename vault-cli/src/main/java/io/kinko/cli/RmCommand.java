package io.kinko.cli;

import io.kinko.vault.AccessDeniedException;
import io.kinko.vault.DeletionApproval;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.DeletionRequest;
import io.kinko.vault.FileInfo;
import io.kinko.vault.NotFoundException;
import io.kinko.vault.Session;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kinko rm}: certified deletion (clause 5(10)). Every version of a file, or with {@code -r}
 * of every file below a folder, is crypto-erased and overwritten, and one signed certificate
 * lists them all. Without {@code -r} a folder is refused, as {@code rm} refuses one.
 */
@Command(name = "rm", mixinStandardHelpOptions = true,
    description = {"Deletes every version of a stored file (DELETE permission), or with -r of every file below a folder, "
        + "and writes one signed certificate of deletion listing them.",
        "Each version's key is destroyed and its blob overwritten before the certificate is issued. "
            + "The certificate verifies with openssl and the vault's public key; the command to run is printed.",
        "There is no undo, for one file as for a folder: on a terminal it shows what it will delete and asks (default no); "
            + "elsewhere --yes is required. --dry-run lists what would be deleted and deletes nothing."})
final class RmCommand extends VaultCommand {
  @Parameters(index = "0", paramLabel = "VAULT_PATH", description = "The stored file, or with -r the folder.")
  String vaultPath;

  @Option(names = {"-r", "--recursive"}, description = "Delete every file at or below VAULT_PATH, with one certificate.")
  boolean recursive;

  @Option(names = "--cert-out", paramLabel = "DIR", description = CertificateFiles.CERT_OUT_HELP)
  Path certOut = Path.of(".");

  @Option(names = "--yes", description = Confirmation.YES_HELP)
  boolean yes;

  @Option(names = "--dry-run", description = Confirmation.DRY_RUN_HELP)
  boolean dryRun;

  @Override
  void check(Context context) {
    if (vaultPath.isBlank() || vaultPath.strip().equals(".") || vaultPath.strip().equals("/")) {
      throw new UsageException("rm needs a file or folder: it does not delete the whole vault at once "
          + "(give each top folder, or use 'kinko dispose' to dispose of the vault)");
    }
    CertificateFiles.checkFolder(certOut);
    Confirmation.check(context, yes, dryRun, recursive ? "rm -r" : "rm");
  }

  @Override
  int run(Session session, Context context) {
    ErasePlan plan = null;
    if (dryRun || !yes) {
      plan = plan(session);
      if (dryRun) {
        if (plan == null) {
          context.out().println("would delete nothing: no file is stored at " + vaultPath);
          return ExitCodes.ERROR;
        }
        plan.print(ui, "delete");
        return ExitCodes.OK;
      }
      if (plan != null) {
        Confirmation.ask(context, yes, plan, "delete");
      }
    }
    if (session.vault().deletionApproval() == DeletionApproval.TWO_PERSON) {
      return request(session);
    }
    DeletionCertificate certificate;
    if (recursive) {
      try (Progress progress = ui.countProgress("rm -r", ui.showsProgress() ? filesBelow(session, plan) : -1, " files")) {
        certificate = session.deleteTree(vaultPath, progress::doneSoFar);
      }
    } else {
      try {
        certificate = session.delete(vaultPath);
      } catch (NotFoundException e) {
        refuseFolder(session);
        throw e;
      }
    }
    int items = CertificateFiles.items(certificate);
    ui.say("deleted " + PutCommand.count(items, "stored version") + (recursive ? " below " : " of ") + vaultPath);
    Path json = CertificateFiles.writeAndTell(certificate, certOut, ui);
    if (ui.json()) {
      com.google.gson.JsonObject o = ui.object();
      o.addProperty("path", vaultPath);
      o.addProperty("recursive", recursive);
      o.addProperty("deleted", items);
      o.add("certificate", CertificateFiles.json(certificate, json));
      o.add("request", com.google.gson.JsonNull.INSTANCE);
      ui.print(o);
    }
    return ExitCodes.OK;
  }

  /**
   * Under the two-person rule: records the deletion for an administrator's approval, destroys
   * nothing, and prints the request's id (the result, so printed under -q too).
   */
  private int request(Session session) {
    DeletionRequest request;
    try {
      request = session.requestDeletion(vaultPath, recursive);
    } catch (NotFoundException e) {
      if (!recursive) {
        refuseFolder(session);
      }
      throw e;
    }
    if (ui.json()) {
      com.google.gson.JsonObject o = ui.object();
      o.addProperty("path", vaultPath);
      o.addProperty("recursive", recursive);
      o.addProperty("deleted", 0);
      o.add("certificate", com.google.gson.JsonNull.INSTANCE);
      o.add("request", ApproveCommand.json(request));
      ui.print(o);
      return ExitCodes.OK;
    }
    ui.say("deletion of " + PutCommand.count(request.versions(), "stored version") + (recursive ? " below " : " of ") + vaultPath
        + " requested; nothing is deleted until an administrator other than you approves it: kinko approve " + request.id());
    ui.text().println(request.id());
    return ExitCodes.OK;
  }

  /**
   * What this rm would delete, as far as the user may list it, or null when no file is stored at
   * the path (the delete then says so); read-only, logged as reads.
   */
  private ErasePlan plan(Session session) {
    if (recursive) {
      return ErasePlan.ofTree(vaultPath, session.list(vaultPath));
    }
    try {
      List<FileInfo> versions = session.versions(vaultPath);
      if (versions.isEmpty()) {
        refuseFolder(session);
        return null;
      }
      return ErasePlan.ofVersions(vaultPath, versions);
    } catch (AccessDeniedException e) {
      return ErasePlan.unlisted(vaultPath);
    }
  }

  /** The bar's total: the files the plan listed, else listed now; -1 if the user may not list them. */
  private long filesBelow(Session session, ErasePlan plan) {
    try {
      return plan != null ? plan.items().size() : session.list(vaultPath).size();
    } catch (AccessDeniedException e) {
      return -1;
    }
  }

  private void refuseFolder(Session session) {
    if (isFolder(session, vaultPath)) {
      throw new UsageException("'" + vaultPath + "' is a folder: 'kinko rm -r " + vaultPath
          + "' deletes every file below it, with one certificate");
    }
  }

  /** True if files the user may see are stored below {@code path}. */
  private static boolean isFolder(Session session, String path) {
    try {
      return !session.list(path).isEmpty();
    } catch (AccessDeniedException e) {
      return false;
    }
  }
}
