package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.audit.CommitStepHook;
import io.kinko.vault.engine.EngineInternals;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * After a failed fill, the next reader mends the database from the journal on its own thread
 * (AccessLog.awaitFilled -> mend -> Journal.recordEndingAt / Cursor.next: FileChannel reads). A
 * reader whose thread carries an interrupt closes the journal's channel there
 * (ClosedByInterruptException), and every later append and read fails until the vault is reopened:
 * what lead() guards the writer against, reached through the readers' barrier. The mend now holds
 * the interrupt back, as lead() does (an attacker's review found it).
 */
class JournalMendInterruptTest extends VaultTest {
  private static AccessLog.Event stat(String actor) {
    return AccessLog.Event.allow(actor, Action.STAT, "mend interrupt test", null, null);
  }

  @AfterEach
  void unhook() {
    CommitStepHook.clear();
  }

  @Test
  void anInterruptedReaderThatMends_doesNotBreakTheLog() throws Exception {
    AccessLog log = EngineInternals.log(vault);
    AtomicBoolean armed = new AtomicBoolean(true);
    CommitStepHook.install(step -> {
      if (step.equals("database.commit") && Thread.currentThread().getName().equals("kinko-log-filler") && armed.getAndSet(false)) {
        throw new IllegalStateException("injected: the database refuses the batch once");
      }
    });
    LogEntry acknowledged = log.append(stat("acknowledged"));
    AtomicReference<Throwable> readerFailed = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      Thread.currentThread().interrupt(); // an executor's shutdownNow, a request's timeout, Future.cancel(true)
      try {
        log.head();
      } catch (Throwable t) {
        readerFailed.set(t);
      }
    }, "interrupted-reader");
    reader.start();
    reader.join();
    // Whatever the interrupted reader itself saw, the log must go on for everyone else.
    LogEntry next = log.append(stat("next"));
    assertEquals(acknowledged.seq() + 1, next.seq(), "reader saw: " + readerFailed.get());
    assertTrue(log.head().size() > next.seq());
  }
}
