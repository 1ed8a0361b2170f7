package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recovery key rotation whose commit the PostgreSQL server refuses (a deferred constraint
 * trigger on the settings rows raises at COMMIT, after every statement of the change ran): the
 * rotation fails, the new key is never handed out, and the vault still names the old key's
 * fingerprint. The old key, which the administrator still holds, must still recover the vault.
 */
class PostgresRefusedRotationTest {
  static final char[] NEW = "a recovered passphrase 9".toCharArray();
  @TempDir Path dir;
  char[] keyText;

  @Test
  void aRotationWhoseCommitIsRefused_leavesTheOldRecoveryKeyWorking() throws Exception {
    Path v = dir.resolve("vault");
    try (Password pw = Password.copyOf(TestVaults.PASSWORD); DatabaseAccount account = TestDatabase.account();
         Vault vault = Vault.builder(v).contract(TestVaults.CONTRACT).admin(TestVaults.ADMIN, pw).passwordCost(PasswordCost.MINIMUM)
             .recoveryKey(k -> keyText = k.text()).database(TestDatabase.newSchema(TestDatabase.server()), account).create()) {
      String before = vault.status().recoveryFingerprint();
      try (Connection c = TestDatabase.connect(v); Statement s = c.createStatement()) {
        s.execute("CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            + "RAISE EXCEPTION 'refused at commit'; END $$");
        s.execute("CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT OR UPDATE ON settings DEFERRABLE INITIALLY DEFERRED "
            + "FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()");
      }
      try (Session s = TestVaults.login(vault)) {
        assertThrows(VaultException.class, () -> s.administration().rotateRecoveryKey());
      }
      try (Connection c = TestDatabase.connect(v); Statement s = c.createStatement()) {
        s.execute("DROP TRIGGER refuse_at_commit ON settings");
      }
      assertEquals(before, vault.status().recoveryFingerprint(), "the refused rotation was stored");
      try (RecoveryKey key = RecoveryKey.parse(keyText); Password p = Password.copyOf(NEW)) {
        vault.recover(TestVaults.ADMIN, key, p); // the refused rotation replaced the slot: the old key no longer opens it
      }
      try (Password p = Password.copyOf(NEW); Session s = vault.login(TestVaults.ADMIN, p)) {
        assertEquals(TestVaults.ADMIN, s.user());
      }
    } finally {
      if (keyText != null) {
        Arrays.fill(keyText, '\0');
      }
    }
  }
}
