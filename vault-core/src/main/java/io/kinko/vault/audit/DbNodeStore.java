package io.kinko.vault.audit;

import io.kinko.vault.VaultException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The Merkle tree's complete-subtree hashes in the {@code log_tree} table, on one connection: one
 * row per node, keyed by {@link #key}, holding its 32 bytes. A batched store (the log's writer)
 * queues its puts and sends them as one JDBC batch in {@link #flush}; a node stored twice fails
 * there on the table's primary key.
 */
final class DbNodeStore implements NodeStore, AutoCloseable {
  /** Indexes below this fit beside the level in one key: 2^48 leaves. */
  private static final long LEVEL_SPAN = 1L << 48;
  private final PreparedStatement select;
  private final PreparedStatement insert;
  private final boolean batched;

  DbNodeStore(Connection connection) throws SQLException {
    this(connection, false);
  }

  DbNodeStore(Connection connection, boolean batched) throws SQLException {
    this.select = connection.prepareStatement("SELECT hash FROM log_tree WHERE node = ?");
    this.insert = connection.prepareStatement("INSERT INTO log_tree (node, hash) VALUES (?, ?)");
    this.batched = batched;
  }

  /**
   * Node (level, index)'s key: level · 2^48 + index. A level's nodes are one range of keys in index
   * order, and a leaf's key is its index (V18 made the old rows' keys by the same formula).
   */
  static long key(int level, long index) {
    if (level < 0 || level >= Long.SIZE || index < 0 || index >= LEVEL_SPAN) {
      throw new IllegalArgumentException("no tree node at level " + level + ", index " + index);
    }
    return level * LEVEL_SPAN + index;
  }

  /** Sends the queued puts of a batched store. */
  void flush() throws SQLException {
    insert.executeBatch();
  }

  @Override
  public byte[] get(int level, long index) {
    try {
      select.setLong(1, key(level, index));
      try (ResultSet r = select.executeQuery()) {
        byte[] hash = r.next() ? r.getBytes(1) : null;
        if (hash != null && hash.length != Merkle.HASH_SIZE) {
          throw new io.kinko.vault.IntegrityException(io.kinko.vault.IncidentRule.INTEGRITY_LOG, "the log's tree node at level " + level + ", index "
              + index + " is " + hash.length + " bytes, not a hash: the database was edited outside Kinko");
        }
        return hash;
      }
    } catch (SQLException e) {
      throw io.kinko.vault.store.Database.failure("cannot read the access log's tree", e);
    }
  }

  /** The stored node, or null if it is missing or not a hash (for a refusal's witnesses, which go on without it). */
  byte[] hashOrNull(int level, long index) {
    try {
      return get(level, index);
    } catch (io.kinko.vault.IntegrityException notAHash) {
      return null;
    }
  }

  @Override
  public void put(int level, long index, byte[] hash) {
    try {
      insert.setLong(1, key(level, index));
      insert.setBytes(2, hash);
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
