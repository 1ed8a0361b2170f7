package io.kinko.vault;

import java.util.List;
import java.util.Objects;

/**
 * What an administrator asks for when adding an alert sink. The password, if any, stays the
 * caller's to close: the vault seals a copy under its master key.
 *
 * @param target {@code udp://HOST:PORT} or {@code tcp://HOST:PORT} (syslog), {@code smtp://HOST:PORT}
 *     (mail), {@code https://...} (webhook; {@code http://} only to a loopback address)
 * @param to mail recipients (SMTP: at least one)
 * @param from mail sender, or null for {@code kinko@<host>}
 * @param user SMTP AUTH user, or null for none
 * @param password SMTP AUTH password, or null for none (needs {@code user})
 * @param caPem PEM certificates the SMTP server's TLS certificate must chain to, or null for the JDK's trust store
 */
public record AlertSinkSpec(AlertSink.Kind kind, String target, List<String> to, String from, boolean startTls, String user,
    Password password, String caPem) {
  public AlertSinkSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(target, "target");
    to = to == null ? List.of() : List.copyOf(to);
  }

  public static AlertSinkSpec syslog(String target) {
    return new AlertSinkSpec(AlertSink.Kind.SYSLOG, target, List.of(), null, false, null, null, null);
  }

  public static AlertSinkSpec webhook(String url) {
    return new AlertSinkSpec(AlertSink.Kind.WEBHOOK, url, List.of(), null, false, null, null, null);
  }

  public static AlertSinkSpec smtp(String target, List<String> to, String from, boolean startTls, String user, Password password,
      String caPem) {
    return new AlertSinkSpec(AlertSink.Kind.SMTP, target, to, from, startTls, user, password, caPem);
  }
}
