package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes on one embedded vault: the second gets a clear error, never a hang or a corrupt database. */
class VaultInUseTest {
  @TempDir Path dir;

  @Test
  void open_whileAnotherProcessHoldsTheVault_namesThatProcess_andTheVaultIsIntactAfterwards() throws Exception {
    Path v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "a".getBytes());
    }
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CrashTarget.class.getName(), v.toString(), "a.txt")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("READ 1", out.readLine(), "the holder did not open the vault");
      VaultException e = assertThrows(VaultException.class, () -> TestVaults.open(v));
      assertTrue(e.getMessage().contains("in use by process " + holder.pid()), e.getMessage());
    } finally {
      holder.destroyForcibly();
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
    }
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      assertArrayEquals("a".getBytes(), TestVaults.readAll(s, "a.txt"));
      s.verifyLog(null);
    }
  }
}
