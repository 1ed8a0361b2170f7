package io.kinko.vault.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.kinko.vault.DatabaseAccount;
import io.kinko.vault.VaultException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A vault's metadata on PostgreSQL, for a team whose machines share one vault: a HikariCP pool
 * with bounded waits, every connection committing synchronously, and errors that say whether
 * the server could not be reached or refused the account.
 */
final class Postgres {
  private static final Logger LOG = LoggerFactory.getLogger(Postgres.class);
  static final String PREFIX = "jdbc:postgresql://";
  private static final int POOL_SIZE = 8;
  /** How PostgreSQL spells what the migrations spell differently on each backend ({@link Database#migrate}). */
  private static final Map<String, String> DIALECT = Map.of("entry_as_utf8", "convert_to(entry, 'UTF8')");

  private Postgres() {}

  /** @see DatabaseAccount#requireSharedUrl */
  static String requireUrl(String url) {
    return DatabaseAccount.requireSharedUrl(url);
  }

  /** The URL without its parameters, for messages. */
  static String server(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  static Database open(String url, DatabaseAccount account, boolean creating) {
    requireUrl(url);
    if (account == null) {
      throw new VaultException("a vault on PostgreSQL needs a database account; set " + DatabaseAccount.USER_VARIABLE);
    }
    // The URL comes from the shared folder; whoever can edit kinko.json could point it at a server
    // that asks for the password in clear. A host that pins its database connects nowhere else.
    if (account.pinnedUrl() != null && !account.pinnedUrl().equals(url)) {
      throw new io.kinko.vault.IntegrityException("kinko.json names the database " + server(url) + ", but this host is pinned to "
          + server(account.pinnedUrl()) + " (" + DatabaseAccount.URL_VARIABLE + "): the descriptor was changed; not connecting");
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName("kinko-db");
    config.setJdbcUrl(url);
    config.setUsername(account.user());
    char[] password = account.passwordChars();
    if (password != null) {
      // The driver takes the password as a String and keeps it for new connections (SECURITY.md).
      config.setPassword(new String(password));
    }
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(10_000);
    config.setValidationTimeout(5_000);
    config.setInitializationFailTimeout(1);
    // Durability is the log's promise: a commit returns only once the WAL is flushed. A lock
    // wait (another host appending) is bounded, and so is a lock a vanished client holds: a
    // transaction left idle (a host that died mid-deletion) ends after ten minutes.
    config.setConnectionInitSql("SET synchronous_commit = on; SET lock_timeout = '60s'; "
        + "SET idle_in_transaction_session_timeout = '600s'");
    config.addDataSourceProperty("connectTimeout", "10");
    config.addDataSourceProperty("loginTimeout", "10");
    config.addDataSourceProperty("socketTimeout", "300");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("ApplicationName", "kinko");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      throw refused(url, account.user(), e);
    }
    try {
      checkEncoding(pool, url, creating);
      if (!creating) {
        requireVaultSchema(pool, url);
      }
      Database.migrate(pool, DIALECT);
      warnIfNotDurable(pool, url);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return Database.shared(pool, pool::close);
  }

  /** Says whether the server could not be reached, refused the account, or has no such database. */
  static VaultException refused(String url, String user, Throwable e) {
    SQLException sql = Database.sqlCause(e);
    String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
    // The driver's own words can quote the role, the database and the server's reply; they go
    // to the DEBUG log, the user gets the SQLSTATE and a plain reason.
    LOG.debug("PostgreSQL at {} refused or failed", server(url), e);
    String detail = sql == null ? e.getClass().getSimpleName() : Database.describe(sql);
    if (state.startsWith("28")) {
      return new VaultException("the PostgreSQL server at " + server(url) + " refused the credentials of database user '" + user
          + "': " + detail, e);
    }
    if (state.equals("3D000")) {
      return new VaultException("the PostgreSQL server at " + server(url) + " has no such database: " + detail, e);
    }
    return new VaultException("cannot reach the vault database at " + server(url) + ": " + detail, e);
  }

  /** Opening a vault migrates its schema; a database without one is not this vault's, and stays untouched. */
  private static void requireVaultSchema(HikariDataSource pool, String url) {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() "
             + "AND table_name = 'vault_identity'")) {
      r.next();
      if (r.getLong(1) == 0) {
        throw new io.kinko.vault.IntegrityException("the database " + server(url) + " that kinko.json names holds no Kinko vault");
      }
    } catch (SQLException e) {
      throw refused(url, "?", e);
    }
  }

  /**
   * A vault keeps Unicode text in its columns (names, actors, reasons, much of it Japanese): a
   * database whose encoding is not UTF8 refuses what it cannot encode (EUC_JP, LATIN1) or stores
   * the bytes unchecked (SQL_ASCII). A new vault is refused there, before anything is written; an
   * existing one is opened, with a WARN, so that an upgrade does not lock its users out.
   */
  private static void checkEncoding(HikariDataSource pool, String url, boolean creating) {
    String encoding;
    try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW server_encoding")) {
      encoding = r.next() ? r.getString(1) : "?";
    } catch (SQLException e) {
      throw refused(url, "?", e);
    }
    if (encoding.equalsIgnoreCase("UTF8")) {
      return;
    }
    if (creating) {
      throw new VaultException("the database " + server(url) + " stores text as " + encoding + ", not UTF8: a vault keeps Japanese "
          + "text there; create the database with ENCODING 'UTF8' TEMPLATE template0");
    }
    LOG.warn("the vault database {} stores text as {}, not UTF8: text it cannot encode is refused or stored unchecked; "
        + "move the vault to a UTF8 database", server(url), encoding);
  }

  private static void warnIfNotDurable(HikariDataSource pool, String url) {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW fsync")) {
      if (r.next() && !r.getString(1).toLowerCase(Locale.ROOT).equals("on")) {
        LOG.warn("the PostgreSQL server at {} runs with fsync off: a crash of that server can lose log entries it reported durable",
            server(url));
      }
    } catch (SQLException e) {
      throw refused(url, "?", e);
    }
  }
}
