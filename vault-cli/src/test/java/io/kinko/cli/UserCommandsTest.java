package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kinko user}, {@code grant}, {@code revoke} and {@code acl}, in-process: deny by default, grants open paths. */
class UserCommandsTest {
  static final String WORKER = "tanaka";
  static final String WORKER_PASSWORD = "sakura hanami under the bridge";
  static final String FORM = "受付/申請書/A-0001.txt";
  static final String LEDGER = "受付/台帳/受付台帳.csv";

  @TempDir Path dir;
  Path vault;
  Cli admin;
  Cli worker;

  /** A vault whose administrator holds every permission on '.', with an application form and a ledger stored. */
  @BeforeEach
  void vaultWithTwoFiles() throws IOException {
    vault = dir.resolve("vault");
    admin = Cli.forVault(vault).init();
    ok(admin.run("put", write("form.txt", "氏名: 山田太郎\n").toString(), FORM));
    ok(admin.run("put", write("ledger.csv", "受付番号,氏名\nA-0001,山田太郎\n").toString(), LEDGER));
    worker = as(WORKER, WORKER_PASSWORD);
  }

  // --- user add

  @Test
  void userAdd_thenTheNewUserLogsInWithThatPasswordOnly() {
    Cli.Result add = ok(addWorker());

    assertTrue(add.out().startsWith("added tanaka as WORKER, until 2027-03-31"), add::toString);
    ok(worker.run("ls"));
    assertEquals(3, as(WORKER, "sakura hanami under the bridgE").run("ls").exit());
    List<LogCommandsTest.Row> logins = LogCommandsTest.rows(ok(admin.run("log", "show", "--actor", WORKER, "--action", "LOGIN")));
    assertEquals(List.of("ALLOW", "DENY"), logins.stream().map(LogCommandsTest.Row::decision).toList(), logins::toString);
  }

  @Test
  void userAdd_onATerminal_asksTwiceForTheNewPassword_afterTheAdministratorsOwnFromTheEnvironment() {
    Cli.ScriptedTerminal terminal = new Cli.ScriptedTerminal(WORKER_PASSWORD, WORKER_PASSWORD);

    ok(as(Cli.USER, Cli.PASSWORD).terminal(terminal).run("user", "add", WORKER, "--role", "worker"));

    assertEquals(List.of("Initial password for tanaka: ", "Repeat it: "), terminal.prompts);
    ok(worker.run("ls"));
  }

  @Test
  void userAdd_onATerminal_withDifferentAnswers_exits2AndAddsNobody() {
    Cli.ScriptedTerminal terminal = new Cli.ScriptedTerminal(WORKER_PASSWORD, WORKER_PASSWORD + "!");

    Cli.Result result = as(Cli.USER, Cli.PASSWORD).terminal(terminal).run("user", "add", WORKER, "--role", "worker");

    assertEquals(2, result.exit(), result::toString);
    assertTrue(result.err().contains("do not match"), result::toString);
    assertFalse(userNames().contains(WORKER), userNames()::toString);
  }

  @Test
  void userAdd_withAWeakPassword_exits2AndAddsNobody() throws IOException {
    for (String weak : List.of("short", "my name is Tanaka, ok?")) {
      Cli.Result result = admin.run("user", "add", WORKER, "--role", "worker", "--new-password-file", write("weak.txt", weak).toString());

      assertEquals(2, result.exit(), () -> weak + ": " + result);
      assertTrue(result.err().startsWith("kinko: weak password for 'tanaka'"), result::toString);
    }
    assertFalse(userNames().contains(WORKER), userNames()::toString);
    assertFalse(Files.exists(slot(WORKER)));
  }

  @Test
  void userAdd_ofAUserWhoExists_exits1() {
    ok(addWorker());

    Cli.Result again = addWorker();
    Cli.Result theAdmin = admin.run("user", "add", Cli.USER, "--role", "admin", "--new-password-file", passwordFile().toString());

    assertEquals(1, again.exit(), again::toString);
    assertTrue(again.err().contains("'tanaka' exists already"), again::toString);
    assertEquals(1, theAdmin.exit(), theAdmin::toString);
    ok(worker.run("ls")); // the first password still works
  }

  @Test
  void userAdd_withABadNameRoleOrDate_exits2() {
    for (List<String> bad : List.of(List.of("Tanaka San", "--role", "worker"), List.of(WORKER, "--role", "boss"),
        List.of(WORKER, "--role", "worker", "--expires", "2027-02-30"), List.of(WORKER))) {
      List<String> args = new java.util.ArrayList<>(List.of("user", "add"));
      args.addAll(bad);
      args.addAll(List.of("--new-password-file", passwordFile().toString()));

      Cli.Result result = admin.run(args.toArray(String[]::new));

      assertEquals(2, result.exit(), () -> bad + ": " + result);
    }
    assertEquals(List.of(Cli.USER), userNames());
  }

  @Test
  void userAdd_bothPasswordsFromStandardInput_exits2BeforeAnyLogin() {
    Cli.Result result = as(Cli.USER, null).stdin(Cli.PASSWORD + "\n" + WORKER_PASSWORD + "\n")
        .run("user", "add", WORKER, "--role", "worker", "--password-file", "-", "--new-password-file", "-");

    assertEquals(2, result.exit(), result::toString);
    assertTrue(result.err().contains("cannot both read standard input"), result::toString);
  }

  @Test
  void userAdd_withNoNewPasswordSourceAndNoTerminal_exits2WithoutLoggingIn() {
    int logins = LogCommandsTest.rows(ok(admin.run("log", "show", "--action", "LOGIN"))).size();

    Cli.Result result = admin.run("user", "add", WORKER, "--role", "worker");

    assertEquals(2, result.exit(), result::toString);
    assertTrue(result.err().contains("--new-password-file FILE"), result::toString);
    // the log show above and the one below log in; the refused command did not
    assertEquals(logins + 1, LogCommandsTest.rows(ok(admin.run("log", "show", "--action", "LOGIN"))).size());
  }

  @Test
  void userAdd_byAWorker_exits4() {
    ok(addWorker());

    Cli.Result result = worker.run("user", "add", "suzuki", "--role", "admin", "--new-password-file", passwordFile().toString());

    assertEquals(4, result.exit(), result::toString);
    assertFalse(userNames().contains("suzuki"));
  }

  // --- grants

  @Test
  void workerWithoutAGrant_getExits4_andTheDenialIsLoggedUnderTheirName() {
    ok(addWorker());

    Cli.Result get = worker.run("get", FORM, "-o", dir.resolve("out.txt").toString());

    assertEquals(4, get.exit(), get::toString);
    assertFalse(Files.exists(dir.resolve("out.txt")));
    List<LogCommandsTest.Row> denied = LogCommandsTest.rows(ok(admin.run("log", "show", "--actor", WORKER))).stream()
        .filter(r -> r.decision().equals("DENY")).toList();
    assertEquals(1, denied.size(), denied::toString);
    assertTrue(denied.get(0).reason().contains("no READ grant"), denied::toString);
  }

  @Test
  void grant_thenGet_works_onlyBelowTheGrantedPrefix() throws IOException {
    ok(addWorker());

    Cli.Result grant = ok(admin.run("grant", WORKER, "受付/申請書", "read"));
    Cli.Result get = worker.run("get", FORM, "-o", dir.resolve("out.txt").toString());
    Cli.Result ledger = worker.run("get", LEDGER, "-o", dir.resolve("ledger-out.csv").toString());

    assertEquals("granted read on 受付/申請書 to tanaka; tanaka now holds read there\n", grant.out());
    assertEquals(0, get.exit(), get::toString);
    assertEquals("氏名: 山田太郎\n", Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8));
    assertEquals(4, ledger.exit(), ledger::toString);
    assertFalse(Files.exists(dir.resolve("ledger-out.csv")));
    List<String> listed = ok(worker.run("ls")).outLines();
    assertEquals(2, listed.size(), listed::toString);
    assertTrue(listed.get(1).endsWith("  " + FORM), listed::toString);
  }

  @Test
  void grant_addsToWhatTheUserHolds() throws IOException {
    ok(addWorker());
    ok(admin.run("grant", WORKER, "受付", "read"));

    Cli.Result second = ok(admin.run("grant", WORKER, "受付/", "WRITE"));

    assertTrue(second.out().endsWith("tanaka now holds read,write there\n"), second::toString);
    ok(worker.run("put", write("new.txt", "new").toString(), "受付/new.txt"));
  }

  @Test
  void grant_withBadPermissionsOrPath_exits2() {
    ok(addWorker());

    Cli.Result perms = admin.run("grant", WORKER, "受付", "read,steal");
    Cli.Result absolute = admin.run("grant", WORKER, "/", "read");
    Cli.Result dotDot = admin.run("grant", WORKER, "受付/../x", "read");

    assertEquals(2, perms.exit(), perms::toString);
    assertTrue(perms.err().contains("unknown permission 'steal'"), perms::toString);
    assertEquals(2, absolute.exit(), absolute::toString);
    assertEquals(2, dotDot.exit(), dotDot::toString);
    assertEquals(List.of(), grantsOf(WORKER));
  }

  @Test
  void grant_toAnAuditor_exits1() throws IOException {
    ok(admin.run("user", "add", "kansa", "--role", "auditor", "--new-password-file", passwordFile().toString()));

    Cli.Result result = admin.run("grant", "kansa", ".", "read");

    assertEquals(1, result.exit(), result::toString);
    assertTrue(result.err().contains("cannot be granted file permissions"), result::toString);
  }

  @Test
  void revoke_thenGetExits4() {
    ok(addWorker());
    ok(admin.run("grant", WORKER, "受付/申請書", "read"));
    ok(worker.run("get", FORM, "-o", dir.resolve("before.txt").toString()));

    Cli.Result revoke = ok(admin.run("revoke", WORKER, "受付/申請書"));
    Cli.Result get = worker.run("get", FORM, "-o", dir.resolve("after.txt").toString());

    assertEquals("revoked every permission of tanaka on 受付/申請書\n", revoke.out());
    assertEquals(4, get.exit(), get::toString);
    assertFalse(Files.exists(dir.resolve("after.txt")));
    assertEquals(List.of(), grantsOf(WORKER));
  }

  @Test
  void revoke_ofSomePermissions_keepsTheOthers() throws IOException {
    ok(addWorker());
    ok(admin.run("grant", WORKER, "受付", "read,write"));

    ok(admin.run("revoke", WORKER, "受付", "write"));

    assertEquals(List.of("受付 [\"read\"]"), grantsOf(WORKER));
    ok(worker.run("get", LEDGER, "-o", dir.resolve("ledger-out.csv").toString()));
    assertEquals(4, worker.run("put", write("new.txt", "new").toString(), "受付/new.txt").exit());
  }

  @Test
  void revoke_ofAGrantThatDoesNotExist_exits1() {
    ok(addWorker());
    ok(admin.run("grant", WORKER, "受付", "read"));

    Cli.Result below = admin.run("revoke", WORKER, "受付/申請書");
    Cli.Result nobody = admin.run("revoke", "suzuki", "受付");

    assertEquals(1, below.exit(), below::toString);
    assertTrue(below.err().contains("holds no grant on '受付/申請書'"), below::toString);
    assertEquals(1, nobody.exit(), nobody::toString);
    assertEquals(List.of("受付 [\"read\"]"), grantsOf(WORKER));
  }

  // --- acl

  @Test
  void acl_json_listsEachGrantWithWhoGaveItAndWhen() {
    ok(addWorker());
    Instant before = Instant.now().minusSeconds(1);
    ok(admin.run("grant", WORKER, "受付/申請書", "write,read"));

    JsonArray all = JsonParser.parseString(ok(admin.run("acl", "--json")).out()).getAsJsonObject().getAsJsonArray("grants");
    JsonArray ledger = JsonParser.parseString(ok(admin.run("acl", "--json", "受付/台帳")).out()).getAsJsonObject().getAsJsonArray("grants");

    Map<String, JsonObject> byUser = byUser(all);
    assertEquals(2, all.size(), all::toString);
    JsonObject grant = byUser.get(WORKER);
    assertEquals("受付/申請書", grant.get("prefix").getAsString());
    assertEquals("[\"read\",\"write\"]", grant.get("permissions").toString());
    assertEquals(Cli.USER, grant.get("grantedBy").getAsString());
    assertFalse(Instant.parse(grant.get("grantedAt").getAsString()).isBefore(before), grant::toString);
    assertEquals(".", byUser.get(Cli.USER).get("prefix").getAsString());
    assertEquals("[\"read\",\"write\",\"delete\",\"export\"]", byUser.get(Cli.USER).get("permissions").toString());
    assertEquals(List.of(Cli.USER), List.copyOf(byUser(ledger).keySet()), "the ledger is only under the whole-vault grant");
  }

  @Test
  void acl_table_putsThePrefixLast() {
    ok(addWorker());
    ok(admin.run("grant", WORKER, "受付/申請書", "read"));

    List<String> lines = ok(admin.run("acl", "受付/申請書")).outLines();

    assertTrue(lines.get(0).matches("USER +PERMISSIONS +GRANTED BY +GRANTED AT +PREFIX"), lines::toString);
    assertEquals(3, lines.size(), lines::toString);
    assertTrue(lines.get(1).matches("admin +read,write,delete,export +admin +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\+09:00 +\\."), lines::toString);
    assertTrue(lines.get(2).matches("tanaka +read +admin +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\+09:00 +受付/申請書"), lines::toString);
  }

  @Test
  void acl_byAWorker_exits4() {
    ok(addWorker());

    assertEquals(4, worker.run("acl").exit());
  }

  // --- lock, unlock, disable

  @Test
  void lock_makesTheUsersCommandsExit3_unlockRestoresThem() {
    ok(addWorker());

    assertEquals("locked tanaka\n", ok(admin.run("user", "lock", WORKER)).out());
    Cli.Result locked = worker.run("ls");
    assertEquals(3, locked.exit(), locked::toString);
    assertTrue(locked.err().contains("account locked"), locked::toString);
    assertEquals("LOCKED", user(WORKER).get("status").getAsString());

    ok(admin.run("user", "unlock", WORKER));
    ok(worker.run("ls"));
    assertEquals("ACTIVE", user(WORKER).get("status").getAsString());
  }

  @Test
  void lock_ofTheLastAdministrator_exits1AndSaysWhy() {
    Cli.Result result = admin.run("user", "lock", Cli.USER);

    assertEquals(1, result.exit(), result::toString);
    assertEquals("kinko: 'admin' is the last active administrator; add another first\n", result.err());
    ok(admin.run("ls"));
  }

  @Test
  void disable_destroysTheKeySlot_andTheUserCannotLogIn() {
    ok(addWorker());
    ok(admin.run("grant", WORKER, "受付", "read"));
    assertTrue(Files.isRegularFile(slot(WORKER)), slot(WORKER)::toString);

    ok(admin.run("user", "disable", WORKER));

    assertFalse(Files.exists(slot(WORKER)), "key slot still there");
    assertEquals(3, worker.run("ls").exit());
    assertEquals("DISABLED", user(WORKER).get("status").getAsString());
    assertEquals(List.of(), grantsOf(WORKER));
    assertEquals(1, admin.run("user", "unlock", WORKER).exit());
  }

  @Test
  void disable_ofTheLastAdministrator_exits1AndKeepsTheirSlot() {
    Cli.Result result = admin.run("user", "disable", Cli.USER);

    assertEquals(1, result.exit(), result::toString);
    assertTrue(result.err().contains("last active administrator"), result::toString);
    assertTrue(Files.isRegularFile(slot(Cli.USER)));
  }

  // --- passwd

  @Test
  void passwd_ownWithTheRightPassword_replacesIt() throws IOException {
    ok(addWorker());
    Path next = write("next.txt", "a brand new passphrase 42");

    Cli.Result result = ok(worker.run("user", "passwd", "--new-password-file", next.toString()));

    assertEquals("changed the password of tanaka\n", result.out());
    assertEquals(3, worker.run("ls").exit(), "the old password must stop working");
    ok(as(WORKER, "a brand new passphrase 42").run("ls"));
  }

  @Test
  void passwd_ownWithTheWrongOldPassword_exits3AndKeepsThePassword() throws IOException {
    ok(addWorker());
    Path next = write("next.txt", "a brand new passphrase 42");

    Cli.Result result = as(WORKER, "not my password at all").run("user", "passwd", "--new-password-file", next.toString());

    assertEquals(3, result.exit(), result::toString);
    ok(worker.run("ls"));
    assertEquals(3, as(WORKER, "a brand new passphrase 42").run("ls").exit());
  }

  @Test
  void passwd_ownOnATerminal_asksForTheCurrentThenTheNewOneTwice() {
    ok(addWorker());
    Cli.ScriptedTerminal terminal = new Cli.ScriptedTerminal(WORKER_PASSWORD, "a brand new passphrase 42", "a brand new passphrase 42");

    ok(as(WORKER, null).terminal(terminal).run("user", "passwd"));

    assertEquals(List.of("Current password for tanaka: ", "New password for tanaka: ", "Repeat it: "), terminal.prompts);
    ok(as(WORKER, "a brand new passphrase 42").run("ls"));
  }

  @Test
  void passwd_ofAnotherUser_byAnAdministrator_resetsIt_andAWorkerMayNot() throws IOException {
    ok(addWorker());
    Path reset = write("reset.txt", "temporary passphrase 2026");

    ok(admin.run("user", "passwd", WORKER, "--new-password-file", reset.toString()));
    Cli.Result byWorker = as(WORKER, "temporary passphrase 2026").run("user", "passwd", Cli.USER,
        "--new-password-file", passwordFile().toString());

    assertEquals(4, byWorker.exit(), byWorker::toString);
    ok(admin.run("ls")); // the administrator's password is unchanged
  }

  @Test
  void passwd_withAWeakNewPassword_exits2() throws IOException {
    ok(addWorker());

    Cli.Result result = worker.run("user", "passwd", "--new-password-file", write("weak.txt", "tanaka123456789").toString());

    assertEquals(2, result.exit(), result::toString);
    ok(worker.run("ls"));
  }

  // --- user list

  @Test
  void userList_json_describesEveryUser() {
    ok(admin.run("user", "add", WORKER, "--role", "WORKER", "--expires", "2026-12-31", "--new-password-file", passwordFile().toString()));
    assertEquals(3, as(WORKER, "wrong passphrase, twice").run("ls").exit());

    Cli.Result result = ok(admin.run("user", "list", "--json"));

    Map<String, JsonObject> users = byName(JsonParser.parseString(result.out()).getAsJsonObject().getAsJsonArray("users"));
    assertEquals(List.of(Cli.USER, WORKER), users.keySet().stream().sorted().toList(), result::toString);
    JsonObject chief = users.get(Cli.USER);
    assertEquals("ADMIN", chief.get("role").getAsString());
    assertEquals("ACTIVE", chief.get("status").getAsString());
    assertTrue(chief.get("chief").getAsBoolean());
    JsonObject tanaka = users.get(WORKER);
    assertEquals("WORKER", tanaka.get("role").getAsString());
    assertEquals("2026-12-31", tanaka.get("expires").getAsString());
    assertEquals(1, tanaka.get("failedLogins").getAsInt());
    assertFalse(tanaka.get("chief").getAsBoolean());
    Instant.parse(tanaka.get("created").getAsString());
  }

  @Test
  void userList_table_hasOneLinePerUser() {
    ok(addWorker());

    List<String> lines = ok(admin.run("user", "list")).outLines();

    assertEquals(3, lines.size(), lines::toString);
    assertTrue(lines.get(0).matches("NAME +ROLE +STATUS +FAILED +EXPIRES +CHIEF +TOKEN"), lines::toString);
    assertTrue(lines.stream().anyMatch(l -> l.matches("admin +ADMIN +ACTIVE +0 +\\S+ +yes +-")), lines::toString);
    assertTrue(lines.stream().anyMatch(l -> l.matches("tanaka +WORKER +ACTIVE +0 +2027-03-31 +no +-")), lines::toString);
  }

  @Test
  void userAlone_exits2AndListsItsCommands() {
    Cli.Result result = admin.run("user");

    assertEquals(2, result.exit(), result::toString);
    for (String command : List.of("add", "passwd", "lock", "unlock", "disable", "list")) {
      assertTrue(result.err().contains("  " + command + " "), () -> command + " missing:\n" + result.err());
    }
  }

  // --- helpers

  /**
   * A fresh CLI for {@code user} whose KINKO_PASSWORD environment variable holds {@code environmentValue}
   * (unset if null). Environment variables are Strings by nature: that is the documented escape hatch.
   */
  private Cli as(String user, String environmentValue) {
    return Cli.forVault(vault).env("KINKO_USER", user).env("KINKO_PASSWORD", environmentValue);
  }

  private Cli.Result addWorker() {
    return admin.run("user", "add", WORKER, "--role", "worker", "--new-password-file", passwordFile().toString());
  }

  private Path passwordFile() {
    try {
      return write("tanaka-password.txt", WORKER_PASSWORD + "\n");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  private Path slot(String user) {
    return vault.resolve("keys").resolve("user-" + user + ".slot");
  }

  private List<String> userNames() {
    return objects(JsonParser.parseString(ok(admin.run("user", "list", "--json")).out()).getAsJsonObject().getAsJsonArray("users")).stream()
        .map(u -> u.get("name").getAsString()).toList();
  }

  private JsonObject user(String name) {
    return byName(JsonParser.parseString(ok(admin.run("user", "list", "--json")).out()).getAsJsonObject().getAsJsonArray("users")).get(name);
  }

  /** The user's grants as "prefix [permissions]". */
  private List<String> grantsOf(String user) {
    return objects(JsonParser.parseString(ok(admin.run("acl", "--json")).out()).getAsJsonObject().getAsJsonArray("grants")).stream()
        .filter(g -> g.get("user").getAsString().equals(user))
        .map(g -> g.get("prefix").getAsString() + " " + g.get("permissions"))
        .toList();
  }

  private static Map<String, JsonObject> byName(JsonArray array) {
    return objects(array).stream().collect(Collectors.toMap(o -> o.get("name").getAsString(), Function.identity()));
  }

  private static Map<String, JsonObject> byUser(JsonArray array) {
    return objects(array).stream().collect(Collectors.toMap(o -> o.get("user").getAsString(), Function.identity()));
  }

  private static List<JsonObject> objects(JsonArray array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonElement::getAsJsonObject).toList();
  }

  private static Cli.Result ok(Cli.Result result) {
    assertEquals(0, result.exit(), result::toString);
    return result;
  }
}
