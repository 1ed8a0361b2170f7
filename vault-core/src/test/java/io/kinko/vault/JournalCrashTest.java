package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.HaltAtCommitStep;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A process halted at any step of a group commit (before the journal write, after it and before
 * its sync, after the sync and before the database commit) loses no acknowledged entry: after
 * reopening, every entry whose call returned is in the log, the log verifies with the journal and
 * the database agreeing (so nothing is half there), and the log goes on.
 */
class JournalCrashTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "halted at {0}")
  @ValueSource(strings = {"journal.write", "journal.sync", "database.commit"})
  void aProcessHaltedInAGroupCommit_keepsEveryAcknowledgedEntry(String step) throws Exception {
    assertTrue(HaltAtCommitStep.STEPS.contains(step));
    Path v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    }
    List<String> acks = TestVaults.runUntilHalted(JournalCrashTarget.class, HaltAtCommitStep.EXIT, v.toString(), step, "40");
    assertTrue(acks.size() > 10, "too few appends before the halt: " + acks.size());

    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      List<LogEntry> stats = s.logEntries(new LogQuery(null, null, null, "STAT")).stream()
          .filter(e -> e.application().equals("journal-crash")).toList();
      assertTrue(stats.size() >= acks.size(), stats.size() + " STAT entries after reopening, but " + acks.size() + " were acknowledged");
      // Beyond the acknowledged ones, at most one call per thread: the halted batch, or a call that
      // returned in the moment before the halt and had not yet printed its ACK.
      assertTrue(stats.size() <= acks.size() + 4, stats.size() + " STAT entries for " + acks.size() + " acknowledged calls");
      LogReport report = s.verifyLog(null);
      assertTrue(report.entriesChecked() >= stats.size());
      // The log goes on after the crash: the next entry chains to the last one recovered.
      s.stat("a.txt");
      s.verifyLog(null);
    }
  }
}
