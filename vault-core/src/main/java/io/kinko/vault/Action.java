package io.kinko.vault;

/**
 * What a log entry records was attempted. The log stores the name; entries are read back as
 * text ({@link LogEntry#action()}) so that a log written by a later version still reads.
 */
public enum Action {
  INIT, LOGIN, LOCKOUT, PASSWD, INCIDENT,
  PUT, GET, STAT, LIST, VERSIONS,
  DELETE_REQUEST, DELETE, WIPE_REQUEST, WIPE, DISPOSE, CERT_LIST,
  LOG_SHOW, LOG_VERIFY, LOG_EXPORT, LOG_PRUNE, CHECKPOINT, KEY_EXPORT,
  USER_ADD, USER_PASSWD, USER_LOCK, USER_UNLOCK, USER_DISABLE, USER_LIST, GRANT, REVOKE, ACL,
  AUDIT, REPORT, APPROVE,
  /** Incidents (clause 6): a policy change, an alert sink added, removed or tested, an incident acknowledged, listed, written up. */
  POLICY, ALERT, INCIDENT_ACK, INCIDENT_LIST, INCIDENT_REPORT,
  /** Transport (clause 7): a package carried out of the vault, one carried in, a receipt recorded. */
  EXPORT, IMPORT, EXPORT_RECEIPT,
  /** A package's bytes written and synced under a private name, before it is given its own: the entry names its SHA-256. */
  EXPORT_SEALED,
  /** The recovery key (clause 5(8)): an administrator's password set with it; the key replaced. */
  RECOVER, RECOVERY_ROTATE,
  /** A hardware token enrolled for a user (its slot written), or removed (its slot destroyed). */
  TOKEN_ADD, TOKEN_REMOVE;
}
