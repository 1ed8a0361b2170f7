package io.kinko.vault;

/**
 * Rules for accounts: clauses 5(3) and 5(8) ask for identification and authentication.
 *
 * @param minPasswordLength a password has at least this many characters
 * @param lockoutAfter consecutive failed logins that lock an account until an administrator unlocks it
 * @param graceDays accounts expire this many days after the contract's end unless given another date
 */
public record AccessPolicy(int minPasswordLength, int lockoutAfter, int graceDays) {
  public static final AccessPolicy DEFAULT = new AccessPolicy(12, 5, 0);

  public AccessPolicy {
    if (minPasswordLength < 8 || minPasswordLength > 1024) {
      throw new IllegalArgumentException("minimum password length " + minPasswordLength + " is not between 8 and 1024");
    }
    if (lockoutAfter < 1 || lockoutAfter > 100) {
      throw new IllegalArgumentException("lockout threshold " + lockoutAfter + " is not between 1 and 100");
    }
    if (graceDays < 0 || graceDays > 3660) {
      throw new IllegalArgumentException("grace of " + graceDays + " days is not between 0 and 3660");
    }
  }
}
