package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

  /** Each case: what a stopped (or repeated) run of V19 left, as the edits that make it. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "stopped after its table was created, before Flyway recorded it | DELETE FROM import_lock"
          + " | DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '19'",
      "recorded as failed after its table was created | DELETE FROM import_lock"
          + " | UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '19'",
      "run again over its whole work | | DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '19'"})
  void v19_runsAgain_andTheVaultOpensWithTheLocksOneRow(String left, String lockRow, String history) throws SQLException {
    try (Connection c = TestDatabase.connect(v)) {
      if (lockRow != null) {
        assertEquals(1, c.createStatement().executeUpdate(lockRow));
      }
      assertEquals(1, c.createStatement().executeUpdate(history));
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
