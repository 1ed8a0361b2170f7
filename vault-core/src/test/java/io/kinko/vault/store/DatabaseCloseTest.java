package io.kinko.vault.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database closes without H2's compaction at every close, and compacts when its file
 * is sparse: a vault used by many short commands keeps a bounded file, and the moved chunks keep
 * their rows. (Tests run with H2's own assertions off, as production does: see the root pom.)
 */
class DatabaseCloseTest {
  @TempDir Path dir;

  @Test
  void manyOpenCloseCycles_whichEachRewriteTheirRows_keepTheFileBounded() throws Exception {
    VaultLayout layout = new VaultLayout(dir.resolve("vault"));
    Path file = layout.database().resolve("kinko.mv.db");
    byte[] filler = new byte[2000];
    long afterFirst = 0;
    long largest = 0;
    for (int n = 0; n < 40; n++) {
      int cycle = n;
      try (Database db = Database.open(layout, null, null, cycle == 0)) {
        db.durably(c -> {
          try (var s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS close_test (id INT PRIMARY KEY, filler VARBINARY(2000))");
            s.execute("DELETE FROM close_test");
          }
          try (PreparedStatement s = c.prepareStatement("INSERT INTO close_test VALUES (?, ?)")) {
            for (int i = 0; i < 100; i++) {
              new java.util.Random(cycle * 1000L + i).nextBytes(filler);
              s.setInt(1, i);
              s.setBytes(2, filler);
              s.addBatch();
            }
            s.executeBatch();
          }
          return null;
        });
      }
      long size = Files.size(file);
      if (cycle == 0) {
        afterFirst = size;
      }
      largest = Math.max(largest, size);
    }
    // 40 cycles each leave about 200 KB of dead rows: without compaction the file would pass 8 MB.
    assertTrue(largest < 4 * afterFirst + (1 << 20), "file grew to " + largest + " bytes from " + afterFirst);
    // The chunks compaction moved still hold the last cycle's rows, byte for byte.
    try (Database db = Database.open(layout, null, null, false)) {
      db.inTransaction(c -> {
        try (var s = c.createStatement(); var r = s.executeQuery("SELECT id, filler FROM close_test ORDER BY id")) {
          for (int i = 0; i < 100; i++) {
            assertTrue(r.next(), "row " + i + " is missing after compaction");
            new java.util.Random(39 * 1000L + i).nextBytes(filler);
            assertEquals(i, r.getInt(1));
            assertArrayEquals(filler, r.getBytes(2), "row " + i);
          }
          assertFalse(r.next());
        }
        return null;
      });
    }
  }
}
