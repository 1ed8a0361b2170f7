package io.kinko.vault;

import java.util.Arrays;

/**
 * Why an INCIDENT entry was written (clause 6). The id is stable: it is what an INCIDENT entry's
 * reason, an alert, an incident report and an operator's filter name, so it never changes once
 * released. The severity is RFC 5424's (2 critical, 3 error, 4 warning, 5 notice).
 */
public enum IncidentRule {
  /** A blob failed its header MAC, a segment's tag, its size, or is missing. */
  INTEGRITY_BLOB("integrity.blob", 2),
  /** {@code kinko.json} no longer matches its seal. */
  INTEGRITY_DESCRIPTOR("integrity.descriptor", 2),
  /** A sealed row or the state commitment does not check: a row edited, deleted or replayed. */
  INTEGRITY_STATE("integrity.state", 2),
  /** The log's chain, tree, journal or an entry fails to verify. */
  INTEGRITY_LOG("integrity.log", 2),
  /** A checkpoint or a witness (a report's checkpoint, {@code log.checkpoint}) is inconsistent with the log. */
  INTEGRITY_CHECKPOINT("integrity.checkpoint", 2),
  /** The database is older than a checkpoint the vault signed: it was rolled back. */
  INTEGRITY_ROLLBACK("integrity.rollback", 2),
  /** Any other integrity failure. */
  INTEGRITY_OTHER("integrity.other", 2),
  /** An account was locked by failed logins. */
  AUTH_LOCKOUT("auth.lockout", 3),
  /** Many failed logins for one user in the policy's window. */
  AUTH_FAILED_LOGINS("auth.failed-logins", 4),
  /** Many failed logins for names that are no user, in the policy's window. */
  AUTH_UNKNOWN_USERS("auth.unknown-users", 3),
  /** A burst of denied operations by one user in the policy's window. */
  ACCESS_DENIED_BURST("access.denied-burst", 4),
  /** More files or bytes read by one user in the policy's window than the policy allows. */
  ACCESS_MASS_READ("access.mass-read", 3),
  /** An operation outside the policy's working hours. */
  ACCESS_OFF_HOURS("access.off-hours", 4),
  /** Data left the vault in a transport package. */
  TRANSFER_EXPORT("transfer.export", 5),
  /** The whole vault was disposed of. */
  DISPOSAL("disposal", 5),
  /** A recovery key was used to set an administrator's password. */
  RECOVERY("auth.recovery", 3),
  /** A key slot (a user's password or token slot, the recovery slot) is malformed, crafted or belongs elsewhere. */
  INTEGRITY_KEYS("integrity.keys", 2);

  private final String id;
  private final int severity;

  IncidentRule(String id, int severity) {
    this.id = id;
    this.severity = severity;
  }

  /** The stable id, for example {@code auth.lockout}. */
  public String id() {
    return id;
  }

  /** The RFC 5424 severity: 2 critical, 3 error, 4 warning, 5 notice. */
  public int severity() {
    return severity;
  }

  /**
   * The rule with this id.
   *
   * @throws IllegalArgumentException if no rule has it
   */
  public static IncidentRule of(String id) {
    return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no incident rule '" + id + "'"));
  }
}
