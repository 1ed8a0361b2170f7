package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes on one embedded vault: the second gets a clear error, never a hang or a corrupt database. */
class VaultInUseTest {
  @TempDir Path dir;

  @Test
  void open_whileAnotherProcessHoldsTheVault_namesThatProcess_andTheVaultIsIntactAfterwards() throws Exception {
    Path v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes());
    }
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CrashTarget.class.getName(), v.toString(), "a.txt")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("READ 1", out.readLine(), "the holder did not open the vault");
      VaultException e = assertThrows(VaultException.class, () -> TestVaults.open(v));
      assertTrue(e.getMessage().contains("in use by process " + holder.pid()), e.getMessage());
    } finally {
      holder.destroyForcibly();
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      assertArrayEquals("a".getBytes(), TestVaults.readAll(s, "a.txt"));
      s.verifyLog(null);
    }
  }

  /**
   * The lock that keeps a second process out is the vault's own, not H2's: H2's is a POSIX lock,
   * which the kernel drops when this process closes any descriptor of the database's file. Here
   * this process reads that file and closes it (as a folder put of a folder holding the vault
   * does), and an H2 connection by a plain URL is refused (H2 closes the file it opened to try);
   * another process must still be refused, and the vault must still work.
   */
  @Test
  void open_byAnotherProcess_isRefused_afterThisOneOpenedAndClosedTheVaultsFiles() throws Exception {
    Path v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes());
      readAndClose(v.resolve("db").resolve("kinko.mv.db"));
      readAndClose(v.resolve("db").resolve("log.journal"));
      assertThrows(java.sql.SQLException.class,
          () -> java.sql.DriverManager.getConnection("jdbc:h2:file:" + v.resolve("db").resolve("kinko"), "kinko", "").close());
      assertRefusedToAnotherProcess(v);
      TestVaults.put(s, "b.txt", "b".getBytes());
      assertArrayEquals("a".getBytes(), TestVaults.readAll(s, "a.txt"));
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      assertArrayEquals("b".getBytes(), TestVaults.readAll(s, "b.txt"));
      s.verifyLog(null);
    }
  }

  /**
   * Handles on one vault in one process share its lock: another process is refused until the last
   * closes, even when the first is closed twice. (This process reads and closes H2's file first,
   * which drops H2's own lock, so that only the vault's keeps the other out.)
   */
  @Test
  void twoHandlesInOneProcess_keepAnotherOut_untilTheLastCloses_evenClosedTwice() throws Exception {
    Path v = dir.resolve("vault");
    TestVaults.create(v).close();
    Vault first = TestVaults.open(v);
    try (Vault second = TestVaults.open(v)) {
      first.close();
      first.close();
      readAndClose(v.resolve("db").resolve("kinko.mv.db"));
      assertRefusedToAnotherProcess(v);
      try (Session s = TestVaults.login(second)) {
        TestVaults.put(s, "a.txt", "a".getBytes());
      }
    }
    assertTrue(anotherProcessOpens(v).startsWith("OPENED "));
  }

  /**
   * A session still in use when the database closes keeps H2's file open, and with it the vault's
   * lock: another process is refused until that session ends, then let in.
   */
  @Test
  void aSessionStillInUse_keepsTheLock_pastTheDatabasesClose() throws Exception {
    Path v = dir.resolve("vault");
    TestVaults.create(v).close();
    io.kinko.vault.store.Database database = io.kinko.vault.store.Database.open(new io.kinko.vault.store.VaultLayout(v), null, null, false);
    java.sql.Connection inUse = database.connection();
    try {
      database.close();
      readAndClose(v.resolve("db").resolve("kinko.mv.db"));
      assertRefusedToAnotherProcess(v);
    } finally {
      inUse.close();
    }
    assertTrue(anotherProcessOpens(v).startsWith("OPENED "));
  }

  private static void readAndClose(Path file) throws Exception {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      assertTrue(in.read() >= 0);
    }
  }

  private static void assertRefusedToAnotherProcess(Path v) throws Exception {
    String said = anotherProcessOpens(v);
    assertTrue(said.startsWith("REFUSED ") && said.contains("in use by process " + ProcessHandle.current().pid()),
        "another process, while this one has the vault open: " + said);
  }

  /** What {@link OpenProbe} says, run in another process on vault {@code v} (it opens, closes and ends). */
  private static String anotherProcessOpens(Path v) throws Exception {
    Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), OpenProbe.class.getName(), v.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      assertTrue(probe.waitFor(120, TimeUnit.SECONDS), "the other process did not end");
      String said = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return said.isEmpty() ? "(nothing)" : said;
    } finally {
      probe.destroyForcibly();
    }
  }

  /**
   * {@code db/owner} (who holds the vault, for the in-use error) planted as a link to a file outside
   * the vault: opening does not write through it.
   */
  @Test
  void anOwnerFilePlantedAsALink_isNotWrittenThrough() throws Exception {
    Path v = dir.resolve("vault");
    TestVaults.create(v).close();
    Path outside = dir.resolve("thesis.txt");
    java.nio.file.Files.writeString(outside, "a file of the user's own, outside the vault");
    Path owner = v.resolve("db").resolve("owner");
    java.nio.file.Files.deleteIfExists(owner);
    java.nio.file.Files.createSymbolicLink(owner, outside);
    TestVaults.open(v).close();
    assertEquals("a file of the user's own, outside the vault", java.nio.file.Files.readString(outside));
  }
}
