package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.audit.CommitStepHook;
import io.kinko.vault.audit.FillerHook;
import io.kinko.vault.engine.EngineInternals;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The log's group commit as its callers see it: a batch is written by one of its own callers,
 * who then hands the writer's role on instead of writing later callers' batches (which kept its
 * own call waiting, up to 1.6 s under 8 writers), and the listener that signs checkpoints sees
 * every batch once, in order, though it runs beside the next batches' writes (on the embedded
 * database on the thread that fills the database behind the journal).
 */
class GroupCommitTest extends VaultTest {
  private record Seen(String writer, long size, List<String> actors) {}

  private static AccessLog.Event stat(String actor) {
    return AccessLog.Event.allow(actor, Action.STAT, "group commit test", null, null);
  }

  /** Starts {@code threads} writers that each append {@code each} entries as themselves; failures go to {@code failures}. */
  private static List<Thread> writers(AccessLog log, int threads, int each, CountDownLatch start, List<Throwable> failures) {
    return writers(log, threads, each, start, failures, new AtomicLong());
  }

  /** As above, counting in {@code acknowledged} every append that returned. */
  private static List<Thread> writers(AccessLog log, int threads, int each, CountDownLatch start, List<Throwable> failures, AtomicLong acknowledged) {
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String name = "writer-" + t;
      Thread w = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < each; i++) {
            assertEquals(name, log.append(stat(name)).actor());
            acknowledged.incrementAndGet();
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
    // On the embedded database the listener runs on the filler's thread; which thread wrote each
    // batch shows at its journal write, in the same order as the listener sees the batches.
    List<String> journalWriters = new ArrayList<>();
    CommitStepHook.install(step -> {
      if (step.equals("journal.write")) {
        synchronized (journalWriters) {
          journalWriters.add(Thread.currentThread().getName());
        }
      }
    });
    log.afterBatch(batch -> {
      synchronized (seen) {
        seen.add(new Seen(Thread.currentThread().getName(), batch.size(), batch.entries().stream().map(LogEntry::actor).toList()));
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
    long after = log.head().size();

    long size = before;
    int batched = 0;
    assertTrue(journalWriters.isEmpty() || journalWriters.size() == seen.size(), journalWriters.size() + " journal writes for " + seen.size() + " batches");
    for (int i = 0; i < seen.size(); i++) {
      Seen s = seen.get(i);
      String writer = journalWriters.isEmpty() ? s.writer() : journalWriters.get(i);
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
  void aBatchsListener_runsWhileLaterBatchesAreMadeDurable_andNotBesideTheNextListener() throws Exception {
    AccessLog log = EngineInternals.log(vault);
    AtomicInteger inListener = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicLong acknowledged = new AtomicLong();
    AtomicLong held = new AtomicLong(-1);
    AtomicLong acknowledgedMeanwhile = new AtomicLong(-1);
    log.afterBatch(batch -> {
      if (inListener.incrementAndGet() > 1) {
        overlaps.incrementAndGet();
      }
      try {
        // The first batch's listener holds on until appends beyond its batch have returned: later
        // batches are made durable while it runs. Their own listeners must then wait for this one.
        if (held.compareAndSet(-1, batch.entries().size())) {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (acknowledged.get() <= batch.entries().size() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
          }
          acknowledgedMeanwhile.set(acknowledged.get());
        }
      } finally {
        inListener.decrementAndGet();
      }
    });
    CountDownLatch start = new CountDownLatch(1);
    List<Throwable> failures = new ArrayList<>();
    List<Thread> writers = writers(log, 4, 50, start, failures, acknowledged);
    start.countDown();
    for (Thread w : writers) {
      w.join();
    }
    assertEquals(List.of(), failures);
    assertTrue(acknowledgedMeanwhile.get() > held.get(), "no later append returned while the first batch's listener ran");
    assertEquals(0, overlaps.get(), "listeners of two batches ran at once");
  }
}
