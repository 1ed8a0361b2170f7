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
}
