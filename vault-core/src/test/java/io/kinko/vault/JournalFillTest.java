package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.audit.CommitStepHook;
import io.kinko.vault.engine.EngineInternals;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * On the embedded database an append returns once its journal record is synced, and the database
 * is filled behind the journal by the filler's thread. These tests hold or break the filler at its
 * commit ({@code database.commit}) to show that no reader sees the database behind an append that
 * returned, and that a fill that fails loses no acknowledged entry: the next reader or writer puts
 * the journal's records into the database, and while the database keeps refusing them, every
 * operation fails with a clear error and nothing more is acknowledged. The embedded vault only:
 * PostgreSQL's commit is the sync, and it has no filler.
 */
class JournalFillTest extends VaultTest {
  private static final String FILLER = "kinko-log-filler";

  private static AccessLog.Event stat(String actor) {
    return AccessLog.Event.allow(actor, Action.STAT, "fill test", null, null);
  }

  @AfterEach
  void unhook() {
    CommitStepHook.clear();
  }

  @Test
  void anAppendThatReturned_isSeenByAReaderOnAnotherThread_whileTheDatabaseIsStillBehind() throws Exception {
    AccessLog log = EngineInternals.log(vault);
    long before = log.head().size();
    CommitStepHook.Held held = CommitStepHook.holdOnce("database.commit", FILLER);
    LogEntry appended = log.append(stat("writer"));
    assertTrue(held.awaitReached(), "the filler never reached its commit");
    // The append returned while the filler holds its batch uncommitted: the database is behind.
    AtomicReference<Long> seen = new AtomicReference<>();
    AtomicReference<List<LogEntry>> entries = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      seen.set(log.head().size());
      entries.set(log.entries(new LogQuery(null, null, "writer", null)));
    }, "reader");
    reader.start();
    held.release();
    reader.join(60_000);
    assertFalse(reader.isAlive(), "the reader never returned");
    assertEquals(appended.seq() + 1, seen.get(), "a reader saw the log without the entry an append had returned");
    assertEquals(before + 1, seen.get());
    assertEquals(List.of(appended.seq()), entries.get().stream().map(LogEntry::seq).toList());
  }

  @Test
  void aFillThatFails_isMendedFromTheJournalByTheNextReader_andTheLogGoesOn() {
    AccessLog log = EngineInternals.log(vault);
    AtomicBoolean armed = new AtomicBoolean(true);
    CommitStepHook.install(step -> {
      if (step.equals("database.commit") && Thread.currentThread().getName().equals(FILLER) && armed.getAndSet(false)) {
        throw new IllegalStateException("injected: the database refuses the batch");
      }
    });
    LogEntry acknowledged = log.append(stat("acknowledged"));
    // The reader waits for the filler, whose commit fails; it then puts the journal's records
    // into the database itself, as an opening would, and reads them.
    assertEquals(acknowledged.seq() + 1, log.head().size());
    assertFalse(armed.get(), "the fill was not attempted");
    assertEquals(List.of(acknowledged.seq()), log.entries(new LogQuery(null, null, "acknowledged", null)).stream().map(LogEntry::seq).toList());
    LogEntry next = log.append(stat("next"));
    assertEquals(acknowledged.seq() + 1, next.seq());
    LogReport report = session.verifyLog(null);
    assertEquals(report.treeSize(), report.entriesChecked());

    session.close();
    session = null;
    vault.close();
    vault = TestVaults.open(dir.resolve("vault"));
    session = TestVaults.login(vault);
    assertEquals(List.of(acknowledged.seq()), session.logEntries(new LogQuery(null, null, "acknowledged", null)).stream().map(LogEntry::seq).toList());
    session.verifyLog(null);
  }

  @Test
  void aDatabaseThatKeepsRefusing_failsEveryOperationWithAClearError_untilItTakesWritesAgain() throws Exception {
    AccessLog log = EngineInternals.log(vault);
    AtomicBoolean refusing = new AtomicBoolean(true);
    CommitStepHook.install(step -> {
      if (step.equals("database.commit") && Thread.currentThread().getName().equals(FILLER) && refusing.get()) {
        throw new IllegalStateException("injected: the database refuses the batch");
      }
    });
    LogEntry acknowledged = log.append(stat("acknowledged"));
    // The mend's replay passes no commit step; a constraint makes the database refuse it too.
    try (java.sql.Connection c = TestDatabase.connect(vault.directory())) {
      c.createStatement().execute("ALTER TABLE log_entries ADD CONSTRAINT refuse_appends CHECK (seq < " + acknowledged.seq() + ")");
    }
    VaultException read = assertThrows(VaultException.class, () -> log.head());
    assertTrue(read.getMessage().contains("no acknowledged entry is lost"), read.getMessage());
    VaultException append = assertThrows(VaultException.class, () -> log.append(stat("refused")));
    assertTrue(append.getMessage().contains("no acknowledged entry is lost"), append.getMessage());
    assertThrows(VaultException.class, () -> session.list(""));

    refusing.set(false);
    try (java.sql.Connection c = TestDatabase.connect(vault.directory())) {
      c.createStatement().execute("ALTER TABLE log_entries DROP CONSTRAINT refuse_appends");
    }
    assertEquals(List.of(acknowledged.seq()), log.entries(new LogQuery(null, null, "acknowledged", null)).stream().map(LogEntry::seq).toList());
    assertEquals(List.of(), log.entries(new LogQuery(null, null, "refused", null)));
    LogReport report = session.verifyLog(null);
    assertEquals(report.treeSize(), report.entriesChecked());
  }
}
