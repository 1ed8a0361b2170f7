package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V18 (log_nodes to log_tree) on a vault whose old table was edited outside Kinko: a row the old
 * build never read, or a NULL hash. Cases an attacker's review of V18 found (each failed before
 * the fix: an SQLSTATE 23505, a NullPointerException's message, a vault H2 kept refusing).
 */
class LogTreeMigrationTest {
  private static final long SPAN = 1L << 48;
  @TempDir Path dir;
  private Path v;

  @BeforeEach
  void aV17VaultWithAFewEntries() throws SQLException {
    v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
      s.stat("a.txt");
    }
    try (Connection c = TestDatabase.connect(v)) {
      TestDatabase.nodesAsHex(c); // the vault as the V17 build left it
    }
  }

  /**
   * A row (lvl 0, idx 2^48) was inert under V17 (no code reads it); under one key it would be node
   * (1, 0), so the migration refuses it. Once the row is gone, the vault opens again. On H2 the
   * migration is no one transaction (CREATE and DROP TABLE commit) and Flyway records the failed
   * run, which it would then refuse forever: opening repairs that record, and V18 runs again.
   */
  @Test
  void aFailedMigration_isRetriedOnceItsCauseIsGone() throws SQLException {
    try (Connection c = TestDatabase.connect(v)) {
      assertEquals(1, c.createStatement().executeUpdate(
          "INSERT INTO log_nodes SELECT 0, " + SPAN + ", hash FROM log_nodes WHERE lvl = 1 AND idx = 0"));
    }
    assertThrows(IntegrityException.class, () -> TestVaults.open(v).close());
    assertThrows(IntegrityException.class, () -> TestVaults.open(v).close(), "the second opening did not run V18 again");
    try (Connection c = TestDatabase.connect(v)) {
      assertEquals(1, c.createStatement().executeUpdate("DELETE FROM log_nodes WHERE idx = " + SPAN));
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      LogReport report = s.verifyLog(null);
      assertEquals(report.treeSize(), report.entriesChecked());
    }
  }

  /**
   * log_nodes edited outside Kinko (a stray row the old build never read, whose key V18 would make
   * collide with a real node) is tampering: an IntegrityException naming the log, not a bare
   * "SQLSTATE 23505" from the schema migration, and nothing was migrated.
   */
  @Test
  void aStrayOldRowThatCollidesUnderTheNewKey_isAnIntegrityFailure() throws SQLException {
    long nodes;
    try (Connection c = TestDatabase.connect(v)) {
      assertEquals(1, c.createStatement().executeUpdate(
          "INSERT INTO log_nodes SELECT 0, " + SPAN + ", hash FROM log_nodes WHERE lvl = 1 AND idx = 0"));
      nodes = oldNodes(c);
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(v).close());
    assertTrue(e.getMessage().contains("level 0, index " + SPAN), e.getMessage());
    try (Connection c = TestDatabase.connect(v)) {
      assertEquals(nodes, oldNodes(c), "the refused migration changed the old table");
    }
  }

  private static long oldNodes(Connection c) throws SQLException {
    try (var r = c.createStatement().executeQuery("SELECT COUNT(*) FROM log_nodes")) {
      r.next();
      return r.getLong(1);
    }
  }

  /**
   * A NULL hash (the column's NOT NULL dropped with the database's tools) was read as no bytes
   * before V18, and still is: the verifier refuses that entry, instead of the opening failing.
   */
  @Test
  void aNullHashInTheOldTable_isNotANullPointerException() throws SQLException {
    try (Connection c = TestDatabase.connect(v)) {
      c.createStatement().execute(TestDatabase.postgres() ? "ALTER TABLE log_nodes ALTER COLUMN hash DROP NOT NULL"
          : "ALTER TABLE log_nodes ALTER COLUMN hash SET NULL");
      assertEquals(1, c.createStatement().executeUpdate("UPDATE log_nodes SET hash = NULL WHERE lvl = 0 AND idx = 1"));
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> s.verifyLog(null));
      assertTrue(e.getMessage().contains("log entry 1 "), e.getMessage());
    } catch (VaultException e) {
      throw new AssertionError("opening failed instead of the verifier refusing entry 1: " + e.getMessage(), e);
    }
  }
}
