package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder put that fails in a later batch of 512 files: the batches before it are a stored
 * change of state, and the put signs a checkpoint over them as it does over a whole put.
 */
class PartlyStoredPutTest {
  @TempDir Path dir;

  /**
   * The second batch cannot write its blobs (the blob folder is replaced by a file as its first
   * file is read): the first batch's 512 files stay stored, and a checkpoint names the state that
   * holds them before the put returns. Before, the put threw without signing: the stored batch
   * waited for the session's close, which signs only if the log grew past the last checkpoint;
   * a policy checkpoint signed between that batch's entries and its commit (1000 entries: the
   * second batch's) left no checkpoint naming it, and a database rolled back to before it was not
   * caught at the next opening.
   */
  @Test
  void folderPut_failingInItsSecondBatch_signsACheckpointOverTheFirst() throws IOException {
    Path v = dir.resolve("vault");
    Path folder = TestVaults.folderOf(dir.resolve("folder"), 600, 16);
    Vault created;
    try (Password password = Password.copyOf(TestVaults.PASSWORD)) {
      // No checkpoint by the log's policy during the test: only the put's own could name its state.
      created = TestVaults.builder(v).contract(TestVaults.CONTRACT).admin(TestVaults.ADMIN, password)
          .passwordCost(PasswordCost.MINIMUM).logPolicy(new LogPolicy(Period.ofYears(1), Integer.MAX_VALUE, Duration.ofDays(3650)))
          .create();
    }
    Path blobs = v.resolve("blobs");
    Path away = v.resolve("blobs.away");
    String changed;
    try (Vault vault = created) {
      TestVaults.grantAll(vault, TestVaults.ADMIN);
      try (Session s = TestVaults.login(vault)) {
        AtomicInteger read = new AtomicInteger();
        PartlyStoredException e = assertThrows(PartlyStoredException.class, () -> s.put("束", folder, bytes -> {
          // Told once per small file, after its blob was staged: the 513th is the second batch's first.
          if (read.incrementAndGet() == 513) {
            try {
              Files.move(blobs, away);
              Files.writeString(blobs, "not a folder");
            } catch (IOException io) {
              throw new UncheckedIOException(io);
            }
          }
        }));
        assertEquals(512, e.report().stored().size(), e::getMessage);
        assertTrue(e.getMessage().contains("cannot write to the vault"), e::getMessage);
        Files.delete(blobs);
        Files.move(away, blobs);
        changed = TestVaults.stateLine(s);
        assertTrue(TestVaults.checkpointFileNames(v, changed), "the put signed no checkpoint over the 512 files it stored");
        FileInfo one = e.report().stored().get(100);
        assertEquals(1, s.versions(one.path()).size());
        assertArrayEquals(Files.readAllBytes(folder.resolve(one.path().substring("束/".length()))), TestVaults.readAll(s, one.path()));
      }
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      assertEquals(512, s.list("束").size());
    }
  }

}
