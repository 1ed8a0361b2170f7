package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.store.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vault folder is private (0700/0600) whatever the umask, and opening says when it is not. */
class VaultPermissionsTest {
  @TempDir Path dir;

  /** Runs {@link UmaskTarget} in a JVM under umask 022, the usual default; returns its stderr. */
  private String underUmask022(String... args) throws Exception {
    ProcessBuilder java = TestVaults.java(List.of(), UmaskTarget.class, args);
    List<String> command = new ArrayList<>(List.of("sh", "-c", "umask 022; exec \"$@\"", "sh"));
    command.addAll(java.command());
    java.command(command);
    java.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Path err = dir.resolve("stderr-" + args[0] + ".txt");
    java.redirectError(err.toFile());
    Process p = java.start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child JVM did not finish");
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), stderr);
    return stderr;
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void init_underUmask022_makesEveryFolder0700_andEveryFile0600() throws Exception {
    Path vault = Files.createDirectories(dir.resolve("vault")); // an empty folder made by the user: 0755
    underUmask022("create", vault.toString());

    List<String> wide = new ArrayList<>();
    int files = 0;
    try (Stream<Path> all = Files.walk(vault)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String expected = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------";
        files += Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? 1 : 0;
        if (!mode(p).equals(expected)) {
          wide.add(vault.relativize(p) + " " + mode(p));
        }
      }
    }
    assertEquals(List.of(), wide, "entries wider than private");
    // What the promise is about is there: slots, keys, the descriptor, H2's file and a blob.
    for (String name : new String[] {"kinko.json", "keys/user-sato.slot", "keys/signing.key", "keys/names.key", "db/kinko.mv.db"}) {
      assertTrue(Files.isRegularFile(vault.resolve(name)), name);
    }
    assertTrue(files >= 8, "only " + files + " files were checked");
    assertEquals(List.of(), PrivateFiles.wider(PrivateFiles.modes(new io.kinko.vault.store.VaultLayout(vault), true)));
  }

  @Test
  void open_ofAVaultWithAWiderSlot_warnsNamingThePathAndItsMode_andTheAuditListsIt() throws Exception {
    Path vault = dir.resolve("vault");
    underUmask022("create", vault.toString());
    Path slot = vault.resolve("keys/user-sato.slot");
    Files.setPosixFilePermissions(slot, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(vault, PosixFilePermissions.fromString("rwxr-xr-x"));

    String stderr = underUmask022("open", vault.toString());

    assertTrue(stderr.contains("WARN") && stderr.contains(slot + " is rw-r--r--"), stderr);
    assertTrue(stderr.contains(vault + " is rwxr-xr-x"), stderr);
    List<PrivateFiles.Exposure> wide = PrivateFiles.wider(PrivateFiles.modes(new io.kinko.vault.store.VaultLayout(vault), true));
    assertEquals(List.of(vault, slot), wide.stream().map(PrivateFiles.Exposure::path).sorted().toList());
  }

  @Test
  void isPrivate_acceptsOnlyModesThatGiveNothingToGroupOrOthers() {
    assertTrue(PrivateFiles.isPrivate(PosixFilePermissions.fromString("rwx------")));
    assertTrue(PrivateFiles.isPrivate(PosixFilePermissions.fromString("r--------")));
    for (String wide : new String[] {"rw-r--r--", "rwx---r-x", "rw----r--", "rw--w----", "rw------x"}) {
      assertTrue(!PrivateFiles.isPrivate(PosixFilePermissions.fromString(wide)), wide);
    }
  }
}
