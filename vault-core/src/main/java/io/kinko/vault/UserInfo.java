package io.kinko.vault;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * A registered user as administrators see them. No password or key material.
 *
 * @param status {@code ACTIVE}, {@code LOCKED} or {@code DISABLED}
 * @param expires the last day the account may log in (contract zone), or null for no expiry
 * @param chief true for the chief administrator (総括保護管理者) named at init
 */
public record UserInfo(String name, Role role, AccountStatus status, int failedLogins, LocalDate expires, boolean chief, Instant created) {
  public UserInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(status, "status");
  }

  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

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
}
