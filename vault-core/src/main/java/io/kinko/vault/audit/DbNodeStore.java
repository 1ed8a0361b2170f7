package io.kinko.vault.audit;

import io.kinko.vault.VaultException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The Merkle tree's complete-subtree hashes in the {@code log_tree} table, on one connection: one
 * row per node of a {@linkplain #stored stored level}, keyed by {@link #key}, holding its 32 bytes.
 * A node of another level is the hash of the stored nodes under it, read as one key range and
 * hashed up when it is asked for. A batched store (the log's writer) queues its puts and sends
 * them as one JDBC batch in {@link #flush}; a node stored twice fails there on the table's
 * primary key.
 */
final class DbNodeStore implements NodeStore, AutoCloseable {
  /** Indexes below this fit beside the level in one key: 2^48 leaves. */
  private static final long LEVEL_SPAN = 1L << 48;
  /**
   * Every how many levels nodes are stored. A log of n entries then holds n leaves and about n / 15
   * inner nodes instead of n - 1: a verification reads (and checks) a fifteenth of the inner nodes,
   * an append inserts one row per entry instead of two, and a node between stored levels costs a
   * proof one read of at most 8 rows in a row instead of one (V19, benchmarks/README session 27).
   */
  static final int STRIDE = 4;
  private final PreparedStatement select;
  private final PreparedStatement selectRange;
  private final PreparedStatement insert;
  private final boolean batched;
  private final java.security.MessageDigest sha256 = Merkle.sha256Digest();

  DbNodeStore(Connection connection) throws SQLException {
    this(connection, false);
  }

  DbNodeStore(Connection connection, boolean batched) throws SQLException {
    this.select = connection.prepareStatement("SELECT hash FROM log_tree WHERE node = ?");
    this.selectRange = connection.prepareStatement("SELECT node, hash FROM log_tree WHERE node >= ? AND node < ?");
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

  /** Whether nodes of {@code level} are rows of {@code log_tree}: the leaves and every {@link #STRIDE}th level above. */
  static boolean stored(int level) {
    return level % STRIDE == 0;
  }

  /** Sends the queued puts of a batched store. */
  void flush() throws SQLException {
    insert.executeBatch();
  }

  @Override
  public byte[] get(int level, long index) {
    key(level, index); // refuses a node that cannot be
    try {
      return stored(level) ? one(level, index) : hashedUp(level, index);
    } catch (SQLException e) {
      throw io.kinko.vault.store.Database.failure("cannot read the access log's tree", e);
    }
  }

  private byte[] one(int level, long index) throws SQLException {
    select.setLong(1, key(level, index));
    try (ResultSet r = select.executeQuery()) {
      return r.next() ? checked(level, index, r.getBytes(1)) : null;
    }
  }

  /**
   * Node (level, index) of a level that is not stored: the 2^d nodes under it at the stored level d
   * below, hashed up pairwise; null unless all of them are stored (the node is not complete yet).
   */
  private byte[] hashedUp(int level, long index) throws SQLException {
    int below = level - level % STRIDE;
    int width = 1 << (level - below);
    long firstKey = key(below, index << (level - below));
    byte[][] hashes = new byte[width][];
    selectRange.setLong(1, firstKey);
    selectRange.setLong(2, firstKey + width);
    try (ResultSet r = selectRange.executeQuery()) {
      while (r.next()) {
        int at = (int) (r.getLong(1) - firstKey);
        hashes[at] = checked(below, (index << (level - below)) + at, r.getBytes(2));
      }
    }
    for (; width > 1; width /= 2) {
      for (int i = 0; i < width / 2; i++) {
        if (hashes[2 * i] == null || hashes[2 * i + 1] == null) {
          return null;
        }
        hashes[i] = Merkle.nodeHash(sha256, hashes[2 * i], hashes[2 * i + 1]);
      }
    }
    return hashes[0];
  }

  private static byte[] checked(int level, long index, byte[] hash) {
    if (hash != null && hash.length != Merkle.HASH_SIZE) {
      throw new io.kinko.vault.IntegrityException(io.kinko.vault.IncidentRule.INTEGRITY_LOG, "the log's tree node at level " + level + ", index "
          + index + " is " + hash.length + " bytes, not a hash: the database was edited outside Kinko");
    }
    return hash;
  }

  @Override
  public void put(int level, long index, byte[] hash) {
    if (!stored(level)) {
      return; // hashed up from the level below when asked for
    }
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
    selectRange.close();
    insert.close();
  }
}
