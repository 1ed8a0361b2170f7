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
  /** URL parameters that would put a credential into kinko.json. */
  private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)[?&](user|password|sslpassword)=");
  private static final int POOL_SIZE = 8;

  private Postgres() {}

  /**
   * Checks that {@code url} names a PostgreSQL database and carries no credential.
   *
   * @throws IllegalArgumentException if it does not
   */
  static String requireUrl(String url) {
    if (url == null || !url.startsWith(PREFIX) || url.length() == PREFIX.length()) {
      throw new IllegalArgumentException("a shared vault database is named by a jdbc:postgresql://HOST[:PORT]/DATABASE URL");
    }
    if (url.length() > 1000 || url.chars().anyMatch(ch -> ch < 0x21 || ch == 0x7f)) {
      throw new IllegalArgumentException("the database URL is too long or contains spaces or control characters");
    }
    if (SECRET_PARAMETER.matcher(url).find()) {
      throw new IllegalArgumentException("the database URL must not carry user or password parameters: kinko.json is not a place for "
          + "credentials; set " + DatabaseAccount.USER_VARIABLE + " and " + DatabaseAccount.PASSWORD_FILE_VARIABLE + " instead");
    }
    return url;
  }

  /** The URL without its parameters, for messages. */
  static String server(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  static Database open(String url, DatabaseAccount account) {
    requireUrl(url);
    if (account == null) {
      throw new VaultException("a vault on PostgreSQL needs a database account; set " + DatabaseAccount.USER_VARIABLE);
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
    // wait (another host appending, another deletion of the same batch) is bounded.
    config.setConnectionInitSql("SET synchronous_commit = on; SET lock_timeout = '60s'");
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
      Database.migrate(pool);
      warnIfNotDurable(pool, url);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return Database.shared(pool, pool::close);
  }

  /** Says whether the server could not be reached, refused the account, or has no such database. */
  static VaultException refused(String url, String user, Throwable e) {
    SQLException sql = sqlCause(e);
    String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
    String detail = sql == null ? Database.rootMessage(e) : sql.getMessage();
    if (state.startsWith("28")) {
      return new VaultException("the PostgreSQL server at " + server(url) + " refused the credentials of database user '" + user
          + "': " + detail, e);
    }
    if (state.equals("3D000")) {
      return new VaultException("the PostgreSQL server at " + server(url) + " has no such database: " + detail, e);
    }
    return new VaultException("cannot reach the vault database at " + server(url) + ": " + detail, e);
  }

  private static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
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
