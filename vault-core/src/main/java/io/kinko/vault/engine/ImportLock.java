package io.kinko.vault.engine;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.store.Database;
import io.kinko.vault.store.Interrupts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Held by an import from its check that the log holds no IMPORT entry for the package to its own
 * IMPORT entry, so that two imports of one package cannot both pass the check and both be stored
 * (found by session 32's review). Two parts: the vault handle's lock, which keeps a handle's other
 * imports from each holding a pooled connection while they wait; and the one row of {@code
 * import_lock} (V19) locked for update, which keeps out the imports of other handles and of other
 * hosts of a PostgreSQL vault. Releasing is idempotent: the import releases once its entry is
 * logged, and its {@code finally} again. The thread's interrupt is held back while it waits and
 * holds the lock, and given back at the release (H2 gives up the wait of an interrupted thread).
 */
final class ImportLock implements AutoCloseable {
  private static volatile Consumer<String> steps = step -> {};
  private final ReentrantLock local;
  private final Connection held;
  /** The thread's interrupt, held back while the lock is: see {@link #take}. */
  private final Interrupts.Held interrupts;
  private boolean released;

  private ImportLock(ReentrantLock local, Connection held, Interrupts.Held interrupts) {
    this.local = local;
    this.held = held;
    this.interrupts = interrupts;
  }

  /**
   * Tells {@code listener} of the steps: {@code import.waits}, the lock is held elsewhere and this
   * import waits for it; {@code import.checked}, the import holding it checked the log and is about
   * to log its IMPORT entry. Test code only.
   */
  static void install(Consumer<String> listener) {
    steps = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Waits for both parts, as long as the database's lock timeout allows.
   *
   * @throws IntegrityException if the lock's row is missing (deleted outside Kinko)
   */
  static ImportLock take(ReentrantLock local, Database database) {
    if (!local.tryLock()) {
      steps.accept("import.waits");
      local.lock();
    }
    Connection c = null;
    ImportLock taken = null;
    // H2 gives up at once the wait of a thread whose interrupt is set, and clears it. So, as while
    // a deletion batch's row lock is held (Deleter), the interrupt is held back from here until the
    // lock is released, and then given back.
    Interrupts.Held held = Interrupts.holdBack();
    try {
      c = database.connection();
      Boolean row = locked(c, " NOWAIT");
      if (row == null) {
        c.rollback(); // PostgreSQL ends the transaction at a refused NOWAIT
        steps.accept("import.waits");
        if (Thread.interrupted()) {
          Interrupts.giveBack(); // one that came meanwhile, held back too: only one during H2's wait itself is beyond reach
        }
        row = locked(c, "");
      }
      if (!row) {
        throw new IntegrityException(IncidentRule.INTEGRITY_OTHER, "the import lock's row is missing from the vault database: it was edited"
            + " outside Kinko");
      }
      taken = new ImportLock(local, c, held);
      return taken;
    } catch (SQLException e) {
      throw Database.failure("cannot take the vault's import lock", e); // says why: held past the lock timeout, or its table gone
    } finally {
      if (taken == null) {
        // Whatever stopped it, an Error too: else the handle's next import waits in lock() forever.
        try {
          closeQuietly(c);
        } finally {
          try {
            local.unlock();
          } finally {
            held.close();
          }
        }
      }
    }
  }

  /** Whether the row was there to lock; null, with {@code nowait}, when another transaction holds it. */
  private static Boolean locked(Connection c, String nowait) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT id FROM import_lock WHERE id = 1 FOR UPDATE" + nowait);
         ResultSet r = s.executeQuery()) {
      return r.next();
    } catch (SQLException e) {
      if (nowait.isEmpty() || !lockNotAvailable(e)) {
        throw e;
      }
      return null;
    }
  }

  /** H2's lock timeout (HYT00, also what NOWAIT raises) or PostgreSQL's lock_not_available (55P03). */
  private static boolean lockNotAvailable(SQLException e) {
    return "HYT00".equals(e.getSQLState()) || "55P03".equals(e.getSQLState());
  }

  /** Says that the checks made under the lock passed: what a test holds the import at, to start another. */
  void checked() {
    steps.accept("import.checked");
  }

  /** Releases both parts, the row first (a pooled connection's transaction ends when it is given back); again, nothing. On the thread that took it. */
  @Override
  public void close() {
    if (released) {
      return;
    }
    released = true;
    try {
      closeQuietly(held);
    } finally {
      try {
        local.unlock();
      } finally {
        interrupts.close(); // gives back an interrupt that came while the lock was held
      }
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing a connection that failed: its transaction ends with it
      }
    }
  }
}
