package io.kinko.vault;

/**
 * Whether an account may log in. LOCKED is set by an administrator, or follows from too many
 * consecutive failed logins; DISABLED is for good (the key slot is destroyed).
 */
public enum AccountStatus {
  ACTIVE, LOCKED, DISABLED
}
