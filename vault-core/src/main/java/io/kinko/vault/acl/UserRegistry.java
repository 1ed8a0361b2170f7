package io.kinko.vault.acl;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.AccountStatus;
import io.kinko.vault.Role;
import io.kinko.vault.UserInfo;
import io.kinko.vault.state.StateKind;
import io.kinko.vault.state.VaultState;
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

/**
 * The {@code users} table: who may log in, in which role, and whether they may now. Role, status,
 * chief flag and expiry are state ({@link StateKind#USER}): written only in a state update and
 * read checked. The failed-login count changes before a login has keys, so it is not covered and
 * only ever refuses a login (a lockout), never grants one.
 */
public final class UserRegistry {
  private static final String COLUMNS = "name, role, status, failed_logins, expires_on, chief, created_at";

  private UserRegistry() {}

  /** @see UserInfo#validName */
  public static boolean validName(String name) {
    return UserInfo.validName(name);
  }

  /** Inserts a user, set by the log entry {@code logSeq}. */
  public static void insert(Connection c, VaultState.Changes changes, UserInfo user, long logSeq) throws SQLException {
    int bucket = changes.touch(StateKind.USER, user.name());
    try (PreparedStatement s = c.prepareStatement("INSERT INTO users (" + COLUMNS + ", log_seq, bucket) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, user.name());
      s.setString(2, user.role().name());
      s.setString(3, user.status().name());
      s.setInt(4, user.failedLogins());
      s.setString(5, user.expires() == null ? null : user.expires().toString());
      s.setInt(6, user.chief() ? 1 : 0);
      s.setLong(7, user.created().toEpochMilli());
      s.setLong(8, logSeq);
      s.setInt(9, bucket);
      s.executeUpdate();
    }
  }

  /**
   * The user as the checked state holds them, with the (uncovered) failed-login count; empty if
   * there is no such user.
   *
   * @throws io.kinko.vault.IntegrityException if the users rows do not match the commitment
   */
  public static Optional<UserInfo> checked(VaultState state, Connection c, String name) throws SQLException {
    for (List<String> row : state.rows(c, StateKind.USER, name)) {
      if (row.get(0).equals(name)) {
        return Optional.of(fromState(row, failedLogins(c, name)));
      }
    }
    return Optional.empty();
  }

  /** Every user, checked against the commitment, ordered by name. */
  public static List<UserInfo> allChecked(VaultState state, Connection c) throws SQLException {
    List<UserInfo> out = new ArrayList<>();
    for (List<String> row : state.all(c, StateKind.USER)) {
      out.add(fromState(row, failedLogins(c, row.get(0))));
    }
    out.sort(java.util.Comparator.comparing(UserInfo::name));
    return out;
  }

  private static UserInfo fromState(List<String> row, int failedLogins) {
    String expires = row.get(3);
    return new UserInfo(row.get(0), parse(Role.class, row.get(1), row.get(0)), parse(AccountStatus.class, row.get(2), row.get(0)), failedLogins, expires == null ? null : LocalDate.parse(expires),
        "1".equals(row.get(4)), Instant.ofEpochMilli(Long.parseLong(row.get(5))));
  }

  private static int failedLogins(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT failed_logins FROM users WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getInt(1) : 0;
      }
    }
  }

  /** Unchecked: what a login reads before it has the keys to check anything. */
  public static Optional<UserInfo> find(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(row(r)) : Optional.empty();
      }
    }
  }

  /** Sets an account's status (and clears its failed logins), set by the log entry {@code logSeq}. */
  public static void setStatus(Connection c, VaultState.Changes changes, String name, AccountStatus status, long logSeq) throws SQLException {
    changes.touch(StateKind.USER, name);
    try (PreparedStatement s = c.prepareStatement("UPDATE users SET status = ?, failed_logins = 0, log_seq = ? WHERE name = ?")) {
      s.setString(1, status.name());
      s.setLong(2, logSeq);
      s.setString(3, name);
      s.executeUpdate();
    }
  }

  /** Counts a failed login; returns the new count. */
  public static int failedLogin(Connection c, String name) throws SQLException {
    update(c, "UPDATE users SET failed_logins = failed_logins + 1 WHERE name = ?", name);
    return find(c, name).map(UserInfo::failedLogins).orElse(0);
  }

  public static void loggedIn(Connection c, String name) throws SQLException {
    update(c, "UPDATE users SET failed_logins = 0 WHERE name = ?", name);
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
    return new UserInfo(r.getString(1), parse(Role.class, r.getString(2), r.getString(1)), parse(AccountStatus.class, r.getString(3), r.getString(1)), r.getInt(4),
        expires == null ? null : LocalDate.parse(expires), r.getInt(6) == 1, Instant.ofEpochMilli(r.getLong(7)));
  }

  /** A role or status as stored; a value Kinko never writes is an edit made outside it. */
  private static <E extends Enum<E>> E parse(Class<E> type, String value, String user) {
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new io.kinko.vault.IntegrityException(IncidentRule.INTEGRITY_STATE, "the account of '" + user + "' holds an unknown " + type.getSimpleName()
          + ": it was changed in the database outside Kinko");
    }
  }
}
