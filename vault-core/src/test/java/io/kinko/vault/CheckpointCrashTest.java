package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.HaltAtCheckpointStep;
import io.kinko.vault.audit.HaltAtCommitStep;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The checkpoint policy commits its checkpoints to the database without a sync; the durable copy
 * is the synced checkpoint file. A process halted between the commit and the file, or after the
 * file before the database wrote its pages, opens again without a false rollback, with every
 * acknowledged entry, and with the file's checkpoint back in the database.
 */
class CheckpointCrashTest {
  /** A checkpoint every 7 entries, so that a few dozen appends sign several. */
  private static final LogPolicy OFTEN = new LogPolicy(Period.ofYears(1), 7, Duration.ofHours(1));

  @TempDir Path dir;

  @ParameterizedTest(name = "halted at {0}")
  @ValueSource(strings = {"checkpoint.commit", "checkpoint.file"})
  void aProcessHaltedInAPolicyCheckpoint_opensWithItsCheckpointAndEntries(String step) throws Exception {
    assertTrue(HaltAtCheckpointStep.STEPS.contains(step));
    Path v = dir.resolve("vault");
    create(v);
    List<String> acks = TestVaults.runUntilHalted(CheckpointCrashTarget.class, HaltAtCommitStep.EXIT, v.toString(), step, "3");
    byte[] file = Files.readAllBytes(v.resolve("log.checkpoint"));
    long filed = treeSize(file);

    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      List<LogEntry> stats = s.logEntries(new LogQuery(null, null, null, "STAT")).stream()
          .filter(e -> e.application().equals("checkpoint-crash")).toList();
      assertTrue(stats.size() >= acks.size(), stats.size() + " STAT entries after reopening, but " + acks.size() + " were acknowledged");
      try (Connection c = TestDatabase.connect(v); Statement q = c.createStatement();
           ResultSet r = q.executeQuery("SELECT note FROM log_checkpoints WHERE tree_size = " + filed)) {
        assertTrue(r.next(), "the file's checkpoint of " + filed + " entries is not in the database");
        assertArrayEquals(file, r.getString(1).getBytes(StandardCharsets.UTF_8));
      }
      LogReport report = s.verifyLog(null);
      assertTrue(report.entriesChecked() >= stats.size());
      s.stat("a.txt"); // the log goes on
      s.verifyLog(null);
    }
  }

  @Test
  void aCheckpointTheDatabaseLost_isPutBackFromTheFile_atOpen() throws Exception {
    Path v = dir.resolve("vault");
    create(v);
    byte[] file = Files.readAllBytes(v.resolve("log.checkpoint"));
    long filed = treeSize(file);
    try (Connection c = TestDatabase.connect(v); Statement s = c.createStatement()) {
      // As a crash leaves it: the policy's commit never reached the disk, its synced file did.
      assertEquals(1, s.executeUpdate("DELETE FROM log_checkpoints WHERE tree_size = " + filed));
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      s.verifyLog(null);
    }
    try (Connection c = TestDatabase.connect(v); Statement q = c.createStatement();
         ResultSet r = q.executeQuery("SELECT note FROM log_checkpoints WHERE tree_size = " + filed)) {
      assertTrue(r.next(), "the checkpoint of " + filed + " entries was not put back");
      assertArrayEquals(file, r.getString(1).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void create(Path v) {
    try (Password pw = Password.copyOf(TestVaults.PASSWORD);
         Vault vault = TestVaults.builder(v).contract(TestVaults.CONTRACT).admin(TestVaults.ADMIN, pw)
             .passwordCost(PasswordCost.MINIMUM).logPolicy(OFTEN).create()) {
      TestVaults.grantAll(vault, TestVaults.ADMIN);
      try (Session s = TestVaults.login(vault)) {
        TestVaults.put(s, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** The tree size of a checkpoint note: its second line. */
  private static long treeSize(byte[] note) {
    return Long.parseLong(new String(note, StandardCharsets.UTF_8).split("\n")[1]);
  }
}
