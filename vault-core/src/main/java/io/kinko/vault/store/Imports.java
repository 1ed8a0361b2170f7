package io.kinko.vault.store;

import io.kinko.vault.state.StateKind;
import io.kinko.vault.state.VaultState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code imports} table: the transport packages this vault took in, one row each, as state
 * ({@link StateKind#IMPORT}) bound to the package's IMPORT entry. A row is written in a state
 * update once that entry is durable and removed again if the import then fails, so it says what
 * the log's IMPORT entries and their failures say; but it is read checked against the state
 * commitment, where the entries are read through an index that an edit of their rows' action
 * column hides them from, and it outlives a prune of the log.
 */
public final class Imports {
  private Imports() {}

  /** A package taken in: its export id, the vault that sent it, the key that signed its waybill, its IMPORT entry. */
  public record Taken(String exportId, String senderVault, String keyFingerprint, long logSeq) {
    public Taken {
      Objects.requireNonNull(exportId, "exportId");
      Objects.requireNonNull(senderVault, "senderVault");
      Objects.requireNonNull(keyFingerprint, "keyFingerprint");
    }
  }

  /** Every package taken in, checked against the state commitment, oldest entry first. */
  public static List<Taken> all(VaultState state, Connection c) throws SQLException {
    List<Taken> out = new ArrayList<>();
    for (List<String> v : state.all(c, StateKind.IMPORT)) {
      out.add(new Taken(v.get(0), v.get(1), v.get(2), Long.parseLong(v.get(3))));
    }
    out.sort(java.util.Comparator.comparingLong(Taken::logSeq));
    return out;
  }

  /** Records {@code taken} in a state update. */
  public static void add(Connection c, VaultState.Changes changes, Taken taken) throws SQLException {
    int bucket = changes.touch(StateKind.IMPORT, taken.senderVault());
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO imports (export_id, sender_vault, key_fingerprint, log_seq, bucket) VALUES (?, ?, ?, ?, ?)")) {
      s.setString(1, taken.exportId());
      s.setString(2, taken.senderVault());
      s.setString(3, taken.keyFingerprint());
      s.setLong(4, taken.logSeq());
      s.setInt(5, bucket);
      s.executeUpdate();
    }
  }

  /** Removes the package {@code exportId} from {@code senderVault} in a state update (an import that failed after its entry); true if it was there. */
  public static boolean remove(Connection c, VaultState.Changes changes, String senderVault, String exportId) throws SQLException {
    changes.touch(StateKind.IMPORT, senderVault);
    try (PreparedStatement d = c.prepareStatement("DELETE FROM imports WHERE sender_vault = ? AND export_id = ?")) {
      d.setString(1, senderVault);
      d.setString(2, exportId);
      return d.executeUpdate() > 0;
    }
  }
}
