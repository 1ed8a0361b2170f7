package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.audit.CommitStepHook;
import io.kinko.vault.audit.FillerHook;
import io.kinko.vault.engine.EngineInternals;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The log's group commit as its callers see it: a batch is written by one of its own callers,
 * who then hands the writer's role on instead of writing later callers' batches (which kept its
 * own call waiting, up to 1.6 s under 8 writers), and the listener that signs checkpoints sees
 * every batch once, in order, though it runs beside the next batches' writes (on the embedded
 * database on the listeners' thread, on PostgreSQL on the thread of the caller whose batch it is
 * or the log's listener thread, while the others return at their commit).
 */
class GroupCommitTest extends VaultTest {
  private record Seen(long size, List<String> actors) {}

  private static AccessLog.Event stat(String actor) {
    return AccessLog.Event.allow(actor, Action.STAT, "group commit test", null, null);
  }

  /** Starts {@code threads} writers that each append {@code each} entries as themselves; failures go to {@code failures}. */
  private static List<Thread> writers(AccessLog log, int threads, int each, CountDownLatch start, List<Throwable> failures) {
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String name = "writer-" + t;
      Thread w = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < each; i++) {
            assertEquals(name, log.append(stat(name)).actor());
          }
        } catch (Throwable e) {
          synchronized (failures) {
            failures.add(e);
          }
        }
      }, name);
      writers.add(w);
      w.start();
    }
    return writers;
  }

  @Test
  void eachBatch_isWrittenByOneOfItsOwnCallers_andItsListenerSeesTheBatchesInOrder() throws Exception {
    AccessLog log = EngineInternals.log(vault);
    FillerHook.awaitAllFilled(); // the login's batch, filled behind, must not reach this test's listener late (it did once: 310 batches seen for 309 journal writes)
    long before = log.head().size();
    List<Seen> seen = new ArrayList<>();
    // A listener need not run on the thread that wrote its batch (on the embedded database it runs
    // on the listeners' thread, on PostgreSQL on whichever of the batches' callers is running
    // listeners); which thread wrote each batch shows at the batch's own write step, in the same
    // order as the listener sees the batches: the journal's write on the embedded database (its
    // database commit is the filler's), and the commit on PostgreSQL.
    List<String> journalWriters = new ArrayList<>();
    List<String> committers = new ArrayList<>();
    CommitStepHook.install(step -> {
      List<String> writers = step.equals("journal.write") ? journalWriters : step.equals("database.commit") ? committers : null;
      if (writers != null) {
        synchronized (writers) {
          writers.add(Thread.currentThread().getName());
        }
      }
    });
    log.afterBatch(batch -> {
      synchronized (seen) {
        seen.add(new Seen(batch.size(), batch.entries().stream().map(LogEntry::actor).toList()));
      }
    });
    int threads = 8;
    int each = 300;
    CountDownLatch start = new CountDownLatch(1);
    List<Throwable> failures = new ArrayList<>();
    List<Thread> writers = writers(log, threads, each, start, failures);
    start.countDown();
    for (Thread w : writers) {
      w.join();
    }
    assertEquals(List.of(), failures);
    FillerHook.awaitAllFilled(); // the embedded log's listeners run behind the appends
    log.awaitHeard(); // and on PostgreSQL those of batches behind a caller's own
    long after = log.head().size();

    long size = before;
    int batched = 0;
    List<String> batchWriters = journalWriters.isEmpty() ? committers : journalWriters;
    assertEquals(seen.size(), batchWriters.size(), batchWriters.size() + " batch writes for " + seen.size() + " batches");
    for (int i = 0; i < seen.size(); i++) {
      Seen s = seen.get(i);
      String writer = batchWriters.get(i);
      assertTrue(s.actors().contains(writer), writer + " wrote a batch of " + s.actors() + " that held none of its own entries");
      assertEquals(size + s.actors().size(), s.size(), "a batch was skipped, repeated or seen out of order");
      size = s.size();
      batched += s.actors().size();
    }
    assertEquals(threads * each, batched);
    assertEquals(size, after);
    Set<String> byActor = log.entries(new LogQuery(null, null, null, "STAT")).stream()
        .filter(e -> e.seq() >= before).map(LogEntry::actor).collect(Collectors.toSet());
    assertEquals(threads, byActor.size());
    LogReport report = session.verifyLog(null);
    assertEquals(report.treeSize(), report.entriesChecked());
  }

  @AfterEach
  void unhook() {
    CommitStepHook.clear();
  }

  @Test
  void aHeldListener_holdsUpNoLaterAppend_andNoOtherListenerRunsBesideIt() throws Exception {
    AccessLog log = EngineInternals.log(vault);
    FillerHook.awaitAllFilled(); // no earlier batch reaches this test's listener
    long before = log.head().size();
    AtomicInteger inListener = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    List<Long> heard = new ArrayList<>();
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    log.afterBatch(batch -> {
      if (inListener.incrementAndGet() > 1) {
        overlaps.incrementAndGet();
      }
      try {
        synchronized (heard) {
          heard.add(batch.size());
        }
        if (batch.size() == before + 1) {
          holding.countDown();
          release.await(60, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inListener.decrementAndGet();
      }
    });
    ExecutorService callers = Executors.newCachedThreadPool();
    try {
      Future<LogEntry> first = callers.submit(() -> log.append(stat("first")));
      assertTrue(holding.await(60, TimeUnit.SECONDS), "the first batch's listener never ran");
      // One caller at a time, so each later batch is its writer's alone: on PostgreSQL, when the
      // listener ran on its writer's thread and the next writer waited for it, the second append
      // never returned and the third was never written.
      for (String actor : List.of("second", "third", "fourth")) {
        Future<LogEntry> later = callers.submit(() -> log.append(stat(actor)));
        assertEquals(actor, later.get(60, TimeUnit.SECONDS).actor(), "an append waited for an earlier batch's listener");
      }
      synchronized (heard) {
        assertEquals(List.of(before + 1), heard, "a later batch's listener ran before the first batch's listener returned");
      }
      release.countDown();
      assertEquals("first", first.get(60, TimeUnit.SECONDS).actor());
    } finally {
      release.countDown();
      callers.shutdown();
    }
    FillerHook.awaitAllFilled();
    log.awaitHeard(); // on PostgreSQL the first caller ran only its own batch's listener, the log's listener thread the later ones
    assertEquals(List.of(before + 1, before + 2, before + 3, before + 4), heard, "each batch's listener ran once, in batch order");
    assertEquals(0, overlaps.get(), "listeners of two batches ran at once");
  }

  /**
   * On PostgreSQL the caller that found no one running listeners ran every listener queued until
   * none was left, those of batches written after its own among them: while others kept appending
   * and the listener was slower than their commits, its append did not return (13.5 s for 3 s of
   * three writers and a 5 ms listener), and would not under a steady load. Here the second batch's
   * listener waits for the first caller to return, which it could not while it ran that listener.
   */
  @Test
  void aCallerRunsOnlyItsOwnBatchsListener_notThoseOfBatchesWrittenAfterIt() throws Exception {
    AccessLog log = EngineInternals.log(vault);
    FillerHook.awaitAllFilled();
    long before = log.head().size();
    CountDownLatch firstHeld = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch firstReturned = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean secondSawFirstReturn = new java.util.concurrent.atomic.AtomicBoolean();
    List<Long> heard = new ArrayList<>();
    log.afterBatch(batch -> {
      synchronized (heard) {
        heard.add(batch.size());
      }
      try {
        if (batch.size() == before + 1) {
          firstHeld.countDown();
          releaseFirst.await(60, TimeUnit.SECONDS);
        } else if (batch.size() == before + 2) {
          secondSawFirstReturn.set(firstReturned.await(60, TimeUnit.SECONDS));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    ExecutorService callers = Executors.newCachedThreadPool();
    try {
      Future<?> first = callers.submit(() -> {
        log.append(stat("first"));
        firstReturned.countDown();
        return null;
      });
      assertTrue(firstHeld.await(60, TimeUnit.SECONDS), "the first batch's listener never ran");
      assertEquals("second", callers.submit(() -> log.append(stat("second"))).get(60, TimeUnit.SECONDS).actor());
      releaseFirst.countDown();
      first.get(180, TimeUnit.SECONDS);
    } finally {
      releaseFirst.countDown();
      callers.shutdown();
    }
    FillerHook.awaitAllFilled();
    log.awaitHeard();
    assertTrue(secondSawFirstReturn.get(), "the first caller ran the second batch's listener before it returned");
    assertEquals(List.of(before + 1, before + 2), heard, "each batch's listener ran once, in batch order");
  }

  @Test
  void closingTheVault_waitsForAListenerStillRunning_whichStillHasTheDatabase() throws Exception {
    AccessLog log = EngineInternals.log(vault);
    session.close();
    session = null;
    FillerHook.awaitAllFilled();
    long before = log.head().size();
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Object> readAfterRelease = new ArrayList<>();
    log.afterBatch(batch -> {
      if (batch.size() != before + 1) {
        return;
      }
      holding.countDown();
      Object read;
      try {
        release.await(60, TimeUnit.SECONDS);
        read = log.head().size();
      } catch (Exception e) {
        read = e;
      }
      synchronized (readAfterRelease) {
        readAfterRelease.add(read);
      }
    });
    Thread appender = new Thread(() -> log.append(stat("last")), "appender");
    appender.start();
    try {
      assertTrue(holding.await(60, TimeUnit.SECONDS), "the batch's listener never ran");
      Vault closing = vault;
      vault = null;
      Thread closer = new Thread(closing::close, "closer");
      closer.start();
      // The closer either waits (for the listener) or, had it not waited, has closed the database.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (closer.getState() != Thread.State.WAITING && closer.getState() != Thread.State.TERMINATED && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      release.countDown();
      closer.join(TimeUnit.SECONDS.toMillis(60));
      assertFalse(closer.isAlive(), "the vault never closed");
    } finally {
      release.countDown();
      appender.join(TimeUnit.SECONDS.toMillis(60));
    }
    assertEquals(List.of(before + 1), readAfterRelease, "the listener lost its database to the vault's close");
  }
}
