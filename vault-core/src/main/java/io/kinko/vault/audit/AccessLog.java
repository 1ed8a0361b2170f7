package io.kinko.vault.audit;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.Action;
import io.kinko.vault.Decision;

import io.kinko.vault.ClientInfo;
import io.kinko.vault.LogEntry;
import io.kinko.vault.VaultException;
import io.kinko.vault.store.Database;
import io.kinko.vault.store.Interrupts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The access log's writer. {@link #append} returns only once the entries are on disk: appends
 * from concurrent callers are group-committed, one caller (the leader) writing everyone's queued
 * entries with one sync while the others wait for it, then handing the role to the first caller
 * that queued meanwhile. A failure to write fails every caller of that batch, so nothing proceeds
 * unlogged.
 *
 * <p>On the embedded database the sync is the {@link Journal}'s, and an append returns at it. The
 * database is filled behind the journal by one thread per vault in this process (see {@link
 * SharedJournal}), and every unit of database work first waits until it holds every entry
 * acknowledged so far; so the database never holds an entry the journal lacks, no reader sees it
 * behind an append that returned, and opening the vault replays into it what a crash kept from
 * it. On PostgreSQL the commit is the sync.
 *
 * <p>Invariant: entry {@code seq} is leaf {@code seq} of the Merkle tree, its {@code prev} is the
 * leaf hash of entry {@code seq - 1}, and {@code log_head} names the last leaf the database holds.
 */
public final class AccessLog {
  private static final HexFormat HEX = HexFormat.of();

  /** What one operation records; the log adds sequence, time, client, retention and chain. */
  public record Event(String actor, Action action, Decision decision, String reason, String fileId, String nameTag) {
    public Event {
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(decision, "decision");
      Objects.requireNonNull(reason, "reason");
    }

    public static Event allow(String actor, Action action, String reason, String fileId, String nameTag) {
      return new Event(actor, action, Decision.ALLOW, reason, fileId, nameTag);
    }

    public static Event deny(String actor, Action action, String reason, String fileId, String nameTag) {
      return new Event(actor, action, Decision.DENY, reason, fileId, nameTag);
    }
  }

  private final Database database;
  private final String vaultId;
  private final ClientInfo client;
  /** The client the current thread acts for, if not {@link #client}: see {@link #actingFor}. */
  private final ThreadLocal<ClientInfo> acting = new ThreadLocal<>();
  private final Retention retention;
  private final Clock clock;
  /** The embedded vault's journal, or null on PostgreSQL. */
  private final Journal journal;
  /** What the handles on this embedded vault share about its journal, or null on PostgreSQL. */
  private final SharedJournal shared;

  /**
   * How long the writer waits for the callers it just released to queue their next entries
   * before it writes a smaller batch: without it, batches alternate between one entry and the
   * rest, and each pays a whole sync (PostgreSQL's commit_delay does the same).
   */
  private static final long GATHER_NANOS = 100_000;
  private final java.util.concurrent.locks.ReentrantLock queueLock = new java.util.concurrent.locks.ReentrantLock();
  private final java.util.concurrent.locks.Condition queued = queueLock.newCondition();
  /** Signalled when no group commit is writing, for {@link #rotateJournal}. */
  private final java.util.concurrent.locks.Condition idle = queueLock.newCondition();
  /** Callers queued when the writer's role was handed over, plus those the last batch released: how many the next batch can expect. */
  private int expected;
  private List<Pending> queue = new ArrayList<>();
  private boolean writing;
  /** Told of each durable batch, in batch order. */
  private volatile Consumer<Batch> afterBatch = batch -> {};
  /** The tree's right edge after the last committed batch, and its last leaf, so a batch need not read them back. */
  private volatile Edge rightEdge;
  /** Guards {@link #unheard} and {@link #hearing}. */
  private final java.util.concurrent.locks.ReentrantLock listenerLock = new java.util.concurrent.locks.ReentrantLock();
  /** On PostgreSQL, the written batches whose listener has not run, in batch order (the embedded log has a listeners' thread). */
  private final java.util.ArrayDeque<Batch> unheard = new java.util.ArrayDeque<>();
  /** Whether a caller's thread, or {@link #laterListeners}, is running the listeners of {@link #unheard}. */
  private boolean hearing;
  /**
   * On PostgreSQL, runs the listeners of batches queued behind a caller's own (see {@link #hear}):
   * one daemon thread at most, started when needed and ended when idle.
   */
  private final java.util.concurrent.ThreadPoolExecutor laterListeners = new java.util.concurrent.ThreadPoolExecutor(0, 1, 1,
      java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "kinko-log-listener");
        t.setDaemon(true);
        return t;
      });
  /** Signalled when {@link #hearing} ends. */
  private final java.util.concurrent.locks.Condition heard = listenerLock.newCondition();
  /** The group commit's statements, or null until the next batch prepares them; see {@link WriterStatements}. */
  private WriterStatements writer;
  private static final String INSERT_ENTRY =
      "INSERT INTO log_entries (seq, entry, logged_at, actor, action, keep_until, file_id) VALUES (?, ?, ?, ?, ?, ?, ?)";

  /**
   * Opens the log of a vault. On the embedded database this opens (or first creates) the journal,
   * checks that it holds every entry the database holds, and replays into the database the
   * entries a crash kept from it.
   *
   * @throws io.kinko.vault.IntegrityException if the journal is missing, damaged, shorter than the
   *     database or disagrees with it where they meet
   */
  public AccessLog(Database database, String vaultId, ClientInfo client, Retention retention, Clock clock) {
    this.database = database;
    this.vaultId = vaultId;
    this.client = client;
    this.retention = retention;
    this.clock = clock;
    java.nio.file.Path file = database.journalFile().orElse(null);
    if (file == null) {
      this.shared = null;
      this.journal = null;
    } else {
      this.shared = SharedJournal.join(realPath(file));
      try {
        this.journal = JournalReplay.open(database, file, shared);
      } catch (RuntimeException e) {
        shared.leave();
        throw e;
      }
      database.closeWith(this::drain);
      database.closeWith(journal);
      database.beforeEachUse(this::awaitFilled);
    }
    database.closeWith(this::discardWriterStatements);
  }

  private static java.nio.file.Path realPath(java.nio.file.Path file) {
    try {
      return file.toAbsolutePath().getParent().toRealPath().resolve(file.getFileName());
    } catch (java.io.IOException e) {
      throw new VaultException("cannot find the log journal's folder: " + e.getMessage(), e);
    }
  }

  /**
   * The readers' barrier: waits until the database holds every entry acknowledged so far, first
   * mending it if it stopped following the journal; the filler's thread passes.
   *
   * @throws VaultException if the database still cannot take what the journal holds
   */
  private void awaitFilled() {
    if (!SharedJournal.onFiller() && !shared.awaitFilled()) {
      shared.turn.lock();
      try {
        mend();
      } finally {
        shared.turn.unlock();
      }
    }
  }

  /**
   * {@link JournalReplay#mend}, forgetting the tree's right edge the failed fill may have left, with
   * the thread's interrupt held back ({@link Interrupts}). The caller holds the journal's turn.
   */
  private void mend() {
    rightEdge = null;
    try (Interrupts.Held held = Interrupts.holdBack()) {
      JournalReplay.mend(database, journal, shared);
    }
  }

  /** At close: lets the batches acknowledged so far reach the database, then leaves the shared state. */
  private void drain() {
    try {
      shared.awaitQuiet(); // if the database stopped following the journal, the next opening replays what it lacks
    } finally {
      shared.leave();
    }
  }

  /**
   * One durable batch: the tree's size after it and its entries, in sequence order, as written (a
   * listener that judges them need not read them back from the database and decode them again).
   */
  public record Batch(long size, List<LogEntry> entries) {
    public Batch {
      entries = List.copyOf(entries);
    }
  }

  /**
   * Runs after every durable batch, one batch at a time and in batch order, while the next batch
   * is written (the checkpoint policy and the incident watch hook in here): on the embedded
   * database on the listeners' thread, once the database holds the batch, and on PostgreSQL on
   * the thread of the caller whose batch it is or on the log's listener thread (see {@link #hear}).
   * It must not append on its own thread.
   */
  public void afterBatch(Consumer<Batch> listener) {
    this.afterBatch = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Appends one entry and waits until it is durable.
   *
   * @throws VaultException if the log cannot be written; the caller must not proceed
   */
  public LogEntry append(Event event) {
    return append(List.of(event)).get(0);
  }

  /**
   * Runs {@code work} with every entry this thread appends recording {@code origin} as its client
   * instead of the vault handle's own (a session opened for a remote client: each entry of its
   * operations, and of what they cause, names the address). The client is taken when an entry is
   * appended, so the group commit, which may write it from another thread, records it.
   */
  public <T> T actingFor(ClientInfo origin, java.util.function.Supplier<T> work) {
    if (origin == null) {
      return work.get();
    }
    ClientInfo before = acting.get();
    acting.set(origin);
    try {
      return work.get();
    } finally {
      if (before == null) {
        acting.remove();
      } else {
        acting.set(before);
      }
    }
  }

  /** Appends entries as consecutive sequence numbers and waits until all are durable. */
  public List<LogEntry> append(List<Event> events) {
    if (events.isEmpty()) {
      return List.of();
    }
    database.requireOpen();
    ClientInfo origin = acting.get();
    Pending mine = new Pending(List.copyOf(events), origin == null ? client : origin, queueLock.newCondition());
    queueLock.lock();
    try {
      queue.add(mine);
      if (writing) {
        queued.signal();
        while (mine.turn == Turn.QUEUED) {
          mine.woken.awaitUninterruptibly();
        }
      } else {
        writing = true;
        mine.turn = Turn.LEAD;
      }
    } finally {
      queueLock.unlock();
    }
    if (mine.turn == Turn.LEAD) {
      lead();
    }
    if (mine.failure != null) {
      throw mine.failure;
    }
    return mine.entries;
  }

  /**
   * Writes one batch: everything queued, the leader's own entries among them, gathered for up to
   * {@link #GATHER_NANOS}. Then tells its callers, and passes the writer's role to the first caller
   * that queued meanwhile (the leader's own caller returns at once instead of writing for others,
   * and can queue its next entry in the next batch).
   *
   * <p>On the embedded database the batch is durable once its journal records are synced; its
   * callers are told so then, and the filler puts it into the database behind the journal (see
   * {@link #fillBehind}). On PostgreSQL the commit is the sync, and the batch's listener is
   * queued before its callers are told and the role handed over, so listeners run in batch order
   * (see {@link #hear}).
   */
  private void lead() {
    // The role passes through every caller's thread, so a caller interrupted while it queued leads
    // with its interrupt held back (Interrupts), and gets it back afterwards.
    Interrupts.Held held = Interrupts.holdBack();
    List<Pending> batch = null;
    Batch written = null;
    Throwable failed = null;
    try {
      queueLock.lock();
      try {
        long wait = GATHER_NANOS;
        while (queue.size() < expected && wait > 0) {
          try {
            wait = queued.awaitNanos(wait);
          } catch (InterruptedException e) {
            Interrupts.giveBack(); // when the batch is written
            break;
          }
        }
        batch = queue;
        queue = new ArrayList<>();
      } finally {
        queueLock.unlock();
      }
      if (journal != null) {
        stage(batch);
      } else {
        written = write(batch);
      }
    } catch (Throwable t) {
      failed = t;
    } finally {
      // Queued before its callers are told: one of them may close the vault at once, and the
      // close waits only for listeners it can see (awaitHeard).
      boolean toHear = journal == null && written != null && queueListener(written);
      try {
        answer(batch, failed);
        handOver(batch == null ? 0 : batch.size());
      } finally {
        try {
          if (toHear) {
            hear(); // whatever the hand-over did: else the close would wait for it forever
          }
        } finally {
          held.close();
        }
      }
    }
  }

  /**
   * Queues a written batch's listener, by its writer before its callers are told and before the
   * hand-over, so that listeners queue in batch order and a close by one of those callers waits for it. Returns true if no caller is running listeners, so this one is to {@link #hear}.
   */
  private boolean queueListener(Batch written) {
    listenerLock.lock();
    try {
      unheard.add(written);
      if (hearing) {
        return false;
      }
      hearing = true;
      return true;
    } finally {
      listenerLock.unlock();
    }
  }

  /**
   * On PostgreSQL, runs the listener of the caller's own batch, the first queued (no one was
   * running listeners, so none was queued before it), and leaves those that later batches queued
   * meanwhile to {@link #laterListeners}, still one at a time and in batch order. So a slow
   * listener holds up only the caller whose batch it is: the writers of later batches queue theirs
   * and return at their commit (when every listener ran on the leader's thread, the next leader
   * waited for it, and so did every later append), and no caller runs the listeners of batches
   * written after its own (when it ran them until none was left, a steady load kept it from
   * returning). A caller alone has its batch heard when its append returns; {@link #awaitHeard}
   * waits for the rest.
   */
  private void hear() {
    Batch own;
    listenerLock.lock();
    try {
      own = unheard.poll();
    } finally {
      listenerLock.unlock();
    }
    if (own != null) {
      tell(own);
    }
    listenerLock.lock();
    try {
      if (unheard.isEmpty()) {
        hearing = false;
        heard.signalAll();
        return;
      }
      try {
        laterListeners.execute(this::hearTheRest);
        return;
      } catch (RuntimeException | Error noThread) {
        // no thread to hand them to: heard here, rather than never
      }
    } finally {
      listenerLock.unlock();
    }
    hearTheRest();
  }

  /** Runs the queued listeners one at a time, in batch order, until none is left; then no one is hearing. */
  private void hearTheRest() {
    while (true) {
      Batch next;
      listenerLock.lock();
      try {
        next = unheard.poll();
        if (next == null) {
          hearing = false;
          heard.signalAll();
          return;
        }
      } finally {
        listenerLock.unlock();
      }
      tell(next);
    }
  }

  private void tell(Batch batch) {
    try {
      afterBatch.accept(batch);
    } catch (Throwable t) {
      // A checkpoint that could not be signed does not undo durable entries; the next batch retries.
      org.slf4j.LoggerFactory.getLogger(AccessLog.class).warn("could not sign a log checkpoint: {}", t.getMessage());
    }
  }

  /** Tells a batch's callers that their entries are durable, or why they are not. */
  private void answer(List<Pending> batch, Throwable failed) {
    if (batch == null) {
      return;
    }
    VaultException failure = failed == null ? null : asVaultException(failed);
    queueLock.lock();
    try {
      for (Pending p : batch) {
        p.failure = failure;
        p.turn = Turn.DONE;
        p.woken.signal();
      }
    } finally {
      queueLock.unlock();
    }
  }

  private static VaultException asVaultException(Throwable failed) {
    return failed instanceof VaultException v ? v
        : failed instanceof java.sql.SQLException sql ? io.kinko.vault.store.Database.failure("the access log could not be written", sql)
        : new VaultException("the access log could not be written: " + failed.getMessage(), failed);
  }

  /** Waits until every listener queued on PostgreSQL has run: the vault is closing, and they use its database. */
  public void awaitHeard() {
    listenerLock.lock();
    try {
      while (hearing) {
        heard.awaitUninterruptibly();
      }
    } finally {
      listenerLock.unlock();
    }
  }

  /** Gives the writer's role to the first queued caller, or lets it go; {@code released} callers may queue again at once. */
  private void handOver(int released) {
    queueLock.lock();
    try {
      expected = queue.size() + released;
      if (queue.isEmpty()) {
        writing = false;
        idle.signalAll();
      } else {
        Pending next = queue.get(0);
        next.turn = Turn.LEAD;
        next.woken.signal();
      }
    } finally {
      queueLock.unlock();
    }
  }

  /** A batch's entries as the log writes them: encoded in sequence order, with their bytes and leaves, and each caller's share. */
  private record Encoded(List<LogEntry> all, List<byte[]> bytes, List<byte[]> leaves, List<List<LogEntry>> perCaller) {
    String lastLeaf() {
      return HEX.formatHex(leaves.get(leaves.size() - 1));
    }

    void answer(List<Pending> batch) {
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).entries = perCaller.get(i);
      }
    }
  }

  /** Encodes a batch's entries as entries {@code seq ...}, the first chained to the leaf {@code prev} (hex). */
  private Encoded encode(List<Pending> batch, long seq, String prev) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    List<LogEntry> all = new ArrayList<>();
    List<byte[]> leaves = new ArrayList<>();
    List<byte[]> bytes = new ArrayList<>();
    List<List<LogEntry>> perCaller = new ArrayList<>();
    for (Pending p : batch) {
      List<LogEntry> entries = new ArrayList<>();
      for (Event e : p.events) {
        EntryCodec.Encoded encoded = EntryCodec.encodeWithBytes(new EntryCodec.Fields(seq++, now, vaultId, e.actor(), e.action().name(),
            e.decision().name(), e.reason(), e.fileId(), e.nameTag(), p.client, retention.keepUntil(now), prev));
        byte[] leaf = Merkle.leafHash(encoded.bytes());
        leaves.add(leaf);
        bytes.add(encoded.bytes());
        prev = HEX.formatHex(leaf);
        entries.add(encoded.entry());
      }
      all.addAll(entries);
      perCaller.add(entries);
    }
    return new Encoded(all, bytes, leaves, perCaller);
  }

  /** A batch whose journal records are synced, for {@link #fillBehind}: entries {@code first ...}, the first chained to {@code leafBefore}. */
  record Staged(long first, String leafBefore, long journalEnd, Encoded encoded) {
    long size() {
      return first + encoded.all().size();
    }

    int count() {
      return encoded.all().size();
    }
  }

  /**
   * Writes a batch's records to the journal and syncs them, in the journal's turn across this
   * vault's handles, and queues the batch for the filler; once this returns the entries are
   * durable and its callers may be told.
   */
  private void stage(List<Pending> batch) {
    shared.turn.lock();
    try {
      while (!shared.awaitRoom()) {
        mend();
      }
      journal.reopenIfRotated(); // another handle on this vault rotated it
      if (journal.size() != shared.synced()) {
        journal.follow(shared.syncedEnd(), shared.synced(), shared.syncedLeaf()); // another handle on this vault appended
      }
      long first = journal.size();
      String leafBefore = HEX.formatHex(journal.lastLeaf());
      Encoded encoded = encode(batch, first, leafBefore);
      journal.append(encoded.bytes(), encoded.leaves());
      shared.synced(this, new Staged(first, leafBefore, journal.end(), encoded), journal.end(), journal.lastLeaf());
      encoded.answer(batch);
    } finally {
      shared.turn.unlock();
    }
  }

  /**
   * The filler's work for this handle: puts consecutive synced batches into the database in one
   * transaction, committed without a sync of its own (the journal has them), after checking that
   * it holds exactly the entries before them; then runs each batch's listener, in order. A failure
   * leaves the entries in the journal, where the next opening replays them from, and the shared
   * state stops the log until then: appends and readers fail rather than see a database behind
   * the journal.
   */
  void fillBehind(List<Staged> group) throws SQLException {
    Staged first = group.get(0);
    Staged last = group.get(group.size() - 1);
    List<LogEntry> entries = new ArrayList<>();
    List<byte[]> bytes = new ArrayList<>();
    List<byte[]> leaves = new ArrayList<>();
    for (Staged s : group) {
      entries.addAll(s.encoded().all());
      bytes.addAll(s.encoded().bytes());
      leaves.addAll(s.encoded().leaves());
    }
    try {
      WriterStatements w = writerStatements();
      Connection c = w.connection;
      CompactRange edge;
      try {
        Head head = Head.query(w.lockHead);
        if (head.size() != first.first() || !head.lastLeaf().equals(first.leafBefore())) {
          throw new io.kinko.vault.IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal holds " + first.first() + " entries before its latest batch and the database "
              + head.size() + (head.size() == first.first() ? " ending in another leaf" : "") + ": the database was changed behind the vault");
        }
        edge = insert(w.insertEntry, w.nodes, first.first(), entries, bytes, leaves);
        Head.update(w.updateHead, last.size(), last.encoded().lastLeaf(), last.journalEnd());
        LogCommitSteps.reached("database.commit");
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rightEdge = null;
        c.rollback();
        throw e;
      }
      rightEdge = new Edge(edge, last.encoded().lastLeaf());
    } catch (SQLException | RuntimeException e) {
      discardWriterStatements(); // the next fill starts on a fresh connection, whatever state this one is in
      org.slf4j.LoggerFactory.getLogger(AccessLog.class).error("the access log's database could not take entries {} to {}, which its journal holds: {}",
          first.first(), last.size() - 1, e instanceof SQLException sql ? io.kinko.vault.store.Database.describe(sql) : e.getMessage());
      throw e;
    }
    shared.filled(last.size(), entries.size(), () -> {
      for (Staged s : group) {
        try {
          afterBatch.accept(new Batch(s.size(), s.encoded().all()));
        } catch (Throwable t) {
          // A checkpoint that could not be signed does not undo durable entries; the next batch retries.
          org.slf4j.LoggerFactory.getLogger(AccessLog.class).warn("could not sign a log checkpoint: {}", t.getMessage());
        }
      }
    });
  }

  /**
   * PostgreSQL's group commit: writes one batch in one transaction, whose commit is its sync, then
   * completes its callers. Returns what it wrote.
   */
  private Batch write(List<Pending> batch) throws SQLException {
    Encoded encoded;
    long size;
    try {
      WriterStatements w = writerStatements();
      Connection c = w.connection;
      try {
        Head head = Head.query(w.lockHead);
        encoded = encode(batch, head.size(), leafBefore(head));
        CompactRange edge = insert(w.insertEntry, w.nodes, head.size(), encoded.all(), encoded.bytes(), encoded.leaves());
        size = head.size() + encoded.all().size();
        Head.update(w.updateHeadOnly, size, encoded.lastLeaf(), null);
        LogCommitSteps.reached("database.commit");
        c.commit();
        rightEdge = new Edge(edge, encoded.lastLeaf());
      } catch (SQLException | RuntimeException e) {
        rightEdge = null;
        c.rollback();
        throw e;
      }
      database.forceToDisk(c);
    } finally {
      discardWriterStatements(); // a kept connection would not notice that the server restarted
    }
    encoded.answer(batch);
    return new Batch(size, encoded.all());
  }

  /**
   * Inserts entries {@code size ...} (each as its bytes, with the columns copied from it) and their
   * leaves (the hashes of those bytes) with the tree nodes they complete, in two JDBC batches.
   * Returns the tree's right edge after them, for the caller to keep once the transaction commits.
   */
  static void insert(Connection c, long size, List<LogEntry> entries, List<byte[]> bytes, List<byte[]> leaves) throws SQLException {
    try (DbNodeStore nodes = new DbNodeStore(c, true); PreparedStatement insert = c.prepareStatement(INSERT_ENTRY)) {
      insert(insert, nodes, storedRightEdge(nodes, size), entries, bytes, leaves);
    }
  }

  private CompactRange insert(PreparedStatement insert, DbNodeStore nodes, long size, List<LogEntry> entries, List<byte[]> bytes,
      List<byte[]> leaves) throws SQLException {
    return insert(insert, nodes, rightEdge(nodes, size), entries, bytes, leaves);
  }

  private static CompactRange insert(PreparedStatement insert, DbNodeStore nodes, CompactRange range, List<LogEntry> entries, List<byte[]> bytes,
      List<byte[]> leaves) throws SQLException {
    for (int i = 0; i < entries.size(); i++) {
      LogEntry entry = entries.get(i);
      range.append(leaves.get(i), nodes);
      insert.setLong(1, entry.seq());
      insert.setBytes(2, bytes.get(i));
      insert.setLong(3, entry.time().toEpochMilli());
      insert.setString(4, entry.actor());
      insert.setString(5, entry.action());
      insert.setLong(6, entry.keepUntil().toEpochMilli());
      insert.setString(7, entry.fileId());
      insert.addBatch();
    }
    insert.executeBatch();
    nodes.flush();
    return range;
  }

  /**
   * A tree's right edge, and its last leaf (lower-case hex), which the next entry links to. An edge
   * of a size the log no longer has is passed over.
   */
  record Edge(CompactRange range, String lastLeaf) {}

  /**
   * Has the next batch build on {@code edge}, the tree's right edge and last leaf as opening
   * checked them (or as the rows' witnesses vouch for them, after a refusal), instead of reading
   * the stored nodes and the head again; a batch of another handle that moved the log past it
   * makes it pass unused.
   */
  void buildOn(Edge edge) {
    rightEdge = edge;
  }

  /**
   * The right edge of the tree of {@code size} leaves: a copy of the one the last batch left when
   * it still fits (no other handle appended since), else read from the stored nodes.
   */
  private CompactRange rightEdge(DbNodeStore nodes, long size) {
    Edge kept = rightEdge;
    return kept != null && kept.range().size() == size ? kept.range().copy() : storedRightEdge(nodes, size);
  }

  /** The leaf the next entry links to: the kept edge's when it is of the head's size, else the head's (PostgreSQL; the journal keeps it on H2). */
  private String leafBefore(Head head) {
    Edge kept = rightEdge;
    return kept != null && kept.range().size() == head.size() ? kept.lastLeaf() : head.lastLeaf();
  }

  /** The right edge of the tree of {@code size} leaves, read from the stored nodes. */
  private static CompactRange storedRightEdge(DbNodeStore nodes, long size) {
    MerkleTree.open(nodes, size); // the stored leaves end exactly at size
    return CompactRange.stored(nodes, size);
  }

  /**
   * Drops from the journal the records of entries the database no longer stores (pruned), as
   * {@link Journal#rotate} describes, while no group commit writes: appends that arrive meanwhile
   * wait and are written after it. Does nothing on PostgreSQL, which has no journal.
   *
   * @throws VaultException if the journal cannot be rotated; it then holds what it held
   */
  public void rotateJournal() {
    if (journal == null) {
      return;
    }
    queueLock.lock();
    try {
      while (writing) {
        idle.awaitUninterruptibly();
      }
      writing = true;
    } finally {
      queueLock.unlock();
    }
    shared.turn.lock(); // no other handle on this vault appends meanwhile
    try {
      if (!shared.awaitFilled()) {
        mend();
      }
      database.inTransaction(c -> {
        Head head = Head.lock(c);
        journal.reopenIfRotated();
        if (journal.size() != shared.synced()) {
          journal.follow(shared.syncedEnd(), shared.synced(), shared.syncedLeaf());
        }
        long firstStored;
        try (PreparedStatement s = c.prepareStatement("SELECT MIN(seq) FROM log_entries"); ResultSet r = s.executeQuery()) {
          r.next();
          long min = r.getLong(1);
          firstStored = r.wasNull() ? head.size() : min;
        }
        if (journal.size() == head.size()) {
          journal.rotate(firstStored);
        }
        return null;
      });
    } finally {
      shared.turn.unlock();
      handOver(0); // to the appends that queued meanwhile
    }
  }

  /** Stored entries matching {@code query}, in sequence order. */
  public List<LogEntry> entries(io.kinko.vault.LogQuery query) {
    StringBuilder sql = new StringBuilder("SELECT entry FROM log_entries WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (query.since() != null) {
      sql.append(" AND logged_at >= ?");
      args.add(query.since().toEpochMilli());
    }
    if (query.until() != null) {
      sql.append(" AND logged_at < ?");
      args.add(query.until().toEpochMilli());
    }
    if (query.actor() != null) {
      sql.append(" AND actor = ?");
      args.add(query.actor());
    }
    if (query.action() != null) {
      sql.append(" AND action = ?");
      args.add(query.action());
    }
    sql.append(" ORDER BY seq");
    return select(sql.toString(), args);
  }

  /** The stored entry at {@code seq}, if it is stored (not pruned, not beyond the head): a primary-key look-up. */
  public java.util.Optional<LogEntry> entryAt(long seq) {
    return select("SELECT entry FROM log_entries WHERE seq = ?", List.<Object>of(seq)).stream().findFirst();
  }

  /** Stored entries of {@code action} about file {@code fileId}, in sequence order: an index look-up, not a scan. */
  public List<LogEntry> entriesOfFile(String fileId, String action) {
    return select("SELECT entry FROM log_entries WHERE file_id = ? AND action = ? ORDER BY seq", List.<Object>of(fileId, action));
  }

  private List<LogEntry> select(String sql, List<Object> args) {
    return database.inTransaction(c -> {
      List<LogEntry> out = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (int i = 0; i < args.size(); i++) {
          s.setObject(i + 1, args.get(i));
        }
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(EntryCodec.decode(r.getBytes(1)));
          }
        }
      }
      return out;
    });
  }

  /**
   * When the oldest entry the database keeps was logged, if entries before it were pruned; empty
   * if none was. What happened before that time may no longer be in the log (a package imported,
   * say); what happened after it is. If every entry was pruned, now.
   */
  public java.util.Optional<Instant> keptSince() {
    return database.inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT seq, logged_at FROM log_entries ORDER BY seq LIMIT 1");
          ResultSet r = s.executeQuery()) {
        if (r.next()) {
          return r.getLong(1) == 0 ? java.util.Optional.<Instant>empty() : java.util.Optional.of(Instant.ofEpochMilli(r.getLong(2)));
        }
      }
      return Head.read(c).size() == 0 ? java.util.Optional.<Instant>empty() : java.util.Optional.of(clock.instant());
    });
  }

  /** The number of entries ever appended (pruned ones included) and the last leaf. */
  public Head head() {
    return database.inTransaction(Head::read);
  }

  /** The log head row: tree size and the last leaf hash (hex). */
  public record Head(long size, String lastLeaf) {
    static final String LOCK = "SELECT tree_size, last_leaf FROM log_head WHERE id = 1 FOR UPDATE";
    static final String UPDATE = "UPDATE log_head SET tree_size = ?, last_leaf = ? WHERE id = 1";
    static final String UPDATE_WITH_JOURNAL = "UPDATE log_head SET tree_size = ?, last_leaf = ?, journal_end = ? WHERE id = 1";

    static Head lock(Connection c) throws SQLException {
      try (PreparedStatement s = c.prepareStatement(LOCK)) {
        return query(s);
      }
    }

    static Head read(Connection c) throws SQLException {
      try (PreparedStatement s = c.prepareStatement("SELECT tree_size, last_leaf FROM log_head WHERE id = 1")) {
        return query(s);
      }
    }

    /**
     * The last leaf as bytes.
     *
     * @throws IntegrityException if the row's text is not a 32-byte hash in hex: it was edited outside Kinko
     */
    byte[] lastLeafBytes() {
      try {
        byte[] leaf = HEX.parseHex(lastLeaf);
        if (leaf.length == Merkle.HASH_SIZE) {
          return leaf;
        }
      } catch (IllegalArgumentException | NullPointerException notHex) {
        // refused below
      }
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the access log's head does not name a leaf (its last leaf is not a hash): "
          + "the database was edited outside Kinko");
    }

    private static Head query(PreparedStatement s) throws SQLException {
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new VaultException("the access log's head row is missing");
        }
        return new Head(r.getLong(1), r.getString(2));
      }
    }

    /** Moves the head, and where its last entry's journal record ends (null: no journal, left as it is). */
    static void update(Connection c, long size, String lastLeaf, Long journalEnd) throws SQLException {
      try (PreparedStatement s = c.prepareStatement(journalEnd == null ? UPDATE : UPDATE_WITH_JOURNAL)) {
        update(s, size, lastLeaf, journalEnd);
      }
    }

    private static void update(PreparedStatement s, long size, String lastLeaf, Long journalEnd) throws SQLException {
      s.setLong(1, size);
      s.setString(2, lastLeaf);
      if (journalEnd != null) {
        s.setLong(3, journalEnd);
      }
      s.executeUpdate();
    }
  }

  /**
   * The group commit's connection and statements, kept from batch to batch: preparing them anew
   * for each batch (H2 parsing the same six statements) was a fifth of a batch's time. Only the
   * thread that leads the group commit uses them; a failed batch discards them, so the next starts
   * on a fresh connection. On PostgreSQL they last one batch: a kept connection would not notice
   * that the server restarted (the pool checks the connections it lends), and its driver caches
   * prepared statements per connection anyway.
   */
  private static final class WriterStatements implements AutoCloseable {
    final Connection connection;
    final PreparedStatement lockHead;
    final PreparedStatement updateHead;
    final PreparedStatement updateHeadOnly;
    final PreparedStatement insertEntry;
    final DbNodeStore nodes;

    WriterStatements(Connection connection) throws SQLException {
      this.connection = connection;
      this.lockHead = connection.prepareStatement(Head.LOCK);
      this.updateHead = connection.prepareStatement(Head.UPDATE_WITH_JOURNAL);
      this.updateHeadOnly = connection.prepareStatement(Head.UPDATE);
      this.insertEntry = connection.prepareStatement(INSERT_ENTRY);
      this.nodes = new DbNodeStore(connection, true);
    }

    @Override
    public void close() throws SQLException {
      try (Connection c = connection; DbNodeStore n = nodes; PreparedStatement a = lockHead; PreparedStatement b = updateHead;
           PreparedStatement d = updateHeadOnly; PreparedStatement e = insertEntry) {
        // closed in reverse order, the connection last
      }
    }
  }

  private WriterStatements writerStatements() throws SQLException {
    WriterStatements w = writer;
    if (w == null) {
      Connection c = database.connection();
      try {
        w = new WriterStatements(c);
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
      writer = w;
    }
    return w;
  }

  private void discardWriterStatements() {
    WriterStatements w = writer;
    writer = null;
    if (w != null) {
      try {
        w.close();
      } catch (SQLException | RuntimeException e) {
        // already failing; the batch's own error is the one its callers see
      }
    }
  }

  /** Where a caller of {@link #append} stands: waiting, writing the next batch, or answered. */
  private enum Turn { QUEUED, LEAD, DONE }

  /** One caller's entries; {@code turn}, {@code entries} and {@code failure} are guarded by {@code queueLock}. */
  private static final class Pending {
    final List<Event> events;
    final ClientInfo client;
    final java.util.concurrent.locks.Condition woken;
    Turn turn = Turn.QUEUED;
    List<LogEntry> entries;
    VaultException failure;

    Pending(List<Event> events, ClientInfo client, java.util.concurrent.locks.Condition woken) {
      this.events = events;
      this.client = client;
      this.woken = woken;
    }
  }
}
