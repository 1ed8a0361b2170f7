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
   * A folder put stores its files in batches: when the disk fills in a later batch, the earlier
   * ones stay stored and the failure lists them, so that nobody stores them again as new versions.
   * Before, the failure said only "No space left on device", whatever had been stored.
   */
  @Test
  void folderPut_whoseLaterBatchMeetsAFullDisk_listsWhatItStored_whichStaysStored() throws IOException {
    Path v = mount.resolve("vault");
    int files = 4_000;
    Path folder = TestVaults.folderOf(dir.resolve("many"), files, 3_900); // a blob of one 4 KiB page: 512 take 2 MiB of the 12
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      PartlyStoredException e = assertThrows(PartlyStoredException.class, () -> s.put("many", folder));
      assertTrue(e.getMessage().contains("No space left on device"), e::getMessage);
      List<FileInfo> stored = e.report().stored();
      assertTrue(!stored.isEmpty() && stored.size() % 512 == 0 && stored.size() < files, "stored " + stored.size());
      assertTrue(e.getMessage().contains("the " + stored.size() + " file(s) stored before the failure stay stored"), e::getMessage);
      for (FileInfo f : stored) {
        assertEquals(1, s.versions(f.path()).size(), f.path());
      }
      FileInfo one = stored.get(stored.size() / 2);
      assertArrayEquals(Files.readAllBytes(folder.resolve(one.path().substring("many/".length()))), TestVaults.readAll(s, one.path()));
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
}
