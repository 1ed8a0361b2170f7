package io.kinko.vault.store.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The access log's tree keeps its leaves and the nodes of every fourth level above them ({@code
 * DbNodeStore.STRIDE}); the nodes between are hashed up from the stored ones when a proof needs
 * them. This deletes the rows of the levels no longer stored: about seven in eight of the tree's
 * inner nodes.
 *
 * <p>Why. A verification read every inner node through SQL (a million of them per million entries,
 * a sixth of its CPU) and the log's writer inserted one per entry. Every fourth level leaves about
 * one per fifteen entries.
 *
 * <p>No node a proof or the right edge needs is lost: each is the hash of the stored nodes under it.
 * In Java because the two backends share no SQL for "a level not divisible by 4" of one key (level ·
 * 2^48 + index): each run of such levels is one key range. Safe to run again (a range deleted is
 * empty).
 */
public class V19__log_tree_every_fourth_level extends BaseJavaMigration {
  /** DbNodeStore's: keys of level l start at l · 2^48; every STRIDE-th level is kept. */
  private static final long LEVEL_SPAN = 1L << 48;
  private static final int STRIDE = 4;

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    try (PreparedStatement delete = c.prepareStatement("DELETE FROM log_tree WHERE node >= ? AND node < ?")) {
      for (int level = 1; level < Long.SIZE; level += STRIDE) {
        delete.setLong(1, level * LEVEL_SPAN);
        delete.setLong(2, (level + STRIDE - 1) * LEVEL_SPAN);
        delete.executeUpdate();
      }
    }
  }
}
