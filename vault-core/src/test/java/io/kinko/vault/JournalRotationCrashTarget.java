package io.kinko.vault;

import io.kinko.vault.audit.HaltAtCommitStep;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Run in a separate JVM by {@link JournalRotationTest}: logs in, arms a halt at one step of the
 * journal's rotation, and prunes the log entries before {@code args[2]} (epoch milliseconds),
 * which rotates the journal after the database's prune.
 */
public final class JournalRotationCrashTarget {
  private JournalRotationCrashTarget() {}

  public static void main(String[] args) {
    Vault vault = Vault.open(Path.of(args[0]), "journal-rotation-crash");
    Session session = TestVaults.login(vault);
    HaltAtCommitStep.install(args[1], 1);
    session.pruneLog(Instant.ofEpochMilli(Long.parseLong(args[2])));
    System.out.println("NOT HALTED");
  }
}
