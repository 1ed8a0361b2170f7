package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.audit.CommitStepHook;
import io.kinko.vault.engine.EngineInternals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An interrupt must not reach the journal's file channel: {@code FileChannel} closes itself when
 * a thread blocked in its I/O is interrupted, and the log could then write nothing more until the
 * vault was reopened. The group commit's writer role passes through every caller's thread, so a
 * caller interrupted while it queued is the case to hold, and so is an interrupt that arrives
 * while the writer is in the journal's write or sync (the embedded vault's journal only:
 * PostgreSQL's driver is not closed by an interrupt).
 */
class JournalInterruptTest extends VaultTest {
  private static AccessLog.Event stat(String actor) {
    return AccessLog.Event.allow(actor, Action.STAT, "interrupt test", null, null);
  }

  @AfterEach
  void unhook() {
    CommitStepHook.clear();
  }

  @Test
  void aCallerInterruptedWhileItWaits_leadsTheNextBatchWithoutBreakingTheLog_andKeepsItsInterrupt() throws Exception {
    AccessLog log = EngineInternals.log(vault);
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CommitStepHook.install(step -> {
      if (step.equals("journal.write") && Thread.currentThread().getName().equals("leader")) {
        reached.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
    });
    AtomicReference<Throwable> leaderFailed = new AtomicReference<>();
    AtomicReference<Throwable> waiterFailed = new AtomicReference<>();
    AtomicReference<Boolean> waiterStillInterrupted = new AtomicReference<>();
    Thread leader = new Thread(() -> {
      try {
        log.append(stat("leader"));
      } catch (Throwable t) {
        leaderFailed.set(t);
      }
    }, "leader");
    leader.start();
    assertTrue(reached.await(60, TimeUnit.SECONDS));
    Thread waiter = new Thread(() -> {
      try {
        log.append(stat("waiter"));
      } catch (Throwable t) {
        waiterFailed.set(t);
      }
      waiterStillInterrupted.set(Thread.currentThread().isInterrupted());
    }, "waiter");
    waiter.start();
    while (waiter.getState() != Thread.State.WAITING) { // queued behind the held batch
      Thread.onSpinWait();
    }
    waiter.interrupt(); // an executor's shutdownNow, a request's timeout, Future.cancel(true)
    release.countDown();
    leader.join();
    waiter.join();
    assertEquals(null, leaderFailed.get());
    assertEquals(null, waiterFailed.get(), "the interrupted caller's batch failed");
    assertEquals(Boolean.TRUE, waiterStillInterrupted.get(), "the caller's interrupt was swallowed");
    CommitStepHook.clear();
    LogEntry after = log.append(stat("after"));
    assertEquals("after", after.actor());
    LogReport report = session.verifyLog(null);
    assertEquals(report.treeSize(), report.entriesChecked());
  }

  /** What one append on a thread of its own saw: its entry or its failure, and whether the thread was still interrupted after it. */
  private record Outcome(LogEntry entry, Throwable failure, boolean interruptedAfter) {}

  private static Outcome appendOnThread(AccessLog log, String name) throws InterruptedException {
    AtomicReference<Outcome> outcome = new AtomicReference<>();
    Thread t = new Thread(() -> {
      LogEntry entry = null;
      Throwable failure = null;
      try {
        entry = log.append(stat(name));
      } catch (Throwable e) {
        failure = e;
      }
      outcome.set(new Outcome(entry, failure, Thread.currentThread().isInterrupted()));
    }, name);
    t.start();
    t.join();
    return outcome.get();
  }

  /** At {@code step} of the batch written on the thread named {@code name}, once: {@code act}, then the thread's interrupt, as another thread's would arrive there. */
  private static void interruptOnceAt(String step, String name, Runnable act) {
    AtomicBoolean armed = new AtomicBoolean(true);
    CommitStepHook.install(s -> {
      if (s.equals(step) && Thread.currentThread().getName().equals(name) && armed.getAndSet(false)) {
        act.run();
        Thread.currentThread().interrupt();
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"journal.write", "journal.sync"})
  void anInterruptThatArrivesInTheJournalsWriteOrSync_doesNotFailTheBatch_norBreakTheLog_andTheWriterKeepsIt(String step) throws Exception {
    AccessLog log = EngineInternals.log(vault);
    interruptOnceAt(step, "interrupted-writer", () -> {});
    Outcome interrupted = appendOnThread(log, "interrupted-writer");
    assertEquals(null, interrupted.failure(), "the batch failed");
    assertTrue(interrupted.interruptedAfter(), "the writer's interrupt was swallowed");
    CommitStepHook.clear();
    LogEntry after = log.append(stat("after"));
    assertEquals(interrupted.entry().seq() + 1, after.seq());
    closeVault();
    vault = TestVaults.open(dir.resolve("vault"));
    session = TestVaults.login(vault);
    LogReport report = session.verifyLog(null); // the journal and the database hold the same entries, chained
    assertEquals(report.treeSize(), report.entriesChecked());
    assertTrue(report.treeSize() > after.seq());
    assertEquals(java.util.List.of(interrupted.entry().seq()), session.logEntries(new LogQuery(null, null, "interrupted-writer", null)).stream()
        .map(LogEntry::seq).toList());
  }

  @Test
  void aJournalPutInPlaceOfTheOpenOne_failsTheBatchWhoseInterruptMadeTheLogOpenItAgain() throws Exception {
    AccessLog log = EngineInternals.log(vault);
    Path journal = dir.resolve("vault").resolve("db").resolve("log.journal");
    interruptOnceAt("journal.sync", "swapped-writer", () -> {
      try {
        Path copy = journal.resolveSibling("log.journal.copy");
        Files.copy(journal, copy);
        Files.move(copy, journal, StandardCopyOption.REPLACE_EXISTING); // the same bytes in another file
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    Outcome swapped = appendOnThread(log, "swapped-writer");
    IntegrityException refused = assertInstanceOf(IntegrityException.class, swapped.failure(), () -> String.valueOf(swapped.failure()));
    assertTrue(refused.getMessage().contains("was replaced"), refused.getMessage());
    CommitStepHook.clear();
    // The next batch finds the file as it finds one another handle rotated: it must hold the log's
    // chain up to the last acknowledged entry (the copy does), and the refused entry is written over.
    Outcome next = appendOnThread(log, "next");
    assertEquals(null, next.failure());
    LogReport report = session.verifyLog(null);
    assertEquals(report.treeSize(), report.entriesChecked());
    assertEquals(java.util.List.of(), session.logEntries(new LogQuery(null, null, "swapped-writer", null)), "a refused entry is in the log");
  }
}
