package io.kinko.vault.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * What a user reads for H2's 90098 (DATABASE_IS_CLOSED). H2 raises it for every call once its store
 * is closed: after a failed write (a full disk), but as well after a store that stopped at a page
 * it could not read back (a damaged file), and for a session whose database H2 closed (its
 * shutdown after such a failure, with no cause attached). Only the first is a write, and only
 * a full disk is helped by making room.
 */
class DatabaseFailureMessageTest {
  @Test
  void databaseClosed_withoutASystemReason_saysToOpenTheVaultAgain_andClaimsNoFailedWriteNorFullDisk() {
    String said = Database.failure("vault database error", new SQLException("Database is already closed", "90098", 90098)).getMessage();
    assertTrue(said.contains("open the vault again"), said);
    assertFalse(said.contains("failed write"), said);
    assertFalse(said.contains("make room"), said);
  }

  @Test
  void databaseClosed_afterAFullDisk_namesTheSystemsReason() {
    SQLException closed = new SQLException("Database is already closed", "90098", 90098, new IOException("No space left on device"));
    String said = Database.failure("vault database error", closed).getMessage();
    assertTrue(said.contains("open the vault again"), said);
    assertTrue(said.contains("No space left on device"), said);
  }
}
