package io.kinko.vault;

/**
 * What a user is for. Content is never read by role alone: every role but {@link #AUDITOR} and
 * {@link #SERVICE} reads and writes files only where a grant allows it.
 */
public enum Role {
  /** 保護管理者: manages users and grants, reads logs, runs reports; content only with a grant. */
  ADMIN,
  /** 従業者: works with the data its grants allow. */
  WORKER,
  /** Reads logs, certificates and reports; never file content, whatever it is granted. */
  AUDITOR,
  /** An application's credential: opens sessions for users it authenticated itself (single sign-on). */
  SERVICE
}
