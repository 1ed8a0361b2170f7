package io.kinko.vault.state;

import io.kinko.vault.OutcomeUnknownException;
import java.sql.Connection;
import java.sql.SQLException;

/** A transaction's commit, telling a refused commit from one whose answer never came. */
public final class Commit {
  private Commit() {}

  /**
   * Commits {@code c}.
   *
   * <p>A commit is taken as refused only when the database answered with an error and the
   * connection lived on: an error at COMMIT that ends the session may come after the commit
   * record (PostgreSQL turns any failure past it, an fsync of the WAL that fails too, into a PANIC
   * with SQLSTATE XX000 or 58030, and replays the commit when it restarts). pgjdbc reports such an
   * answer with the server's SQLSTATE first and the connection's failure (08006) chained as its
   * next exception, and marks the connection closed, as Hikari then does too.
   *
   * @throws SQLException if the database refused the commit: it rolled the change back
   * @throws OutcomeUnknownException if the connection failed (SQLSTATE class 08, or none, in the
   *     failure or any exception chained to it, or the connection closed by it) once the commit
   *     was sent: the server may have carried it out
   */
  public static void of(Connection c) throws SQLException {
    try {
      c.commit();
    } catch (SQLException e) {
      String state = e.getSQLState();
      if (connectionFailed(e) || closed(c)) {
        throw new OutcomeUnknownException("the database's answer to a commit was lost (SQLSTATE "
            + (state == null || state.isEmpty() ? "unknown" : state) + "): the change may be stored", e);
      }
      throw e;
    }
  }

  /** Whether {@code e}, or an exception chained to it, says the connection failed (class 08, or no SQLSTATE). */
  private static boolean connectionFailed(SQLException e) {
    int depth = 0;
    for (SQLException x = e; x != null && depth < 16; x = x.getNextException(), depth++) {
      String state = x.getSQLState();
      if (state == null || state.isEmpty() || state.startsWith("08")) {
        return true;
      }
    }
    return false;
  }

  /** Whether the failed commit left the connection closed; one that cannot even say is taken as closed. */
  private static boolean closed(Connection c) {
    try {
      return c.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }
}
