package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which closing sessions sign a checkpoint: one that only logged in and read names leaves its
 * entries to the next checkpoint; a content read, a change or a refusal is witnessed at close.
 */
class CheckpointAtCloseTest {
  private static final char[] BOB_PASSWORD = "a long staff password 1".toCharArray();

  @TempDir Path dir;
  Path v;

  @BeforeEach
  void vaultWithOneFile() {
    v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "案件/a.txt", "a".getBytes());
      try (Password p = Password.copyOf(BOB_PASSWORD)) {
        s.administration().addUser("bob", Role.WORKER, p, null);
      }
      s.administration().grant("bob", "案件", EnumSet.of(Permission.READ));
    }
  }

  private VaultStatus status() {
    try (Vault vault = TestVaults.open(v)) {
      return vault.status();
    }
  }

  private Session bob(Vault vault) {
    try (Password p = Password.copyOf(BOB_PASSWORD)) {
      return vault.login("bob", p);
    }
  }

  private byte[] checkpointFile() throws IOException {
    return Files.readAllBytes(v.resolve("log.checkpoint"));
  }

  @Test
  void close_afterOnlyListing_signsNothing_andTheNextContentReadWitnessesThoseEntriesToo() throws IOException {
    byte[] before = checkpointFile();
    long signed = status().checkpointSize();
    try (Vault vault = TestVaults.open(v); Session s = bob(vault)) {
      assertEquals(1, s.list("").size());
      assertEquals(1, s.versions("案件/a.txt").size());
      assertEquals(1, ((Session.FetchedFolder) s.fetch("案件")).files().size());
    }
    try (Vault vault = TestVaults.open(v); Session s = bob(vault)) {
      s.stat("案件/a.txt");
    }
    assertArrayEquals(before, checkpointFile(), "ls-only sessions, in one process or several, leave log.checkpoint as it was");
    VaultStatus quiet = status();
    assertEquals(signed, quiet.checkpointSize());
    assertEquals(signed + 6, quiet.logSize(), "LOGIN, LIST, VERSIONS, LIST, LOGIN, STAT: logged and durable all the same");

    try (Vault vault = TestVaults.open(v); Session s = bob(vault)) {
      TestVaults.readAll(s, "案件/a.txt");
    }
    VaultStatus read = status();
    assertEquals(read.logSize(), read.checkpointSize(), "a content read signs a checkpoint that covers the quiet entries before it");
  }

  @Test
  void close_afterMoreQuietEntriesThanMayWait_signs() {
    try (Vault vault = TestVaults.open(v); Session s = bob(vault)) {
      for (int i = 0; i < 40; i++) {
        s.list("案件");
      }
    }
    VaultStatus after = status();
    assertEquals(after.logSize(), after.checkpointSize());
  }

  @Test
  void close_afterARefusal_signs() {
    try (Vault vault = TestVaults.open(v); Session s = bob(vault)) {
      assertThrows(AccessDeniedException.class, () -> s.get("elsewhere/b.txt"));
    }
    VaultStatus after = status();
    assertEquals(after.logSize(), after.checkpointSize());
  }

  /**
   * A folder put is stored before the checkpoint after it is signed: a checkpoint that cannot be
   * written then (a full disk) leaves the put done, with its report, and the close signs it. Before,
   * the put failed and its report was lost, though every file was stored (a caller who retried made
   * a second version of each; a deletion request or its rejection, which sign the same way, a
   * second request for the approver).
   */
  @Test
  void aPutWhoseCheckpointCannotBeWrittenAfterIt_isReportedStored_andTheCloseSignsIt() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("folder"));
    for (String name : new String[] {"x.txt", "y.txt", "z.txt"}) {
      Files.writeString(folder.resolve(name), name);
    }
    String changed;
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      io.kinko.vault.audit.FailAtCheckpointStep.install("checkpoint.signed", 1);
      PutReport report;
      try {
        report = s.put("束", folder);
      } finally {
        io.kinko.vault.audit.FailAtCheckpointStep.clear();
      }
      assertEquals(3, report.stored().size());
      assertArrayEquals("y.txt".getBytes(), TestVaults.readAll(s, "束/y.txt"));
      assertEquals(1, s.versions("束/y.txt").size());
      changed = TestVaults.stateLine(s);
    }
    assertTrue(TestVaults.checkpointFileNames(v, changed), "the session's close signed no checkpoint naming the put");
  }

  @Test
  void open_afterTheDatabaseWasRolledBackPastAContentRead_isStillRefused() throws Exception {
    TestDatabase.Backup older = TestDatabase.backup(v, dir.resolve("db-copy"));
    try (Vault vault = TestVaults.open(v); Session s = bob(vault)) {
      s.list("");
      TestVaults.readAll(s, "案件/a.txt");
    }
    older.restore();
    IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.open(v));
    assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
  }


  /**
   * A change whose own checkpoint cannot be written returns (da909bc) and leaves it to the close;
   * but a checkpoint was signed at the log's size after the change's entries and before its commit
   * (here one handed out; in an application, the log policy's, which the change's ALLOW entry makes
   * due after 5 minutes or 1000 entries, or another session's), naming the state before the change.
   * The close saw no entry past that checkpoint and signed nothing, so no checkpoint named the
   * change, and a database rolled back to before it was not caught at the next open.
   */
  @Test
  void close_afterAChangeWhoseCheckpointFailed_signsOverTheChange_evenWithNoEntryPastTheLastCheckpoint() throws IOException {
    String changed;
    try (Vault vault = TestVaults.open(v)) {
      try (Session s = TestVaults.login(vault)) {
        s.checkpoint(); // the log's size now signed, naming the state before the change
        io.kinko.vault.audit.FailAtCheckpointStep.install("checkpoint.signed", 1);
        try {
          io.kinko.vault.engine.EngineInternals.changeState(s, (c, changes) -> {
            io.kinko.vault.store.Settings.put(c, changes, new io.kinko.vault.store.Settings.Setting("test.owed", "1", TestVaults.ADMIN, 0, 0));
            return null;
          });
        } finally {
          io.kinko.vault.audit.FailAtCheckpointStep.clear();
        }
        changed = TestVaults.stateLine(s);
        assertTrue(!TestVaults.checkpointFileNames(v, changed), "the change's own checkpoint was written after all: the case is not staged");
      }
      assertTrue(TestVaults.checkpointFileNames(v, changed), "the session's close signed no checkpoint naming the change");
    }
  }

  /**
   * The same change, and the application closes the vault before the session: the vault's close
   * signs what is owed while a session still lends it the key.
   */
  @Test
  void vaultClose_beforeTheSession_signsOverAChangeWhoseCheckpointFailed() throws IOException {
    String changed;
    Vault vault = TestVaults.open(v);
    Session s = TestVaults.login(vault);
    try {
      io.kinko.vault.audit.FailAtCheckpointStep.install("checkpoint.signed", 1);
      try {
        s.administration().grant("bob", "案件", EnumSet.of(Permission.READ, Permission.WRITE));
      } finally {
        io.kinko.vault.audit.FailAtCheckpointStep.clear();
      }
      changed = TestVaults.stateLine(s);
      assertTrue(!TestVaults.checkpointFileNames(v, changed), "the change's own checkpoint was written after all: the case is not staged");
      vault.close();
    } finally {
      s.close();
      vault.close();
    }
    assertTrue(TestVaults.checkpointFileNames(v, changed), "no checkpoint names the change once the vault and the session are closed");
  }
}
