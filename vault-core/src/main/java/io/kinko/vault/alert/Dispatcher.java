package io.kinko.vault.alert;

import io.kinko.vault.AlertDelivery;
import io.kinko.vault.AlertSink;
import io.kinko.vault.AlertSinkHealth;
import io.kinko.vault.LogEntry;
import io.kinko.vault.store.Database;
import io.kinko.vault.store.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts from the outbox (the log's INCIDENT entries) to every sink, each in order from
 * its own cursor, on one daemon thread of the open vault: started at open, woken when an INCIDENT
 * entry is written, and every {@link #POLL} for entries other processes wrote. A failed attempt is
 * retried with exponential backoff ({@link #backoff}), computed from the deliveries table, so a
 * process opened later keeps the same pace. Database work happens in short transactions, never
 * across a network call; nothing here runs on the thread of the operation that raised the alert.
 *
 * <p>Sinks are read as stored ({@link Settings#unchecked}): delivery needs no key. A sink whose
 * password is sealed waits until {@link PasswordOpener} can open it (a session is open).
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  /** How often the thread looks for incidents other processes logged. */
  static final Duration POLL = Duration.ofSeconds(20);
  static final Duration FIRST_RETRY = Duration.ofSeconds(2);
  static final Duration MAX_RETRY = Duration.ofMinutes(5);
  /** Incidents read per sink and round. */
  private static final int BATCH = 100;

  /** Opens a sink's sealed SMTP password, or returns null when this process holds no key. */
  @FunctionalInterface
  public interface PasswordOpener {
    char[] open(String sinkId, byte[] sealed);
  }

  private final Database database;
  private final String vaultId;
  private final Clock clock;
  private final PasswordOpener opener;
  private final ReentrantLock round = new ReentrantLock();
  private final Object signal = new Object();
  private boolean woken;
  private volatile boolean closed;
  /** False while an attempt goes to a sink whose last attempt failed: closing does not wait for it. */
  private volatile boolean inFlightMayLand = true;
  private Thread thread;

  public Dispatcher(Database database, String vaultId, Clock clock, PasswordOpener opener) {
    this.database = database;
    this.vaultId = vaultId;
    this.clock = clock;
    this.opener = opener;
  }

  /** Starts the delivery thread; it makes its first round at once (what a crashed process left). */
  public synchronized void start() {
    if (thread == null && !closed) {
      thread = new Thread(this::loop, "kinko-alerts-" + vaultId.substring(0, Math.min(8, vaultId.length())));
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Tells the thread an INCIDENT entry was written. Never blocks. */
  public void wake() {
    synchronized (signal) {
      woken = true;
      signal.notifyAll();
    }
  }

  private void loop() {
    while (!closed) {
      Duration wait = POLL;
      try {
        Instant next = round(false, new ArrayList<>());
        if (next != null) {
          Duration until = Duration.between(clock.instant(), next);
          wait = until.isNegative() ? Duration.ofMillis(1) : until.compareTo(POLL) < 0 ? until : POLL;
        }
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn("alert delivery for vault {} failed: {}", vaultId, e.getMessage());
      }
      synchronized (signal) {
        if (!woken && !closed) {
          try {
            signal.wait(Math.max(1, wait.toMillis()));
          } catch (InterruptedException e) {
            return;
          }
        }
        woken = false;
      }
    }
  }

  /** One round now, backoff ignored (an operator asked): every attempt made, in order. */
  public List<AlertDelivery> deliverNow() {
    List<AlertDelivery> made = new ArrayList<>();
    round(true, made);
    return made;
  }

  /**
   * Each sink delivers its pending alerts in order and stops at its first failure (a later alert
   * never overtakes an earlier one). Returns when the next retry is due, or null.
   */
  private Instant round(boolean now, List<AlertDelivery> made) {
    round.lock();
    try {
      Instant next = null;
      for (Settings.Setting row : database.inTransaction(c -> Settings.unchecked(c, SinkConfig.PREFIX))) {
        if (closed) {
          break;
        }
        String id = row.name().substring(SinkConfig.PREFIX.length());
        SinkConfig sink;
        try {
          sink = SinkConfig.parse(row.value());
        } catch (IllegalArgumentException e) {
          LOG.warn("alert sink {} of vault {} is not readable; skipped", id, vaultId);
          continue;
        }
        Instant due = deliver(id, sink, now, made);
        if (due != null && (next == null || due.isBefore(next))) {
          next = due;
        }
      }
      return next;
    } finally {
      round.unlock();
    }
  }

  private Instant deliver(String id, SinkConfig sink, boolean now, List<AlertDelivery> made) {
    List<LogEntry> pending = database.inTransaction(c -> Deliveries.incidentsAfter(c, Deliveries.cursor(c, id, sink.fromSeq()), BATCH));
    for (LogEntry entry : pending) {
      if (closed) {
        return null;
      }
      Deliveries.Tried tried = database.inTransaction(c -> Deliveries.tried(c, id, entry.seq()));
      if (!now && tried.attempts() > 0) {
        Instant due = tried.last().plus(backoff(tried.attempts()));
        if (clock.instant().isBefore(due)) {
          return due;
        }
      }
      AlertDelivery d = attempt(id, sink, Alert.of(vaultId, entry), tried.attempts() + 1);
      if (d == null) {
        return null; // deferred: no key for the password in this process
      }
      made.add(d);
      if (!d.delivered()) {
        return d.at().plus(backoff(d.attempt()));
      }
    }
    return pending.size() == BATCH ? clock.instant() : null;
  }

  /** Sends a test alert to one sink now and records it; the sink as the caller read it (checked). */
  public AlertDelivery test(String id, SinkConfig sink, long seq, String actor) {
    round.lock();
    try {
      AlertDelivery d = attempt(id, sink, Alert.test(vaultId, seq, actor, clock.instant()), 1);
      return d != null ? d : new AlertDelivery(id, seq, true, 1, clock.instant(), "DEFERRED", "no key in this process opens the sink's password");
    } finally {
      round.unlock();
    }
  }

  /** One attempt: recorded STARTED before the sink is contacted, its outcome after. Null if deferred. */
  private AlertDelivery attempt(String id, SinkConfig sink, Alert alert, int attempt) {
    char[] password = null;
    if (sink.sealedPassword() != null) {
      password = opener.open(id, Base64.getDecoder().decode(sink.sealedPassword()));
      if (password == null) {
        LOG.debug("alert {} to sink {} waits for a process with the vault's keys", alert.id(), id);
        return null;
      }
    }
    if (closed) {
      return null; // the vault is closing: the next process makes this attempt
    }
    Instant at = clock.instant();
    long row = database.inTransaction(c -> {
      List<AlertDelivery> last = Deliveries.history(c, id, 1);
      inFlightMayLand = last.isEmpty() || last.get(0).delivered();
      return Deliveries.start(c, id, alert.seq(), alert.test(), attempt, at);
    });
    String outcome = Deliveries.DELIVERED;
    String error = null;
    try {
      sender(sink, password).send(alert);
    } catch (Exception e) {
      outcome = Deliveries.FAILED;
      error = describe(e);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    } finally {
      inFlightMayLand = true;
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
    if (closed) {
      return new AlertDelivery(id, alert.seq(), alert.test(), attempt, at, outcome, error); // the vault is closing: the row stays STARTED
    }
    String o = outcome;
    String err = error;
    database.inTransaction(c -> {
      Deliveries.finish(c, row, o, err);
      return null;
    });
    if (error != null) {
      LOG.warn("alert {} to sink {} failed (attempt {}): {}", alert.id(), id, attempt, error);
    }
    return new AlertDelivery(id, alert.seq(), alert.test(), attempt, at, outcome, error);
  }

  private static Sender sender(SinkConfig sink, char[] password) {
    return switch (sink.kind()) {
      case SYSLOG -> new SyslogSender(sink.uri());
      case WEBHOOK -> new WebhookSender(sink.uri());
      case SMTP -> new MailSender(sink, password);
    };
  }

  /** 2 s after the first failure, doubling, at most 5 minutes. */
  static Duration backoff(int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 20));
    return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
  }

  /** A failure in one line without a secret: the exception's class and the first line of its message, cut short. */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : root.getMessage().strip();
    int nl = message.indexOf('\n');
    message = (nl < 0 ? message : message.substring(0, nl)).replace('\r', ' ');
    String out = root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    return out.length() > 300 ? out.substring(0, 300) : out;
  }

  /** Every sink's health, as stored (no key needed). */
  public List<AlertSinkHealth> health() {
    return database.inTransaction(c -> {
      List<AlertSinkHealth> out = new ArrayList<>();
      Instant now = clock.instant();
      for (Settings.Setting row : Settings.unchecked(c, SinkConfig.PREFIX)) {
        String id = row.name().substring(SinkConfig.PREFIX.length());
        SinkConfig sink;
        try {
          sink = SinkConfig.parse(row.value());
        } catch (IllegalArgumentException e) {
          out.add(new AlertSinkHealth(id, AlertSink.Kind.WEBHOOK, "(unreadable)", null, null, e.getMessage(), 0, null, false));
          continue;
        }
        Object[] pending = Deliveries.pending(c, Deliveries.cursor(c, id, sink.fromSeq()));
        AlertDelivery last = Deliveries.last(c, id);
        out.add(health(id, sink, last, (Long) pending[0], (Instant) pending[1], now));
      }
      return out;
    });
  }

  /** Unhealthy: the last attempt failed (or was cut short a minute ago or more), or an alert has waited past the bound. */
  static AlertSinkHealth health(String id, SinkConfig sink, AlertDelivery last, long pending, Instant oldest, Instant now) {
    boolean failed = last != null && (last.outcome().equals(Deliveries.FAILED)
        || last.outcome().equals(Deliveries.STARTED) && last.at().isBefore(now.minus(Duration.ofMinutes(1))));
    boolean late = oldest != null && oldest.isBefore(now.minus(Duration.ofMinutes(AlertSinkHealth.PENDING_BOUND_MINUTES)));
    return new AlertSinkHealth(id, sink.kind(), SinkConfig.shown(sink.kind(), sink.target()), last == null ? null : last.outcome(), last == null ? null : last.at(),
        last == null ? null : last.error(), pending, oldest, !failed && !late);
  }

  /** The newest attempts to one sink, newest first. */
  public List<AlertDelivery> history(String id, int limit) {
    return database.inTransaction(c -> Deliveries.history(c, id, limit));
  }

  /**
   * Stops the thread: waits for an attempt in flight at most {@code bound}, then leaves it (its
   * row stays STARTED, and the next process retries it after the backoff). An attempt to a sink
   * whose last attempt failed is not waited for at all: a dead sink costs a closing vault nothing
   * after its first failure.
   */
  public void close(Duration bound) {
    closed = true;
    wake();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        long deadline = System.nanoTime() + bound.toNanos();
        // In slices, so that an attempt that turns out to go to a failing sink stops the wait at once.
        while (t.isAlive() && inFlightMayLand && System.nanoTime() < deadline) {
          t.join(Math.max(1, Math.min(10, (deadline - System.nanoTime()) / 1_000_000)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofMillis(500));
  }
}
