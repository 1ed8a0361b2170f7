package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.engine.EngineInternals;
import io.kinko.vault.state.VaultState;
import io.kinko.vault.store.Settings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Settings (vault policy set after init) are state: what a session reads is what an
 * administrator's update wrote, and an edit, removal or replay of a row in the database is an
 * INCIDENT and a refusal. A vault that never set one keeps the state root it had before V12.
 */
class SettingsStateTest extends VaultTest {
  @Test
  void aSetting_putInAnUpdate_readsBackChecked() {
    put("incident.policy", "{\"a\":1}");
    put("alert.sink.1", "{\"kind\":\"syslog\"}");
    assertEquals(Optional.of("{\"a\":1}"), read(c -> Settings.get(state(), c, "incident.policy")).map(Settings.Setting::value));
    assertEquals(List.of("alert.sink.1"), read(c -> Settings.withPrefix(state(), c, "alert.sink.")).stream().map(Settings.Setting::name).toList());
    assertEquals(1, read(c -> Settings.unchecked(c, "alert.sink.")).size());
    assertEquals(0, read(c -> Settings.unchecked(c, "alert_sink")).size(), "'_' is a wildcard in LIKE unless escaped");
  }

  @Test
  void anEditedSetting_isAnIncident() throws Exception {
    put("incident.policy", "{\"failedLogins\":5}");
    sql("UPDATE settings SET setting = '{\"failedLogins\":500}' WHERE name = 'incident.policy'");
    assertThrows(IntegrityException.class, () -> read(c -> Settings.get(state(), c, "incident.policy")));
    assertEquals(1, session.logEntries(new LogQuery(null, null, null, "INCIDENT")).size());
  }

  @Test
  void aDeletedSetting_isAnIncident_notADefault() throws Exception {
    put("alert.sink.1", "{\"kind\":\"webhook\"}");
    sql("DELETE FROM settings");
    assertThrows(IntegrityException.class, () -> read(c -> Settings.withPrefix(state(), c, "alert.sink.")));
  }

  @Test
  void anOlderSetting_copiedBack_isAnIncident() throws Exception {
    put("incident.policy", "{\"v\":1}");
    Object[] old = oldRow();
    put("incident.policy", "{\"v\":2}");
    sql("DELETE FROM settings");
    putBack(vault.directory(), old);
    assertThrows(IntegrityException.class, () -> read(c -> Settings.get(state(), c, "incident.policy")));
  }

  @Test
  void aVaultWithoutSettings_hasTheRootOfTheFourKindsBefore() throws Exception {
    TestVaults.put(session, "a.txt", "x".getBytes());
    byte[] root = VaultState.storedHead(connection()).root();
    // Recompute the root as the code before V12 did: SHA-256(3 ‖ the four kind nodes), from the stored nodes.
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    sha.update((byte) 3);
    for (String kind : List.of("USER", "GRANT", "FILE", "DELETION")) {
      try (Connection c = TestDatabase.connect(vault.directory());
           ResultSet r = c.createStatement().executeQuery("SELECT digest FROM state_nodes WHERE kind = '" + kind + "' AND lvl = 2 AND idx = 0")) {
        assertTrue(r.next(), kind);
        sha.update(java.util.HexFormat.of().parseHex(r.getString(1)));
      }
    }
    assertArrayEquals(sha.digest(), root);
    put("incident.policy", "{}");
    assertFalse(java.util.Arrays.equals(root, VaultState.storedHead(connection()).root()), "a setting is not covered by the root");
  }

  private Connection connection() throws Exception {
    return TestDatabase.connect(vault.directory());
  }

  /** Inserts a settings row read earlier by {@link #oldRow} (name, setting, set_by, set_at, log_seq, bucket): a replay. */
  static void putBack(java.nio.file.Path vaultDir, Object[] row) throws Exception {
    try (Connection c = TestDatabase.connect(vaultDir);
         PreparedStatement s = c.prepareStatement("INSERT INTO settings (name, setting, set_by, set_at, log_seq, bucket) VALUES (?, ?, ?, ?, ?, ?)")) {
      for (int i = 0; i < row.length; i++) {
        s.setObject(i + 1, row[i]);
      }
      s.executeUpdate();
    }
  }

  static Object[] oldRow(java.nio.file.Path vaultDir) throws Exception {
    try (Connection c = TestDatabase.connect(vaultDir);
         ResultSet r = c.createStatement().executeQuery("SELECT name, setting, set_by, set_at, log_seq, bucket FROM settings")) {
      assertTrue(r.next());
      return new Object[] {r.getString(1), r.getString(2), r.getString(3), r.getLong(4), r.getLong(5), r.getInt(6)};
    }
  }

  private Object[] oldRow() throws Exception {
    return oldRow(vault.directory());
  }

  private void put(String name, String value) {
    long seq = session.logEntries(new LogQuery(null, null, null, null)).size();
    EngineInternals.changeState(session, (c, changes) -> {
      Settings.put(c, changes, new Settings.Setting(name, value, TestVaults.ADMIN, 0, seq));
      return null;
    });
  }

  private <T> T read(io.kinko.vault.store.Database.SqlWork<T> work) {
    return EngineInternals.readState(session, work);
  }

  private VaultState state() {
    return EngineInternals.state(session);
  }

  private void sql(String statement) throws Exception {
    try (Connection c = connection()) {
      c.createStatement().executeUpdate(statement);
    }
  }
}
