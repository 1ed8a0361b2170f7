package io.kinko.vault;

import java.io.InputStream;
import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link CrashTest}: reads one file, says so on stdout, then waits to
 * be killed with SIGKILL, never closing the vault.
 */
public final class CrashTarget {
  private CrashTarget() {}

  public static void main(String[] args) throws Exception {
    Vault vault = Vault.open(Path.of(args[0]), "crash-target");
    Session session = TestVaults.login(vault);
    try (InputStream in = session.get(args[1])) {
      System.out.println("READ " + in.readAllBytes().length);
    }
    System.out.flush();
    // Block until killed; the vault is deliberately left open.
    System.in.read();
  }
}
