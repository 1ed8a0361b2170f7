package io.kinko.cli;

import static io.kinko.cli.CertifiedDeletionTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kinko policy} and {@code kinko policy set}, in-process: administrators only, values checked before a login. */
class PolicyCommandTest {
  @TempDir Path dir;
  Cli admin;
  Cli worker;

  @BeforeEach
  void vault() throws IOException {
    admin = Cli.forVault(dir.resolve("vault")).init();
    Path pw = Files.writeString(dir.resolve("pw.txt"), "a worker's long password\n");
    ok(admin.run("user", "add", "tanaka", "--role", "worker", "--new-password-file", pw.toString()));
    worker = Cli.forVault(dir.resolve("vault")).env("KINKO_USER", "tanaka").env("KINKO_PASSWORD", "a worker's long password");
  }

  @Test
  void policy_showsTheDefaults_thenEachSetValue() {
    Cli.Result shown = ok(admin.run("policy"));
    assertTrue(shown.out().contains("failed-logins   3/15m"), shown::toString);
    assertTrue(shown.out().contains("working-hours   off"), shown::toString);
    assertTrue(shown.out().contains("two-factor      none"), shown::toString);

    ok(admin.run("policy", "set", "two-factor", "admin,auditor"));
    assertTrue(ok(admin.run("policy")).out().contains("two-factor      admin,auditor"));
    com.google.gson.JsonArray roles = JsonParser.parseString(ok(admin.run("policy", "--json")).out()).getAsJsonObject()
        .getAsJsonArray("twoFactorRoles");
    assertEquals("[\"ADMIN\",\"AUDITOR\"]", roles.toString());
    ok(admin.run("policy", "set", "two-factor", "none"));
    ok(admin.run("policy", "set", "failed-logins", "5/30m"));
    ok(admin.run("policy", "set", "mass-read", "300files/2GiB/2h"));
    ok(admin.run("policy", "set", "working-hours", "08:00-20:00", "mon-fri"));
    JsonObject policy = JsonParser.parseString(ok(admin.run("policy", "--json")).out()).getAsJsonObject().getAsJsonObject("policy");
    assertEquals(5, policy.getAsJsonObject("failedLogins").get("count").getAsInt());
    assertEquals(30, policy.getAsJsonObject("failedLogins").get("windowMinutes").getAsInt());
    assertEquals(2L << 30, policy.getAsJsonObject("massRead").get("bytes").getAsLong());
    assertEquals(120, policy.getAsJsonObject("massRead").get("windowMinutes").getAsInt());
    assertEquals(5, policy.getAsJsonObject("workingHours").getAsJsonArray("days").size());
    Cli.Result text = ok(admin.run("policy"));
    assertTrue(text.out().contains("300files/2GiB/2h") && text.out().contains("08:00-20:00 mon,tue,wed,thu,fri"), text::toString);

    ok(admin.run("policy", "set", "working-hours", "off"));
    assertTrue(ok(admin.run("policy")).out().contains("working-hours   off"));
    Cli.Result log = ok(admin.run("log", "show"));
    assertTrue(log.out().contains("working-hours 08:00-20:00 mon,tue,wed,thu,fri -> off"), log::toString);
  }

  @Test
  void aWorker_isRefusedWithExit4() {
    assertEquals(4, worker.run("policy").exit());
    assertEquals(4, worker.run("policy", "set", "denied", "1000/1m").exit());
    assertTrue(ok(admin.run("policy")).out().contains("denied          10/10m"));
  }

  @Test
  void malformedValues_areUsageErrors_beforeAnyLogin() {
    Cli noPassword = Cli.forVault(dir.resolve("vault")).env("KINKO_PASSWORD", null);
    for (String[] bad : new String[][] {
        {"failed-logins", "five"}, {"failed-logins", "0/15m"}, {"failed-logins", "5/2d"}, {"denied", "5/25h"},
        {"mass-read", "200/1GiB/60m"}, {"working-hours", "20:00-08:00", "mon"}, {"working-hours", "08:00-20:00", "fri-mon"},
        {"working-hours", "08:00-20:00"}, {"lockout", "3"}}) {
      String[] args = new String[bad.length + 2];
      args[0] = "policy";
      args[1] = "set";
      System.arraycopy(bad, 0, args, 2, bad.length);
      Cli.Result r = noPassword.run(args);
      assertEquals(2, r.exit(), () -> String.join(" ", bad) + "\n" + r);
    }
  }
}
