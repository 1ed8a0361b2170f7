package io.kinko.vault.store;

import io.kinko.vault.VaultException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The metadata database: connections and the versioned schema. The SQL in the migrations and
 * the repositories is portable between H2 (the embedded default) and PostgreSQL.
 */
public final class Database implements AutoCloseable {
  private final JdbcConnectionPool pool;

  private Database(JdbcConnectionPool pool) {
    this.pool = pool;
  }

  /**
   * Opens (creating on first use) the embedded H2 database of a vault and migrates its schema.
   *
   * @throws VaultException if the database cannot be opened, for example while another process holds it
   */
  public static Database openEmbedded(VaultLayout layout) {
    // A long write delay: nothing reaches the disk by accident of timing. Whatever must be
    // durable (log batches, file rows) is forced explicitly with forceToDisk.
    String url = "jdbc:h2:file:" + layout.database().resolve("kinko") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=60000";
    JdbcConnectionPool pool = JdbcConnectionPool.create(url, "kinko", "");
    try {
      migrate(pool);
      writeOwner(layout);
    } catch (VaultException e) {
      pool.dispose();
      if (inUse(e)) {
        throw new VaultException("vault " + layout.root() + " is in use by " + owner(layout)
            + "; H2 lets one process open a vault at a time", e);
      }
      throw e;
    }
    return new Database(pool);
  }

  /** H2 refuses a database file another process holds with error 90020. */
  private static boolean inUse(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getErrorCode() == 90020) {
        return true;
      }
    }
    return false;
  }

  /** Records who holds the database, so that a second process can say who is in the way. */
  private static void writeOwner(VaultLayout layout) {
    String owner = "process " + ProcessHandle.current().pid() + " on host " + io.kinko.vault.ClientInfo.of("owner").host()
        + " since " + java.time.Instant.now() + "\n";
    try {
      java.nio.file.Files.writeString(layout.database().resolve("owner"), owner);
    } catch (java.io.IOException e) {
      // Only the wording of a later in-use error depends on it.
    }
  }

  private static String owner(VaultLayout layout) {
    try {
      return java.nio.file.Files.readString(layout.database().resolve("owner")).strip();
    } catch (java.io.IOException e) {
      return "another process";
    }
  }

  private static void migrate(DataSource dataSource) {
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:io/kinko/vault/store/migration")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new VaultException("cannot open the vault database: " + rootMessage(e), e);
    }
  }

  public DataSource dataSource() {
    return pool;
  }

  /** Runs {@code work} in one transaction, committed when it returns and rolled back when it throws. */
  public <T> T inTransaction(SqlWork<T> work) {
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new VaultException("vault database error: " + e.getMessage(), e);
    }
  }

  /** Like {@link #inTransaction}, and the commit is on disk when this returns. */
  public <T> T durably(SqlWork<T> work) {
    T result = inTransaction(work);
    inTransaction(c -> {
      forceToDisk(c);
      return null;
    });
    return result;
  }

  /**
   * Forces everything committed so far onto the disk. H2 commits to its in-memory store and
   * writes later; only {@code CHECKPOINT SYNC} writes and fsyncs, so the log calls this after
   * each group commit before telling any caller that its entry is durable.
   */
  public void forceToDisk(Connection connection) throws SQLException {
    try (java.sql.Statement s = connection.createStatement()) {
      s.execute("CHECKPOINT SYNC");
    }
  }

  /** A connection with auto-commit off, for callers that manage their own transaction. */
  public Connection connection() throws SQLException {
    Connection c = pool.getConnection();
    c.setAutoCommit(false);
    return c;
  }

  /** A unit of database work. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  @Override
  public void close() {
    pool.dispose();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
