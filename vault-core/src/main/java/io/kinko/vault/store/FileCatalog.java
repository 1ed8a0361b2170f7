package io.kinko.vault.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code files} table: one row per stored file version, found by path tag, never by name. */
public final class FileCatalog {
  private static final String COLUMNS = "file_id, path_tag, version, sealed_meta, size_bytes, stored_at, stored_by";

  private FileCatalog() {}

  /** One stored file version as the database holds it; the path is inside {@code sealedMeta}. */
  public record Row(String fileId, String pathTag, int version, String sealedMeta, long size, long storedAtMillis, String storedBy) {}

  /** The number the next version of {@code pathTag} gets. */
  public static int nextVersion(Connection c, String pathTag) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT MAX(version) FROM files WHERE path_tag = ?")) {
      s.setString(1, pathTag);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1) + 1;
      }
    }
  }

  /**
   * Inserts {@code row} as the path's next version and returns that version. Two processes
   * putting the same path at once both read the same next number; the loser of the unique key
   * takes the number after the winner's, so both versions are kept.
   */
  public static int insertAsNextVersion(Connection c, Row row) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      int version = nextVersion(c, row.pathTag());
      java.sql.Savepoint before = c.setSavepoint();
      try {
        insert(c, new Row(row.fileId(), row.pathTag(), version, row.sealedMeta(), row.size(), row.storedAtMillis(), row.storedBy()));
        c.releaseSavepoint(before);
        return version;
      } catch (SQLException e) {
        if (!Database.isUniqueViolation(e) || attempt == 10) {
          throw e;
        }
        c.rollback(before);
      }
    }
  }

  public static void insert(Connection c, Row row) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO files (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, row.fileId());
      s.setString(2, row.pathTag());
      s.setInt(3, row.version());
      s.setString(4, row.sealedMeta());
      s.setLong(5, row.size());
      s.setLong(6, row.storedAtMillis());
      s.setString(7, row.storedBy());
      s.executeUpdate();
    }
  }

  /** The newest version of a path, if any. */
  public static Optional<Row> latest(Connection c, String pathTag) throws SQLException {
    List<Row> rows = query(c, "SELECT " + COLUMNS + " FROM files WHERE path_tag = ? ORDER BY version DESC", pathTag, 1);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /** Every version of a path, oldest first. */
  public static List<Row> versions(Connection c, String pathTag) throws SQLException {
    return query(c, "SELECT " + COLUMNS + " FROM files WHERE path_tag = ? ORDER BY version", pathTag, Integer.MAX_VALUE);
  }

  /** The newest version of every path in the vault. */
  public static List<Row> latestOfEach(Connection c) throws SQLException {
    return query(c, "SELECT " + COLUMNS + " FROM files f WHERE version = "
        + "(SELECT MAX(g.version) FROM files g WHERE g.path_tag = f.path_tag)", null, Integer.MAX_VALUE);
  }

  /** The newest version of every path that the folder index places below {@code folderTag}; the caller checks each path. */
  public static List<Row> latestInFolder(Connection c, String folderTag) throws SQLException {
    return query(c, "SELECT " + COLUMNS + " FROM files f WHERE f.file_id IN "
        + "(SELECT x.file_id FROM file_folders x WHERE x.folder_tag = ?) "
        + "AND f.version = (SELECT MAX(g.version) FROM files g WHERE g.path_tag = f.path_tag)", folderTag, Integer.MAX_VALUE);
  }

  /** Up to {@code limit} versions after {@code afterFileId}, in file id order, that have no folder index rows. */
  static List<Row> unindexedAfter(Connection c, String afterFileId, int limit) throws SQLException {
    return query(c, "SELECT " + COLUMNS + " FROM files f WHERE f.file_id > ? "
        + "AND NOT EXISTS (SELECT 1 FROM file_folders x WHERE x.file_id = f.file_id) ORDER BY f.file_id", afterFileId, limit);
  }

  private static List<Row> query(Connection c, String sql, String pathTag, int limit) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      if (pathTag != null) {
        s.setString(1, pathTag);
      }
      s.setMaxRows(limit == Integer.MAX_VALUE ? 0 : limit);
      try (ResultSet r = s.executeQuery()) {
        List<Row> rows = new ArrayList<>();
        while (r.next()) {
          rows.add(new Row(r.getString(1), r.getString(2), r.getInt(3), r.getString(4), r.getLong(5), r.getLong(6), r.getString(7)));
        }
        return rows;
      }
    }
  }
}
