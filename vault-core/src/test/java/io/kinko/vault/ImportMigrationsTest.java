package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * V19 (the import lock's table and its one row) and V20 (the table of imports) are migrations an
 * existing vault runs with the build that brought them, and on H2 neither is one transaction: H2
 * commits a CREATE TABLE as it runs it. A run stopped after it (a crash before Flyway recorded the
 * run, or the INSERT failing, which Flyway records as failed and opening repairs, see
 * Database.migrate) left the table behind, and every later opening ran V19 again and failed at
 * CREATE TABLE: the vault could not be opened. As V18, each must run again over what a stopped run
 * left. A run stopped in V19 never reached V20, so those cases undo V20 first.
 */
class ImportMigrationsTest {
  private static final String BEFORE_V20 = "DROP TABLE imports; DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '20'; ";

  @TempDir Path dir;
  private Path v;

  @BeforeEach
  void aVault() {
    v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Each case: what a stopped (or repeated) run left, as the edits that make it, separated by semicolons. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "V19 stopped after its table was created, before Flyway recorded it | " + BEFORE_V20 + "DELETE FROM import_lock;"
          + " DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '19'",
      "V19 recorded as failed after its table was created | " + BEFORE_V20 + "DELETE FROM import_lock;"
          + " UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '19'",
      "V19 run again over its whole work | " + BEFORE_V20 + "DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '19'",
      "V20 stopped after its table was created, before Flyway recorded it | DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '20'",
      "V20 recorded as failed after its table was created | UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '20'"})
  void aStoppedRun_runsAgain_andTheVaultOpensWithTheLocksOneRowAndTheTableOfImports(String left, String edits) throws SQLException {
    try (Connection c = TestDatabase.connect(v)) {
      for (String edit : edits.split(";")) {
        assertTrue(c.createStatement().executeUpdate(edit.strip()) <= 1, edit);
      }
    }
    TestVaults.open(v).close();
    assertEquals(1, count("import_lock WHERE id = 1"));
    assertEquals(0, count("imports"));
  }

  private int count(String from) throws SQLException {
    try (Connection c = TestDatabase.connect(v); ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + from)) {
      r.next();
      return r.getInt(1);
    }
  }
}
