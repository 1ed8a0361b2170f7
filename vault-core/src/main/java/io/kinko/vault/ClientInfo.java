package io.kinko.vault;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Where the operations of a vault handle come from, as every log entry records it: the host,
 * the process and the application that embeds the library, and, for an application that serves
 * people over a network (a web application), the address of the person's client.
 *
 * @param address the remote client's address as the embedding application sees it (an IP
 *     address, or a host name), or null for an application that serves nobody remote
 */
public record ClientInfo(String host, long pid, String application, String address) {
  /** An address: IPv4, IPv6 (with a zone or brackets) or a DNS name; no spaces, no control characters. */
  private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile("[0-9A-Za-z.:%\\[\\]_-]{1,100}");

  public ClientInfo {
    host = Contract.requireText("host", host, 255);
    application = Contract.requireText("application", application, 128);
    if (pid < 0) {
      throw new IllegalArgumentException("process id " + pid + " is negative");
    }
    if (address != null && !ADDRESS.matcher(address).matches()) {
      // The address may come from a request header: it is described, not echoed.
      throw new IllegalArgumentException("client address of " + address.length()
          + " characters is not an IP address or host name (1 to 100 of [0-9A-Za-z.:%[]_-])");
    }
  }

  /** A client with no remote address: the process itself is the client. */
  public ClientInfo(String host, long pid, String application) {
    this(host, pid, application, null);
  }

  /**
   * This client acting for a remote client at {@code address}, as a web application acts for a
   * browser: what {@link Vault#login(String, Password, String)} records.
   *
   * @throws IllegalArgumentException if the address is not an IP address or host name
   */
  public ClientInfo withAddress(String address) {
    return new ClientInfo(host, pid, application, java.util.Objects.requireNonNull(address, "address"));
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
