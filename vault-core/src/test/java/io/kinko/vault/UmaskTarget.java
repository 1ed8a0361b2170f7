package io.kinko.vault;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Run by {@link VaultPermissionsTest} in a JVM started under a wide umask (a JVM cannot change
 * its own): {@code create DIR} makes a vault with a stored file and a certificate; {@code open
 * DIR} opens it, so its warnings reach this process's stderr.
 */
public final class UmaskTarget {
  private UmaskTarget() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[1]);
    if (args[0].equals("create")) {
      try (Vault vault = TestVaults.create(dir); Session s = TestVaults.login(vault)) {
        TestVaults.put(s, "申請書/山田.txt", "山田太郎".getBytes(StandardCharsets.UTF_8));
        TestVaults.put(s, "申請書/鈴木.txt", "鈴木花子".getBytes(StandardCharsets.UTF_8));
        s.delete("申請書/鈴木.txt");
      }
    } else {
      Vault.open(dir).close();
    }
  }
}
