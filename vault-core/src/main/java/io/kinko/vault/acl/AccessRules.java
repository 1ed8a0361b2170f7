package io.kinko.vault.acl;

import io.kinko.vault.AccountStatus;

import io.kinko.vault.Permission;
import io.kinko.vault.Role;
import io.kinko.vault.UserInfo;
import java.time.LocalDate;
import java.util.Set;

/**
 * Who may do what: pure decisions with no I/O, so they can be checked against a model with many
 * generated cases. Deny by default; file content needs a grant whatever the role, and auditors and
 * service credentials never handle content.
 */
public final class AccessRules {
  private AccessRules() {}

  /** An allow or a deny, with the reason the log records. */
  public record Decision(boolean allowed, String reason) {
    static Decision allow(String reason) {
      return new Decision(true, reason);
    }

    static Decision deny(String reason) {
      return new Decision(false, reason);
    }
  }

  /** May a user with {@code role} and {@code granted} permissions on a path do what needs {@code needed}? */
  public static Decision content(Role role, Set<Permission> granted, Permission needed) {
    if (role == Role.AUDITOR) {
      return Decision.deny("auditors never handle file content");
    }
    if (role == Role.SERVICE) {
      return Decision.deny("a service credential only opens sessions for its users");
    }
    if (!granted.contains(needed)) {
      return Decision.deny("no " + needed + " grant on this path");
    }
    return Decision.allow(needed + " granted");
  }

  /** May a user with {@code role} read the log, checkpoints and certificates? */
  public static Decision audit(Role role) {
    return role == Role.ADMIN || role == Role.AUDITOR ? Decision.allow("role " + role) : Decision.deny("role " + role + " may not read the log");
  }

  /**
   * Does a user with {@code role} handle data at all: see file names, wipe plain files? Auditors
   * and service credentials do not; everyone else still needs grants for content.
   */
  public static Decision handlesData(Role role) {
    return role == Role.ADMIN || role == Role.WORKER ? Decision.allow("role " + role) : Decision.deny("role " + role + " does not handle data");
  }

  /** May a user with {@code role} manage users and grants, or prune the log? */
  public static Decision administer(Role role) {
    return role == Role.ADMIN ? Decision.allow("role ADMIN") : Decision.deny("role " + role + " is not an administrator");
  }

  /** May this account log in today (contract zone)? */
  /**
   * The account as a login sees it: an active account with {@code lockoutAfter} or more
   * consecutive failed logins is locked. The count lives outside the sealed state, because it
   * changes before a login has keys; it can only ever lock, never unlock, an account.
   */
  public static UserInfo effective(UserInfo user, int lockoutAfter) {
    if (user.status() == AccountStatus.ACTIVE && user.failedLogins() >= lockoutAfter) {
      return new UserInfo(user.name(), user.role(), AccountStatus.LOCKED, user.failedLogins(), user.expires(), user.chief(), user.created());
    }
    return user;
  }

  public static Decision login(UserInfo user, LocalDate today) {
    if (user.status() == AccountStatus.LOCKED) {
      return Decision.deny("account locked");
    }
    if (user.status() == AccountStatus.DISABLED) {
      return Decision.deny("account disabled");
    }
    if (user.expires() != null && today.isAfter(user.expires())) {
      return Decision.deny("account expired on " + user.expires());
    }
    return Decision.allow("password");
  }

  /** May {@code permissions} be granted to a user with {@code role}? */
  public static Decision grantable(Role role, Set<Permission> permissions) {
    if ((role == Role.AUDITOR || role == Role.SERVICE) && !permissions.isEmpty()) {
      return Decision.deny("a " + role + " cannot be granted file permissions");
    }
    return Decision.allow("grantable");
  }

  /**
   * Is {@code password} acceptable for {@code user}: long enough and not containing the user name
   * (case-insensitively)? Works on the characters; the password never becomes a String.
   */
  public static Decision password(String user, char[] password, int minLength) {
    if (password.length < minLength) {
      return Decision.deny("a password needs at least " + minLength + " characters");
    }
    for (int i = 0; i + user.length() <= password.length; i++) {
      boolean match = true;
      for (int j = 0; j < user.length() && match; j++) {
        match = Character.toLowerCase(password[i + j]) == Character.toLowerCase(user.charAt(j));
      }
      if (match) {
        return Decision.deny("a password must not contain the user name");
      }
    }
    return Decision.allow("acceptable");
  }
}
