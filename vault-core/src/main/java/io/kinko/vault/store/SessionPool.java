package io.kinko.vault.store;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The embedded database's connections: H2 sessions kept open between transactions, each handed
 * to one caller at a time, and given back with no transaction open and auto-commit on (JDBC's
 * default, which a new handle starts with).
 *
 * <p>A session is rolled back on its return only when its last statement was not followed by a
 * commit or a rollback. H2's own pool rolls back on every hand-out and every return, and every
 * rollback empties the session's cache of parsed statements: with it each state check re-parsed
 * the same SQL, 12 % of a folder get's main thread.
 */
final class SessionPool implements DataSource, AutoCloseable {
  /** Calls that neither start nor end a transaction. */
  private static final Set<String> NEUTRAL = Set.of("getAutoCommit", "isValid", "unwrap", "isWrapperFor",
      "getTransactionIsolation", "getWarnings", "clearWarnings", "getHoldability", "isReadOnly");

  private final JdbcDataSource sessions = new JdbcDataSource();
  private final Deque<Connection> idle = new ArrayDeque<>();
  private boolean closed;

  SessionPool(String url) {
    sessions.setURL(url);
    sessions.setUser("kinko");
    sessions.setPassword("");
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection session;
    synchronized (this) {
      if (closed) {
        throw new SQLException("the vault database is closed", "08003");
      }
      session = idle.pollFirst();
    }
    if (session == null) {
      session = sessions.getConnection();
    }
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        new Handle(session));
  }

  /** Takes a session back, ending whatever its handle left open; a session that cannot be cleaned is closed. */
  private void giveBack(Connection session, boolean open) {
    try {
      if (open && !session.getAutoCommit()) {
        session.rollback();
      }
      session.setAutoCommit(true);
      synchronized (this) {
        if (!closed) {
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
    Deque<Connection> closing;
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

  /** One caller's use of a session: ends at close, after which the handle refuses every call. */
  private final class Handle implements InvocationHandler {
    private Connection session;
    /** A statement may have run since the last commit or rollback. */
    private boolean open;

    Handle(Connection session) {
      this.session = session;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      switch (name) {
        case "close" -> {
          if (session != null) {
            Connection s = session;
            session = null;
            giveBack(s, open);
          }
          return null;
        }
        case "isClosed" -> {
          return session == null;
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "toString" -> {
          return "a vault database connection";
        }
        default -> {
          // every other call goes to the session
        }
      }
      if (session == null) {
        throw new SQLException("this vault database connection is closed", "08003");
      }
      boolean ends = args == null && (name.equals("commit") || name.equals("rollback"))
          || name.equals("setAutoCommit") && Boolean.TRUE.equals(args[0]);
      if (!ends && !NEUTRAL.contains(name) && !name.equals("setAutoCommit")) {
        open = true;
      }
      try {
        Object result = method.invoke(session, args);
        if (ends) {
          open = false;
        }
        return result;
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

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
