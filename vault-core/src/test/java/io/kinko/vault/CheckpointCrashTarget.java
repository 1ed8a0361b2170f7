package io.kinko.vault;

import io.kinko.vault.audit.HaltAtCheckpointStep;
import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link CheckpointCrashTest}: logs in (so the checkpoint policy signs),
 * arms a halt at one step of the {@code nth} policy checkpoint signed without a database sync,
 * then calls {@code stat} until the JVM halts, printing {@code ACK <i>} after each call returns.
 */
public final class CheckpointCrashTarget {
  private CheckpointCrashTarget() {}

  public static void main(String[] args) {
    Vault vault = Vault.open(Path.of(args[0]), "checkpoint-crash");
    Session session = TestVaults.login(vault);
    HaltAtCheckpointStep.install(args[1], Integer.parseInt(args[2]));
    for (int i = 0; i < 10_000; i++) {
      session.stat("a.txt");
      System.out.println("ACK " + i);
      System.out.flush();
    }
    System.out.println("NOT HALTED");
  }
}
