package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change whose commit fails, on a real PostgreSQL server: a deferred constraint trigger raises
 * at COMMIT, after every statement of the change (its rows, its state nodes and its sealed head)
 * ran. The server rolls the change back, and the session that tried it must go on as if it had
 * never been made: it must not take the rolled-back version for one it saw, or its next read would
 * call the vault's real state a rollback, refuse it and raise an INCIDENT. The server answered,
 * so the put knows its blob is no one's and removes it (where the answer is lost it keeps it:
 * PostgresVaultTest).
 */
class PostgresFailedCommitTest {
  @TempDir Path dir;

  @Test
  void aPutWhoseCommitFails_leavesTheSessionReadingAndWriting_withNoIncident() throws Exception {
    Path v = dir.resolve("vault");
    try (Password pw = Password.copyOf(TestVaults.PASSWORD); DatabaseAccount account = TestDatabase.account();
         Vault vault = Vault.builder(v).contract(TestVaults.CONTRACT).admin(TestVaults.ADMIN, pw).passwordCost(PasswordCost.MINIMUM)
             .database(TestDatabase.newSchema(TestDatabase.server()), account).create()) {
      TestVaults.grantAll(vault, TestVaults.ADMIN);
      try (Session session = TestVaults.login(vault)) {
        attempt(v, session);
      }
    }
  }

  private static void attempt(Path v, Session session) throws Exception {
    byte[] kept = "kept before the failed commit".getBytes();
    TestVaults.put(session, "case/kept.txt", kept);
    TestVaults.readAll(session, "case/kept.txt"); // the session has checked the state at this version

    try (Connection c = TestDatabase.connect(v); Statement s = c.createStatement()) {
      s.execute("CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          + "RAISE EXCEPTION 'refused at commit'; END $$");
      s.execute("CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON files DEFERRABLE INITIALLY DEFERRED "
          + "FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()");
    }
    assertThrows(VaultException.class, () -> TestVaults.put(session, "case/lost.txt", "never stored".getBytes()));
    try (Connection c = TestDatabase.connect(v); Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER refuse_at_commit ON files");
    }
    // The refused version's PUT entry is followed by one saying it was not stored: before, the log (and the
    // monthly report's figures) counted it as stored.
    List<LogEntry> puts = session.logEntries(new LogQuery(null, null, null, "PUT"));
    LogEntry allowed = puts.get(puts.size() - 2);
    LogEntry failed = puts.get(puts.size() - 1);
    assertEquals("ALLOW", allowed.decision());
    assertEquals("DENY", failed.decision());
    assertTrue(failed.reason().startsWith("failed after approval: "), failed::reason);
    assertEquals(allowed.fileId(), failed.fileId());

    assertArrayEquals(kept, TestVaults.readAll(session, "case/kept.txt"));
    assertThrows(NotFoundException.class, () -> session.stat("case/lost.txt"));
    byte[] next = "stored after the failed commit".getBytes();
    TestVaults.put(session, "case/next.txt", next);
    assertArrayEquals(next, TestVaults.readAll(session, "case/next.txt"));
    assertEquals(2, TestVaults.filesUnder(v.resolve("blobs")).size(), "the refused put left its blob");
    assertEquals(0, session.logEntries(new LogQuery(null, null, null, "INCIDENT")).size(),
        "the vault's real state was taken for a rollback");
  }
}
