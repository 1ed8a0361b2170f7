package io.kinko.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.Vault;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Boot's Flyway migrates the application's own database from db/migration and nothing else;
 * Kinko's Flyway migrates the vault's database from its own package and nothing else. Neither
 * sees the other's tables or schema history.
 */
@SpringBootTest
class DatabaseSeparationTest {
  @DynamicPropertySource
  static void vault(DynamicPropertyRegistry registry) {
    Vaults.register(registry, DatabaseSeparationTest.class);
  }

  @Autowired JdbcTemplate app;
  @Autowired Vault vault;

  @Test
  void appDatabase_holdsOnlyTheAppsMigrationAndTables() {
    assertEquals(List.of("1 desk notice"), app.queryForList(
        "SELECT \"version\" || ' ' || \"description\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"", String.class));
    List<String> tables = app.queryForList("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY 1", String.class);
    assertEquals(List.of("DESK_NOTICE", "flyway_schema_history"), tables);
  }

  @Test
  void vaultDatabase_holdsOnlyKinkosMigrations_andNoTableOfTheApp() throws Exception {
    try (Connection c = DriverManager.getConnection(io.kinko.vault.store.Database.embeddedUrl(vault.directory()), "kinko", "")) {
      List<String> versions = column(c, "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"");
      assertEquals(kinkosMigrations(), versions);
      assertFalse(column(c, "SELECT \"description\" FROM \"flyway_schema_history\"").contains("desk notice"));
      List<String> tables = column(c, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'");
      assertTrue(tables.contains("LOG_ENTRIES"), tables.toString());
      assertFalse(tables.contains("DESK_NOTICE"), tables.toString());
    }
    assertTrue(app.queryForList("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'LOG_ENTRIES'", String.class).isEmpty());
  }

  /**
   * The versions of the migrations vault-core ships, in order: read from the class path (SQL files
   * and the Java ones' classes), so a new one needs no edit here.
   */
  private static List<String> kinkosMigrations() throws Exception {
    java.util.regex.Pattern version = java.util.regex.Pattern.compile("V(\\d+)__\\w*\\.(sql|class)");
    List<Integer> found = new ArrayList<>();
    for (org.springframework.core.io.Resource r : new org.springframework.core.io.support.PathMatchingResourcePatternResolver()
        .getResources("classpath*:io/kinko/vault/store/migration/V*__*.*")) {
      java.util.regex.Matcher m = version.matcher(String.valueOf(r.getFilename()));
      assertTrue(m.matches(), r.getFilename());
      found.add(Integer.parseInt(m.group(1)));
    }
    assertTrue(found.size() >= 16, "Kinko's migrations not found on the class path: " + found);
    return found.stream().sorted().map(String::valueOf).toList();
  }

  private static List<String> column(Connection c, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (ResultSet r = c.createStatement().executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }
}
