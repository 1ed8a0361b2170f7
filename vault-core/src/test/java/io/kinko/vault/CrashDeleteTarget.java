package io.kinko.vault;

import java.nio.file.Path;

/** Run in a separate JVM by {@link DeletionTest}: deletes a path with a crash point armed. */
public final class CrashDeleteTarget {
  private CrashDeleteTarget() {}

  public static void main(String[] args) {
    Vault vault = Vault.open(Path.of(args[0]), "crash-target");
    Session session = TestVaults.login(vault);
    session.delete(args[1]);
    System.out.println("NOT CRASHED");
  }
}
