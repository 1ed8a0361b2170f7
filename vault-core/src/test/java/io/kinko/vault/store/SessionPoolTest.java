package io.kinko.vault.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded pool hands a session on with nothing of its last caller's transaction in it, and
 * keeps the session's parsed statements across callers who ended theirs.
 */
class SessionPoolTest {
  @TempDir Path dir;
  private SessionPool pool;

  @BeforeEach
  void open() throws SQLException {
    pool = new SessionPool("jdbc:h2:file:" + dir.resolve("pool") + ";DB_CLOSE_ON_EXIT=FALSE");
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
    }
  }

  @AfterEach
  void close() {
    pool.close();
  }

  @Test
  void aHandleClosedMidTransaction_leavesNothingForTheNextCallerToCommit() throws SQLException {
    Object session;
    try (Connection c = pool.getConnection()) {
      session = sessionOf(c);
      c.setAutoCommit(false);
      insert(c, 1);
    }
    try (Connection c = pool.getConnection()) {
      assertSame(session, sessionOf(c), "the pool hands the idle session on");
      c.setAutoCommit(false);
      insert(c, 2);
      c.commit();
    }
    assertEquals(java.util.List.of(2), ids());
  }

  @Test
  void aHandle_startsWithAutoCommitOn_whateverTheLastCallerLeft() throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      insert(c, 1);
      c.commit();
    }
    try (Connection c = pool.getConnection()) {
      assertTrue(c.getAutoCommit());
      insert(c, 2);
    }
    assertEquals(java.util.List.of(1, 2), ids());
  }

  @Test
  void aClosedHandle_refusesEveryCall_andCannotCloseTheSessionItGaveBack() throws SQLException {
    Connection c = pool.getConnection();
    Object session = sessionOf(c);
    c.close();
    c.close();
    assertTrue(c.isClosed());
    assertThrows(SQLException.class, c::createStatement);
    try (Connection next = pool.getConnection()) {
      assertSame(session, sessionOf(next), "the session went back to the pool once");
      assertFalse(next.isClosed());
      try (Connection other = pool.getConnection()) {
        assertTrue(sessionOf(other) != session, "a session closed twice was put back twice");
      }
    }
  }

  @Test
  void aStatementRunAgainAfterACommit_isRolledBackWhenItsHandleCloses() throws SQLException {
    // The handle's own calls do not show the second insert: only the session can say it is pending.
    try (Connection c = pool.getConnection(); var s = c.prepareStatement("INSERT INTO t (id) VALUES (?)")) {
      c.setAutoCommit(false);
      s.setInt(1, 1);
      s.executeUpdate();
      c.commit();
      s.setInt(1, 2);
      s.executeUpdate();
    }
    assertEquals(java.util.List.of(1), ids());
  }

  @Test
  void aStatementKeptPastItsHandlesClose_cannotRunOnTheSessionsNextCaller() throws SQLException {
    Connection c = pool.getConnection();
    var kept = c.prepareStatement("INSERT INTO t (id) VALUES (?)");
    c.close();
    try (Connection next = pool.getConnection()) {
      next.setAutoCommit(false);
      assertThrows(SQLException.class, () -> {
        kept.setInt(1, 9);
        kept.executeUpdate();
      });
      next.commit();
    }
    assertEquals(java.util.List.of(), ids());
  }

  @Test
  void aCommittedTransaction_keepsTheSessionsParsedStatements() throws Exception {
    String select = "SELECT id FROM t WHERE id = ?";
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (var s = c.prepareStatement(select)) {
        s.setInt(1, 1);
        s.executeQuery().close();
      }
      c.commit();
    }
    try (Connection c = pool.getConnection()) {
      // H2's own pool rolled back here, which empties the cache; the reason this pool exists
      assertTrue(parsedStatements(c).containsKey(select), "cache: " + parsedStatements(c).keySet());
    }
  }

  @Test
  void closingThePool_closesIdleSessionsAtOnce_andABusyOneWhenItsHandleCloses() throws SQLException {
    Connection idle = pool.getConnection();
    Connection busy = pool.getConnection();
    SessionLocal idleSession = (SessionLocal) sessionOf(idle);
    SessionLocal busySession = (SessionLocal) sessionOf(busy);
    idle.close();
    pool.close();
    assertTrue(idleSession.isClosed());
    assertFalse(busySession.isClosed());
    busy.close();
    assertTrue(busySession.isClosed());
    assertThrows(SQLException.class, pool::getConnection);
  }

  @Test
  void aBurstOfCallers_leavesAtMostMaxIdleSessionsOpen_andTheFirstReturnedAreKept() throws SQLException {
    java.util.List<Connection> burst = new java.util.ArrayList<>();
    for (int i = 0; i < SessionPool.MAX_IDLE + 10; i++) {
      burst.add(pool.getConnection());
    }
    assertEquals(SessionPool.MAX_IDLE + 10, openSessions(burst.get(0)));
    java.util.List<SessionLocal> sessions = new java.util.ArrayList<>();
    for (Connection c : burst) {
      sessions.add((SessionLocal) sessionOf(c));
      c.close();
    }
    assertEquals(SessionPool.MAX_IDLE, sessions.stream().filter(s -> !s.isClosed()).count());
    assertTrue(sessions.subList(0, SessionPool.MAX_IDLE).stream().noneMatch(SessionLocal::isClosed));
    try (Connection c = pool.getConnection()) {
      assertEquals(SessionPool.MAX_IDLE, openSessions(c));
      assertTrue(sessions.contains((SessionLocal) sessionOf(c)), "a new session was opened while idle ones waited");
    }
  }

  private static long openSessions(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static void insert(Connection c, int id) throws SQLException {
    try (var s = c.prepareStatement("INSERT INTO t (id) VALUES (?)")) {
      s.setInt(1, id);
      s.executeUpdate();
    }
  }

  private java.util.List<Integer> ids() throws SQLException {
    java.util.List<Integer> ids = new java.util.ArrayList<>();
    try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT id FROM t ORDER BY id")) {
      while (r.next()) {
        ids.add(r.getInt(1));
      }
    }
    return ids;
  }

  private static Object sessionOf(Connection c) throws SQLException {
    return c.unwrap(JdbcConnection.class).getSession();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> parsedStatements(Connection c) throws Exception {
    SessionLocal session = (SessionLocal) sessionOf(c);
    java.lang.reflect.Field cache = SessionLocal.class.getDeclaredField("queryCache");
    cache.setAccessible(true);
    return (Map<String, ?>) cache.get(session);
  }
}
