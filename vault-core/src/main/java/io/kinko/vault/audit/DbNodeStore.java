package io.kinko.vault.audit;

import io.kinko.vault.VaultException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * The Merkle tree's complete-subtree hashes in the {@code log_nodes} table, on one connection.
 * A batched store (the log's writer) queues its puts and sends them as one JDBC batch in {@link
 * #flush}; a node stored twice fails there on the table's primary key.
 */
final class DbNodeStore implements NodeStore, AutoCloseable {
  private static final HexFormat HEX = HexFormat.of();
  private final PreparedStatement select;
  private final PreparedStatement insert;
  private final boolean batched;

  DbNodeStore(Connection connection) throws SQLException {
    this(connection, false);
  }

  DbNodeStore(Connection connection, boolean batched) throws SQLException {
    this.select = connection.prepareStatement("SELECT hash FROM log_nodes WHERE lvl = ? AND idx = ?");
    this.insert = connection.prepareStatement("INSERT INTO log_nodes (lvl, idx, hash) VALUES (?, ?, ?)");
    this.batched = batched;
  }

  /** Sends the queued puts of a batched store. */
  void flush() throws SQLException {
    insert.executeBatch();
  }

  @Override
  public byte[] get(int level, long index) {
    try {
      select.setInt(1, level);
      select.setLong(2, index);
      try (ResultSet r = select.executeQuery()) {
        return r.next() ? HEX.parseHex(r.getString(1)) : null;
      }
    } catch (SQLException e) {
      throw io.kinko.vault.store.Database.failure("cannot read the access log's tree", e);
    }
  }

  @Override
  public void put(int level, long index, byte[] hash) {
    try {
      insert.setInt(1, level);
      insert.setLong(2, index);
      insert.setString(3, HEX.formatHex(hash));
      if (batched) {
        insert.addBatch();
      } else {
        insert.executeUpdate();
      }
    } catch (SQLException e) {
      throw io.kinko.vault.store.Database.failure("cannot write the access log's tree", e);
    }
  }

  @Override
  public void close() throws SQLException {
    select.close();
    insert.close();
  }
}
