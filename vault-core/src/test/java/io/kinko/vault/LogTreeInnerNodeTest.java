package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.engine.EngineInternals;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tree's inner nodes are what inclusion proofs read, and no opening reads most of them: an
 * inner node edited outside Kinko (found by an attacker's review) must not reach a certificate as
 * a proof an auditor refuses, and verification must find it.
 */
class LogTreeInnerNodeTest extends VaultTest {
  /** Node (1, 0): the parent of leaves 0 and 1, which the proofs of leaves 2 and 3 read. */
  private static final long NODE_1_0 = 1L << 48;

  private LogCheckpoints.Signed aCheckpointOverSomeEntries() {
    TestVaults.put(session, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 5; i++) {
      session.stat("a.txt");
    }
    session.checkpoint();
    List<LogCheckpoints.Signed> all = EngineInternals.checkpoints(vault).all();
    return all.get(all.size() - 1);
  }

  private void editNode(long node, byte[] hash) throws SQLException {
    try (Connection c = TestDatabase.connect(vault.directory())) {
      TestDatabase.setNode(c, node, hash); // exactly one row, or it throws
    }
  }

  @Test
  void aProofThroughAnEditedInnerNode_isRefusedBeforeAnyoneGetsIt() throws SQLException {
    LogCheckpoints.Signed signed = aCheckpointOverSomeEntries();
    LogCheckpoints checkpoints = EngineInternals.checkpoints(vault);
    LogEntry third = EngineInternals.log(vault).entryAt(2).orElseThrow();
    assertTrue(!checkpoints.provenInclusion(third, signed).isEmpty(), "no proof before the edit");
    byte[] edited = new byte[32];
    java.util.Arrays.fill(edited, (byte) 0x11);
    editNode(NODE_1_0, edited);
    IntegrityException e = assertThrows(IntegrityException.class, () -> checkpoints.provenInclusion(third, signed));
    assertTrue(e.getMessage().contains("log entry 2 is not proved in the checkpoint of size " + signed.size()), e.getMessage());
  }

  @Test
  void verify_ofAnEditedInnerNode_isRefused() throws SQLException {
    aCheckpointOverSomeEntries();
    byte[] edited = new byte[32];
    java.util.Arrays.fill(edited, (byte) 0x11);
    editNode(NODE_1_0, edited);
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("level 1, index 0"), e.getMessage());
  }

  @Test
  void verify_ofAnInnerNodeOfOneByte_isRefused() throws SQLException {
    aCheckpointOverSomeEntries();
    editNode(NODE_1_0, new byte[] {0x11});
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("level 1, index 0"), e.getMessage());
  }
}
