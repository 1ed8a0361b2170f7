package io.kinko.vault.store.migration;

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
 * commits of them, and the hash went in and out as 64 hex characters. The log's filler spent a
 * quarter of its time on the nodes, and a verification an eighth of its page readers' on the
 * leaves' hex. Leaves keep their index as their key (level 0), so a range of leaves is a range of
 * keys.
 *
 * <p>In Java because the two backends share no SQL that turns hex into bytes (H2's {@code
 * HEXTORAW} makes characters). A hash that is not hex (a row edited outside Kinko) becomes no
 * bytes at all, which matches no leaf: the verifier refuses that entry as altered, as it did.
 */
public class V18__log_tree_by_one_key extends BaseJavaMigration {
  private static final HexFormat HEX = HexFormat.of();
  private static final int BATCH = 4_096;

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    try (Statement s = c.createStatement()) {
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

  private static byte[] bytesOf(String hex) {
    try {
      return HEX.parseHex(hex);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }
}
