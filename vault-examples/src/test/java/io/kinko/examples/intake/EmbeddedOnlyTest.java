package io.kinko.examples.intake;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.Contract;
import io.kinko.vault.DatabaseAccount;
import io.kinko.vault.Password;
import io.kinko.vault.PasswordCost;
import io.kinko.vault.Vault;
import io.kinko.vault.VaultException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples depend on vault-core alone, as an application on the embedded H2 would: the
 * PostgreSQL driver, HikariCP and Flyway's PostgreSQL dialect stay out of its class path (they
 * come with io.kinko:vault-postgres), and a vault on PostgreSQL is refused with what to add.
 */
class EmbeddedOnlyTest {
  @TempDir Path dir;

  @Test
  void vaultCoreAlone_bringsNoPostgresJars() {
    for (String name : List.of("org.postgresql.Driver", "com.zaxxer.hikari.HikariDataSource",
        "org.flywaydb.database.postgresql.PostgreSQLDatabaseType")) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(name), name + " is on an H2-only class path");
    }
  }

  @Test
  void vaultOnPostgres_withoutVaultPostgres_isRefusedAndSaysWhatToAdd() {
    Contract contract = new Contract("C-1", "横浜市", "Kinko", LocalDate.of(2027, 3, 31));
    try (Password pw = Password.wrap("example password 1".toCharArray());
         DatabaseAccount account = DatabaseAccount.withoutPassword("kinko")) {
      VaultException refused = assertThrows(VaultException.class, () -> Vault.builder(dir.resolve("v"))
          .database("jdbc:postgresql://localhost:5432/kinko", account)
          .contract(contract).admin("sato", pw).passwordCost(PasswordCost.MINIMUM).create());
      assertTrue(refused.getMessage().contains("io.kinko:vault-postgres"), refused.getMessage());
    }
    assertTrue(!Files.exists(dir.resolve("v/kinko.json")), "a refused vault leaves no descriptor");
  }
}
