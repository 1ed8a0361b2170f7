package io.kinko.vault.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The stored leaves and entries of the log's positions {@code from} to {@code to}, read forward in
 * step: {@link TailCheck} and {@link VouchedEdge} read them by position, and either is null where
 * its row is missing. The entries are queried on the first one asked for, and both queries fetch in
 * pages (PostgreSQL's driver reads a whole result otherwise).
 */
final class TailRows implements AutoCloseable {
  private static final int PAGE = 1024;
  private final Connection c;
  private final long from;
  private final long to;
  private final PreparedStatement leafRows;
  private final ResultSet leaves;
  private boolean onLeaf;
  private PreparedStatement entryRows;
  private ResultSet entries;
  private boolean onEntry;

  TailRows(Connection c, long from, long to) throws SQLException {
    this.c = c;
    this.from = from;
    this.to = to;
    leafRows = c.prepareStatement("SELECT node, hash FROM log_tree WHERE node >= ? AND node < ? ORDER BY node");
    try {
      leafRows.setFetchSize(PAGE);
      leafRows.setLong(1, DbNodeStore.key(0, from));
      leafRows.setLong(2, DbNodeStore.key(0, to));
      leaves = leafRows.executeQuery();
      onLeaf = leaves.next();
    } catch (SQLException | RuntimeException e) {
      leafRows.close();
      throw e;
    }
  }

  /** The leaf of position {@code seq}; positions are asked in ascending order. */
  byte[] leaf(long seq) throws SQLException {
    long key = DbNodeStore.key(0, seq);
    while (onLeaf && leaves.getLong(1) < key) {
      onLeaf = leaves.next();
    }
    return onLeaf && leaves.getLong(1) == key ? leaves.getBytes(2) : null;
  }

  /** The entry of position {@code seq}; positions are asked in ascending order. */
  byte[] entry(long seq) throws SQLException {
    if (entryRows == null) {
      entryRows = c.prepareStatement("SELECT seq, entry FROM log_entries WHERE seq >= ? AND seq < ? ORDER BY seq");
      entryRows.setFetchSize(PAGE);
      entryRows.setLong(1, from);
      entryRows.setLong(2, to);
      entries = entryRows.executeQuery();
      onEntry = entries.next();
    }
    while (onEntry && entries.getLong(1) < seq) {
      onEntry = entries.next();
    }
    return onEntry && entries.getLong(1) == seq ? entries.getBytes(2) : null;
  }

  @Override
  public void close() throws SQLException {
    try (leafRows; PreparedStatement opened = entryRows) {
      // closing a statement closes its result set
    }
  }
}
