package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit's durability check on a real PostgreSQL server (TestDatabase's embedded one): a
 * database whose connections default to synchronous_commit = off is a finding, though Kinko's
 * own connections set it on; the same server with the default on is clean.
 */
class PostgresAuditTest {
  @TempDir Path dir;

  @Test
  void audit_onPostgresWithSynchronousCommitOff_isADurabilityWarning() throws Exception {
    String role = "kinko_async_" + ProcessHandle.current().pid();
    try (Connection c = TestDatabase.server().getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE ROLE " + role + " LOGIN SUPERUSER");
      c.createStatement().execute("ALTER ROLE " + role + " SET synchronous_commit = off");
    }
    assertEquals(List.of("durability-synchronous-commit"), durabilityFindings(role));
    assertEquals(List.of(), durabilityFindings(TestDatabase.USER), "the server's defaults (fsync on) are durable");
  }

  private List<String> durabilityFindings(String role) {
    Path v = dir.resolve(role);
    try (Password pw = Password.copyOf(TestVaults.PASSWORD); DatabaseAccount account = DatabaseAccount.withoutPassword(role);
         Vault vault = Vault.builder(v).contract(TestVaults.CONTRACT).admin(TestVaults.ADMIN, pw).passwordCost(PasswordCost.MINIMUM)
             .database(TestDatabase.newSchema(TestDatabase.server()), account).create();
         Session session = TestVaults.login(vault)) {
      AuditResult result = session.audit(false, blobs -> {});
      assertFalse(result.integrityFinding(), result.findings().toString());
      List<AuditResult.Finding> durability = result.findings().stream().filter(f -> f.check().startsWith("durability")).toList();
      durability.forEach(f -> assertTrue(f.what().contains("synchronous_commit = off") && f.todo().contains("synchronous_commit = on"), f.toString()));
      return durability.stream().map(AuditResult.Finding::check).toList();
    }
  }
}
