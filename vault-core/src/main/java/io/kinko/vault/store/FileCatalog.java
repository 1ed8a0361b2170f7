package io.kinko.vault.store;

import io.kinko.vault.state.StateKind;
import io.kinko.vault.state.VaultState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code files} table: one row per stored file version, found by path tag, never by name.
 * Rows are state ({@link StateKind#FILE}), grouped by path tag, so every version of a path is
 * checked together: a version removed, added back or renumbered outside Kinko is caught before
 * the newest is chosen.
 */
public final class FileCatalog {
  private static final int PATH_TAG = StateKind.FILE.column("path_tag");

  private FileCatalog() {}

  /** One stored file version as the database holds it; the path is inside {@code sealedMeta}. */
  public record Row(String fileId, String pathTag, int version, String sealedMeta, long size, long storedAtMillis, String storedBy) {}

  /** Every version of a path, checked, oldest first. */
  public static List<Row> versions(VaultState state, Connection c, String pathTag) throws SQLException {
    return of(state.rows(c, StateKind.FILE, pathTag), pathTag);
  }

  /** Every version of a path, checked under an update's lock, oldest first. */
  public static List<Row> versions(VaultState.Changes changes, String pathTag) throws SQLException {
    return of(changes.rows(StateKind.FILE, pathTag), pathTag);
  }

  /** The newest version of a path, if any, checked. */
  public static Optional<Row> latest(VaultState state, Connection c, String pathTag) throws SQLException {
    List<Row> all = versions(state, c, pathTag);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** The newest version of each of {@code pathTags} that has one, checked, in {@code pathTags}' order. */
  public static List<Row> latestOfEach(VaultState state, Connection c, Collection<String> pathTags) throws SQLException {
    Map<Integer, List<List<String>>> buckets = state.rowsOfEach(c, StateKind.FILE, pathTags);
    List<Row> out = new ArrayList<>();
    for (String pathTag : pathTags) {
      List<Row> all = of(buckets.get(state.bucket(StateKind.FILE, pathTag)), pathTag);
      if (!all.isEmpty()) {
        out.add(all.get(all.size() - 1));
      }
    }
    return out;
  }

  /** The newest version of every path in the vault, checked. */
  public static List<Row> latestOfEach(VaultState state, Connection c) throws SQLException {
    Map<String, Row> newest = new TreeMap<>();
    for (List<String> v : state.all(c, StateKind.FILE)) {
      Row r = row(v);
      newest.merge(r.pathTag(), r, (a, b) -> a.version() >= b.version() ? a : b);
    }
    return new ArrayList<>(newest.values());
  }

  /**
   * Inserts {@code row} as the path's next version, set by the log entry {@code logSeq}, and
   * returns that version. The update holds the state lock, so no other writer numbers the path
   * meanwhile, on this host or another.
   */
  public static int insertAsNextVersion(Connection c, VaultState.Changes changes, Row row, long logSeq) throws SQLException {
    int bucket = changes.touch(StateKind.FILE, row.pathTag());
    int version = versions(changes, row.pathTag()).stream().mapToInt(Row::version).max().orElse(0) + 1;
    try (PreparedStatement s = c.prepareStatement("INSERT INTO files (file_id, path_tag, version, sealed_meta, size_bytes, stored_at, "
        + "stored_by, log_seq, bucket) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, row.fileId());
      s.setString(2, row.pathTag());
      s.setInt(3, version);
      s.setString(4, row.sealedMeta());
      s.setLong(5, row.size());
      s.setLong(6, row.storedAtMillis());
      s.setString(7, row.storedBy());
      s.setLong(8, logSeq);
      s.setInt(9, bucket);
      s.executeUpdate();
    }
    return version;
  }

  /** Removes the rows of {@code rows} (a deletion), locking them first; returns the ids not found. */
  public static List<String> remove(Connection c, VaultState.Changes changes, Collection<Row> rows) throws SQLException {
    List<String> missing = new ArrayList<>();
    for (Row r : rows) {
      changes.touch(StateKind.FILE, r.pathTag());
      try (PreparedStatement s = c.prepareStatement("DELETE FROM files WHERE file_id = ?")) {
        s.setString(1, r.fileId());
        if (s.executeUpdate() == 0) {
          missing.add(r.fileId());
        }
      }
    }
    return missing;
  }

  /**
   * The path tags that the folder index places below {@code folderTag}: unchecked hints. The
   * caller reads each path's versions checked and keeps those whose sealed path lies below the
   * folder.
   */
  public static List<String> pathTagsInFolder(Connection c, String folderTag) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT f.path_tag FROM files f JOIN file_folders x ON x.file_id = f.file_id "
        + "WHERE x.folder_tag = ?")) {
      s.setString(1, folderTag);
      try (ResultSet r = s.executeQuery()) {
        List<String> out = new ArrayList<>();
        while (r.next()) {
          out.add(r.getString(1));
        }
        return out;
      }
    }
  }

  /** Up to {@code limit} versions after {@code afterFileId}, in file id order, that have no folder index rows (unchecked). */
  static List<Row> unindexedAfter(Connection c, String afterFileId, int limit) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT file_id, path_tag, version, sealed_meta, size_bytes, stored_at, stored_by "
        + "FROM files f WHERE f.file_id > ? AND NOT EXISTS (SELECT 1 FROM file_folders x WHERE x.file_id = f.file_id) ORDER BY f.file_id")) {
      s.setString(1, afterFileId);
      s.setMaxRows(limit);
      try (ResultSet r = s.executeQuery()) {
        List<Row> rows = new ArrayList<>();
        while (r.next()) {
          rows.add(new Row(r.getString(1), r.getString(2), r.getInt(3), r.getString(4), r.getLong(5), r.getLong(6), r.getString(7)));
        }
        return rows;
      }
    }
  }

  private static List<Row> of(List<List<String>> values, String pathTag) {
    List<Row> out = new ArrayList<>();
    for (List<String> v : values) {
      if (v.get(PATH_TAG).equals(pathTag)) {
        out.add(row(v));
      }
    }
    out.sort(Comparator.comparingInt(Row::version));
    return out;
  }

  private static Row row(List<String> v) {
    return new Row(v.get(0), v.get(1), Integer.parseInt(v.get(2)), v.get(3), Long.parseLong(v.get(4)), Long.parseLong(v.get(5)), v.get(6));
  }
}
