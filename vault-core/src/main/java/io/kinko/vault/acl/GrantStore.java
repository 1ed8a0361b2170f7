package io.kinko.vault.acl;

import io.kinko.vault.Permission;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The {@code grants} table, keyed by user and prefix tag. */
public final class GrantStore {
  private static final String SELECT = "SELECT user_name, prefix_tag, sealed_prefix, permissions, granted_by, granted_at, seal FROM grants";

  private GrantStore() {}

  /** A grant row; the prefix is inside {@code sealedPrefix}. */
  public record Row(String user, String prefixTag, String sealedPrefix, Set<Permission> permissions, String grantedBy, long grantedAt,
      String seal) {}

  /** The user's grants on any of {@code prefixTags} (a path's ancestors); the caller checks their seals. */
  public static List<Row> on(Connection c, String user, Collection<String> prefixTags) throws SQLException {
    if (prefixTags.isEmpty()) {
      return List.of();
    }
    String marks = String.join(", ", java.util.Collections.nCopies(prefixTags.size(), "?"));
    String[] args = new String[prefixTags.size() + 1];
    args[0] = user;
    int i = 1;
    for (String tag : prefixTags) {
      args[i++] = tag;
    }
    return query(c, SELECT + " WHERE user_name = ? AND prefix_tag IN (" + marks + ")", args);
  }

  public static Optional<Row> find(Connection c, String user, String prefixTag) throws SQLException {
    List<Row> rows = query(c, SELECT + " WHERE user_name = ? AND prefix_tag = ?", user, prefixTag);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  public static List<Row> forUser(Connection c, String user) throws SQLException {
    return query(c, SELECT + " WHERE user_name = ?", user);
  }

  public static List<Row> all(Connection c) throws SQLException {
    return query(c, SELECT + " ORDER BY user_name");
  }

  /** Sets the permissions of a (user, prefix) grant, creating it or, when empty, removing it. */
  public static void put(Connection c, Row row) throws SQLException {
    try (PreparedStatement d = c.prepareStatement("DELETE FROM grants WHERE user_name = ? AND prefix_tag = ?")) {
      d.setString(1, row.user());
      d.setString(2, row.prefixTag());
      d.executeUpdate();
    }
    if (row.permissions().isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement("INSERT INTO grants (user_name, prefix_tag, sealed_prefix, permissions, granted_by, granted_at, seal) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(7, row.seal());
      s.setString(1, row.user());
      s.setString(2, row.prefixTag());
      s.setString(3, row.sealedPrefix());
      s.setString(4, Permission.format(row.permissions()));
      s.setString(5, row.grantedBy());
      s.setLong(6, row.grantedAt());
      s.executeUpdate();
    }
  }

  public static void removeAll(Connection c, String user) throws SQLException {
    try (PreparedStatement d = c.prepareStatement("DELETE FROM grants WHERE user_name = ?")) {
      d.setString(1, user);
      d.executeUpdate();
    }
  }

  private static List<Row> query(Connection c, String sql, String... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setString(i + 1, args[i]);
      }
      try (ResultSet r = s.executeQuery()) {
        List<Row> out = new ArrayList<>();
        while (r.next()) {
          out.add(new Row(r.getString(1), r.getString(2), r.getString(3), Permission.parse(r.getString(4)), r.getString(5), r.getLong(6),
              r.getString(7)));
        }
        return out;
      }
    }
  }
}
