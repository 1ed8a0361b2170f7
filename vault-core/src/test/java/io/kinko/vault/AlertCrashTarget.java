package io.kinko.vault;

import java.nio.file.Path;
import java.util.List;

/**
 * Run in a JVM of its own by {@link AlertCrashTest}: raises one incident, says its sequence on
 * stdout, then waits to be killed with SIGKILL before its sink (which is down) could get it.
 */
public final class AlertCrashTarget {
  private AlertCrashTarget() {}

  public static void main(String[] args) throws Exception {
    Vault vault = TestVaults.open(Path.of(args[0]), "alert-crash-target");
    Session session = TestVaults.login(vault);
    io.kinko.vault.engine.EngineInternals.incident(vault, TestVaults.ADMIN, new IntegrityException("raised before a crash"));
    List<LogEntry> incidents = session.logEntries(new LogQuery(null, null, null, "INCIDENT"));
    System.out.println("RAISED " + incidents.get(incidents.size() - 1).seq());
    System.out.flush();
    System.in.read(); // the vault is deliberately left open
  }
}
