package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.HaltAtCommitStep;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code log prune} rotates the log journal: the records of pruned entries leave db/log.journal,
 * and a process halted at any step of the rotation leaves the old journal or the new one, either
 * of which opens, verifies against the database and takes further appends.
 */
class JournalRotationTest {
  @TempDir Path dir;
  private Path v;
  private Instant cut;
  private long toRemove;
  private byte[] prunedEntry;

  @BeforeEach
  void vaultWithArchivedEntriesPastRetention() {
    v = dir.resolve("vault");
    Contract ended = new Contract("OLD-1", "横浜市", "Kinko", LocalDate.of(2001, 3, 31));
    try (Password pw = Password.copyOf(TestVaults.PASSWORD);
         Vault vault = TestVaults.builder(v).contract(ended).admin(TestVaults.ADMIN, pw).passwordCost(PasswordCost.MINIMUM)
             .logPolicy(new LogPolicy(Period.ZERO, 1000, Duration.ofMinutes(5))).create()) {
      TestVaults.grantAll(vault, TestVaults.ADMIN);
      try (Session s = TestVaults.login(vault)) {
        TestVaults.put(s, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 20; i++) {
          s.stat("a.txt");
        }
        s.checkpoint();
        cut = s.logEntries(new LogQuery(null, null, null, "CHECKPOINT")).get(0).time();
        LogArchive archive = s.exportLog(Instant.EPOCH, cut, dir.resolve("archive"));
        toRemove = archive.lastSeq() + 1;
        prunedEntry = s.logEntries(new LogQuery(null, null, null, "STAT")).get(3).json().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 5; i++) {
          s.stat("a.txt"); // entries that stay
        }
      }
    }
  }

  @Test
  void prune_rotatesTheJournal_soPrunedEntriesLeaveNoRecordThere_andTheLogGoesOn() throws IOException {
    assertTrue(TestVaults.contains(Files.readAllBytes(journal()), prunedEntry), "the entry is not in the journal before the prune");
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      assertEquals(toRemove, s.pruneLog(cut));
      assertEquals(toRemove, journalBase());
      assertFalse(TestVaults.contains(Files.readAllBytes(journal()), prunedEntry), "a pruned entry's record stayed in the journal");
      s.stat("a.txt");
      LogReport report = s.verifyLog(null);
      assertEquals(report.treeSize() - toRemove, report.entriesChecked());
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      s.stat("a.txt");
      LogReport report = s.verifyLog(null);
      assertEquals(report.treeSize() - toRemove, report.entriesChecked());
    }
  }

  @Test
  void aRotationByOneHandle_isFollowedByAnotherHandleOnTheSameVault() throws IOException {
    long stats;
    try (Vault first = TestVaults.open(v); Vault second = TestVaults.open(v);
         Session a = TestVaults.login(first); Session b = TestVaults.login(second)) {
      b.stat("a.txt");
      assertEquals(toRemove, a.pruneLog(cut));
      for (int i = 0; i < 3; i++) {
        b.stat("a.txt"); // into the rotated journal, not the file the rotation replaced
        a.stat("a.txt");
      }
      assertEquals(toRemove, journalBase());
      stats = a.logEntries(new LogQuery(null, null, null, "STAT")).size();
    }
    // Had either handle written to the replaced file, its entries would be missing from the
    // journal and the vault would refuse to open.
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      LogReport report = s.verifyLog(null);
      assertEquals(report.treeSize() - toRemove, report.entriesChecked());
      assertEquals(stats, s.logEntries(new LogQuery(null, null, null, "STAT")).size());
    }
  }

  @ParameterizedTest(name = "halted at {0}")
  @ValueSource(strings = {"rotate.write", "rotate.sync", "rotate.rename", "rotate.folder"})
  void aProcessHaltedInARotation_leavesAJournalThatOpensAndVerifies(String step) throws Exception {
    assertTrue(HaltAtCommitStep.ROTATION_STEPS.contains(step));
    Process child = TestVaults.java(List.of(), JournalRotationCrashTarget.class, v.toString(), step, Long.toString(cut.toEpochMilli()))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not end");
    assertEquals(HaltAtCommitStep.EXIT, child.exitValue(), "the child was not halted at " + step + ": " + out);

    // Before the rename the old journal is the journal; from the rename on, the new one.
    long expectedBase = step.equals("rotate.folder") ? toRemove : 0;
    assertEquals(expectedBase, journalBase());
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      assertFalse(Files.exists(v.resolve("db/log.journal.new")), "an unfinished rotation's file stayed");
      LogReport report = s.verifyLog(null);
      assertEquals(report.treeSize() - toRemove, report.entriesChecked(), "the prune before the rotation did not stand");
      s.stat("a.txt");
      assertEquals(0, s.pruneLog(cut)); // nothing left to prune, and the rotation is finished
      assertEquals(toRemove, journalBase());
      assertFalse(TestVaults.contains(Files.readAllBytes(journal()), prunedEntry));
      s.stat("a.txt");
      s.verifyLog(null);
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      s.verifyLog(null);
    }
  }

  private Path journal() {
    return v.resolve("db/log.journal");
  }

  /** The sequence number of the journal's first record, from its header. */
  private long journalBase() throws IOException {
    return ByteBuffer.wrap(Files.readAllBytes(journal()), 8, 8).getLong();
  }
}
