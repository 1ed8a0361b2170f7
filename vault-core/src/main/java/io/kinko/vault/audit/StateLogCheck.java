package io.kinko.vault.audit;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogEntry;
import io.kinko.vault.state.StateKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks each state row against the log entry that set it: the entry at the row's {@code log_seq}
 * must be an ALLOW of an action that sets such a row, naming the same target (a file version's PUT
 * names its file id; a grant's GRANT or REVOKE names its prefix tag; a package taken in, its
 * IMPORT entry names its export, sender and key). Entries pruned after their
 * retention are not there to check; rows sealed before the state commitment have no sequence.
 */
public final class StateLogCheck {
  private static final Map<StateKind, Set<String>> SETTERS = Map.of(
      StateKind.USER, Set.of("INIT", "USER_ADD", "USER_LOCK", "USER_UNLOCK", "USER_DISABLE", "RECOVER"),
      StateKind.GRANT, Set.of("GRANT", "REVOKE"),
      StateKind.FILE, Set.of("PUT"),
      StateKind.SETTING, Set.of("POLICY", "ALERT", "INIT", "RECOVERY_ROTATE"),
      StateKind.IMPORT, Set.of("IMPORT"));

  private StateLogCheck() {}

  /**
   * @param rows every checked row of each kind, values in {@link StateKind#columns()} order
   * @throws IntegrityException naming the first row whose entry does not set it
   */
  public static void check(Connection c, Map<StateKind, List<List<String>>> rows) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT entry FROM log_entries WHERE seq = ?")) {
      for (Map.Entry<StateKind, List<List<String>>> kind : rows.entrySet()) {
        if (!SETTERS.containsKey(kind.getKey())) {
          continue; // a deletion's log_seq is its DELETE entry, checked by its certificate
        }
        int seqColumn = kind.getKey().column("log_seq");
        for (List<String> row : kind.getValue()) {
          String seq = row.get(seqColumn);
          if (seq == null) {
            continue;
          }
          s.setLong(1, Long.parseLong(seq));
          try (ResultSet r = s.executeQuery()) {
            if (r.next()) {
              LogEntry entry = EntryCodec.decode(r.getBytes(1));
              String problem = problem(kind.getKey(), row, entry);
              if (problem != null) {
                throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "a " + kind.getKey().table() + " row is not set by log entry " + seq + ": " + problem);
              }
            }
          }
        }
      }
    }
  }

  private static String problem(StateKind kind, List<String> row, LogEntry entry) {
    if (!SETTERS.get(kind).contains(entry.action()) || !entry.decision().equals("ALLOW")) {
      return "that entry is a " + entry.decision() + " " + entry.action();
    }
    return switch (kind) {
      case FILE -> row.get(kind.column("file_id")).equals(entry.fileId()) ? null : "that entry names another file";
      case GRANT -> row.get(kind.column("prefix_tag")).equals(entry.nameTag()) ? null : "that entry names another prefix";
      case IMPORT -> entry.reason() != null && entry.reason().startsWith("import " + row.get(kind.column("export_id")) + "; from vault "
          + row.get(kind.column("sender_vault")) + " key " + row.get(kind.column("key_fingerprint")) + " (") ? null
          : "that entry takes in another package, or from another vault or key";
      case USER, DELETION, SETTING -> null;
    };
  }
}
