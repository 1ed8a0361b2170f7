package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: the vault lives on a small tmpfs. Mounting needs root, which the
 * project's machines and CI have; elsewhere the test fails and says why.
 */
class DiskFullTest {
  @TempDir Path dir;
  Path mount;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    mount = Files.createDirectories(dir.resolve("small"));
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mount.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "this test mounts a 12 MiB tmpfs and needs root: " + out);
  }

  @AfterEach
  void unmount() throws Exception {
    new ProcessBuilder("umount", mount.toString()).start().waitFor();
  }

  @Test
  void put_onAFullDisk_failsClearly_keepsEarlierFiles_andLeavesNoPartialBlob() throws IOException {
    Path v = mount.resolve("vault");
    byte[] kept = TestVaults.randomBytes(1, 100_000);
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "kept.bin", kept);
      List<Path> before = TestVaults.filesUnder(v.resolve("blobs"));
      VaultException e = assertThrows(VaultException.class,
          () -> s.put("too-big.bin", new RoundTripTest.ZeroStream(64L << 20)));
      assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
      assertEquals(before, TestVaults.filesUnder(v.resolve("blobs")), "a partial blob was left behind");
      assertThrows(NotFoundException.class, () -> s.stat("too-big.bin"));
      assertArrayEquals(kept, TestVaults.readAll(s, "kept.bin"));
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      assertArrayEquals(kept, TestVaults.readAll(s, "kept.bin"));
      assertEquals(1, s.list("").size());
    }
  }

  /**
   * An import whose files do not all fit: the vault must end with none of them (or all), and its
   * log must not say the package was taken in when it was not.
   */
  @Test
  void import_onAFullDisk_storesNoneOfThePackage() throws IOException {
    Path identity = Files.writeString(dir.resolve("key.txt"), io.kinko.vault.transport.AgeKeys.IDENTITY + "\n");
    Path pkg = dir.resolve("p.age");
    try (Vault sender = TestVaults.create(dir.resolve("sender")); Session out = TestVaults.login(sender)) {
      for (int i = 1; i <= 20; i++) {
        TestVaults.put(out, "a/" + i + ".bin", TestVaults.randomBytes(i, 1 << 20)); // twenty of 1 MiB: some fit, not all
      }
      out.exportPackage(List.of("a"), Transport.Recipients.of(List.of(io.kinko.vault.transport.AgeKeys.RECIPIENT)), pkg);
    }
    Path v = mount.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      Transport.Identities ids = new Transport.Identities(List.of(identity), null);
      VaultException e = assertThrows(VaultException.class, () -> s.importPackage(pkg, ids, null, ""));
      // the disk, not the package: no damage (exit 5, an INCIDENT) is claimed of a sound package
      assertFalse(e instanceof IntegrityException, () -> "a full disk was blamed on the package: " + e);
      assertTrue(e.getMessage().contains("No space left on device"), e::getMessage);
      List<String> imports = s.logEntries(new LogQuery(null, null, null, Action.IMPORT.name())).stream()
          .map(x -> x.decision() + " " + x.reason()).toList();
      assertTrue(imports.get(imports.size() - 1).startsWith("DENY import ") && imports.get(imports.size() - 1).contains(" failed after approval"),
          "the log says the package was taken in: " + imports);
      assertEquals(List.of(), s.list("").stream().map(FileInfo::path).toList(), "part of the package was stored");
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
    unmount();
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
