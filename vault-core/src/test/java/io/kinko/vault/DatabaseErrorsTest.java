package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.store.Database;
import io.kinko.vault.store.VaultLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failing statement reaches the user as an SQLSTATE and a plain reason, never as SQL or values. */
class DatabaseErrorsTest {
  /** Stands for personal data or a key that a row would hold. */
  private static final String VALUE = "山田太郎-090-1234-5678";

  @TempDir Path dir;

  @Test
  void aConstraintViolation_saysSqlStateAndReason_withoutTheStatementOrItsValues() throws Exception {
    VaultLayout layout = new VaultLayout(dir.resolve("vault"));
    Files.createDirectories(layout.database());
    String url = TestDatabase.postgres() ? TestDatabase.newSchema(TestDatabase.server()) : null;
    try (DatabaseAccount account = TestDatabase.account(); Database database = Database.open(layout, url, account, true)) {
      VaultException e = assertThrows(VaultException.class, () -> database.inTransaction(c -> {
        for (int i = 0; i < 2; i++) {
          try (PreparedStatement s = c.prepareStatement("INSERT INTO vault_identity (id, vault_id, bound_at) VALUES (1, ?, 1)")) {
            s.setString(1, VALUE);
            s.executeUpdate();
          }
        }
        return null;
      }));
      String message = e.getMessage();
      assertTrue(message.contains("SQLSTATE 23505") && message.contains("unique key"), message);
      String lower = message.toLowerCase(Locale.ROOT);
      for (String leak : new String[] {"insert", "vault_identity", "values", "山田", "090-1234", "constraint_", "key (", "select"}) {
        assertFalse(lower.contains(leak), "the message carries '" + leak + "': " + message);
      }
      // The driver's words are still there for --debug, as the cause.
      assertTrue(e.getCause() instanceof java.sql.SQLException, "the driver's exception was dropped");
    }
  }
}
