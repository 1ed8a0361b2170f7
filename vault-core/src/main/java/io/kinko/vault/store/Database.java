package io.kinko.vault.store;

import io.kinko.vault.DatabaseAccount;
import io.kinko.vault.VaultException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The metadata database: connections and the versioned schema. One schema and one set of
 * migrations serve both backends: H2 embedded in the vault folder (the default, one process at a
 * time) and PostgreSQL (several processes on several hosts; the URL is in {@code kinko.json},
 * the account comes from each process's environment).
 */
public final class Database implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Database.class);

  private final DataSource pool;
  private final AutoCloseable closer;
  private final boolean embedded;
  private final java.nio.file.Path journal;
  private final java.util.List<AutoCloseable> closeFirst = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  /** Set once {@link #close} has closed everything: a later use is the application's, through a session it still holds. */
  private volatile boolean shut;
  /** Runs before every unit of work hands out a connection: see {@link #beforeEachUse}. */
  private volatile Runnable beforeUse = () -> {};

  private Database(DataSource pool, AutoCloseable closer, boolean embedded, java.nio.file.Path journal) {
    this.pool = pool;
    this.closer = closer;
    this.embedded = embedded;
    this.journal = journal;
  }

  /**
   * Opens the database a vault's descriptor names: its embedded H2 when {@code url} is null,
   * else the PostgreSQL database at {@code url} as {@code account}. Only a vault being created
   * may find no vault's schema there; opening never creates one in a database that holds none.
   */
  public static Database open(VaultLayout layout, String url, DatabaseAccount account, boolean creating) {
    if (url == null) {
      try (Interrupts.Held held = Interrupts.holdBack()) { // H2 gives up a wait for a lock when interrupted
        return openEmbedded(layout);
      }
    }
    requirePostgresSupport();
    return Postgres.open(url, account, creating);
  }

  /** The classes a vault on PostgreSQL needs, which only vault-postgres brings (vault-core's are optional). */
  private static final List<String> POSTGRES_CLASSES = List.of("org.postgresql.Driver",
      "com.zaxxer.hikari.HikariDataSource", "org.flywaydb.database.postgresql.PostgreSQLDatabaseType");

  private static void requirePostgresSupport() {
    for (String name : POSTGRES_CLASSES) {
      try {
        Class.forName(name, false, Database.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        // no URL in the message: naming the server would load Postgres, which needs the classes missing here
        throw new VaultException("the vault database is on PostgreSQL, but this application has no PostgreSQL"
            + " support (" + name + " is missing): add io.kinko:vault-postgres beside vault-core", e);
      }
    }
  }

  /**
   * Opens (creating on first use) the embedded H2 database of a vault and migrates its schema.
   *
   * @throws VaultException if the database cannot be opened, for example while another process holds it
   */
  private static Database openEmbedded(VaultLayout layout) {
    // A long write delay: nothing reaches the disk by accident of timing. Whatever must be
    // durable (log batches, file rows) is forced explicitly with forceToDisk. No compaction at
    // close by H2's own rule, which moved chunks (a train of about 12 fsyncs) at nearly every
    // close of a small vault: close compacts when the file is sparse (compactIfSparse).
    // H2 opens the file through UninterruptedFilePath: an interrupted caller does not close it (nor drop its lock).
    String url = embeddedUrl(layout.root()) + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=60000;LOCK_TIMEOUT=60000;MAX_COMPACT_TIME=0";
    // H2 creates its files with the umask's mode; the folder is made 0700 before it creates
    // anything, and what it made is made 0600 once it has made it.
    try {
      PrivateFiles.createDirectories(layout.database());
    } catch (java.io.IOException e) {
      throw new VaultException("cannot make " + layout.database() + " private: " + FileStore.describe(e), e);
    }
    // The vault's own lock first (VaultLock: H2's lock on its file drops when this process closes any descriptor of it).
    VaultLock.Share lock = VaultLock.take(layout.database()).orElseThrow(() -> inUse(layout, null));
    SessionPool pool = null;
    try {
      pool = new SessionPool(url);
      migrate(pool, H2_DIALECT);
      writeOwner(layout);
      tightenFiles(layout);
    } catch (RuntimeException | Error e) {
      try {
        if (pool != null) {
          pool.close();
        }
      } finally {
        lock.release();
      }
      if (e instanceof RuntimeException r && inUse(r)) {
        throw inUse(layout, r);
      }
      throw e;
    }
    SessionPool opened = pool;
    return new Database(opened, () -> {
      try {
        compactIfSparse(opened);
        opened.close();
      } finally {
        lock.release();
      }
    }, true, layout.database().resolve("log.journal"));
  }

  /** The error of a second process (or a program other than Kinko) opening the vault while one has it open. */
  private static VaultException inUse(VaultLayout layout, Exception cause) {
    return new VaultException("vault " + layout.root() + " is in use by " + owner(layout) + "; one process at a time may open a vault", cause);
  }

  /**
   * The JDBC URL of the embedded database of the vault at {@code vaultDir}, as the vault opens it
   * (H2 knows an open database by this name: a connection by another name to the same file is
   * refused while the vault has it open).
   */
  public static String embeddedUrl(java.nio.file.Path vaultDir) {
    return UninterruptedFilePath.url(new VaultLayout(vaultDir).database().resolve("kinko"));
  }

  /** Below this percentage of live data in the file, or in its chunks, the close compacts. */
  static final int COMPACT_BELOW_FILL_PERCENT = 50;
  /** How long a close may spend compacting: H2's own default for its compaction at close. */
  private static final int COMPACT_MILLIS = 200;

  /**
   * Compacts the embedded store before it closes when at least half of the file, or of its
   * chunks, is dead space, as H2's close would on every close: so the file stays within about
   * twice its live data, while the usual close of a short command writes its last chunk alone.
   * Compaction is H2's own (it moves whole chunks and syncs before it frees the old ones); a
   * failure here leaves the store as it was, and the close goes on.
   */
  private static void compactIfSparse(SessionPool pool) {
    try (Connection c = pool.getConnection()) {
      if (c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession() instanceof org.h2.engine.SessionLocal local) {
        org.h2.mvstore.MVStore store = local.getDatabase().getStore().getMvStore();
        org.h2.mvstore.FileStore<?> file = store.getFileStore();
        if (file != null && !file.isReadOnly()
            && (file.getFillRate() < COMPACT_BELOW_FILL_PERCENT || file.getChunksFillRate() < COMPACT_BELOW_FILL_PERCENT)) {
          store.compactFile(COMPACT_MILLIS);
        }
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("the vault database was not compacted at close: {}", e.toString());
    }
  }

  /**
   * Checks a PostgreSQL URL before it goes into {@code kinko.json}: it must name a database and
   * carry no user or password.
   *
   * @throws IllegalArgumentException if it does not
   */
  public static String requireSharedUrl(String url) {
    requirePostgresSupport();
    return Postgres.requireUrl(url);
  }

  /**
   * Ties the database to the vault {@code vaultId}: a new vault claims an empty database, an
   * existing one must find its own id there, so a descriptor pointed at another vault's database
   * is refused before anything is read or written. Only an embedded database made before the
   * identity row existed is claimed on open.
   *
   * @throws VaultException if a new vault's database already belongs to a vault
   * @throws io.kinko.vault.IntegrityException if the database belongs to another vault, or to none
   */
  public void bindTo(String vaultId, boolean creating) {
    String found = inTransaction(c -> {
      try (java.sql.PreparedStatement s = c.prepareStatement("SELECT vault_id FROM vault_identity WHERE id = 1");
           java.sql.ResultSet r = s.executeQuery()) {
        if (r.next()) {
          return r.getString(1);
        }
      }
      if (!creating && !embedded) {
        return "";
      }
      try (java.sql.PreparedStatement s = c.prepareStatement("INSERT INTO vault_identity (id, vault_id, bound_at) VALUES (1, ?, ?)")) {
        s.setString(1, vaultId);
        s.setLong(2, System.currentTimeMillis());
        s.executeUpdate();
      } catch (SQLException e) {
        if (isUniqueViolation(e)) {
          return "(another vault created at the same moment)";
        }
        throw e;
      }
      return null;
    });
    if (found == null || found.equals(vaultId) && !creating) {
      return;
    }
    if (creating) {
      throw new VaultException("the database already holds vault " + found + "; a new vault needs an empty database or schema");
    }
    if (found.isEmpty()) {
      throw new io.kinko.vault.IntegrityException("the database kinko.json names holds no Kinko vault");
    }
    throw new io.kinko.vault.IntegrityException("the database holds vault " + found + ", not " + vaultId
        + ": kinko.json names another vault's database");
  }

  /** Gives the database back after a vault's creation failed part-way, so that it can be retried. */
  public void unbind(String vaultId) {
    inTransaction(c -> {
      try (java.sql.PreparedStatement s = c.prepareStatement("DELETE FROM vault_identity WHERE id = 1 AND vault_id = ?")) {
        s.setString(1, vaultId);
        s.executeUpdate();
      }
      return null;
    });
  }

  /**
   * Whether the schema is {@link #LATEST_SCHEMA}, its last migration a success.
   *
   * @throws VaultException if a later version of Kinko migrated it further: this one would read and
   *     write columns whose type it does not know (V17 made the log's entries bytes), and Flyway by
   *     default lets a schema ahead of its migrations pass
   */
  private static boolean current(DataSource dataSource) {
    String version;
    boolean success;
    try (Connection c = dataSource.getConnection();
         java.sql.PreparedStatement s = c.prepareStatement("SELECT \"version\", \"success\" FROM \"flyway_schema_history\" "
             + "ORDER BY \"installed_rank\" DESC")) {
      s.setMaxRows(1);
      try (java.sql.ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return false;
        }
        version = r.getString(1);
        success = r.getBoolean(2);
      }
    } catch (SQLException e) {
      return false; // no history yet: a new database, which Flyway creates
    }
    if (version != null && version.matches("[0-9]{1,9}") && Integer.parseInt(version) > LATEST_SCHEMA) {
      throw new VaultException("the vault database's schema is version " + version + ", newer than this version of Kinko knows ("
          + LATEST_SCHEMA + "): open it with the version of Kinko that upgraded it, or a later one");
    }
    return success && String.valueOf(LATEST_SCHEMA).equals(version);
  }

  /** Wraps a migrated PostgreSQL pool; see {@link Postgres}. */
  static Database shared(DataSource pool, AutoCloseable closer) {
    return new Database(pool, closer, false, null);
  }

  /** A unique key was violated: SQLSTATE 23505, the same on H2 and PostgreSQL. */
  static boolean isUniqueViolation(SQLException e) {
    return "23505".equals(e.getSQLState());
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
      // Not through a link planted in its place: it would write over the link's target.
      java.nio.file.Files.writeString(layout.database().resolve("owner"), owner, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    } catch (java.io.IOException e) {
      // Only the wording of a later in-use error depends on it.
    }
  }

  private static void tightenFiles(VaultLayout layout) {
    try {
      PrivateFiles.tightenFilesIn(layout.database());
    } catch (java.io.IOException e) {
      throw new VaultException("cannot make the files in " + layout.database() + " private: " + FileStore.describe(e), e);
    }
  }

  private static String owner(VaultLayout layout) {
    try {
      return java.nio.file.Files.readString(layout.database().resolve("owner")).strip();
    } catch (java.io.IOException e) {
      return "another process";
    }
  }

  /** The newest schema version this build knows; {@code DatabaseSchemaTest} holds it to the migration files. */
  static final int LATEST_SCHEMA = 20;

  /** How H2 spells what the migrations spell differently on each backend ({@link #migrate}). */
  private static final Map<String, String> H2_DIALECT = Map.of("entry_as_utf8", "STRINGTOUTF8(entry)");

  /**
   * Brings the schema to {@link #LATEST_SCHEMA}. {@code dialect} holds the Flyway placeholders for
   * the little the two backends spell differently: {@code entry_as_utf8}, the expression that
   * turns V17's text column {@code entry} into its UTF-8 bytes.
   */
  static void migrate(DataSource dataSource, Map<String, String> dialect) {
    if (current(dataSource)) {
      return; // Flyway's scan and validation cost every command hundreds of milliseconds for nothing
    }
    try {
      Flyway flyway = Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:io/kinko/vault/store/migration")
          .placeholders(dialect)
          .loggers(FlywayLog.class.getName()) // its INFO lines are DEBUG: a normal open logs nothing above
          .load();
      if (failedRunRecorded(dataSource)) {
        // H2 commits DDL as it runs it, so Flyway records a failed migration there and refuses every later
        // run until it is repaired. V18 and V19, the ones an existing vault runs with this build, are written to be
        // run again; another that fails again says why, instead of "run repair", which no user can.
        flyway.repair();
      }
      flyway.migrate();
    } catch (FlywayException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof io.kinko.vault.IntegrityException refused) {
          throw refused; // a migration found the database edited outside Kinko
        }
      }
      SQLException sql = sqlCause(e);
      if (sql != null) {
        LOG.debug("cannot open the vault database", e);
      }
      throw new VaultException("cannot open the vault database: " + (sql == null ? rootMessage(e) : describe(sql)), e);
    }
  }

  /** Whether Flyway's history records a failed migration (no history at all: a new database). */
  private static boolean failedRunRecorded(DataSource dataSource) {
    try (Connection c = dataSource.getConnection();
         java.sql.Statement s = c.createStatement();
         java.sql.ResultSet r = s.executeQuery("SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE NOT \"success\"")) {
      return r.next() && r.getLong(1) > 0;
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Runs {@code work} in one transaction, committed when it returns and rolled back when it throws;
   * the thread's interrupt is held back meanwhile ({@link Interrupts}): H2 gives up a wait for a
   * row's lock when interrupted, and the journal's steps in it open their file again.
   */
  public <T> T inTransaction(SqlWork<T> work) {
    requireOpen();
    try (Interrupts.Held held = Interrupts.holdBack()) {
      beforeUse.run();
      try (Connection connection = pool.getConnection()) {
        connection.setAutoCommit(false);
        T result;
        try {
          result = work.run(connection);
        } catch (SQLException | RuntimeException e) {
          rollback(connection, e);
          throw e;
        }
        commit(connection);
        return result;
      } catch (SQLException e) {
        throw failure("vault database error", e);
      }
    }
  }

  /** Commits; a refused commit is rolled back here too, so that the connection goes back to the pool clean. */
  private static void commit(Connection connection) throws SQLException {
    try {
      io.kinko.vault.state.Commit.of(connection);
    } catch (SQLException e) {
      rollback(connection, e);
      throw e;
    }
  }

  /** Rolls back after {@code failure}, which stays the one reported (a broken connection cannot roll back). */
  private static void rollback(Connection connection, Exception failure) {
    try {
      connection.rollback();
    } catch (SQLException again) {
      failure.addSuppressed(again);
    }
  }

  /**
   * A database failure as a user may read it: {@code what}, the SQLSTATE and a plain reason.
   * Drivers put the statement and its values into their messages (H2 quotes the SQL, PostgreSQL
   * the offending key), and those can hold personal data or key material, so the driver's
   * message goes only to the DEBUG log; the exception keeps it as its cause for {@code --debug}.
   */
  public static VaultException failure(String what, SQLException e) {
    LOG.debug("{}", what, e);
    String io = systemReason(e);
    String said = io == null ? "" : (STOPPED.equals(e.getSQLState()) ? "; what stopped it: " : ", ") + io;
    return new VaultException(what + ": " + (interrupted(e) ? "the thread was interrupted, " : "") + describe(e) + said, e);
  }

  /**
   * H2's DATABASE_IS_CLOSED: every call fails with it once H2 closed its store, until the database
   * is opened again, even once the cause is gone. A failed write (a full disk) is one cause, and
   * then the system's reason is in the chain; a page that could not be read back (a damaged file)
   * and a session whose database H2 shut down after such a failure (no cause attached) are others,
   * so the reason names no cause of its own and advises no "make room".
   */
  private static final String STOPPED = "90098";

  /**
   * What the operating system said when the database's own file could not be written ("No space
   * left on device"), or null: the reason alone, never the driver's text around it.
   */
  private static String systemReason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
        return f.getReason();
      }
      if (t.getClass() == java.io.IOException.class && t.getMessage() != null) {
        return t.getMessage(); // FileChannel's errors are the system's words alone
      }
    }
    return null;
  }

  /** Whether {@code e} came of the thread's interrupt (H2 turns one that stops a wait of its own into an error). */
  private static boolean interrupted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException || t instanceof java.nio.channels.ClosedByInterruptException) {
        return true;
      }
    }
    return false;
  }

  /** The SQLSTATE of {@code e} and what its class means, with nothing from the driver's message. */
  public static String describe(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    return "SQLSTATE " + (state.isEmpty() ? "unknown" : state) + " (" + reason(state) + ")";
  }

  /** Plain words for an SQLSTATE (SQL:2016 classes, plus the codes H2 and PostgreSQL use for locks). */
  static String reason(String state) {
    switch (state) {
      case "23505": return "a unique key is already taken";
      case "23502": return "a required value is missing";
      case "23503": return "a referenced row is missing";
      case "40001": return "the transaction conflicted with another and was rolled back";
      case "40P01": return "a deadlock was detected and the transaction rolled back";
      case "55P03": case "HYT00": return "a lock could not be obtained in time";
      case "57014": return "the statement was cancelled or timed out";
      case STOPPED: return "the embedded database closed its file after a failure and answers nothing until the vault is opened again: close it, "
          + "remedy the failure if one is named, and open the vault again";
      default: break;
    }
    String kind = state.length() < 2 ? "" : state.substring(0, 2);
    switch (kind) {
      case "08": return "the connection to the database failed";
      case "22": return "a value does not fit its column";
      case "23": return "a constraint of the schema was violated";
      case "25": return "the transaction is in an invalid state";
      case "28": return "the database refused the account";
      case "3D": return "no such database";
      case "40": return "the transaction was rolled back";
      case "42": return "the schema does not match what this version of Kinko expects";
      case "53": return "the database server is out of resources";
      case "54": return "a limit of the database was exceeded";
      case "57": return "the database server stopped the operation";
      case "58": return "the database server had a system error";
      case "90": case "HY": return "the embedded database reported an error";
      default: return "the database reported an error";
    }
  }

  /** Like {@link #inTransaction}, and the commit is on disk when this returns. */
  public <T> T durably(SqlWork<T> work) {
    T result = inTransaction(work);
    forceCommitted();
    return result;
  }

  /**
   * Forces what this process committed onto the disk: the second half of {@link #durably}, for a
   * caller that must know the commit itself returned (a put's blobs are its rows' from then on).
   *
   * @throws io.kinko.vault.IntegrityException if the log's check before any use of the database
   *     fails, as it does for every use
   * @throws io.kinko.vault.OutcomeUnknownException if the commit cannot be forced: it may be
   *     stored, or lost at a crash
   */
  public void forceCommitted() {
    try {
      inTransaction(c -> {
        forceToDisk(c);
        return null;
      });
    } catch (io.kinko.vault.IntegrityException e) {
      throw e;
    } catch (VaultException e) {
      throw new io.kinko.vault.OutcomeUnknownException(e.getMessage() + "; the change was committed and not forced to disk: it may be stored", e);
    }
  }

  /**
   * Forces everything committed so far onto the disk. H2 commits to its in-memory store and
   * writes later; only {@code CHECKPOINT SYNC} writes and fsyncs. The access log does not need it
   * per batch (its journal is synced instead); state changes and checkpoints do. PostgreSQL's
   * commit has already flushed the write-ahead log (every connection sets {@code
   * synchronous_commit} on), so there it does nothing.
   */
  public void forceToDisk(Connection connection) throws SQLException {
    if (!embedded) {
      return;
    }
    try (java.sql.Statement s = connection.createStatement()) {
      s.execute("CHECKPOINT SYNC");
    }
  }

  /**
   * The access log's journal file, beside the embedded database: where an entry is durable on
   * H2, whose commits reach the disk only at a checkpoint. Empty on PostgreSQL, whose commit is
   * durable and which several hosts share, so that no one host's file can be the log's truth.
   */
  public java.util.Optional<java.nio.file.Path> journalFile() {
    return java.util.Optional.ofNullable(journal);
  }

  /**
   * Runs {@code barrier} before every {@link #inTransaction} and {@link #connection}: the access
   * log's wait until the database holds every entry its journal acknowledged, so that no reader
   * sees the log behind what an append already returned. One barrier; a second replaces it.
   */
  public void beforeEachUse(Runnable barrier) {
    this.beforeUse = java.util.Objects.requireNonNull(barrier, "barrier");
  }

  /** Closes {@code resource} (the log's journal) when the database closes, before it. */
  public void closeWith(AutoCloseable resource) {
    closeFirst.add(resource);
  }

  /** A connection with auto-commit off, for callers that manage their own transaction. */
  public Connection connection() throws SQLException {
    requireOpen();
    beforeUse.run();
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
    if (!closed.compareAndSet(false, true)) {
      return; // a second close would leave the shared log again, and let go of the vault's lock again
    }
    try {
      for (AutoCloseable c : closeFirst) {
        c.close();
      }
      closer.close();
    } catch (Exception e) {
      throw new VaultException("cannot close the vault database: " + e.getMessage(), e);
    } finally {
      shut = true;
    }
  }

  /**
   * Refuses a use of this database after {@link #close}: a session its application still holds
   * after closing the vault, or a login then. Without it the closed pool or journal said
   * "SQLSTATE unknown" or "cannot take back a failed batch from the log journal", which read as
   * damage; nothing is read, written or logged.
   */
  public void requireOpen() {
    if (shut) {
      throw new VaultException("the vault is closed: open it again to use it");
    }
  }

  /** The first SQLException in {@code e}'s causes, or null. */
  static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
