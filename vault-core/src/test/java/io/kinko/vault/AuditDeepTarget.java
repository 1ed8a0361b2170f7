package io.kinko.vault;

import java.nio.file.Path;

/** Run in a JVM of its own with a small heap by {@link AuditTest}: a deep audit, printing the bytes it decrypted. */
public final class AuditDeepTarget {
  private AuditDeepTarget() {}

  public static void main(String[] args) {
    try (Vault vault = TestVaults.open(Path.of(args[0])); Session session = TestVaults.login(vault)) {
      AuditResult result = session.audit(true, blobs -> {});
      System.out.println("decrypted " + result.checked().bytesDecrypted() + " findings " + result.findings().size());
    }
  }
}
