package io.kinko.vault;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The database backend the vault tests run on, chosen by {@code -Dkinko.test.backend}: {@code h2}
 * (each vault's embedded file, the default) or {@code postgres} (a real PostgreSQL server from
 * Maven Central, started once per test JVM; each vault gets a schema of its own).
 */
final class TestDatabase {
  static final String BACKEND = System.getProperty("kinko.test.backend", "h2");
  static final String USER = "postgres";
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static EmbeddedPostgres server;

  private TestDatabase() {}

  static boolean postgres() {
    return BACKEND.equals("postgres");
  }

  /** The shared server, started on first use and stopped when the JVM exits. */
  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        // Durable as in production: the embedded server's own defaults are fsync and synchronous_commit off.
        server = EmbeddedPostgres.builder().setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
      }
      EmbeddedPostgres started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException e) {
          // The JVM is exiting; the server's temp folder is cleaned on the next start.
        }
      }));
    }
    return server;
  }

  /** A URL naming a new, empty schema on {@code pg}, for one vault. */
  static String newSchema(EmbeddedPostgres pg) {
    String schema = "vault_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + schema, e);
    }
    return "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?currentSchema=" + schema;
  }

  /** The account tests connect with: the server trusts local connections. */
  static DatabaseAccount account() {
    return DatabaseAccount.withoutPassword(USER);
  }

  /** What a child JVM needs in its environment to open a vault on the test server (an H2 vault ignores it). */
  static Map<String, String> environment() {
    return Map.of(DatabaseAccount.USER_VARIABLE, USER);
  }

  /** A direct connection to a vault's database, around the library, as an attacker or a DBA has. */
  static Connection connect(Path vaultDir) throws SQLException {
    String url = databaseUrl(vaultDir);
    if (url == null) {
      // An open vault fills its database behind the log's journal: edit it where the filler is
      // done, as an edit of the files at rest would, not in the middle of a fill.
      io.kinko.vault.audit.FillerHook.awaitAllFilled();
      return DriverManager.getConnection(io.kinko.vault.store.Database.embeddedUrl(vaultDir), "kinko", "");
    }
    return DriverManager.getConnection(url, USER, "");
  }

  /**
   * Edits stored log entries as someone who can write the database would: every row {@code where}
   * (SQL after WHERE) selects gets, as its entry, the UTF-8 bytes of {@code edit} applied to the
   * text of the bytes it holds. Returns how many rows the edit changed.
   */
  static int editEntries(Connection c, String where, UnaryOperator<String> edit) throws SQLException {
    Map<Long, byte[]> edited = new TreeMap<>();
    try (ResultSet r = c.createStatement().executeQuery("SELECT seq, entry FROM log_entries WHERE " + where)) {
      while (r.next()) {
        String before = new String(r.getBytes(2), StandardCharsets.UTF_8);
        String after = edit.apply(before);
        if (!after.equals(before)) {
          edited.put(r.getLong(1), after.getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    for (Map.Entry<Long, byte[]> e : edited.entrySet()) {
      setEntry(c, e.getKey(), e.getValue());
    }
    return edited.size();
  }

  /** {@link #editEntries} of the one entry {@code seq}. */
  static int editEntry(Connection c, long seq, UnaryOperator<String> edit) throws SQLException {
    return editEntries(c, "seq = " + seq, edit);
  }

  /** Writes {@code bytes} as the stored entry {@code seq}, whatever they are. */
  static void setEntry(Connection c, long seq, byte[] bytes) throws SQLException {
    setOne(c, "UPDATE log_entries SET entry = ? WHERE seq = ?", bytes, seq);
  }

  /** Rewrites the stored leaf (the level-0 node of {@code log_tree}, keyed by its index) of entry {@code seq}. */
  static void setLeaf(Connection c, long seq, byte[] leaf) throws SQLException {
    setNode(c, seq, leaf);
  }

  /** Rewrites the stored tree node of key {@code node} (level · 2^48 + index), whatever {@code hash} is. */
  static void setNode(Connection c, long node, byte[] hash) throws SQLException {
    setOne(c, "UPDATE log_tree SET hash = ? WHERE node = ?", hash, node);
  }

  private static void setOne(Connection c, String update, byte[] bytes, long key) throws SQLException {
    try (PreparedStatement u = c.prepareStatement(update)) {
      u.setBytes(1, bytes);
      u.setLong(2, key);
      if (u.executeUpdate() != 1) {
        throw new IllegalStateException("no row " + key + " to update: " + update);
      }
    }
  }

  /** Deletes every tree node over a leaf at or after {@code size}: what the tree of {@code size} leaves does not hold. */
  static void deleteNodesFrom(Connection c, long size) throws SQLException {
    long span = 1L << 48; // DbNodeStore.key: level * 2^48 + index
    try (PreparedStatement s = c.prepareStatement("DELETE FROM log_tree WHERE (MOD(node, ?) + 1) * POWER(2, node / ?) > ?")) {
      s.setLong(1, span);
      s.setLong(2, span);
      s.setLong(3, size);
      s.executeUpdate();
    }
  }

  /** {@code bytes} with the byte at {@code at} replaced by {@code with}: an entry's bytes as an edit of the database leaves them. */
  static byte[] splice(byte[] bytes, int at, byte[] with) {
    byte[] out = new byte[bytes.length - 1 + with.length];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(with, 0, out, at, with.length);
    System.arraycopy(bytes, at + 1, out, at + with.length, bytes.length - at - 1);
    return out;
  }

  /** The text of the stored entry {@code seq}. */
  static String entryText(Connection c, long seq) throws SQLException {
    try (ResultSet r = c.createStatement().executeQuery("SELECT entry FROM log_entries WHERE seq = " + seq)) {
      if (!r.next()) {
        throw new IllegalStateException("no stored log entry " + seq);
      }
      return new String(r.getBytes(1), StandardCharsets.UTF_8);
    }
  }

  /** Puts a vault's database back as it was when this was taken: a restored old backup. */
  interface Backup {
    void restore() throws IOException, SQLException;
  }

  /**
   * Takes a backup of a vault's database: H2's files copied aside into {@code scratch}, or on
   * PostgreSQL copies of the log's tables in a schema of their own.
   */
  static Backup backup(Path vaultDir, Path scratch) throws IOException, SQLException {
    String url = databaseUrl(vaultDir);
    if (url == null) {
      Path db = vaultDir.resolve("db");
      LogRollbackTest.copyTree(db, Files.createDirectories(scratch));
      return () -> {
        LogRollbackTest.deleteTree(db);
        LogRollbackTest.copyTree(scratch, db);
      };
    }
    String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    String copy = schema + "_backup";
    String[] tables = {"log_entries", "log_tree", "log_head", "log_checkpoints"};
    try (Connection c = connect(vaultDir)) {
      c.createStatement().execute("CREATE SCHEMA " + copy);
      for (String t : tables) {
        c.createStatement().execute("CREATE TABLE " + copy + "." + t + " AS SELECT * FROM " + schema + "." + t);
      }
    }
    return () -> {
      try (Connection c = connect(vaultDir)) {
        for (String t : tables) {
          c.createStatement().execute("DELETE FROM " + schema + "." + t);
          c.createStatement().execute("INSERT INTO " + schema + "." + t + " SELECT * FROM " + copy + "." + t);
        }
      }
    };
  }

  /** The database URL in a vault's kinko.json, or null for embedded H2. */
  static String databaseUrl(Path vaultDir) {
    try {
      JsonObject o = JsonParser.parseString(Files.readString(vaultDir.resolve("kinko.json"))).getAsJsonObject();
      return o.has("database") ? o.get("database").getAsString() : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Undoes V17: the log's entries back to the text column they were before it, so that a test can
   * run an older migration's statement on them. {@link #entriesAsBytes} does V17 again.
   */
  static void entriesAsText(Connection c) throws SQLException {
    c.createStatement().executeUpdate("ALTER TABLE log_entries ALTER COLUMN entry SET DATA TYPE VARCHAR(8000) USING "
        + (postgres() ? "convert_from(entry, 'UTF8')" : "UTF8TOSTRING(entry)"));
  }

  /** Runs V17's statement as Flyway would on this backend: the entries' text becomes their UTF-8 bytes. */
  static void entriesAsBytes(Connection c) throws SQLException {
    String sql;
    try (var in = TestDatabase.class.getResourceAsStream("/io/kinko/vault/store/migration/V17__log_entry_as_its_bytes.sql")) {
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    sql = sql.substring(sql.indexOf("ALTER TABLE"), sql.lastIndexOf(';'))
        .replace("${entry_as_utf8}", postgres() ? "convert_to(entry, 'UTF8')" : "STRINGTOUTF8(entry)");
    c.createStatement().executeUpdate(sql);
  }

  /**
   * Undoes V18 and the migrations after it: the tree's nodes back in {@code log_nodes (lvl, idx,
   * hash)}, each hash as 64 hex digits, no table of imports and no import lock, and their rows in
   * Flyway's history gone, so that the next opening migrates them again.
   */
  static void nodesAsHex(Connection c) throws SQLException {
    String hex = postgres() ? "encode(hash, 'hex')" : "LOWER(RAWTOHEX(hash))";
    for (String statement : new String[] {
        "DELETE FROM state_nodes WHERE kind = 'IMPORT'", "DROP TABLE imports", "DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '20'", // V20
        "DROP TABLE import_lock", "DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '19'", // V19
        "CREATE TABLE log_nodes (lvl INTEGER NOT NULL, idx BIGINT NOT NULL, hash CHAR(64) NOT NULL, PRIMARY KEY (lvl, idx))",
        "INSERT INTO log_nodes SELECT CAST(node / 281474976710656 AS INTEGER), MOD(node, 281474976710656), " + hex + " FROM log_tree",
        "DROP TABLE log_tree",
        "DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '18'"}) {
      c.createStatement().executeUpdate(statement);
    }
  }

  /**
   * Undoes V11 and every later migration of an embedded vault, as if it were made by a version whose
   * schema ended at V10. A new migration adds its undo here, newest first.
   */
  static void backToSchema10(Connection c) throws java.sql.SQLException {
    nodesAsHex(c); // V20, V19, V18
    entriesAsText(c); // V17 (V16 only filled a column)
    String[] undo = {
        "DROP TABLE alert_deliveries", // V15
        "DROP INDEX log_entries_action_time", "DROP TABLE incident_watch", // V14
        "DROP INDEX log_entries_action", // V13
        "DELETE FROM state_nodes WHERE kind = 'SETTING'", "DROP TABLE settings", // V12
        "ALTER TABLE deletions DROP COLUMN approver", // V11
        "DELETE FROM \"flyway_schema_history\" WHERE CAST(\"version\" AS INTEGER) > 10",
    };
    for (String statement : undo) {
      c.createStatement().executeUpdate(statement);
    }
  }

  /** Every row of {@code table}, each column by its lower-case name, values as JDBC gives them. */
  static List<Map<String, Object>> rows(Connection c, String table) throws SQLException {
    try (ResultSet r = c.createStatement().executeQuery("SELECT * FROM " + table)) {
      java.sql.ResultSetMetaData m = r.getMetaData();
      List<Map<String, Object>> out = new java.util.ArrayList<>();
      while (r.next()) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        for (int i = 1; i <= m.getColumnCount(); i++) {
          row.put(m.getColumnName(i).toLowerCase(java.util.Locale.ROOT), r.getObject(i));
        }
        out.add(row);
      }
      return out;
    }
  }

  /** Every row of {@code tables} in the vault at {@code vaultDir}, each with its table's name under "#table". */
  static List<Map<String, Object>> snapshot(Path vaultDir, List<String> tables) throws SQLException {
    List<Map<String, Object>> out = new java.util.ArrayList<>();
    try (Connection c = connect(vaultDir)) {
      for (String table : tables) {
        for (Map<String, Object> row : rows(c, table)) {
          row.put("#table", table);
          out.add(row);
        }
      }
    }
    return out;
  }

  /** Inserts {@code row} (column names to values) into {@code table}. */
  static void insert(Connection c, String table, Map<String, Object> row) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " (" + String.join(", ", row.keySet()) + ") VALUES ("
        + String.join(", ", java.util.Collections.nCopies(row.size(), "?")) + ")")) {
      int i = 1;
      for (Object value : row.values()) {
        s.setObject(i++, value);
      }
      s.executeUpdate();
    }
  }
}
