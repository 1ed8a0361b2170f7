package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database replaced by an older copy, or a log rewritten, is caught against signed checkpoints. */
class LogRollbackTest {
  @TempDir Path dir;

  @Test
  void open_afterTheDatabaseWasRolledBackToAnOlderCopy_isRefused() throws Exception {
    Path v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes());
    }
    TestDatabase.Backup older = TestDatabase.backup(v, dir.resolve("db-copy"));
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      // Reading a file is what the rollback would hide.
      TestVaults.readAll(s, "a.txt");
    }
    older.restore();
    java.util.Set<Thread> watchesBefore = watchThreads();
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(v));
    assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
    java.util.Set<Thread> watchesAfter = watchThreads();
    watchesAfter.removeAll(watchesBefore);
    // The refusal's INCIDENT woke a scan of the refused log, which then read it while the opening closed
    // the database under it ("the incident watch ... could not scan the log", on PostgreSQL).
    assertEquals(java.util.Set.of(), watchesAfter, "an incident watch still runs after the refused opening");
  }

  private static java.util.Set<Thread> watchThreads() {
    java.util.Set<Thread> watches = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
    watches.removeIf(t -> !t.isAlive() || !t.getName().equals("kinko-incident-watch"));
    return watches;
  }

  @Test
  void open_withAForgedCheckpointFile_isRefused() throws IOException {
    Path v = dir.resolve("vault");
    TestVaults.create(v).close();
    Path file = v.resolve("log.checkpoint");
    byte[] note = Files.readAllBytes(file);
    note[note.length / 3] ^= 1;
    Files.write(file, note);
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(v));
    assertTrue(e.getMessage().contains("public key"), e.getMessage());
  }

  @Test
  void verify_withAWitnessedCheckpoint_acceptsAGrownLog_andRejectsAnotherVaultsCheckpoint() {
    byte[] witness;
    try (Vault vault = TestVaults.create(dir.resolve("vault")); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes());
      witness = s.checkpoint().getBytes(StandardCharsets.UTF_8);
      TestVaults.put(s, "b.txt", "b".getBytes());
      LogReport report = s.verifyLog(witness);
      assertTrue(report.witnessChecked());
      assertTrue(report.treeSize() > 5);
    }
    try (Vault other = TestVaults.create(dir.resolve("other")); Session s = TestVaults.login(other)) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> s.verifyLog(witness));
      assertTrue(e.getMessage().contains("witnessed"), e.getMessage());
    }
  }

  @Test
  void verify_withAWitnessFromATreeTheLogNoLongerContains_isRejected() throws Exception {
    Path v = dir.resolve("vault");
    byte[] witness;
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes());
      witness = s.checkpoint().getBytes(StandardCharsets.UTF_8);
      List<LogEntry> puts = s.logEntries(new LogQuery(null, null, null, "PUT"));
      try (var c = TestDatabase.connect(v)) {
        // Rewrite history consistently enough to fool a chain check: drop every checkpoint the
        // vault holds, so only the witness remembers the old tree.
        assertEquals(1, TestDatabase.editEntry(c, puts.get(0).seq(), e -> e.replace("\"WRITE granted\"", "\"nothing\"")));
        c.createStatement().execute("DELETE FROM log_checkpoints");
      }
      IntegrityException e = assertThrows(IntegrityException.class, () -> s.verifyLog(witness));
      assertTrue(e.getMessage().contains("entry " + puts.get(0).seq()), e.getMessage());
    }
  }

  @Test
  void archives_verifyOffline_withThePublicKeyAlone_andCatchAnEditedLine() throws IOException {
    Path v = dir.resolve("vault");
    Path archive = dir.resolve("archive");
    String pem;
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      pem = vault.publicKeyPem();
      TestVaults.put(s, "a.txt", "a".getBytes());
      java.time.Instant cut = java.time.Instant.now().plusMillis(1);
      LogArchive first = s.exportLog(java.time.Instant.EPOCH, cut, archive);
      assertEquals(0, first.firstSeq());
      TestVaults.put(s, "b.txt", "b".getBytes());
      LogArchive second = s.exportLog(cut, java.time.Instant.now().plusSeconds(1), archive);
      assertEquals(first.lastSeq() + 1, second.firstSeq());
    }
    deleteTree(v);
    LogReport report = LogArchive.verify(archive, pem);
    assertEquals(report.treeSize(), report.entriesChecked());
    Path jsonl;
    try (Stream<Path> files = Files.list(archive)) {
      jsonl = files.filter(p -> p.toString().endsWith(".jsonl")).sorted().findFirst().orElseThrow();
    }
    String text = Files.readString(jsonl);
    Files.writeString(jsonl, text.replaceFirst("\"LOGIN\"", "\"LOGOUT\""));
    IntegrityException e = assertThrows(IntegrityException.class, () -> LogArchive.verify(archive, pem));
    assertTrue(e.getMessage().contains("altered") || e.getMessage().contains("checkpoint"), e.getMessage());
    Files.writeString(jsonl, text.substring(0, text.lastIndexOf('\n', text.length() - 2) + 1));
    IntegrityException truncated = assertThrows(IntegrityException.class, () -> LogArchive.verify(archive, pem));
    assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
