package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two cases a review of TailCheck and the signing's consistency check found (session 27): a
 * monthly report's consistency proof read inner nodes no other check reads, and a crash after a
 * prune left the checkpoint file behind entries that were pruned, so TailCheck refused a healthy
 * vault for ever. Both fail without their fix.
 */
class SignedHistoryTest {
  private static final long SPAN = 1L << 48;
  @TempDir Path dir;

  /**
   * The November report proves it continues October's by a consistency proof of stored nodes.
   * One of them, read by no right edge of any size involved, edited while the vault was closed,
   * made a report its auditor refused, with no INCIDENT. Now it is refused before anything is
   * signed or written.
   */
  @Test
  void aReportWhoseConsistencyProofReadsAnEditedNode_isRefusedAndNotWritten() throws Exception {
    Path root = dir.resolve("vault");
    MovableClock clock = new MovableClock();
    try (Vault vault = TestVaults.create(root)) {
      vault.publicKeyPem();
    }
    clock.set(2026, 10, 5, 10);
    try (Vault vault = TestVaults.open(root, clock); Session session = TestVaults.login(vault)) {
      TestVaults.appendEntries(vault, 290);
    }
    clock.set(2026, 11, 2, 10);
    MonthlyReport october;
    try (Vault vault = TestVaults.open(root, clock); Session session = TestVaults.login(vault)) {
      october = session.monthlyReport(YearMonth.of(2026, 10), null, dir.resolve("oct")).report();
      TestVaults.appendEntries(vault, 100);
    }
    clock.set(2026, 12, 2, 10);
    try (Vault vault = TestVaults.open(root, clock); Session session = TestVaults.login(vault)) {
      TestVaults.appendEntries(vault, 300);
    }
    long m1 = october.checkpoint().treeSize();
    try (Connection c = TestDatabase.connect(root)) {
      long m2 = count(c, "SELECT COUNT(*) FROM log_entries WHERE logged_at < "
          + YearMonth.of(2026, 11).atEndOfMonth().plusDays(1).atStartOfDay(java.time.ZoneOffset.ofHours(9)).toInstant().toEpochMilli());
      long size = count(c, "SELECT COUNT(*) FROM log_entries");
      List<long[]> read = new ArrayList<>();
      subproof(m1, 0, m2, true, read);
      List<long[]> edges = new ArrayList<>();
      for (long w = m1; w <= size + 20; w++) {
        range(0, w, edges); // what opening, signing and the roots read
      }
      long key = -1;
      for (long[] n : read) {
        if (n[0] >= 1 && edges.stream().noneMatch(e -> e[0] == n[0] && e[1] == n[1])) {
          key = n[0] * SPAN + n[1];
        }
      }
      assertTrue(key > 0, "no node that only the proof reads: " + m1 + " to " + m2);
      byte[] h;
      try (ResultSet r = c.createStatement().executeQuery("SELECT hash FROM log_tree WHERE node = " + key)) {
        assertTrue(r.next());
        h = r.getBytes(1);
      }
      h[0] ^= 1;
      TestDatabase.setNode(c, key, h);
    }
    clock.set(2026, 12, 3, 10);
    Path out = dir.resolve("nov");
    try (Vault vault = TestVaults.open(root, clock); Session session = TestVaults.login(vault)) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> session.monthlyReport(YearMonth.of(2026, 11), null, out));
      assertTrue(e.getMessage().contains("does not prove one contains the other"), e.getMessage());
      assertFalse(Files.exists(out.resolve(MonthlyReport.fileName(YearMonth.of(2026, 11)))), "the refused report was written");
      assertTrue(session.logEntries(new LogQuery(null, null, null, "INCIDENT")).stream().anyMatch(i -> i.reason().contains("does not prove")),
          "no INCIDENT of the refused report");
    }
  }

  /**
   * A quiet session leaves the checkpoint file behind the log; an export then signs a checkpoint
   * into the database only, and a prune removes the entries after the file's size. The process
   * dies before its session closes. The vault must open again: TailCheck starts at the newest
   * signed checkpoint of the database (its root found in the stored tree), past the pruned ones.
   */
  @Test
  void aVaultThatDiedAfterAPrunePastTheCheckpointFile_opensAgain() throws Exception {
    Contract ended = new Contract("OLD-1", "横浜市", "Kinko", LocalDate.of(2001, 3, 31));
    Path root = dir.resolve("v");
    Vault vault;
    try (Password pw = Password.copyOf(TestVaults.PASSWORD)) {
      vault = TestVaults.builder(root).contract(ended).admin("sato", pw).passwordCost(PasswordCost.MINIMUM)
          .logPolicy(new LogPolicy(Period.ZERO, 1000, Duration.ofMinutes(5))).create();
    }
    TestVaults.grantAll(vault, TestVaults.ADMIN);
    try (Session first = TestVaults.login(vault)) {
      TestVaults.put(first, "a.txt", "a".getBytes());
    }
    try (Session quiet = TestVaults.login(vault)) {
      quiet.list(""); // closes without a checkpoint
    }
    Session s = TestVaults.login(vault);
    Instant cut = Instant.now().plusMillis(2);
    while (!Instant.now().isAfter(cut)) {
      Thread.onSpinWait(); // the entries after the cut are not archived
    }
    s.exportLog(Instant.EPOCH, cut, dir.resolve("archive"));
    long pruned = s.pruneLog(cut);
    assertTrue(pruned > 0);
    vault.close(); // the process dies: the session never closes, no checkpoint at its close
    try (Vault again = TestVaults.open(root); Session admin = TestVaults.login(again)) {
      LogReport report = admin.verifyLog(null);
      assertEquals(report.treeSize() - pruned, report.entriesChecked());
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (ResultSet r = c.createStatement().executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** The nodes (level, index) that MerkleTree's rangeHash(start, end) reads. */
  private static void range(long start, long end, List<long[]> out) {
    long n = end - start;
    if (n == 0) {
      return;
    }
    if (Long.bitCount(n) == 1) {
      int level = Long.numberOfTrailingZeros(n);
      out.add(new long[] {level, start >>> level});
      return;
    }
    long k = Long.highestOneBit(n - 1);
    range(start, start + k, out);
    range(start + k, end, out);
  }

  /** The nodes RFC 9162's SUBPROOF(m, D[start:end], complete) reads, as MerkleTree.consistencyProof does. */
  private static void subproof(long m, long start, long end, boolean complete, List<long[]> out) {
    long n = end - start;
    if (m == n) {
      if (!complete) {
        range(start, end, out);
      }
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m <= k) {
      subproof(m, start, start + k, complete, out);
      range(start + k, end, out);
    } else {
      subproof(m - k, start + k, end, false, out);
      range(start, start + k, out);
    }
  }
}
