package io.kinko.vault.store;

import io.kinko.vault.state.StateKind;
import io.kinko.vault.state.VaultState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code settings} table: vault policy an administrator sets after init, one JSON value per
 * name ({@code incident.policy}, {@code alert.sink.<id>}). Settings are state ({@link
 * StateKind#SETTING}): a session reads them checked, and every write happens in a state update
 * bound to the log entry that decided it.
 *
 * <p>A process that holds no key (a failed login raising an alert) can only read them {@link
 * #unchecked}: someone who can write the vault folder may change what such a process sees, and
 * the next checked read (any session) reports the edit as an incident.
 */
public final class Settings {
  private Settings() {}

  /** One setting as stored. */
  public record Setting(String name, String value, String setBy, long setAt, long logSeq) {
    public Setting {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(setBy, "setBy");
      if (name.isEmpty() || name.length() > 128) {
        throw new IllegalArgumentException("a setting's name has 1 to 128 characters");
      }
      if (value.length() > 8000) {
        throw new IllegalArgumentException("setting " + name + " holds more than 8000 characters");
      }
    }
  }

  /** The setting {@code name}, checked against the state commitment. */
  public static Optional<Setting> get(VaultState state, Connection c, String name) throws SQLException {
    return withPrefix(state, c, name).stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** Every setting whose name starts with {@code prefix}, checked, ordered by name. */
  public static List<Setting> withPrefix(VaultState state, Connection c, String prefix) throws SQLException {
    List<Setting> out = new ArrayList<>();
    for (List<String> v : state.rows(c, StateKind.SETTING, prefix)) {
      if (v.get(0).startsWith(prefix)) {
        out.add(new Setting(v.get(0), v.get(1), v.get(2), Long.parseLong(v.get(3)), Long.parseLong(v.get(4))));
      }
    }
    out.sort(java.util.Comparator.comparing(Setting::name));
    return out;
  }

  /** Every setting whose name starts with {@code prefix}, as stored, not checked: for a process without the vault's keys. */
  public static List<Setting> unchecked(Connection c, String prefix) throws SQLException {
    List<Setting> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT name, setting, set_by, set_at, log_seq FROM settings WHERE name LIKE ? ESCAPE '\\' ORDER BY name")) {
      s.setString(1, prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(new Setting(r.getString(1), r.getString(2), r.getString(3), r.getLong(4), r.getLong(5)));
        }
      }
    }
    return out;
  }

  /** Sets {@code setting} in a state update, replacing one of the same name. */
  public static void put(Connection c, VaultState.Changes changes, Setting setting) throws SQLException {
    int bucket = changes.touch(StateKind.SETTING, setting.name());
    delete(c, setting.name());
    try (PreparedStatement s = c.prepareStatement("INSERT INTO settings (name, setting, set_by, set_at, log_seq, bucket) VALUES (?, ?, ?, ?, ?, ?)")) {
      s.setString(1, setting.name());
      s.setString(2, setting.value());
      s.setString(3, setting.setBy());
      s.setLong(4, setting.setAt());
      s.setLong(5, setting.logSeq());
      s.setInt(6, bucket);
      s.executeUpdate();
    }
  }

  /** Removes the setting {@code name} in a state update; true if there was one. */
  public static boolean remove(Connection c, VaultState.Changes changes, String name) throws SQLException {
    changes.touch(StateKind.SETTING, name);
    return delete(c, name) > 0;
  }

  private static int delete(Connection c, String name) throws SQLException {
    try (PreparedStatement d = c.prepareStatement("DELETE FROM settings WHERE name = ?")) {
      d.setString(1, name);
      return d.executeUpdate();
    }
  }
}
