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

  /** The factors of a login with a password alone, a token alone, or both. */
  public static final String PASSWORD = "password";
  public static final String TOKEN = "token";
  public static final String BOTH = "password+token";

  /**
   * Does a login with {@code factors} satisfy the two-factor policy ({@code twoFactor} roles)? A
   * user of such a role who holds a token needs both; one who holds none yet may log in with the
   * password alone until enrolled (the reason says so), since enrolment needs a session. The
   * allowed reason is what the LOGIN entry states.
   */
  public static Decision factors(Role role, Set<Role> twoFactor, String factors, boolean holdsToken) {
    if (BOTH.equals(factors) || !twoFactor.contains(role)) {
      return Decision.allow(factors);
    }
    if (TOKEN.equals(factors)) {
      return Decision.deny("two-factor required for " + role + ": password missing");
    }
    return holdsToken ? Decision.deny("two-factor required for " + role + ": token missing")
        : Decision.allow(PASSWORD + " (two-factor pending: no token enrolled)");
  }

  /** May {@code actor} with {@code role} enrol or remove a token for {@code user}? An administrator for anyone, anyone for themself. */
  public static Decision token(Role role, String actor, String user) {
    if (role == Role.ADMIN) {
      return Decision.allow("administrator");
    }
    return actor.equals(user) ? Decision.allow("own token") : Decision.deny("only an administrator enrols or removes another user's token");
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
