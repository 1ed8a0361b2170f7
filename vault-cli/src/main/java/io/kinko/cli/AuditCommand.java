package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.AuditResult;
import io.kinko.vault.Session;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kinko audit}: the self-audit of clause 9, run by an administrator. Prints each finding
 * with what to do, writes the signed result beside its signature, and ends with 0 when the vault
 * is clean, 5 on an integrity finding and 1 on any other finding.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Audits the vault (administrators only): the log verifies from its start; every blob's header verifies "
        + "(with --deep, every byte); no blob is missing and none belongs to no file; every file and folder is private (0700/0600); "
        + "no account is stale (no login for 90 days), expired or disabled with grants, and the administrator is not alone; "
        + "no deletion is unfinished; log entries are kept a year past the contract; the database is durable.",
        "Each finding is printed with what to do. The audit is logged (AUDIT, with the result's SHA-256), and the result is written "
            + "to DIR as audit-TIME.json with a detached Ed25519 signature (.json.sig) that openssl verifies with the vault's public key.",
        "Exit 0 when clean, 5 on an integrity finding, 1 on any other finding."})
final class AuditCommand extends VaultCommand {
  private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  @Option(names = "--deep", description = "Decrypt and check every byte of every blob, not only its header (reads the whole vault).")
  boolean deep;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "The folder for the signed result; created if absent. "
      + "Default: the current folder.")
  Path output = Path.of(".");

  @Override
  void check(Context context) {
    CertificateFiles.checkFolder(output);
  }

  @Override
  int run(Session session, Context context) {
    AuditResult result;
    try (Progress progress = ui.countProgress("audit", -1, " blobs")) {
      result = session.audit(deep, progress::doneSoFar);
    }
    // Two audits in one second keep both results: the second name also carries the start of its id.
    String name = "audit-" + FILE_TIME.format(result.at());
    if (java.nio.file.Files.exists(output.resolve(name + ".json"))) {
      name += "-" + result.id().substring(0, 8);
    }
    Path json = result.write(output, name);
    int code = result.integrityFinding() ? ExitCodes.INTEGRITY : result.clean() ? ExitCodes.OK : ExitCodes.ERROR;
    if (ui.json()) {
      ui.print(json(result, json, ui.object()));
      return code;
    }
    PrintWriter out = ui.text();
    for (AuditResult.Finding f : result.findings()) {
      out.println(f.severity() + "  " + f.id());
      out.println("  " + f.what());
      out.println("  to do: " + f.todo());
    }
    AuditResult.Checked c = result.checked();
    ui.say("audit " + result.id() + (result.deep() ? " (deep)" : "") + ": " + (result.clean() ? "clean"
        : PutCommand.count(result.findings().size(), "finding") + " (" + result.count(AuditResult.Severity.INTEGRITY) + " of integrity)"));
    ui.say("checked " + PutCommand.count(c.logEntries(), "log entry", "log entries") + ", " + PutCommand.count(c.blobs(), "blob")
        + (result.deep() ? " (" + c.bytesDecrypted() + " bytes decrypted)" : " (headers)") + ", " + PutCommand.count(c.users(), "user")
        + ", " + PutCommand.count(c.grants(), "grant"));
    ui.say("signed result: " + json + " (SHA-256 " + result.sha256() + ", in the log's AUDIT entry)");
    ui.say("  " + CertificateFiles.opensslCommand(CertificateFiles.DEFAULT_KEY_FILE, json.toString(), json + ".sig"));
    return code;
  }

  /** The audit under --json: {id, at, deep, result, file, signature, sha256, checked, findings}. */
  private static JsonObject json(AuditResult result, Path json, JsonObject o) {
    o.addProperty("id", result.id());
    o.add("at", Json.time(result.at()));
    o.addProperty("deep", result.deep());
    o.addProperty("result", result.clean() ? "CLEAN" : result.integrityFinding() ? "INTEGRITY" : "WARNING");
    o.addProperty("file", json.toString());
    o.addProperty("signature", json + ".sig");
    o.addProperty("sha256", result.sha256());
    AuditResult.Checked c = result.checked();
    JsonObject checked = new JsonObject();
    checked.addProperty("logEntries", c.logEntries());
    checked.addProperty("blobs", c.blobs());
    checked.addProperty("bytesDecrypted", c.bytesDecrypted());
    checked.addProperty("users", c.users());
    checked.addProperty("grants", c.grants());
    o.add("checked", checked);
    JsonArray findings = new JsonArray();
    for (AuditResult.Finding f : result.findings()) {
      JsonObject each = new JsonObject();
      each.addProperty("id", f.id());
      each.addProperty("severity", f.severity().name());
      each.addProperty("what", f.what());
      each.addProperty("todo", f.todo());
      findings.add(each);
    }
    o.add("findings", findings);
    return o;
  }
}
