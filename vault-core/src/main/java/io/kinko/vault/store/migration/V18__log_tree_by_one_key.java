package io.kinko.vault.store.migration;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The access log's tree nodes keyed by one number and stored as their 32 bytes: {@code log_tree
 * (node, hash)} replaces {@code log_nodes (lvl, idx, hash)}, where node = lvl · 2^48 + idx.
 *
 * <p>Why. A two-column primary key is no row key to H2: it kept a hidden row id and a second index
 * on (lvl, idx), so every node (two per entry) cost two B-tree inserts, two undo records and two
 * commits of them, and the hash went in and out as 64 hex characters. Leaves keep their index as
 * their key (level 0), so a range of leaves is a range of keys.
 *
 * <p>In Java because the two backends share no SQL that turns hex into bytes (H2's {@code
 * HEXTORAW} makes characters). A hash that is not hex, or null (the row edited outside Kinko),
 * becomes no bytes at all, which matches no leaf: the verifier refuses that entry as altered, as
 * it did. A row at a level or index where no node can be was never read before; under one key it
 * could stand for another node, so it is refused as an edit before anything changes.
 *
 * <p>Safe to run again: H2 commits each CREATE and DROP as it runs them, so a run that failed or
 * was killed halfway leaves both tables, and the next one starts the copy over. Without the old
 * table the copy is done (only the run's record in Flyway's history failed).
 */
public class V18__log_tree_by_one_key extends BaseJavaMigration {
  private static final HexFormat HEX = HexFormat.of();
  private static final int BATCH = 4_096;

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    if (!hasTable(c, "log_nodes")) {
      return;
    }
    try (Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT lvl, idx FROM log_nodes WHERE lvl < 0 OR lvl > 63 OR idx < 0 OR idx >= 281474976710656")) {
      if (r.next()) {
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log's tree holds a node at level " + r.getLong(1) + ", index " + r.getLong(2)
            + ", where no node can be: its database was edited outside Kinko (nothing was migrated; restore the database from a backup)");
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS log_tree");
      s.execute("CREATE TABLE log_tree (node BIGINT NOT NULL PRIMARY KEY, hash BYTEA NOT NULL)");
    }
    try (PreparedStatement read = c.prepareStatement("SELECT lvl * 281474976710656 + idx, hash FROM log_nodes");
         PreparedStatement write = c.prepareStatement("INSERT INTO log_tree (node, hash) VALUES (?, ?)")) {
      read.setFetchSize(BATCH); // PostgreSQL streams the rows instead of holding them all (it does inside a transaction)
      int queued = 0;
      try (ResultSet r = read.executeQuery()) {
        while (r.next()) {
          write.setLong(1, r.getLong(1));
          write.setBytes(2, bytesOf(r.getString(2)));
          write.addBatch();
          if (++queued == BATCH) {
            write.executeBatch();
            queued = 0;
          }
        }
      }
      write.executeBatch();
    }
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE log_nodes");
    }
  }

  private static boolean hasTable(Connection c, String name) throws SQLException {
    java.sql.DatabaseMetaData meta = c.getMetaData();
    String stored = meta.storesUpperCaseIdentifiers() ? name.toUpperCase(java.util.Locale.ROOT) : name;
    String escape = meta.getSearchStringEscape();
    try (ResultSet r = meta.getTables(c.getCatalog(), literal(c.getSchema(), escape), literal(stored, escape), new String[] {"TABLE"})) {
      return r.next();
    }
  }

  /** {@code name} as a metadata search pattern that matches only itself ({@code _} and {@code %} are wildcards there). */
  private static String literal(String name, String escape) {
    return name == null ? null : name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
  }

  private static byte[] bytesOf(String hex) {
    try {
      return HEX.parseHex(hex);
    } catch (IllegalArgumentException | NullPointerException e) {
      return new byte[0];
    }
  }
}
