package io.kinko.vault;

import io.kinko.vault.erase.HaltAtStep;
import java.nio.file.Path;

/** Run in a separate JVM by {@link DeletionTest}: deletes a path, halting the JVM at the deletion step named by the third argument. */
public final class CrashDeleteTarget {
  private CrashDeleteTarget() {}

  public static void main(String[] args) {
    HaltAtStep.install(args[2]);
    Vault vault = Vault.open(Path.of(args[0]), "crash-target");
    Session session = TestVaults.login(vault);
    session.delete(args[1]);
    System.out.println("NOT CRASHED");
  }
}
