package io.kinko.vault.audit;

import io.kinko.vault.VaultException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What every handle on one embedded vault in this process shares about its log journal (the
 * embedded database admits one process, so these are all the vault's writers): whose turn it is
 * to write the journal, where the journal's last synced record ends, and how far the database
 * holds the entries it acknowledged.
 *
 * <p>An append is durable when its journal records are synced. The database is filled behind the
 * journal by one thread of its own (the filler), in sequence order, consecutive batches of one
 * handle in one transaction. The handles' batch listeners run on another thread (the listener),
 * in batch order, so that a listener waiting for a lock (the checkpoint signer's) never holds up
 * the filler that a reader holding that lock waits for. Readers of the database wait in {@link
 * #awaitFilled} until it holds every entry acknowledged when they asked, and a writer waits
 * before it syncs more while the database is {@link #MAX_BEHIND} entries behind.
 */
final class SharedJournal {
  private static final Map<Path, SharedJournal> OPEN = new HashMap<>();
  /** How many synced entries may wait for the database before writers wait for it. */
  static final int MAX_BEHIND = 4096;
  /** The most entries the filler puts into the database in one transaction. */
  private static final int MAX_FILL = 1024;

  private final Path file;
  /** Held while one handle writes and syncs a batch of records, across all handles. */
  final ReentrantLock turn = new ReentrantLock();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition moved = lock.newCondition();
  /** Signalled when a batch is queued for the filler, or it is to stop. */
  private final Condition work = lock.newCondition();
  /** Signalled when a filled batch's listeners are queued, or the listener is to stop. */
  private final Condition heard = lock.newCondition();
  private int handles;
  /** The entries synced, where their last record ends and its leaf; guarded by {@link #lock}. */
  private long synced;
  private long syncedEnd;
  private byte[] syncedLeaf;
  /** The entries the database holds; guarded by {@link #lock}. */
  private long filled;
  /** Why the database stopped following the journal, or null; guarded by {@link #lock}. */
  private VaultException broken;
  /** Synced batches the database does not hold yet, in sequence order; guarded by {@link #lock}. */
  private final java.util.ArrayDeque<Queued> behind = new java.util.ArrayDeque<>();
  private int entriesBehind;
  private Thread filler;
  private Thread listener;
  private boolean stopping;
  /** Filled batches whose listeners have not run, in order; guarded by {@link #lock}. */
  private final java.util.ArrayDeque<Runnable> unheard = new java.util.ArrayDeque<>();
  private boolean listening;

  /** A synced batch of {@code owner}'s: entries {@code first} to {@code size - 1}. */
  record Queued(AccessLog owner, AccessLog.Staged staged) {}

  /** Set on the filler's thread, and on one that mends the database: it passes the readers' barrier (it is what they wait for). */
  private static final ThreadLocal<Boolean> FILLING = new ThreadLocal<>();

  static boolean onFiller() {
    return FILLING.get() != null;
  }

  static void markFiller(boolean filling) {
    if (filling) {
      FILLING.set(Boolean.TRUE);
    } else {
      FILLING.remove();
    }
  }

  private SharedJournal(Path file) {
    this.file = file;
  }

  /** The shared state of the journal {@code file} (its real path), joined by one more handle; {@link #leave} when it closes. */
  static SharedJournal join(Path file) {
    synchronized (OPEN) {
      SharedJournal shared = OPEN.computeIfAbsent(file, SharedJournal::new);
      shared.handles++;
      return shared;
    }
  }

  /**
   * A handle closed (after {@link #awaitQuiet}); the last one stops the filler and the listener
   * and forgets the state, so that the next opening reads the files afresh.
   */
  void leave() {
    Thread stopped = null;
    synchronized (OPEN) {
      if (--handles == 0) {
        OPEN.remove(file, this);
        lock.lock();
        try {
          stopping = true;
          stopped = filler;
          work.signalAll();
          heard.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
    if (stopped != null && stopped != Thread.currentThread()) {
      try {
        stopped.join(60_000);
        listener.join(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Waits until every vault open in this process holds in its database what its journal
   * acknowledged and ran the listeners of what it filled (tests edit the database then).
   */
  static void awaitAllFilled() {
    List<SharedJournal> open;
    synchronized (OPEN) {
      open = new ArrayList<>(OPEN.values());
    }
    for (SharedJournal shared : open) {
      shared.awaitQuiet();
    }
  }

  /** The database was found changed behind the vault: that, not a passing refusal, is why the log stopped. */
  void tampered(io.kinko.vault.IntegrityException why) {
    lock.lock();
    try {
      broken = why;
      moved.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** True until a handle {@link #start}ed the state. */
  boolean fresh() {
    lock.lock();
    try {
      return syncedLeaf == null;
    } finally {
      lock.unlock();
    }
  }

  /** Sets where the journal ends, with the database holding all of it (the vault just opened). */
  void start(long size, long end, byte[] leaf) {
    lock.lock();
    try {
      synced = size;
      filled = size;
      syncedEnd = end;
      syncedLeaf = leaf.clone();
      filler = new Thread(this::fillLoop, "kinko-log-filler");
      filler.setDaemon(true);
      filler.start();
      listener = new Thread(this::listenLoop, "kinko-log-listener");
      listener.setDaemon(true);
      listener.start();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits, before a writer syncs more, while the database is {@link #MAX_BEHIND} entries behind;
   * the caller holds {@link #turn}. False if the database stopped following the journal.
   */
  boolean awaitRoom() {
    lock.lock();
    try {
      while (entriesBehind >= MAX_BEHIND && broken == null) {
        moved.awaitUninterruptibly();
      }
      return broken == null;
    } finally {
      lock.unlock();
    }
  }

  /** Records that a batch's records are synced and queues it for the filler; the caller holds {@link #turn}. */
  void synced(AccessLog owner, AccessLog.Staged staged, long end, byte[] leaf) {
    lock.lock();
    try {
      synced = staged.size();
      syncedEnd = end;
      syncedLeaf = leaf.clone();
      behind.add(new Queued(owner, staged));
      entriesBehind += staged.count();
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The filler: takes the queued batches in order, as many consecutive ones of one handle as fit
   * {@link #MAX_FILL}, and has that handle put them into the database. Once the database stopped
   * following the journal, it drops what is queued.
   */
  private void fillLoop() {
    markFiller(true);
    while (true) {
      List<AccessLog.Staged> group = new ArrayList<>();
      AccessLog owner;
      int entries = 0;
      lock.lock();
      try {
        while (behind.isEmpty() && !stopping) {
          work.awaitUninterruptibly();
        }
        if (behind.isEmpty()) {
          return;
        }
        owner = behind.peek().owner();
        while (!behind.isEmpty() && behind.peek().owner() == owner && (group.isEmpty() || entries + behind.peek().staged().count() <= MAX_FILL)) {
          AccessLog.Staged next = behind.poll().staged();
          entries += next.count();
          group.add(next);
        }
        if (broken != null) {
          entriesBehind -= entries;
          moved.signalAll();
          continue;
        }
      } finally {
        lock.unlock();
      }
      try {
        owner.fillBehind(group);
      } catch (Throwable t) {
        breakWith(t instanceof VaultException v ? v
            : t instanceof java.sql.SQLException sql ? io.kinko.vault.store.Database.failure("the access log's database could not take a batch", sql)
            : new VaultException("the access log's database could not take a batch: " + t.getMessage(), t), entries);
      }
    }
  }

  long synced() {
    lock.lock();
    try {
      return synced;
    } finally {
      lock.unlock();
    }
  }

  long syncedEnd() {
    lock.lock();
    try {
      return syncedEnd;
    } finally {
      lock.unlock();
    }
  }

  byte[] syncedLeaf() {
    lock.lock();
    try {
      return syncedLeaf.clone();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the database holds every entry synced when this was called; false if it stopped following the journal. */
  boolean awaitFilled() {
    lock.lock();
    try {
      long target = synced;
      while (filled < target && broken == null) {
        moved.awaitUninterruptibly();
      }
      return broken == null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * After the database stopped following the journal: waits until the filler dropped every queued
   * batch, and returns why it stopped (null if it was mended meanwhile). The caller holds {@link
   * #turn}, so nothing more is queued.
   */
  VaultException awaitDropped() {
    lock.lock();
    try {
      while (broken != null && entriesBehind > 0) {
        moved.awaitUninterruptibly();
      }
      return broken;
    } finally {
      lock.unlock();
    }
  }

  /** The database was mended: it holds every synced entry again. The caller holds {@link #turn}. */
  void mended() {
    lock.lock();
    try {
      broken = null;
      filled = synced;
      moved.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The listener's loop: runs the filled batches' listeners one after another, in order. */
  private void listenLoop() {
    while (true) {
      Runnable next;
      lock.lock();
      try {
        while (unheard.isEmpty() && !stopping) {
          heard.awaitUninterruptibly();
        }
        if (unheard.isEmpty()) {
          return;
        }
        next = unheard.poll();
        listening = true;
      } finally {
        lock.unlock();
      }
      try {
        next.run();
      } finally {
        lock.lock();
        try {
          listening = false;
          moved.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /**
   * Waits until the database holds every entry synced when this was called, or stopped following
   * the journal, and every listener of a filled batch ran (a handle closes after this).
   */
  void awaitQuiet() {
    lock.lock();
    try {
      long target = synced;
      while (filled < target && broken == null || !unheard.isEmpty() || listening) {
        moved.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  /** How many entries the database holds, as the filler (or a mend) left it. */
  long filled() {
    lock.lock();
    try {
      return filled;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The database now holds the entries before {@code size}, {@code count} more than before;
   * {@code listeners} runs on the listener's thread, after those of earlier batches.
   */
  void filled(long size, int count, Runnable listeners) {
    lock.lock();
    try {
      filled = size;
      entriesBehind -= count;
      unheard.add(listeners);
      heard.signal();
      moved.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The database could not take a group of {@code count} entries: the filler drops what is queued,
   * and appends and readers mend the database from the journal before they go on.
   */
  private void breakWith(VaultException why, int count) {
    lock.lock();
    try {
      if (broken == null) {
        broken = why;
      }
      entriesBehind -= count;
      moved.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Why the database stopped following the journal, as its caller is told: an integrity failure stays one. */
  static VaultException stopped(VaultException why) {
    return why instanceof io.kinko.vault.IntegrityException i
        ? new io.kinko.vault.IntegrityException(i.rule(), i.getMessage(), i)
        : new VaultException("the access log's database cannot take the entries its journal holds (" + why.getMessage()
            + "); no acknowledged entry is lost: the journal keeps them, and the database gets them once it takes writes again", why);
  }
}
