package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kinko user add-token / remove-token}, {@code --token} logins and {@code policy set
 * two-factor}, through the real entry point against real SoftHSM2 tokens (tag token; the build
 * points SOFTHSM2_CONF at target/softhsm).
 */
@Tag("token")
class TokenCommandsTest {
  static final Path MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  static final String WORKER = "tanaka";
  static final String WORKER_PASSWORD = "sakura hanami under the bridge";
  static final String PIN = "123456"; // SoftHSM2 test tokens' PIN: test data, not a secret
  private static final int TOKENS = 8;
  /** The --json commands of docs/cli-json.md that only a token can run: checked here, not by JsonSchemaTest. */
  static final java.util.Set<String> SCHEMA_COMMANDS = java.util.Set.of("user add-token", "user remove-token");
  private static int next;

  @TempDir Path dir;
  Path vault;
  Cli admin;
  String label;
  Path pin;
  Path wrongPin;

  /** SoftHSM2 reads its token folder at its first initialisation in this JVM: every token is made before it. */
  @BeforeAll
  static void tokens() throws IOException, InterruptedException {
    Path conf = Path.of(System.getenv("SOFTHSM2_CONF"));
    Path tokens = conf.resolveSibling("tokens");
    if (Files.exists(tokens)) {
      try (var walk = Files.walk(tokens)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(tokens);
    Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    for (int n = 1; n <= TOKENS; n++) {
      Process p = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "cli-" + n, "--pin", PIN, "--so-pin", "654321")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    }
  }

  @BeforeEach
  void vaultWithAWorker() throws IOException {
    label = "cli-" + (++next);
    assertTrue(next <= TOKENS, "raise TOKENS: more tests than tokens");
    vault = dir.resolve("vault");
    admin = Cli.forVault(vault).initWithoutGrants();
    ok(admin.run("user", "add", WORKER, "--role", "worker", "--new-password-file", write("pw", WORKER_PASSWORD).toString()));
    pin = write("pin", PIN);
    wrongPin = write("wrong-pin", "000000");
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text + "\n", StandardCharsets.UTF_8);
  }

  /** The worker with no password in the environment: a token login, or a password file given explicitly. */
  private Cli worker() {
    return Cli.forVault(vault).env("KINKO_USER", WORKER).env("KINKO_PASSWORD", null).env("KINKO_TOKEN_MODULE", MODULE.toString());
  }

  private Cli.Result addToken(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("user", "add-token", WORKER, "--module", MODULE.toString(), "--token", label,
        "--pin-file", pin.toString()));
    args.addAll(List.of(extra));
    return admin.run(args.toArray(String[]::new));
  }

  private String lastLoginReason() {
    List<LogCommandsTest.Row> rows = LogCommandsTest.rows(ok(admin.run("log", "show", "--actor", WORKER, "--action", "LOGIN")));
    return rows.get(rows.size() - 1).reason();
  }

  @Test
  void addToken_thenTheWorkerLogsInWithTheTokenAndPin_andUserListShowsIt() {
    Cli.Result added = ok(addToken());
    assertTrue(added.out().startsWith("enrolled token '" + label + "'"), added::toString);
    assertTrue(added.out().contains("key kinko, ecdh-p256"), added::toString);

    ok(worker().run("ls", "--token", label, "--pin-file", pin.toString()));
    assertEquals("token", lastLoginReason());

    JsonObject tanaka = userJson(WORKER);
    assertEquals(label, tanaka.getAsJsonObject("token").get("label").getAsString());
    assertFalse(tanaka.getAsJsonObject("token").get("twoFactor").getAsBoolean());
    assertTrue(userJson(Cli.USER).get("token").isJsonNull());
    assertTrue(ok(admin.run("user", "list")).out().lines().anyMatch(l -> l.startsWith(WORKER) && l.endsWith(label)));
  }

  @Test
  void wrongPin_exits3_countsLikeAWrongPassword_andLocksTheAccount() {
    ok(addToken());
    for (int i = 1; i <= 5; i++) {
      Cli.Result refused = worker().run("ls", "--token", label, "--pin-file", wrongPin.toString());
      assertEquals(3, refused.exit(), refused::toString);
      if (lastLoginReason().startsWith("account locked")) {
        break;
      }
      assertTrue(lastLoginReason().startsWith("wrong PIN (" + i + " of "), lastLoginReason());
    }
    Cli.Result locked = worker().run("ls", "--token", label, "--pin-file", pin.toString());
    assertEquals(3, locked.exit(), locked::toString);
    assertEquals("LOCKED", userJson(WORKER).get("status").getAsString());
  }

  @Test
  void absentToken_exits3_withAClearMessage_andNoCount() {
    ok(addToken());
    Cli.Result absent = worker().run("ls", "--token", "no-such-card", "--pin-file", pin.toString());
    assertEquals(3, absent.exit(), absent::toString);
    assertTrue(absent.err().contains("no token labelled 'no-such-card'"), absent::toString);
    assertEquals("token not present", lastLoginReason());
    assertEquals(0, userJson(WORKER).get("failedLogins").getAsInt());
  }

  @Test
  void addTokenAndRemoveToken_underJson_printExactlyTheDocumentedFields() throws IOException {
    JsonSchema schema = JsonSchema.read();
    JsonObject added = JsonParser.parseString(ok(addToken("--json")).out()).getAsJsonObject();
    assertEquals(List.of(), schema.check("user add-token", added));
    JsonObject removed = JsonParser.parseString(ok(admin.run("user", "remove-token", WORKER, "--json")).out()).getAsJsonObject();
    assertEquals(List.of(), schema.check("user remove-token", removed));
    assertEquals(List.of(), schema.unseen("user add-token"));
  }

  @Test
  void removeToken_destroysTheSlot_andTheTokenNoLongerLogsIn() {
    ok(addToken());
    Path slot = vault.resolve("keys").resolve("user-" + WORKER + ".token");
    assertTrue(Files.exists(slot));
    ok(admin.run("user", "remove-token", WORKER));
    assertFalse(Files.exists(slot));
    Cli.Result refused = worker().run("ls", "--token", label, "--pin-file", pin.toString());
    assertEquals(3, refused.exit(), refused::toString);
    assertTrue(userJson(WORKER).get("token").isJsonNull());
  }

  @Test
  void twoFactorPolicy_refusesEitherFactorAlone_andAcceptsBoth() throws IOException {
    ok(admin.run("policy", "set", "two-factor", "worker"));
    Cli.Result oneFactor = addToken();
    assertEquals(2, oneFactor.exit(), oneFactor::toString);
    assertTrue(oneFactor.err().contains("--two-factor"), oneFactor::toString);

    String newPassword = "the second half of two factors";
    ok(addToken("--two-factor", "--new-password-file", write("new", newPassword).toString()));
    assertFalse(Files.exists(vault.resolve("keys").resolve("user-" + WORKER + ".slot")));
    Path passwordFile = write("half", newPassword);

    Cli.Result passwordOnly = worker().run("ls", "--password-file", passwordFile.toString());
    assertEquals(3, passwordOnly.exit(), passwordOnly::toString);
    Cli.Result tokenOnly = worker().run("ls", "--token", label, "--pin-file", pin.toString());
    assertEquals(3, tokenOnly.exit(), tokenOnly::toString);
    assertEquals("two-factor: password missing", lastLoginReason());
    ok(worker().run("ls", "--token", label, "--pin-file", pin.toString(), "--and-password", "--password-file", passwordFile.toString()));
    assertEquals("password+token", lastLoginReason());
    assertTrue(userJson(WORKER).getAsJsonObject("token").get("twoFactor").getAsBoolean());
  }

  @Test
  void aWorkerEnrolsTheirOwnToken() {
    Cli.Result own = worker().env("KINKO_PASSWORD", WORKER_PASSWORD)
        .run("user", "add-token", WORKER, "--module", MODULE.toString(), "--token", label, "--pin-file", pin.toString(), "--key-id", "mine");
    ok(own);
    assertTrue(own.out().contains("key mine"), own::toString);
    ok(worker().run("ls", "--token", label, "--pin-file", pin.toString()));
  }

  private JsonObject userJson(String name) {
    for (var e : JsonParser.parseString(ok(admin.run("user", "list", "--json")).out()).getAsJsonObject().getAsJsonArray("users")) {
      if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
        return e.getAsJsonObject();
      }
    }
    throw new AssertionError("no user " + name);
  }

  private static Cli.Result ok(Cli.Result result) {
    assertEquals(0, result.exit(), result::toString);
    return result;
  }
}
