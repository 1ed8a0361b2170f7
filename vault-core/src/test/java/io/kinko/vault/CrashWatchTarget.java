package io.kinko.vault;

import io.kinko.vault.engine.HaltWatchAt;
import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link IncidentCrashTest}: the incident watch stops at step args[1]
 * while user args[2] fails to log in until the account locks; prints {@code LOCKED} once the
 * LOCKOUT entry is durable, then waits to be killed.
 */
public final class CrashWatchTarget {
  private CrashWatchTarget() {}

  public static void main(String[] args) throws Exception {
    HaltWatchAt.install(args[1]);
    Vault vault = Vault.open(Path.of(args[0]), "crash-target");
    for (int i = 0; i < vault.accessPolicy().lockoutAfter(); i++) {
      try (Password wrong = Password.copyOf("not the password at all".toCharArray())) {
        vault.login(args[2], wrong).close();
      } catch (AuthenticationException expected) {
        // each failure is a durable DENY entry; the last also a LOCKOUT entry
      }
    }
    System.out.println("LOCKED");
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }
}
