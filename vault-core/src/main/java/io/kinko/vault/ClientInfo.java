package io.kinko.vault;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Where the operations of a vault handle come from, as every log entry records it: the host,
 * the process and the application that embeds the library.
 */
public record ClientInfo(String host, long pid, String application) {
  public ClientInfo {
    host = Contract.requireText("host", host, 255);
    application = Contract.requireText("application", application, 128);
    if (pid < 0) {
      throw new IllegalArgumentException("process id " + pid + " is negative");
    }
  }

  /** This process on this host, for an application of the given name. */
  public static ClientInfo of(String application) {
    Objects.requireNonNull(application, "application");
    return new ClientInfo(hostName(), ProcessHandle.current().pid(), application);
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}
