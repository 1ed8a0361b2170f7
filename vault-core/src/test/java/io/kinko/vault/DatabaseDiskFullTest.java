package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk under the embedded database alone: a small tmpfs mounted on the vault's
 * {@code db/} folder (root needed, as for {@link DiskFullTest}). H2 only: on PostgreSQL the
 * database's disk is the server's.
 */
class DatabaseDiskFullTest {
  @TempDir Path dir;
  Path mount;

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      new ProcessBuilder("umount", mount.toString()).start().waitFor();
    }
  }

  /**
   * The database's own disk fills while the blobs' has room (its folder mounted on a volume of its
   * own): the put fails and says why, the vault that reopens holds every file stored before, and
   * the failed one is either absent or whole, never a row without its blob.
   */
  @Test
  void put_whenOnlyTheDatabaseDiskIsFull_failsClearly_andLosesNothing() throws Exception {
    Path v = dir.resolve("vault");
    byte[] kept = TestVaults.randomBytes(1, 100_000);
    byte[] late = TestVaults.randomBytes(2, 100_000);
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "kept.bin", kept);
    }
    moveOntoTheSmallDisk(v.resolve("db"));
    Vault vault = TestVaults.open(v);
    Session session = TestVaults.login(vault);
    Path filler = fillUp(mount);
    VaultException e = assertThrows(VaultException.class, () -> TestVaults.put(session, "late.bin", late));
    assertTrue(e.getMessage().contains("No space left on device"), e::getMessage);
    Files.delete(filler);
    // H2 stopped its store at the failed write: with room again, it still answers nothing until reopened, and says so.
    VaultException stopped = assertThrows(VaultException.class, () -> TestVaults.put(session, "again.bin", late));
    assertTrue(stopped.getMessage().contains("open the vault again"), stopped::getMessage);
    closeAfterTheFailure(session);
    closeAfterTheFailure(vault);
    try (Vault reopened = TestVaults.open(v); Session s = TestVaults.login(reopened)) {
      assertArrayEquals(kept, TestVaults.readAll(s, "kept.bin"));
      List<String> stored = s.list("").stream().map(FileInfo::path).toList();
      if (stored.contains("late.bin")) {
        assertArrayEquals(late, TestVaults.readAll(s, "late.bin"));
      }
      assertEquals(List.of(), s.logEntries(new LogQuery(null, null, null, "INCIDENT")));
      s.verifyLog(null);
    }
  }

  /**
   * The embedded database stops at a failed write until the vault is opened again, so a close
   * that reads it may fail; if it does, it must say so as a vault error, not crash.
   */
  private static void closeAfterTheFailure(AutoCloseable c) throws Exception {
    try {
      c.close();
    } catch (VaultException e) {
      assertTrue(e.getMessage().startsWith("vault database error: SQLSTATE"), e::getMessage);
    }
  }

  /** Puts the small disk at {@code folder}, with what the folder held. */
  private void moveOntoTheSmallDisk(Path folder) throws Exception {
    Path saved = Files.createDirectories(dir.resolve("saved"));
    for (Path f : TestVaults.filesUnder(folder)) {
      Files.move(f, saved.resolve(f.getFileName()));
    }
    mount = folder;
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mount.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    for (Path f : TestVaults.filesUnder(saved)) {
      Files.copy(f, folder.resolve(f.getFileName()));
    }
  }

  /** Writes a file until the disk has no room left; returns it. */
  private static Path fillUp(Path disk) throws IOException {
    Path filler = disk.resolve("filler");
    byte[] page = new byte[4096];
    try (java.io.OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(page);
      }
    } catch (IOException full) {
      assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"), full::toString);
    }
    return filler;
  }
}
