package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kinko.vault.audit.FailAtCheckpointStep;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A creation that fails once its log has begun leaves nothing of the vault running. */
class FailedCreationTest {
  @TempDir Path dir;

  /**
   * The INIT entry's append wakes the incident watch; the first checkpoint then cannot be written
   * (a full disk), and the creation closes the database. The watch went on scanning that database
   * as it closed (the refused opening's shape, commit 3508f1c), and its thread stayed for good.
   */
  @Test
  void aCreationWhoseFirstCheckpointCannotBeWritten_leavesNoIncidentWatchRunning() {
    Set<Thread> before = watchThreads();
    FailAtCheckpointStep.install("checkpoint.signed", 1);
    try {
      assertThrows(VaultException.class, () -> TestVaults.create(dir.resolve("vault")));
    } finally {
      FailAtCheckpointStep.clear();
    }
    Set<Thread> after = watchThreads();
    after.removeAll(before);
    assertEquals(Set.of(), after, "an incident watch still runs after the failed creation");
  }

  private static Set<Thread> watchThreads() {
    Set<Thread> watches = new HashSet<>(Thread.getAllStackTraces().keySet());
    watches.removeIf(t -> !t.isAlive() || !t.getName().equals("kinko-incident-watch"));
    return watches;
  }
}
