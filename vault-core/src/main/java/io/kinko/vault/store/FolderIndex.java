package io.kinko.vault.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code file_folders} table: the keyed tags of the folders each stored version lies in, so
 * that listing a folder reads the rows below it and no others. A row is a hint, never a proof:
 * the lister opens each version's sealed path and keeps the version only if it really lies below
 * the folder, so an edited row can hide a file from a listing but never show one elsewhere. Rows
 * are written in the transaction that inserts their files row and dropped in the one that
 * deletes it.
 */
public final class FolderIndex {
  /** Versions read per page while filling in a vault whose rows predate the index. */
  private static final int FILL_PAGE = 1000;

  private FolderIndex() {}

  /** Records that version {@code fileId} lies in each folder of {@code folderTags}. */
  static void add(Connection c, String fileId, List<String> folderTags) throws SQLException {
    if (folderTags.isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement("INSERT INTO file_folders (folder_tag, file_id) VALUES (?, ?)")) {
      for (String tag : folderTags) {
        s.setString(1, tag);
        s.setString(2, fileId);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** Drops the rows of these versions; call it in the transaction that deletes their files rows. */
  public static void remove(Connection c, List<String> fileIds) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM file_folders WHERE file_id = ?")) {
      for (String id : fileIds) {
        s.setString(1, id);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** True once every version stored before the index existed has its rows. */
  static boolean filled(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT filled_at FROM file_folders_state WHERE id = 1");
         ResultSet r = s.executeQuery()) {
      return r.next() && r.getObject(1) != null;
    }
  }

  /**
   * Gives every version without rows its rows, once per vault: the first session after the
   * migration does it, holding the marker row's lock so that two processes do not do it together.
   * {@code folderTags} names a row's folders, or is empty for a row whose sealed path does not open
   * (such a version fails when it is read; it is left out of folder listings). Returns the number
   * of versions given rows (those in the root folder need none and are counted too).
   */
  static int fill(Database database, Function<FileCatalog.Row, Optional<List<String>>> folderTags) {
    if (database.inTransaction(FolderIndex::filled)) {
      return 0; // the usual case, read without the lock and the forced write (a CHECKPOINT SYNC) of every login
    }
    return database.durably(c -> {
      try (PreparedStatement lock = c.prepareStatement("SELECT filled_at FROM file_folders_state WHERE id = 1 FOR UPDATE");
           ResultSet r = lock.executeQuery()) {
        if (!r.next()) {
          try (PreparedStatement s = c.prepareStatement("INSERT INTO file_folders_state (id, filled_at) VALUES (1, NULL)")) {
            s.executeUpdate();
          }
        } else if (r.getObject(1) != null) {
          return 0;
        }
      }
      int filled = 0;
      String after = "";
      for (List<FileCatalog.Row> page = FileCatalog.unindexedAfter(c, after, FILL_PAGE); !page.isEmpty();
           page = FileCatalog.unindexedAfter(c, after, FILL_PAGE)) {
        for (FileCatalog.Row row : page) {
          Optional<List<String>> tags = folderTags.apply(row);
          if (tags.isPresent()) {
            add(c, row.fileId(), tags.get());
            filled++;
          }
        }
        after = page.get(page.size() - 1).fileId();
      }
      try (PreparedStatement s = c.prepareStatement("UPDATE file_folders_state SET filled_at = ? WHERE id = 1")) {
        s.setLong(1, System.currentTimeMillis());
        s.executeUpdate();
      }
      return filled;
    });
  }
}
