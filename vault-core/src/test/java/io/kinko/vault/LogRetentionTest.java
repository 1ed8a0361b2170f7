package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRetentionTest {
  @TempDir Path dir;

  private static Session loginWithGrant(Vault vault) {
    TestVaults.grantAll(vault, TestVaults.ADMIN);
    return TestVaults.login(vault);
  }

  @Test
  void prune_withinRetention_isRefusedAndTheRefusalIsLogged() {
    try (Vault vault = TestVaults.create(dir.resolve("v")); Session s = TestVaults.login(vault)) {
      RetentionException e = assertThrows(RetentionException.class, () -> s.pruneLog(Instant.now().plusSeconds(86_400)));
      assertTrue(e.getMessage().contains("must be kept until"), e.getMessage());
      List<LogEntry> prunes = s.logEntries(new LogQuery(null, null, null, "LOG_PRUNE"));
      assertEquals(1, prunes.size());
      assertEquals("DENY", prunes.get(0).decision());
      LogReport report = s.verifyLog(null);
      assertEquals(report.treeSize(), report.entriesChecked(), "a refused prune removed entries");
    }
  }

  @Test
  void prune_afterRetentionAndArchiving_removesOldEntries_andTheLogStillVerifies() {
    // A contract that ended long ago and no extra minimum: the entries' retention has passed.
    Contract ended = new Contract("OLD-1", "横浜市", "Kinko", LocalDate.of(2001, 3, 31));
    LogPolicy noMinimum = new LogPolicy(Period.ZERO, 1000, Duration.ofMinutes(5));
    try (Password pw = Password.copyOf(TestVaults.PASSWORD);
         Vault vault = TestVaults.builder(dir.resolve("v")).contract(ended).admin("sato", pw).passwordCost(PasswordCost.MINIMUM)
             .logPolicy(noMinimum).create();
         Session s = loginWithGrant(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes());
      s.checkpoint();
      // Cut at a logged time, so export and prune select the same entries by the same rule.
      Instant cut = s.logEntries(new LogQuery(null, null, null, "CHECKPOINT")).get(0).time();
      RetentionException notArchived = assertThrows(RetentionException.class, () -> s.pruneLog(cut));
      assertTrue(notArchived.getMessage().contains("archived"), notArchived.getMessage());
      LogArchive archive = s.exportLog(Instant.EPOCH, cut, dir.resolve("archive"));
      long removed = s.pruneLog(cut);
      assertEquals(archive.lastSeq() + 1, removed);
      LogReport report = s.verifyLog(null);
      assertTrue(report.entriesChecked() < report.treeSize(), report.toString());
      assertEquals(removed, report.treeSize() - report.entriesChecked());
      LogArchive.verify(dir.resolve("archive"), vault.publicKeyPem());
    }
  }

  /**
   * The oldest entries deleted with the database's own tools look like a prune to the walk (only
   * the oldest may be missing), and log verify passed them. Within the retention no entry may be
   * missing: refused, naming the first, with an INCIDENT.
   */
  @Test
  void theOldestEntriesDeletedOutsideKinko_withinRetention_areRefusedByVerify() throws java.sql.SQLException {
    Path v = dir.resolve("v");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes());
      s.checkpoint();
    }
    try (java.sql.Connection c = TestDatabase.connect(v)) {
      assertEquals(3, c.createStatement().executeUpdate("DELETE FROM log_entries WHERE seq < 3"));
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> s.verifyLog(null));
      assertTrue(e.getMessage().contains("log entry 0 is missing, and no entry may be pruned before"), e.getMessage());
      assertTrue(s.logEntries(new LogQuery(null, null, null, "INCIDENT")).stream().anyMatch(i -> i.reason().contains("log entry 0 is missing")),
          "no INCIDENT of the deleted entries");
    }
  }
}
