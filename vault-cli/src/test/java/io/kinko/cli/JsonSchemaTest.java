package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command's {@code --json} output against docs/cli-json.md: one vault lives through init,
 * users, grants, put, get, rm, wipe, the log and certificate commands and finally dispose, and
 * each object must hold exactly the documented fields with the documented types; by the end every
 * documented field of every command has been seen.
 */
class JsonSchemaTest {
  @TempDir Path dir;
  private final List<String> problems = new ArrayList<>();
  private JsonSchema schema;
  private int exitCode;

  @Test
  void everyCommand_underJson_printsExactlyTheDocumentedFields() throws IOException {
    schema = JsonSchema.read();
    Path vault = dir.resolve("vault");
    Cli cli = Cli.forVault(vault);
    Path source = dir.resolve("案件");
    Files.createDirectories(source.resolve("申請書"));
    Files.writeString(source.resolve("申請書/山田太郎.txt"), "氏名: 山田太郎\n", StandardCharsets.UTF_8);
    Files.writeString(source.resolve("b.txt"), "b", StandardCharsets.UTF_8);
    Path newPassword = Files.writeString(dir.resolve("new.txt"), "another long passphrase\n");

    json(cli, "init", "init", "--contract-id", "R7-0042", "--client", "テスト市", "--contractor", "金庫株式会社",
        "--contract-end", "2027-03-31", "--admin", Cli.USER, "--password-cost", "minimum");
    json(cli, "grant", "grant", Cli.USER, ".", "read,write,delete,export");
    json(cli, "user add", "user", "add", "worker1", "--role", "worker", "--new-password-file", newPassword.toString());
    json(cli, "user add", "user", "add", "worker2", "--role", "worker", "--expires", "2027-01-31",
        "--new-password-file", newPassword.toString());
    json(cli, "user lock", "user", "lock", "worker1");
    json(cli, "user unlock", "user", "unlock", "worker1");
    json(cli, "user passwd", "user", "passwd", "worker1", "--new-password-file", newPassword.toString());
    json(cli, "user list", "user", "list");
    json(cli, "grant", "grant", "worker1", "案件", "read");
    json(cli, "acl", "acl");
    json(cli, "revoke", "revoke", "worker1", "案件");
    json(cli, "put", "put", source.toString(), "案件");
    Path plain = dir.resolve("plain");
    Files.createDirectories(plain);
    Files.writeString(plain.resolve("c.txt"), "c");
    json(cli, "put", "put", plain.toString(), "plain", "--wipe-source", "--yes", "--cert-out", dir.resolve("certs").toString());
    // Left out, and so listed as skipped, with exit 1: a link by put, a file with a second hard link by the wipe.
    Path linked = Files.createDirectories(dir.resolve("linked"));
    Files.writeString(linked.resolve("d.txt"), "d");
    Files.createSymbolicLink(linked.resolve("link"), linked.resolve("d.txt"));
    exitCode = 1;
    json(cli, "put", "put", linked.toString(), "linked");
    Files.delete(linked.resolve("link"));
    Files.createLink(dir.resolve("second-name"), linked.resolve("d.txt"));
    json(cli, "put", "put", linked.toString(), "linked2", "--wipe-source", "--yes", "--cert-out", dir.resolve("certs").toString());
    Files.writeString(Files.createDirectories(dir.resolve("linked3")).resolve("e.txt"), "e");
    Files.createLink(dir.resolve("third-name"), dir.resolve("linked3/e.txt"));
    json(cli, "wipe", "wipe", dir.resolve("linked3").toString(), "--yes", "--cert-out", dir.resolve("certs").toString());
    exitCode = 0;
    JsonObject keeps = json(cli, JsonSchema.DRY_RUN, "wipe", dir.resolve("linked3").toString(), "--dry-run");
    assertEquals(1, keeps.getAsJsonArray("left").size(), "the hard-linked file a wipe would leave");
    json(cli, "ls", "ls");
    json(cli, "get", "get", "案件", "-o", dir.resolve("out").toString());
    json(cli, "get", "get", "案件/b.txt", "-o", dir.resolve("b-out.txt").toString());
    JsonObject wouldDelete = json(cli, JsonSchema.DRY_RUN, "rm", "案件/b.txt", "--dry-run");
    assertEquals(1, wouldDelete.get("count").getAsInt(), "versions a dry run would delete");
    JsonObject rm = json(cli, "rm", "rm", "案件/b.txt", "--yes", "--cert-out", dir.resolve("certs").toString());
    Path toWipe = Files.createDirectories(dir.resolve("to-wipe"));
    Files.writeString(toWipe.resolve("x.txt"), "x");
    json(cli, JsonSchema.DRY_RUN, "put", toWipe.toString(), "to-wipe", "--wipe-source", "--dry-run");
    assertTrue(Files.exists(toWipe.resolve("x.txt")), "a dry run leaves the source in place");
    json(cli, "wipe", "wipe", toWipe.toString(), "--yes", "--cert-out", dir.resolve("certs").toString());
    json(cli, "checkpoint", "checkpoint");
    json(cli, "log show", "log", "show");
    json(cli, "log verify", "log", "verify");
    LocalDate today = LocalDate.now(TimeArgument.ZONE);
    Path archive = dir.resolve("archive");
    json(cli, "log export", "log", "export", "--from", today.minusDays(1).toString(), "--to", today.plusDays(2).toString(),
        "-o", archive.toString());
    json(cli, "log prune", "log", "prune", "--before", "2001-01-01");
    Path pem = dir.resolve("vault.pub.pem");
    json(cli, "key export", "key", "export");
    json(cli, "key export", "key", "export", "-o", pem.toString());
    json(cli, "key export", "key", "export", "--verifier", "-o", dir.resolve("kinko-verify.html").toString());
    json(new Cli(), "log verify", "log", "verify", "--archive", archive.toString(), "--key", pem.toString());
    String certificate = rm.getAsJsonObject("certificate").get("file").getAsString();
    json(new Cli(), "cert verify", "cert", "verify", certificate, "--key", pem.toString());
    String month = java.time.YearMonth.now(TimeArgument.ZONE).toString();
    JsonObject report = json(cli, "report", "report", "--month", month, "-o", dir.resolve("reports").toString());
    json(new Cli(), "report verify", "report", "verify", report.get("file").getAsString(), "--key", pem.toString());
    json(cli, "cert list", "cert", "list");
    json(cli, "cert export", "cert", "export", "--all", "-o", dir.resolve("exported").toString());
    json(new Cli(), "cert pdf", "cert", "pdf", certificate, "-o", dir.resolve("c.pdf").toString(), "--key", pem.toString());
    int deadPort;
    try (java.net.ServerSocket reserve = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      deadPort = reserve.getLocalPort();
    }
    String sink = json(cli, "alert add", "alert", "add", "webhook", "http://127.0.0.1:" + deadPort + "/hook").getAsJsonObject("sink")
        .get("id").getAsString();
    exitCode = 1; // nothing listens there
    json(cli, "alert test", "alert", "test", sink);
    exitCode = 0;
    json(cli, "alert list", "alert", "list");
    json(cli, "status", "status");
    json(cli, "recovery status", "recovery", "status");
    JsonObject rotated = json(cli, "recovery rotate", "recovery", "rotate");
    Path recoveryKey = Files.writeString(dir.resolve("recovery.txt"), rotated.get("recoveryKey").getAsString() + "\n");
    Path samePassword = Files.writeString(dir.resolve("same.txt"), Cli.PASSWORD + "\n");
    json(cli, "recover", "recover", "--recovery-key-file", recoveryKey.toString(), "--new-password-file", samePassword.toString());
    json(cli, "policy", "policy");
    json(cli, "policy set", "policy", "set", "working-hours", "08:00-20:00", "mon-fri");
    json(cli, "policy set", "policy", "set", "two-factor", "none");
    // Transport: a test age key pair (made by age-keygen; test data only). The package comes back into the same vault.
    json(cli, "policy set", "policy", "set", "city-recipient", "age1l0pxkdauvz7jnqz8z5gc5cxfgdjm8huumwmvxn9l578ldlqtyezsk32963");
    Path ageKey = Files.writeString(dir.resolve("age-key.txt"),
        "AGE-SECRET-KEY-1VZKR7VL4NUXDALV45VU53AQSTRL0K9ZDK9HCPXCVE9CA76XSCXRSSRGTE4\n");
    json(cli, "export", "export", "案件/申請書", "-o", dir.resolve("p.age").toString());
    json(cli, "export list", "export", "list");
    JsonObject imported = json(cli, "import", "import", dir.resolve("p.age").toString(), "受入", "--identity", ageKey.toString(),
        "--receipt-dir", dir.resolve("receipts").toString());
    json(cli, "export receipt", "export", "receipt", imported.get("receipt").getAsString(), "--key", pem.toString());
    json(cli, "export list", "export", "list");
    exitCode = 1; // findings, none of integrity: the administrator is alone
    json(cli, "audit", "audit", "-o", dir.resolve("audits").toString());
    exitCode = 0;
    json(cli.env("KINKO_USER", "worker2").env("KINKO_PASSWORD", "another long passphrase"), "status", "status");
    cli.env("KINKO_USER", Cli.USER).env("KINKO_PASSWORD", Cli.PASSWORD);
    json(cli, "user disable", "user", "disable", "worker2");
    // A folder with one altered file: the others are written, the altered one is listed as failed (exit 5).
    JsonObject listed = json(cli, "ls", "ls", "案件/申請書");
    String fileId = listed.getAsJsonArray("files").get(0).getAsJsonObject().get("fileId").getAsString();
    Path blob = vault.resolve("blobs").resolve(fileId.substring(0, 2)).resolve(fileId);
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length - 1] ^= 1;
    Files.write(blob, bytes);
    exitCode = 5;
    json(cli, "get", "get", "案件", "-o", dir.resolve("out2").toString());
    exitCode = 1; // the altered file's INCIDENT entry, and a sink that is down
    json(cli, "alert deliver", "alert", "deliver");
    exitCode = 0;
    long incident = json(cli, "incident list", "incident", "list", "--open").getAsJsonArray("incidents").get(0).getAsJsonObject()
        .get("id").getAsLong();
    json(cli, "incident ack", "incident", "ack", Long.toString(incident), "--note", "restored from backup");
    JsonObject written = json(cli, "incident report", "incident", "report", Long.toString(incident), "-o", dir.resolve("incidents").toString());
    json(new Cli(), "incident verify", "incident", "verify", written.get("file").getAsString(), "--key", pem.toString());
    json(cli, "incident list", "incident", "list");
    json(cli, "alert remove", "alert", "remove", sink);
    json(cli, "dispose", "dispose", "--archive-to", dir.resolve("final").toString(), "--yes");

    twoPersonRule(newPassword);

    for (String command : schema.commands.keySet()) {
      // The token commands need a PKCS#11 token: TokenCommandsTest (tag token) checks their objects on SoftHSM2.
      if (!command.equals("errors") && !TokenCommandsTest.SCHEMA_COMMANDS.contains(command) && !schema.unseen(command).isEmpty()) {
        problems.add("kinko " + command + ": documented but never seen: " + schema.unseen(command));
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /** A second vault under the two-person rule: rm as a request, then approve --list, approve and approve --reject. */
  private void twoPersonRule(Path newPassword) throws IOException {
    Path vault = dir.resolve("two-person");
    Cli admin = Cli.forVault(vault);
    json(admin, "init", "init", "--contract-id", "R7-0042", "--client", "テスト市", "--contractor", "金庫株式会社",
        "--contract-end", "2027-03-31", "--admin", Cli.USER, "--password-cost", "minimum", "--two-person-rm");
    json(admin, "user add", "user", "add", "worker1", "--role", "worker", "--new-password-file", newPassword.toString());
    json(admin, "grant", "grant", "worker1", ".", "read,write,delete");
    Cli worker = Cli.forVault(vault).env("KINKO_USER", "worker1").env("KINKO_PASSWORD", "another long passphrase");
    Path source = Files.writeString(dir.resolve("request.txt"), "r");
    json(worker, "put", "put", source.toString(), "a.txt");
    json(worker, "put", "put", source.toString(), "b.txt");
    String first = json(worker, "rm", "rm", "a.txt", "--yes").getAsJsonObject("request").get("id").getAsString();
    String second = json(worker, "rm", "rm", "b.txt", "--yes").getAsJsonObject("request").get("id").getAsString();
    assertEquals(2, json(admin, "approve", "approve", "--list").getAsJsonArray("requests").size());
    json(admin, "approve", "approve", first, "--cert-out", dir.resolve("certs").toString());
    json(admin, "approve", "approve", second, "--reject", "--note", "still needed");
  }

  @Test
  void aFailure_underJson_isTheDocumentedErrorObjectOnStderr() throws IOException {
    schema = JsonSchema.read();
    Cli cli = Cli.forVault(dir.resolve("vault")).init();

    Cli.Result denied = cli.env("KINKO_PASSWORD", "wrong password, long enough").run("ls", "--json");
    Cli.Result usage = cli.run("ls", "--json", "--no-such-option");
    Cli.Result missing = Cli.forVault(dir.resolve("vault")).run("ls", "nothing/here", "--json");

    assertError(denied, 3, "AUTHENTICATION");
    assertError(usage, 2, "USAGE");
    assertError(missing, 1, "ERROR");
  }

  private void assertError(Cli.Result result, int exit, String name) {
    assertEquals(exit, result.exit(), result::toString);
    assertEquals("", result.out(), "stdout stays empty on a failure: " + result);
    JsonObject error = JsonParser.parseString(result.err()).getAsJsonObject();
    List<String> wrong = schema.check("errors", error);
    assertTrue(wrong.isEmpty(), wrong + "\n" + result);
    assertEquals(name, error.get("error").getAsString());
    assertEquals(exit, error.get("exit").getAsInt());
    assertTrue(!error.get("message").getAsString().isBlank(), result::toString);
  }

  /** Runs a command with --json, expects {@link #exitCode} and one object on stdout, and checks it. */
  private JsonObject json(Cli cli, String command, String... args) {
    String[] withJson = new String[args.length + 1];
    System.arraycopy(args, 0, withJson, 0, args.length);
    withJson[args.length] = "--json";
    Cli.Result result = cli.run(withJson);
    assertEquals(exitCode, result.exit(), () -> String.join(" ", args) + "\n" + result);
    JsonObject object = JsonParser.parseString(result.out()).getAsJsonObject();
    for (String problem : schema.check(command, object)) {
      problems.add("kinko " + command + ": " + problem);
    }
    return object;
  }
}
