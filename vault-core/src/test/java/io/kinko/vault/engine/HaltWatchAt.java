package io.kinko.vault.engine;

/**
 * Test code's way to stop a JVM inside the incident watch: at the named step ("raise", "move")
 * the JVM prints {@code HALTED} and waits to be killed (SIGKILL by the test), as a power cut would
 * find it: the entries before are durable, what follows never happens.
 */
public final class HaltWatchAt {
  private HaltWatchAt() {}

  public static void install(String step) {
    IncidentWatch.install(reached -> {
      if (reached.equals(step)) {
        System.out.println("HALTED");
        System.out.flush();
        while (true) {
          java.util.concurrent.locks.LockSupport.park(); // until the test kills the JVM
        }
      }
    });
  }
}
