package io.kinko.vault.acl;

import io.kinko.vault.Role;
import io.kinko.vault.UserInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The {@code users} table: who may log in, in which role, and whether they may now. */
public final class UserRegistry {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final String COLUMNS = "name, role, status, failed_logins, expires_on, chief, created_at";

  private UserRegistry() {}

  /** True for a syntactically valid user name: 1-64 of a-z 0-9 . _ -, starting with a letter or digit. */
  public static boolean validName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** @throws IllegalArgumentException for an invalid user name */
  public static String requireValidName(String name) {
    if (!validName(name)) {
      throw new IllegalArgumentException("user name '" + name + "' must be 1-64 of a-z 0-9 . _ - starting with a letter or digit");
    }
    return name;
  }

  /** Inserts a user with the seal over its access-relevant fields ({@link RowSeal}). */
  public static void insert(Connection c, UserInfo user, String seal) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO users (" + COLUMNS + ", seal) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(8, seal);
      s.setString(1, user.name());
      s.setString(2, user.role().name());
      s.setString(3, user.status());
      s.setInt(4, user.failedLogins());
      s.setString(5, user.expires() == null ? null : user.expires().toString());
      s.setInt(6, user.chief() ? 1 : 0);
      s.setLong(7, user.created().toEpochMilli());
      s.executeUpdate();
    }
  }

  public static Optional<UserInfo> find(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(row(r)) : Optional.empty();
      }
    }
  }

  /** The stored seal of a user's row, or null. */
  public static String seal(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT seal FROM users WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  public static List<UserInfo> all(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users ORDER BY name"); ResultSet r = s.executeQuery()) {
      List<UserInfo> out = new ArrayList<>();
      while (r.next()) {
        out.add(row(r));
      }
      return out;
    }
  }

  public static void setStatus(Connection c, String name, String status) throws SQLException {
    update(c, "UPDATE users SET status = ?, failed_logins = 0 WHERE name = ?", status, name);
  }

  /** Counts a failed login; returns the new count. */
  public static int failedLogin(Connection c, String name) throws SQLException {
    update(c, "UPDATE users SET failed_logins = failed_logins + 1 WHERE name = ?", name);
    return find(c, name).map(UserInfo::failedLogins).orElse(0);
  }

  public static void loggedIn(Connection c, String name) throws SQLException {
    update(c, "UPDATE users SET failed_logins = 0 WHERE name = ?", name);
  }

  /** Active administrators other than {@code except}. */
  public static long otherActiveAdmins(Connection c, String except) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM users WHERE role = 'ADMIN' AND status = 'ACTIVE' AND name <> ?")) {
      s.setString(1, except);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static void update(Connection c, String sql, String... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setString(i + 1, args[i]);
      }
      s.executeUpdate();
    }
  }

  private static UserInfo row(ResultSet r) throws SQLException {
    String expires = r.getString(5);
    return new UserInfo(r.getString(1), Role.valueOf(r.getString(2)), r.getString(3), r.getInt(4),
        expires == null ? null : LocalDate.parse(expires), r.getInt(6) == 1, Instant.ofEpochMilli(r.getLong(7)));
  }
}
