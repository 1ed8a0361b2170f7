package io.kinko.vault;

import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link PutCrashTest}: puts a folder and halts the JVM, as a power cut
 * would (no shutdown hooks, no finally blocks), once the bytes read reach the third argument.
 */
public final class CrashPutTarget {
  /** The exit code of a JVM halted during the put. */
  static final int EXIT = 99;

  private CrashPutTarget() {}

  public static void main(String[] args) {
    long haltAt = Long.parseLong(args[2]);
    Vault vault = Vault.open(Path.of(args[0]), "crash-target");
    Session session = TestVaults.login(vault);
    long[] read = {0};
    session.put("scans", Path.of(args[1]), bytes -> {
      read[0] += bytes;
      if (read[0] >= haltAt) {
        Runtime.getRuntime().halt(EXIT);
      }
    });
    System.out.println("NOT CRASHED");
  }
}
