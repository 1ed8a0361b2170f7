package io.kinko.vault.acl;

import io.kinko.vault.Permission;
import io.kinko.vault.state.StateKind;
import io.kinko.vault.state.VaultState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code grants} table, keyed by user and prefix tag. Grants are state ({@link
 * StateKind#GRANT}), grouped by user: every read is checked against the commitment, and every
 * write happens in a state update.
 */
public final class GrantStore {
  private GrantStore() {}

  /** A grant row; the prefix is inside {@code sealedPrefix}. */
  public record Row(String user, String prefixTag, String sealedPrefix, Set<Permission> permissions, String grantedBy, long grantedAt) {}

  /** Every grant of {@code user}, checked. */
  public static List<Row> forUser(VaultState state, Connection c, String user) throws SQLException {
    List<Row> out = new ArrayList<>();
    for (List<String> v : state.rows(c, StateKind.GRANT, user)) {
      if (v.get(0).equals(user)) {
        out.add(row(v));
      }
    }
    return out;
  }

  /** Every grant in the vault, checked, ordered by user. */
  public static List<Row> all(VaultState state, Connection c) throws SQLException {
    List<Row> out = new ArrayList<>();
    for (List<String> v : state.all(c, StateKind.GRANT)) {
      out.add(row(v));
    }
    out.sort(java.util.Comparator.comparing(Row::user));
    return out;
  }

  /** The user's grant on exactly {@code prefixTag}, checked under the update's lock. */
  public static Optional<Row> find(Connection c, VaultState.Changes changes, String user, String prefixTag) throws SQLException {
    for (List<String> v : changes.rows(StateKind.GRANT, user)) {
      if (v.get(0).equals(user) && v.get(1).equals(prefixTag)) {
        return Optional.of(row(v));
      }
    }
    return Optional.empty();
  }

  /** Sets the permissions of a (user, prefix) grant, creating it or, when empty, removing it. */
  public static void put(Connection c, VaultState.Changes changes, Row row, long logSeq) throws SQLException {
    int bucket = changes.touch(StateKind.GRANT, row.user());
    try (PreparedStatement d = c.prepareStatement("DELETE FROM grants WHERE user_name = ? AND prefix_tag = ?")) {
      d.setString(1, row.user());
      d.setString(2, row.prefixTag());
      d.executeUpdate();
    }
    if (row.permissions().isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement("INSERT INTO grants (user_name, prefix_tag, sealed_prefix, permissions, granted_by, "
        + "granted_at, log_seq, bucket) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, row.user());
      s.setString(2, row.prefixTag());
      s.setString(3, row.sealedPrefix());
      s.setString(4, Permission.format(row.permissions()));
      s.setString(5, row.grantedBy());
      s.setLong(6, row.grantedAt());
      s.setLong(7, logSeq);
      s.setInt(8, bucket);
      s.executeUpdate();
    }
  }

  public static void removeAll(Connection c, VaultState.Changes changes, String user) throws SQLException {
    changes.touch(StateKind.GRANT, user);
    try (PreparedStatement d = c.prepareStatement("DELETE FROM grants WHERE user_name = ?")) {
      d.setString(1, user);
      d.executeUpdate();
    }
  }

  private static Row row(List<String> v) {
    return new Row(v.get(0), v.get(1), v.get(2), Permission.parse(v.get(3)), v.get(4), Long.parseLong(v.get(5)));
  }
}
