package io.kinko.vault.engine;

import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.crypto.VaultKeys;
import io.kinko.vault.state.VaultState;

/** What tests reach inside the engine: never a path an application has. */
public final class EngineInternals {
  private EngineInternals() {}

  /** A session's unlocked keys, to seal test data the way the vault does. */
  public static VaultKeys keys(Session session) {
    return ((DefaultSession) session).keys();
  }

  /** The vault's access log, to count what one operation appended. */
  public static AccessLog log(Vault vault) {
    return ((DefaultVault) vault).log();
  }

  /** The incident watch's two reads of the log's history, to ask the database how it runs them. */
  public static java.util.List<String> incidentHistoryQueries() {
    return java.util.List.of(IncidentWatch.HISTORY, IncidentWatch.INCIDENTS_SINCE);
  }

  /** The vault's signed checkpoints, to ask for a proof as a certificate does. */
  public static io.kinko.vault.audit.LogCheckpoints checkpoints(Vault vault) {
    return ((DefaultVault) vault).checkpoints();
  }

  /** A state change made by the vault's own hands (to stage a crash's leftovers legitimately). */
  public static <T> T changeState(Session session, VaultState.Update<T> update) {
    return ((DefaultSession) session).changeState(update);
  }

  /** A read of checked state as a session makes it: an integrity failure is an INCIDENT. */
  public static <T> T readState(Session session, io.kinko.vault.store.Database.SqlWork<T> read) {
    return ((DefaultSession) session).readState(read);
  }

  /** The session's view of the vault's state, to read checked rows inside {@link #readState}. */
  public static VaultState state(Session session) {
    return ((DefaultSession) session).state();
  }

  /** An audit as of another time: how accounts look once {@code clock} has moved on. */
  public static io.kinko.vault.AuditResult audit(Session session, boolean deep, java.time.Clock clock) {
    return ((DefaultSession) session).audit(deep, blobs -> {}, clock);
  }

  /** Opens a vault whose log tells time by {@code clock}: a month of activity in a test's minutes. */
  public static Vault open(java.nio.file.Path dir, String application, io.kinko.vault.DatabaseAccount account, java.time.Clock clock) {
    return DefaultVault.open(dir, application, account, clock);
  }

  /** Writes an INCIDENT entry as the engine does for an integrity failure (and wakes the alert thread). */
  public static void incident(Vault vault, String actor, io.kinko.vault.IntegrityException e) {
    ((DefaultVault) vault).incident(actor, e);
  }

  /** Every log entry as the incident watch reads it from the database, in sequence order. */
  public static java.util.List<io.kinko.vault.LogEntry> entriesAsTheWatchReadsThem(Session session) {
    return readState(session, c -> IncidentWatch.select(c, "SELECT " + IncidentWatch.COLUMNS + " FROM log_entries ORDER BY seq",
        java.util.List.of(), Integer.MAX_VALUE, Long.MAX_VALUE));
  }
}
