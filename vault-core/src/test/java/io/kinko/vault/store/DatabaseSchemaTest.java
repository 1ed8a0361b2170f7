package io.kinko.vault.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Opening skips Flyway when the schema is current, so "current" must mean the newest migration:
 * an SQL file among the resources or a Java migration in the package of the same name.
 */
class DatabaseSchemaTest {
  @Test
  void latestSchema_isTheNewestMigrationFile() throws IOException {
    Pattern version = Pattern.compile("V(\\d+)__.*\\.(sql|java)");
    int newest;
    try (Stream<Path> sql = Files.list(Path.of("src/main/resources/io/kinko/vault/store/migration"));
         Stream<Path> java = Files.list(Path.of("src/main/java/io/kinko/vault/store/migration"))) {
      newest = Stream.concat(sql, java).map(f -> version.matcher(f.getFileName().toString())).filter(Matcher::matches)
          .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
    }
    assertEquals(newest, Database.LATEST_SCHEMA, "a new migration must raise Database.LATEST_SCHEMA, or opening skips it");
  }
}
