package io.kinko.vault.store;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.api.ErrorCode;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.message.DbException;

/**
 * The embedded database's connections: H2 sessions kept open between transactions, each handed
 * to one caller at a time, and given back with no transaction open and auto-commit on (JDBC's
 * default, which a new handle starts with).
 *
 * <p>A session is rolled back on its return only when it holds uncommitted changes, as H2 itself
 * says. H2's own pool rolls back on every hand-out and every return, and every rollback empties
 * the session's cache of parsed statements: with it each state check re-parsed the same SQL,
 * 12 % of a folder get's main thread. As in H2's pool, a handle is a connection of its own over
 * the session, so that it and every statement made through it refuse all use once it is closed:
 * a statement kept past its handle's close cannot run on the session's next caller. At most
 * {@link #MAX_IDLE} sessions wait between callers.
 */
final class SessionPool implements DataSource, AutoCloseable {
  /**
   * Idle sessions kept at most: the log's writer, the incident watch, a verification's two page
   * readers, the alert thread and a busy application's callers. A burst that opened more closes
   * the rest as they come back, so that it does not hold their caches for the life of the vault.
   */
  static final int MAX_IDLE = 16;
  private final JdbcDataSource sessions = new JdbcDataSource();
  private final Deque<JdbcConnection> idle = new ArrayDeque<>();
  private boolean closed;

  SessionPool(String url) {
    sessions.setURL(url);
    sessions.setUser("kinko");
    sessions.setPassword("");
  }

  /**
   * A session: an idle one, else a new one, made under the pool's lock. Made outside it, a caller
   * that passed the closed check could open its session after {@link #close} had let H2 close the
   * store, and H2 would open the file again (after a refused open, the incident watch's last scan
   * did so while the test's folder was being deleted, and H2 made a new, empty database there).
   */
  @Override
  public Connection getConnection() throws SQLException {
    synchronized (this) {
      if (closed) {
        throw new SQLException("the vault database is closed", "08003");
      }
      JdbcConnection session = idle.pollFirst();
      return new Handle(session != null ? session : sessions.getConnection().unwrap(JdbcConnection.class));
    }
  }

  /** Takes a session back, ending whatever its handle left open; a session that cannot be cleaned is closed. */
  private void giveBack(JdbcConnection session) {
    try {
      if (!(session.getSession() instanceof SessionLocal local) || local.hasPendingTransaction()) {
        session.rollback();
      }
      session.setAutoCommit(true);
      synchronized (this) {
        if (!closed && idle.size() < MAX_IDLE) {
          idle.addFirst(session);
          return;
        }
      }
    } catch (SQLException | RuntimeException e) {
      // a broken session (the store closed under it) is not handed out again
    }
    closeQuietly(session);
  }

  /** Closes the idle sessions; a session in use closes when its handle does. H2 closes the store with the last one. */
  @Override
  public void close() {
    Deque<JdbcConnection> closing;
    synchronized (this) {
      closed = true;
      closing = new ArrayDeque<>(idle);
      idle.clear();
    }
    closing.forEach(SessionPool::closeQuietly);
  }

  private static void closeQuietly(Connection session) {
    try {
      session.close();
    } catch (SQLException e) {
      // closing is all that was left to do with it
    }
  }

  /** One caller's use of a session, until it closes: once, from whichever thread. */
  private final class Handle extends JdbcConnection {
    private final JdbcConnection session;
    private final AtomicBoolean done = new AtomicBoolean();

    Handle(JdbcConnection session) {
      super(session);
      this.session = session;
    }

    @Override
    public void close() {
      if (done.compareAndSet(false, true)) {
        giveBack(session);
      }
    }

    @Override
    public boolean isClosed() throws SQLException {
      return done.get() || super.isClosed();
    }

    @Override
    protected void checkClosed() {
      if (done.get()) {
        throw DbException.get(ErrorCode.OBJECT_CLOSED);
      }
      super.checkClosed();
    }
  }

  /** JDBC's signature: the arguments are never read, kept or passed on (the embedded store has no password). */
  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    throw new SQLException("the embedded vault database has one account");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // nothing logs through JDBC's writer
  }

  @Override
  public void setLoginTimeout(int seconds) {
    // an embedded session opens at once or fails
  }

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getLogger("io.kinko.vault.store");
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("not a wrapper for " + type.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }
}
