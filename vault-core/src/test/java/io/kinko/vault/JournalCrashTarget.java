package io.kinko.vault;

import io.kinko.vault.audit.HaltAtCommitStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a separate JVM by {@link JournalCrashTest}: logs in, arms a halt at one step of the
 * {@code nth} group commit from now, then has 4 threads call {@code stat} (one logged entry
 * each) until the JVM halts, printing {@code ACK <thread> <i>} after each call returns, that is
 * once its entry is durable.
 */
public final class JournalCrashTarget {
  private JournalCrashTarget() {}

  public static void main(String[] args) throws Exception {
    Vault vault = Vault.open(Path.of(args[0]), "journal-crash");
    Session session = TestVaults.login(vault);
    HaltAtCommitStep.install(args[1], Integer.parseInt(args[2]));
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      threads.add(new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          session.stat("a.txt");
          synchronized (System.out) {
            System.out.println("ACK " + thread + " " + i);
            System.out.flush();
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    System.out.println("NOT HALTED");
  }
}
