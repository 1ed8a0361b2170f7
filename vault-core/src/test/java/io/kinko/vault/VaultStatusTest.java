package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link Vault#status()}: a read-only look at the backend, the log's size and its newest checkpoint. */
class VaultStatusTest extends VaultTest {
  @Test
  void status_namesTheBackendTheVaultWasCreatedOnAndTheLogItsEntriesReach() {
    TestVaults.put(session, "a.txt", new byte[] {1, 2, 3});
    long before = session.logEntries(new LogQuery(null, null, null, null)).size();

    VaultStatus status = vault.status();

    assertEquals(TestDatabase.postgres() ? "postgresql" : "h2", status.backend());
    // the listing above is itself an entry, so the log holds at least what it returned
    assertTrue(status.logSize() >= before, status::toString);
  }

  @Test
  void status_afterACheckpoint_reportsItsSizeAndWhenItWasSigned() {
    Instant start = Instant.now().minusSeconds(1);
    session.checkpoint();

    VaultStatus status = vault.status();

    assertTrue(status.checkpointSize() > 0 && status.checkpointSize() <= status.logSize(), status::toString);
    assertNotNull(status.checkpointAt());
    assertFalse(status.checkpointAt().isBefore(start), status::toString);
  }

  @Test
  void status_isNotLogged() {
    long size = vault.status().logSize();
    vault.status();
    assertEquals(size, vault.status().logSize());
  }
}
