package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vault's database compaction (H2's, which Kinko runs when the file is half dead space) killed
 * at any write loses nothing: the vault opens, its log verifies, every file reads back byte for
 * byte, the deleted stay deleted, and no INCIDENT is raised. The child halts before its Nth
 * write, so every write before it reached the file, as after SIGKILL. It compacts to the end where
 * a close allows 200 ms (the next close goes on): more moves, so more places to be cut.
 */
class CompactionCrashTest {
  @TempDir Path dir;

  @Test
  void aCompactionKilledAtAnyOfFiveOfItsWrites_losesNothing() throws Exception {
    Path vault = dir.resolve("vault");
    TestVaults.create(vault).close();
    // Rows that will be dead space, written before the vault's own work so that its chunks come after them.
    try (Connection c = database(vault); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE compaction_filler (id INT PRIMARY KEY, b VARBINARY(100000))");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO compaction_filler VALUES (?, ?)")) {
        for (int i = 0; i < 40; i++) {
          insert.setInt(1, i);
          insert.setBytes(2, TestVaults.randomBytes(i, 100_000));
          insert.executeUpdate(); // one commit, and so one chunk, each
        }
      }
    }
    Map<String, byte[]> kept = new TreeMap<>();
    try (Vault v = TestVaults.open(vault); Session s = TestVaults.login(v)) {
      for (int i = 0; i < 30; i++) {
        byte[] content = TestVaults.randomBytes(1000 + i, 3000 + 97 * i);
        TestVaults.put(s, "台帳/" + i + ".csv", content);
        kept.put("台帳/" + i + ".csv", content);
      }
      for (int i = 0; i < 30; i += 3) {
        s.delete("台帳/" + i + ".csv");
        kept.remove("台帳/" + i + ".csv");
      }
    }
    try (Connection c = database(vault); Statement s = c.createStatement()) {
      s.execute("DROP TABLE compaction_filler");
    }

    Path whole = copy(vault, "whole");
    long before = Files.size(whole.resolve("db/kinko.mv.db"));
    List<String> lines = TestVaults.runUntilHalted(CompactionCrashTarget.class, 0, whole.resolve("db/kinko").toString(), "0");
    int writes = Integer.parseInt(lines.get(lines.size() - 1).substring("WRITES ".length()));
    // Kinko's close starts a compaction when the file or its chunks are under half full (Database.compactIfSparse).
    String[] fill = lines.get(0).split(" ");
    assertTrue(Math.min(Integer.parseInt(fill[1]), Integer.parseInt(fill[2])) < 50, "the close would not compact this store: " + lines);
    assertTrue(writes >= 3, "the compaction wrote " + writes + " times: " + lines);
    assertTrue(Files.size(whole.resolve("db/kinko.mv.db")) < before / 2,
        "the compaction did not shrink the file from " + before + " bytes: " + lines);
    holds(whole, kept);

    // Before the 2nd write (one made), a quarter, half, three quarters, and the last but one (the
    // store's close): one short of the end, should a run make a write fewer than the counted one.
    for (int haltAt : new TreeSet<>(List.of(2, Math.max(2, writes / 4), writes / 2, 3 * writes / 4, writes - 1))) {
      Path killed = copy(vault, "killed-at-" + haltAt);
      List<String> said = TestVaults.runUntilHalted(CompactionCrashTarget.class, 137, killed.resolve("db/kinko").toString(), String.valueOf(haltAt));
      assertEquals("HALT " + haltAt, said.get(said.size() - 1));
      holds(killed, kept);
    }
  }

  private static void holds(Path vault, Map<String, byte[]> kept) {
    try (Vault v = TestVaults.open(vault); Session s = TestVaults.login(v)) {
      LogReport report = s.verifyLog(null);
      assertEquals(report.treeSize(), report.entriesChecked(), vault.getFileName().toString());
      assertEquals(kept.keySet(), new TreeSet<>(s.list("台帳").stream().map(FileInfo::path).toList()), vault.getFileName().toString());
      for (Map.Entry<String, byte[]> file : kept.entrySet()) {
        assertArrayEquals(file.getValue(), TestVaults.readAll(s, file.getKey()), vault.getFileName() + ": " + file.getKey());
      }
      assertEquals(List.of(), s.logEntries(new LogQuery(null, null, null, "INCIDENT")), vault.getFileName().toString());
    }
  }

  /** The vault's database around the library, with no compaction at close (it would clean up what the test set up). */
  private static Connection database(Path vault) throws SQLException {
    return DriverManager.getConnection("jdbc:h2:file:" + vault.resolve("db/kinko") + ";MAX_COMPACT_TIME=0", "kinko", "");
  }

  private Path copy(Path vault, String name) throws IOException {
    Path to = dir.resolve(name);
    LogRollbackTest.copyTree(vault, to);
    return to;
  }
}
