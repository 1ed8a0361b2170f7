package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V19 (the import lock's table and its one row) is the migration an existing vault runs with the
 * build that brought it, and on H2 it is no one transaction: H2 commits the CREATE TABLE as it runs
 * it. A run stopped after it (a crash before Flyway recorded the run, or the INSERT failing, which
 * Flyway records as failed and opening repairs, see Database.migrate) left the table behind, and
 * every later opening ran V19 again and failed at CREATE TABLE: the vault could not be opened. As
 * V18, V19 must run again over what a stopped run left.
 */
class ImportLockMigrationTest {
  @TempDir Path dir;
  private Path v;

  @BeforeEach
  void aVault() {
    v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void v19StoppedAfterItsTableWasCreated_runsAgain_andTheVaultOpensWithTheLocksRow() throws SQLException {
    try (Connection c = TestDatabase.connect(v)) {
      assertEquals(1, c.createStatement().executeUpdate("DELETE FROM import_lock"));
      assertEquals(1, c.createStatement().executeUpdate("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '19'"));
    }
    TestVaults.open(v).close();
    assertEquals(1, rows());
  }

  @Test
  void v19RecordedAsFailedAfterItsTableWasCreated_runsAgain_andTheVaultOpensWithTheLocksRow() throws SQLException {
    try (Connection c = TestDatabase.connect(v)) {
      assertEquals(1, c.createStatement().executeUpdate("DELETE FROM import_lock"));
      assertEquals(1, c.createStatement().executeUpdate("UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '19'"));
    }
    TestVaults.open(v).close();
    assertEquals(1, rows());
  }

  @Test
  void v19RunAgainOverItsWholeWork_keepsOneRow() throws SQLException {
    try (Connection c = TestDatabase.connect(v)) {
      assertEquals(1, c.createStatement().executeUpdate("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '19'"));
    }
    TestVaults.open(v).close();
    assertEquals(1, rows());
  }

  private int rows() throws SQLException {
    try (Connection c = TestDatabase.connect(v); ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM import_lock WHERE id = 1")) {
      r.next();
      return r.getInt(1);
    }
  }
}
