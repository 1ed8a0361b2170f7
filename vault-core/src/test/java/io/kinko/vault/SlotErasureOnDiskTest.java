package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a password change leaves on the disk itself: the vault lives on a small ext4 file system
 * in a loop-mounted image, and after the change the raw image is searched, block by block, for the
 * old slot's sealed keyset. The new slot's keyset must be found the same way, or the search proves
 * nothing. Needs root and loop devices: tag {@code disk}, run by {@code .ci/run} where it can mount.
 */
@Tag("disk")
class SlotErasureOnDiskTest {
  static final char[] BOB = "a long staff password 1".toCharArray();
  static final char[] NEXT = "a brand new passphrase 2".toCharArray();

  @TempDir Path dir;

  @Test
  void afterAPasswordChange_theRawDiskHoldsTheNewSlotAndNoByteOfTheOldOnesKeyset() throws Exception {
    Path image = dir.resolve("disk.ext4");
    Path mount = Files.createDirectory(dir.resolve("mnt"));
    try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(64L << 20);
    }
    run("mkfs.ext4", "-q", "-F", image.toString());
    run("mount", "-o", "loop", image.toString(), mount.toString());
    byte[] oldKeyset;
    byte[] newKeyset;
    try {
      Path root = mount.resolve("vault");
      try (Vault vault = TestVaults.create(root); Session admin = TestVaults.login(vault)) {
        try (Password p = Password.copyOf(BOB)) {
          admin.administration().addUser("bob", Role.WORKER, p, null);
        }
        Path slot = root.resolve("keys/user-bob.slot");
        oldKeyset = KeySlotLifecycleTest.keyset(Files.readAllBytes(slot));
        run("sync");
        try (Session bob = login(vault, BOB); Password o = Password.copyOf(BOB); Password n = Password.copyOf(NEXT)) {
          bob.changePassword(o, n);
        }
        newKeyset = KeySlotLifecycleTest.keyset(Files.readAllBytes(slot));
      }
    } finally {
      run("umount", mount.toString());
    }
    assertNotEquals(-1, find(image, newKeyset), "the search does not find the new slot: it proves nothing");
    assertEquals(-1, find(image, oldKeyset), "the old slot's sealed keyset is still on the disk");
  }

  private static Session login(Vault vault, char[] password) {
    try (Password p = Password.copyOf(password)) {
      return vault.login("bob", p);
    }
  }

  /** The offset of {@code needle} in the file, read in overlapping windows; -1 if absent. */
  private static long find(Path file, byte[] needle) throws IOException {
    byte[] window = new byte[(1 << 20) + needle.length];
    long base = 0;
    int kept = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.readNBytes(window, kept, window.length - kept)) > 0) {
        int filled = kept + n;
        int at = KeySlotLifecycleTest.indexOf(java.util.Arrays.copyOf(window, filled), needle);
        if (at >= 0) {
          return base + at;
        }
        kept = Math.min(needle.length - 1, filled);
        System.arraycopy(window, filled - kept, window, 0, kept);
        base += filled - kept;
      }
    }
    return -1;
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
  }
}
