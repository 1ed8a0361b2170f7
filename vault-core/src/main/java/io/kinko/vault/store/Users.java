package io.kinko.vault.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code users} table: who may log in to the vault and in which role. */
public final class Users {
  private Users() {}

  /** A registered user; the password lives only in the user's key slot. */
  public record Row(String name, String role, long createdAtMillis) {}

  public static void insert(Connection c, Row row) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO users (name, role, created_at) VALUES (?, ?, ?)")) {
      s.setString(1, row.name());
      s.setString(2, row.role());
      s.setLong(3, row.createdAtMillis());
      s.executeUpdate();
    }
  }

  public static Optional<Row> find(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT name, role, created_at FROM users WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(new Row(r.getString(1), r.getString(2), r.getLong(3))) : Optional.empty();
      }
    }
  }
}
