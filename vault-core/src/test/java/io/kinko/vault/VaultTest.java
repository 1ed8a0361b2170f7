package io.kinko.vault;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh vault in a temporary folder and its administrator's session, for each test. */
abstract class VaultTest {
  @TempDir Path dir;
  Vault vault;
  Session session;

  @BeforeEach
  void openVault() {
    vault = TestVaults.create(dir.resolve("vault"));
    session = TestVaults.login(vault);
  }

  /** Closes the session and the vault (after each test, or in one that edits the database of a closed vault). */
  @AfterEach
  void closeVault() {
    if (session != null) {
      session.close();
      session = null;
    }
    if (vault != null) {
      vault.close();
      vault = null;
    }
  }
}
