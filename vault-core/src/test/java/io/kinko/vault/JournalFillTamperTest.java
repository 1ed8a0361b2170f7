package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.engine.EngineInternals;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The database's copy of the log rolled back while the vault is open (H2's own tools, as in
 * JournalTamperTest, but with the vault running): the filler finds the database changed behind
 * the vault, and the next reader gets an IntegrityException (an incident), not a silent replay of
 * the journal over the rollback, as opening after a crash would do (an attacker's review found the
 * mend doing that).
 */
class JournalFillTamperTest extends VaultTest {
  private static AccessLog.Event stat(String actor) {
    return AccessLog.Event.allow(actor, Action.STAT, "tamper test", null, null);
  }

  @Test
  void theLogRolledBackInTheDatabaseWhileOpen_isAnIntegrityFailure() throws SQLException {
    AccessLog log = EngineInternals.log(vault);
    log.append(stat("one"));
    log.append(stat("two"));
    rollBackLastEntry();
    log.append(stat("after")); // durable in the journal; the filler finds the database changed behind the vault
    assertThrows(IntegrityException.class, () -> log.head(), "a rollback of the database's log while open went unreported");
    assertThrows(IntegrityException.class, () -> log.append(stat("later")), "the log went on over a rollback");
    closeSessionOverTheTamperedLog();
  }

  @Test
  void theHeadAloneRolledBackWhileOpen_isAnIntegrityFailure() throws SQLException {
    AccessLog log = EngineInternals.log(vault);
    log.append(stat("one"));
    log.append(stat("two"));
    try (Connection c = TestDatabase.connect(vault.directory())) {
      Head h = head(c);
      int length = lastEntryLength(c, h.size) + 56;
      c.createStatement().execute("UPDATE log_head SET tree_size = " + (h.size - 1) + ", last_leaf = '" + leafOf(c, h.size - 2)
          + "', journal_end = " + (h.end - length));
    }
    log.append(stat("after"));
    VaultException e = assertThrows(VaultException.class, () -> log.head());
    assertTrue(e instanceof IntegrityException, "not an integrity failure: " + e);
    closeSessionOverTheTamperedLog();
  }

  /** The session's close cannot log its end on a log found changed: it says so; the vault still closes. */
  private void closeSessionOverTheTamperedLog() {
    assertThrows(IntegrityException.class, session::close);
    session = null;
  }

  private record Head(long size, long end) {}

  private static Head head(Connection c) throws SQLException {
    ResultSet r = c.createStatement().executeQuery("SELECT tree_size, journal_end FROM log_head");
    assertTrue(r.next());
    return new Head(r.getLong(1), r.getLong(2));
  }

  private static int lastEntryLength(Connection c, long size) throws SQLException {
    ResultSet r = c.createStatement().executeQuery("SELECT entry FROM log_entries WHERE seq = " + (size - 1));
    assertTrue(r.next());
    return r.getBytes(1).length;
  }

  private static String leafOf(Connection c, long seq) throws SQLException {
    ResultSet r = c.createStatement().executeQuery("SELECT entry FROM log_entries WHERE seq = " + seq);
    assertTrue(r.next());
    return java.util.HexFormat.of().formatHex(io.kinko.vault.audit.Merkle.leafHash(r.getBytes(1)));
  }

  /** What JournalTamperTest does to a closed vault: the last entry, its nodes and the head taken back by one. */
  private void rollBackLastEntry() throws SQLException {
    try (Connection c = TestDatabase.connect(vault.directory())) {
      Head h = head(c);
      long treeSize = h.size;
      int length = lastEntryLength(c, treeSize) + 56;
      String prevLeaf = leafOf(c, treeSize - 2);
      c.createStatement().execute("DELETE FROM log_entries WHERE seq = " + (treeSize - 1));
      TestDatabase.deleteNodesFrom(c, treeSize - 1);
      c.createStatement().execute("UPDATE log_head SET tree_size = " + (treeSize - 1) + ", last_leaf = '" + prevLeaf
          + "', journal_end = " + (h.end - length));
    }
  }
}
