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
   * @throws SQLException if the database refused the commit: it rolled the change back
   * @throws OutcomeUnknownException if the connection failed (SQLSTATE class 08, or none) once the
   *     commit was sent: the server may have carried it out
   */
  public static void of(Connection c) throws SQLException {
    try {
      c.commit();
    } catch (SQLException e) {
      String state = e.getSQLState();
      if (state == null || state.isEmpty() || state.startsWith("08")) {
        throw new OutcomeUnknownException("the database's answer to a commit was lost (SQLSTATE "
            + (state == null || state.isEmpty() ? "unknown" : state) + "): the change may be stored", e);
      }
      throw e;
    }
  }
}
