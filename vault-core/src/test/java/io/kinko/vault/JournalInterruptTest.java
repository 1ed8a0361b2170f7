package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.audit.CommitStepHook;
import io.kinko.vault.engine.EngineInternals;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An interrupt must not reach the journal's file channel: {@code FileChannel} closes itself when
 * a thread blocked in its I/O is interrupted, and the log could then write nothing more until the
 * vault was reopened. The group commit's writer role passes through every caller's thread, so a
 * caller interrupted while it queued is the case to hold (the embedded vault's journal only:
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
}
