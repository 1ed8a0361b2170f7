package io.kinko.vault.engine;

import io.kinko.vault.Action;
import io.kinko.vault.Decision;
import io.kinko.vault.IncidentPolicy;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogEntry;
import io.kinko.vault.VaultException;
import io.kinko.vault.audit.EntryCodec;
import io.kinko.vault.audit.EntryColumns;
import io.kinko.vault.incident.IncidentRules;
import io.kinko.vault.store.Database;
import io.kinko.vault.store.Settings;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the detection rules ({@link IncidentRules}) over the log as it grows, off the threads of
 * the operations that append: each durable batch wakes it, wake-ups while a scan is queued
 * coalesce into one. A scan takes its new entries from those the batches of this handle handed it
 * as they were written, or, where another handle's entries come between them (or the handle's
 * are no longer kept), reads them in one query; it runs the rules over them with
 * the rules' state the last scan left ({@link IncidentRules.Running}); the first scan of a
 * process, and one after a failure, a policy change or another process's scan, rebuilds that
 * state from the windows' history in two more queries.
 *
 * <p>Where it got to is the {@code incident_watch} row, locked while a scan runs, so two
 * processes never scan the same entries at once; the cursor moves after the scan's incidents are
 * durable. A process that dies in between leaves the cursor behind: the next one to open the vault
 * scans again from there, and the INCIDENT entries already in the log keep it from raising one
 * twice (an incident is known by its rule and last evidence). Nothing is lost, nothing doubled.
 */
final class IncidentWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IncidentWatch.class);
  /** Entries one scan reads at most; the next scan goes on from there. */
  static final int SCAN_LIMIT = 4096;
  /** Entries of this handle's batches kept for the scans to come, at most: twice what one scan takes. */
  static final int KEPT_LIMIT = 2 * SCAN_LIMIT;
  /** How long a closing session or vault waits for the watch to catch up. */
  static final Duration DRAIN_BOUND = Duration.ofSeconds(10);

  /** Told of each step of a scan ("raise": an incident is about to be appended; "move": the cursor is about to move). */
  @FunctionalInterface
  interface Steps {
    void reached(String step);
  }

  /** No-op in production; only a crash test, in a JVM of its own, installs one (no outside input can). */
  private static volatile Steps steps = step -> {};

  static void install(Steps listener) {
    steps = java.util.Objects.requireNonNull(listener, "listener");
  }

  private final DefaultVault vault;
  private final Database database;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "kinko-incident-watch");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean queued = new AtomicBoolean();
  private volatile boolean closed;
  /**
   * The entries of this handle's last batches, in the order written, so that a scan need not read
   * back and decode what the writer just encoded (that was a third of the CPU of a busy log). They
   * are the entries as the writer made them durable; a scan takes them only as an unbroken run from
   * its cursor, so a gap (another handle's entries, or some dropped past the limit) sends it to the
   * database. Guarded by itself.
   */
  private final java.util.ArrayDeque<LogEntry> recent = new java.util.ArrayDeque<>();

  IncidentWatch(DefaultVault vault, Database database) {
    this.vault = vault;
    this.database = database;
  }

  /** Keeps a durable batch's entries for the scan it then asks for (see {@link #wake()}). */
  void wake(List<LogEntry> written) {
    if (closed) {
      return;
    }
    synchronized (recent) {
      recent.addAll(written);
      while (recent.size() > KEPT_LIMIT) {
        recent.pollFirst();
      }
    }
    wake();
  }

  /** Asks for a scan soon; returns at once. Several calls before it starts make one scan. */
  void wake() {
    if (!closed && queued.compareAndSet(false, true)) {
      try {
        thread.execute(this::scanAll);
      } catch (java.util.concurrent.RejectedExecutionException shutDown) {
        queued.set(false);
      }
    }
  }

  /**
   * Waits, at most {@link #DRAIN_BOUND}, until every entry appended before this call is scanned.
   * Past the bound it lets go: the next process to open the vault scans from the cursor.
   */
  void drain() {
    if (closed) {
      return;
    }
    wake();
    try {
      thread.submit(() -> {}).get(DRAIN_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("the incident watch of vault {} did not catch up within {} s; the next open goes on from where it got", vault.id(),
          DRAIN_BOUND.toSeconds());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("incident watch drain", e);
    }
  }

  @Override
  public void close() {
    drain();
    abandon();
  }

  /**
   * Stops without scanning again, and waits (at most {@link #DRAIN_BOUND}) for a scan already
   * running, which stops at its next step ({@code stopIfClosed}) and gives its session back: so
   * that no scan reads the database while it closes. Alone, for a vault whose open is refused (its
   * log is not to be judged); after {@link #drain}, at the vault's close. Never interrupted: an
   * interrupt in the middle of an H2 read closes the store's file channel under the vault's own
   * close. A scan's cursor stays where it committed, and the next open scans on from it.
   */
  void abandon() {
    closed = true;
    thread.shutdown();
    try {
      if (!thread.awaitTermination(DRAIN_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("the incident watch of vault {} was still scanning after {} s; the next open goes on from where it got", vault.id(),
            DRAIN_BOUND.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void scanAll() {
    queued.set(false);
    try {
      while (!closed && scanOnce()) {
        // a full scan: more may wait
      }
    } catch (RuntimeException e) {
      // Detection must not fail the operations that woke it; the cursor stays, the next wake retries.
      LOG.warn("the incident watch of vault {} could not scan the log: {}", vault.id(), e.getMessage());
      LOG.debug("incident watch", e);
    }
  }

  /**
   * The rules' state after the last scan this watch committed and the cursor it left, so the next
   * scan judges only its fresh entries; null until a scan rebuilds it from the log (the first
   * scan, after a failed one, when another process moved the cursor, or when the policy changed).
   * Only the watch's thread touches them.
   */
  private IncidentRules.Running running;
  private long runningCursor = -1;
  /**
   * Sizes of the file versions the entries of the scan in progress read (unknown ones are 0). The
   * rules take a version's size when it enters their window and keep it, so no scan needs another
   * scan's: kept across scans, this grew by every version ever read while the process ran.
   */
  private final Map<String, Long> sizes = new HashMap<>();

  private record Scanned(boolean full, IncidentRules.Running running, long cursor) {}

  /** One scan of at most {@link #SCAN_LIMIT} entries from the cursor; true if it was full. */
  boolean scanOnce() {
    IncidentRules.Running kept = running;
    long keptCursor = runningCursor;
    running = null; // until this scan commits: a failed scan leaves the next one to rebuild
    Scanned scanned = database.inTransaction(c -> {
      long from;
      try (PreparedStatement s = c.prepareStatement("SELECT scanned FROM incident_watch WHERE id = 1 FOR UPDATE");
           ResultSet r = s.executeQuery()) {
        from = r.next() ? r.getLong(1) : -1;
      }
      if (from < 0) {
        restoreCursor(c);
        return new Scanned(false, null, -1);
      }
      Run run = recentFrom(from);
      List<LogEntry> fresh = run.entries().isEmpty()
          ? select(c, "SELECT " + COLUMNS + " FROM log_entries WHERE seq >= ? ORDER BY seq", List.of(from), SCAN_LIMIT, Long.MAX_VALUE) : run.entries();
      if (fresh.isEmpty()) {
        return new Scanned(false, kept, keptCursor);
      }
      IncidentPolicy policy = policy(c);
      IncidentRules.Running rules = kept;
      sizes.clear();
      if (rules == null || keptCursor != from || !rules.policy().equals(policy)) {
        List<LogEntry> history = history(c, policy, fresh, fresh.get(0).seq());
        lookUpSizes(c, history);
        rules = new IncidentRules.Running(policy, id -> sizes.getOrDefault(id, 0L));
        rules.history(history);
      }
      lookUpSizes(c, fresh);
      for (IncidentRules.Raised raised : rules.next(fresh)) {
        stopIfClosed();
        steps.reached("raise");
        vault.incident(raised.actor(), raised.reason());
      }
      stopIfClosed();
      steps.reached("move");
      long next = fresh.get(fresh.size() - 1).seq() + 1;
      try (PreparedStatement u = c.prepareStatement("UPDATE incident_watch SET scanned = ? WHERE id = 1")) {
        u.setLong(1, next);
        u.executeUpdate();
      }
      return new Scanned(fresh.size() == SCAN_LIMIT || run.more(), rules, next);
    });
    running = scanned.running();
    runningCursor = scanned.cursor();
    return scanned.full();
  }

  /**
   * Ends a scan the vault's close gave up waiting for, before it raises an incident or moves the
   * cursor: its transaction rolls back and its session goes back to a closing pool, which closes it.
   * The incidents it had raised are in the log; the next open scans again and does not repeat them.
   */
  private void stopIfClosed() {
    if (closed) {
      throw new VaultException("the vault closed during the incident watch's scan");
    }
  }

  /** An unbroken run of recent entries, and whether recent entries follow it past a gap (so more may wait). */
  private record Run(List<LogEntry> entries, boolean more) {}

  /**
   * The recent entries from {@code from} on, at most {@link #SCAN_LIMIT}, up to the first gap in
   * their sequence; empty if none starts at {@code from}. Drops those before {@code from}: the
   * cursor only moves forward once a scan commits.
   */
  private Run recentFrom(long from) {
    synchronized (recent) {
      while (!recent.isEmpty() && recent.peekFirst().seq() < from) {
        recent.pollFirst();
      }
      List<LogEntry> run = new ArrayList<>();
      java.util.Iterator<LogEntry> it = recent.iterator();
      long next = from;
      while (it.hasNext() && run.size() < SCAN_LIMIT) {
        LogEntry e = it.next();
        if (e.seq() != next) {
          return new Run(run, true);
        }
        run.add(e);
        next++;
      }
      return new Run(run, it.hasNext());
    }
  }

  /** Adds to {@link #sizes} those of the versions {@code entries} read that it lacks. */
  private void lookUpSizes(Connection c, List<LogEntry> entries) throws SQLException {
    Set<String> ids = new HashSet<>();
    for (LogEntry e : entries) {
      if (Action.GET.name().equals(e.action()) && e.fileId() != null && !sizes.containsKey(e.fileId())) {
        ids.add(e.fileId());
      }
    }
    sizes.putAll(sizes(c, ids));
  }

  /**
   * The cursor row was deleted outside Kinko (to stop detection, or to have everything raised
   * again): an incident, and the watch goes on from the log's head.
   */
  private void restoreCursor(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO incident_watch (id, scanned) SELECT 1, tree_size FROM log_head WHERE id = 1")) {
      s.executeUpdate();
    }
    c.commit();
    vault.incident(DefaultVault.SYSTEM_ACTOR, new IntegrityException(io.kinko.vault.IncidentRule.INTEGRITY_STATE,
        "the incident watch's cursor row was removed from the database; detection goes on from the log's head"));
  }

  /**
   * The policy as a session of this process last read it checked; else as stored, unchecked (a
   * process without keys: a failed login). A policy that does not even parse is not obeyed.
   */
  private IncidentPolicy policy(Connection c) throws SQLException {
    IncidentPolicy checked = vault.checkedIncidentPolicy();
    if (checked != null) {
      return checked;
    }
    for (Settings.Setting s : Settings.unchecked(c, PolicyCodec.SETTING)) {
      if (s.name().equals(PolicyCodec.SETTING)) {
        try {
          return PolicyCodec.decode(s.value());
        } catch (VaultException malformed) {
          return IncidentPolicy.DEFAULT;
        }
      }
    }
    return IncidentPolicy.DEFAULT;
  }

  /**
   * What the rules need before the fresh entries: failed logins, reads and refusals in the longest
   * window before the first of them, and the incidents already raised since the start of that day
   * (off-hours is raised once per user and day). Two indexed range reads, when a scan rebuilds the
   * rules' running state; the scans after it carry that state on and read only their fresh entries.
   */
  private static List<LogEntry> history(Connection c, IncidentPolicy policy, List<LogEntry> fresh, long before) throws SQLException {
    Instant first = fresh.get(0).time();
    for (LogEntry e : fresh) {
      first = e.time().isBefore(first) ? e.time() : first;
    }
    long windowStart = first.minus(policy.longestWindow()).toEpochMilli();
    long dayStart = Math.min(windowStart, first.atZone(IncidentPolicy.ZONE).toLocalDate().atStartOfDay(IncidentPolicy.ZONE).toInstant().toEpochMilli());
    List<LogEntry> out = new ArrayList<>(select(c, HISTORY, List.of(windowStart, DENIED_PATTERN), Integer.MAX_VALUE, before));
    out.addAll(select(c, INCIDENTS_SINCE, List.of(Action.INCIDENT.name(), dayStart), Integer.MAX_VALUE, before));
    // Sorted here, not by the database: an hour of a busy log sorted by H2 went through a temporary
    // result on disk, every entry's text with it.
    out.sort(java.util.Comparator.comparingLong(LogEntry::seq));
    List<LogEntry> unique = new ArrayList<>();
    for (LogEntry e : out) {
      if (unique.isEmpty() || unique.get(unique.size() - 1).seq() != e.seq()) {
        unique.add(e);
      }
    }
    return unique;
  }

  /**
   * Ids per query when looking up sizes. H2 finds each id of an {@code IN} list through the key,
   * then tests every row it found against the whole list again: with 500 ids per query the sizes
   * of 10,000 reads took 0.9 s, with 50 about 0.15-0.25 s (one id per query: 0.3-0.7 s).
   */
  private static final int SIZES_PER_QUERY = 50;

  /** The look-up of {@link #SIZES_PER_QUERY} ids: one text for every scan, so the database parses it once per session. */
  private static final String SIZES = "SELECT file_id, size_bytes FROM files WHERE file_id IN ("
      + String.join(", ", java.util.Collections.nCopies(SIZES_PER_QUERY, "?")) + ")";

  /**
   * The sizes of file versions, from the files table (unchecked: it only weighs a detection);
   * absent ones are left out. Every query has {@link #SIZES_PER_QUERY} marks, the ones no id fills
   * given the chunk's last id again: a list of as many marks as ids was a new text for each
   * length, parsed on almost every scan, and H2's parser was then compiled by the JIT while the
   * appends ran. NULL in the spare marks was tried first: on PostgreSQL a look-up of 119 ids
   * (three queries) then missed the mass read that IncidentDetectionTest expects; the cause was
   * not found, and the repeated id passes on both backends.
   */
  private static Map<String, Long> sizes(Connection c, Set<String> ids) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    List<String> all = new ArrayList<>(ids);
    try (PreparedStatement s = c.prepareStatement(SIZES)) {
      for (int i = 0; i < all.size(); i += SIZES_PER_QUERY) {
        for (int k = 0; k < SIZES_PER_QUERY; k++) {
          s.setString(k + 1, all.get(Math.min(i + k, all.size() - 1)));
        }
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.put(r.getString(1).trim(), r.getLong(2));
          }
        }
      }
    }
    return out;
  }

  /** What {@link #select} reads of each entry: the columns the writer copies from it, and the entry. */
  static final String COLUMNS = "seq, logged_at, actor, action, file_id, keep_until, entry";

  /**
   * The history's two reads. Neither names the sequence number it stops before ({@link #select}
   * skips the later rows): with {@code seq < ?} beside the time, H2 read the whole log through its
   * primary key and tested each row (1.5 s for a million entries, at the first scan of every
   * process, which a closing command waits for); without it, the only range is the time's, and it
   * reads the window through its index.
   */
  static final String HISTORY = "SELECT " + COLUMNS + " FROM log_entries WHERE logged_at >= ? AND (action IN ('LOGIN', 'GET') OR entry LIKE ?)";
  static final String INCIDENTS_SINCE = "SELECT " + COLUMNS + " FROM log_entries WHERE action = ? AND logged_at >= ?";

  /** A refusal's entry, as a LIKE pattern over its stored bytes (binary on both backends: PostgreSQL has no bytea LIKE text). */
  private static final byte[] DENIED_PATTERN = ("%\"decision\":\"" + Decision.DENY.name() + "\"%").getBytes(StandardCharsets.UTF_8);
  /** Text only the decision of an allowed entry has: the entry is canonical JSON, where a quote inside a string is escaped. */
  private static final String ALLOWED = "\"decision\":\"" + Decision.ALLOW.name() + "\"";

  /**
   * The entries {@code sql} selects ({@link #COLUMNS}), as the rules read them. An allowed read is
   * taken from the columns the writer copied from it (sequence, time to the millisecond as the
   * entry has it, actor, file), once its text is seen to record the same values
   * ({@link EntryColumns#recorded}): reads are most of a busy log, and decoding each one (its
   * canonical form checked, then parsed) made the first scan of a process after an hour of folder
   * reads outlast the bound a closing command waits for it, so no command finished a scan and the
   * cursor never moved. Every other entry, and a read whose columns were edited apart from its
   * text (to move it to another user or file), is decoded in full. The text is what the chain
   * covers; the watch, as ever, reads it unchecked. Rows from {@code below} on are skipped unread.
   */
  static List<LogEntry> select(Connection c, String sql, List<Object> args, int limit, long below) throws SQLException {
    List<LogEntry> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        s.setObject(i + 1, args.get(i));
      }
      s.setMaxRows(limit == Integer.MAX_VALUE ? 0 : limit);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          long seq = r.getLong(1);
          if (seq >= below) {
            continue; // neither read nor kept (a scan behind its log would hold them twice)
          }
          long loggedAt = r.getLong(2);
          String actor = r.getString(3);
          String action = r.getString(4);
          String fileId = r.getString(5); // null only if edited (V16 filed the older reads): decoded, as the rest
          long keepUntil = r.getLong(6);
          byte[] bytes = r.getBytes(7);
          String entry = new String(bytes, StandardCharsets.UTF_8);
          out.add(Action.GET.name().equals(action) && fileId != null && entry.contains(ALLOWED)
                  && EntryColumns.recorded(entry, seq, loggedAt, actor, action, fileId, keepUntil)
              ? new LogEntry(seq, Instant.ofEpochMilli(loggedAt), actor, action, Decision.ALLOW.name(), null, fileId, null, null, 0, null,
                  Instant.ofEpochMilli(keepUntil), entry)
              : EntryCodec.decode(bytes));
        }
      }
    }
    return out;
  }
}
