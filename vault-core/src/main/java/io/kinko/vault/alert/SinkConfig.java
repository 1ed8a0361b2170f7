package io.kinko.vault.alert;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kinko.vault.AlertSink;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One sink as the setting {@code alert.sink.<id>} stores it: JSON with the target, the mail
 * fields, the SMTP password sealed under the master key (base64, purpose {@value #PASSWORD_PURPOSE},
 * context the sink id) and an optional CA certificate (PEM) for the mail server's TLS. Validates
 * what an administrator gives and what is read back.
 *
 * @param sealedPassword base64 of the sealed password, or null
 * @param caPem trust anchors for the SMTP server's certificate, or null for the JDK's
 */
public record SinkConfig(AlertSink.Kind kind, String target, List<String> to, String from, boolean startTls, String user,
    String sealedPassword, String caPem, long fromSeq) {
  public static final String PREFIX = "alert.sink.";
  public static final String PASSWORD_PURPOSE = "alert-smtp-password";
  private static final Pattern ADDRESS = Pattern.compile("[^\\s@<>\",;]{1,64}@[A-Za-z0-9.-]{1,190}");
  private static final Pattern USER = Pattern.compile("[\\x21-\\x7e]{1,128}");

  public SinkConfig {
    to = List.copyOf(to);
    check(kind, target, to, from, user, sealedPassword != null);
  }

  /**
   * Checks a sink's fields: the target's scheme and port, mail addresses, a password only with a
   * user, and plain http only to a loopback address (a webhook's body crosses no network in clear).
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static void check(AlertSink.Kind kind, String target, List<String> to, String from, String user, boolean password) {
    URI uri = uri(target);
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    switch (kind) {
      case SYSLOG -> {
        if (!scheme.equals("udp") && !scheme.equals("tcp")) {
          throw new IllegalArgumentException("a syslog sink is udp://HOST:PORT or tcp://HOST:PORT, not " + target);
        }
        hostAndPort(uri, target);
      }
      case SMTP -> {
        if (!scheme.equals("smtp") && !scheme.equals("smtps")) {
          throw new IllegalArgumentException("a mail sink is smtp://HOST:PORT (with --starttls for TLS) or smtps://HOST:PORT (TLS from the start), not "
              + target);
        }
        hostAndPort(uri, target);
        if (to.isEmpty()) {
          throw new IllegalArgumentException("a mail sink needs at least one recipient (--to)");
        }
        for (String address : to) {
          requireAddress(address);
        }
        if (from != null) {
          requireAddress(from);
        }
        if (user != null && !USER.matcher(user).matches()) {
          throw new IllegalArgumentException("the SMTP user is 1 to 128 printable ASCII characters without spaces");
        }
        if (password && user == null) {
          throw new IllegalArgumentException("an SMTP password needs a user (--user)");
        }
      }
      case WEBHOOK -> {
        if (scheme.equals("http")) {
          if (!loopback(uri.getHost())) {
            throw new IllegalArgumentException("a webhook over plain http is allowed only to a loopback address (127.0.0.1, ::1, localhost): "
                + "use https://");
          }
        } else if (!scheme.equals("https")) {
          throw new IllegalArgumentException("a webhook is an https:// URL, not " + target);
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
          throw new IllegalArgumentException("a webhook URL names a host and no user: " + target);
        }
      }
      default -> throw new IllegalArgumentException("unknown sink kind " + kind);
    }
    if (kind != AlertSink.Kind.SMTP && (!to.isEmpty() || from != null || user != null || password)) {
      throw new IllegalArgumentException("--to, --from, --user and --password-file are for mail sinks only");
    }
  }

  private static URI uri(String target) {
    if (target == null || target.isBlank() || target.length() > 2000 || target.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw new IllegalArgumentException("a sink's target is a URL of up to 2000 characters without spaces");
    }
    try {
      return new URI(target);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + target + "' is not a URL: " + e.getReason());
    }
  }

  private static void hostAndPort(URI uri, String target) {
    if (uri.getHost() == null || uri.getPort() < 1 || uri.getRawUserInfo() != null
        || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null) {
      throw new IllegalArgumentException("'" + target + "' is SCHEME://HOST:PORT with nothing after the port");
    }
  }

  private static void requireAddress(String address) {
    if (address == null || !ADDRESS.matcher(address).matches()) {
      throw new IllegalArgumentException("'" + address + "' is not a mail address (local@domain)");
    }
  }

  /** A literal loopback address or {@code localhost}; never resolved through DNS. */
  static boolean loopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no look-up
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * The target as a log entry or {@code kinko status} may show it: a webhook's path and query are
   * left out, because chat services put the hook's secret token there.
   */
  public static String shown(AlertSink.Kind kind, String target) {
    if (kind != AlertSink.Kind.WEBHOOK) {
      return target;
    }
    try {
      URI u = new URI(target);
      return u.getScheme() + "://" + u.getRawAuthority() + "/…";
    } catch (URISyntaxException e) {
      return "(malformed)";
    }
  }

  /** @throws IllegalArgumentException unless {@code pem} holds at least one X.509 certificate */
  public static void requireCertificates(String pem) {
    try {
      MailSender.trusting(pem);
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("the CA file holds no readable X.509 certificate (PEM)");
    }
  }

  public URI uri() {
    return URI.create(target);
  }

  /** The stored JSON. */
  public String toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("kind", kind.name());
    o.addProperty("target", target);
    JsonArray a = new JsonArray();
    to.forEach(a::add);
    o.add("to", a);
    if (from != null) {
      o.addProperty("from", from);
    }
    o.addProperty("startTls", startTls);
    if (user != null) {
      o.addProperty("user", user);
    }
    if (sealedPassword != null) {
      o.addProperty("password", sealedPassword);
    }
    if (caPem != null) {
      o.addProperty("ca", caPem);
    }
    o.addProperty("fromSeq", fromSeq);
    return o.toString();
  }

  /**
   * Reads a stored sink.
   *
   * @throws IllegalArgumentException if the JSON is not a sink's
   */
  public static SinkConfig parse(String json) {
    try {
      JsonObject o = JsonParser.parseString(json).getAsJsonObject();
      List<String> to = new ArrayList<>();
      if (o.has("to")) {
        for (JsonElement e : o.getAsJsonArray("to")) {
          to.add(e.getAsString());
        }
      }
      return new SinkConfig(AlertSink.Kind.valueOf(o.get("kind").getAsString()), o.get("target").getAsString(), to, text(o, "from"),
          o.has("startTls") && o.get("startTls").getAsBoolean(), text(o, "user"), text(o, "password"), text(o, "ca"),
          o.get("fromSeq").getAsLong());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("a stored alert sink is not readable: " + e.getClass().getSimpleName(), e);
    }
  }

  private static String text(JsonObject o, String name) {
    return o.has(name) && !o.get(name).isJsonNull() ? o.get(name).getAsString() : null;
  }

  /** The API's view: no password, only whether there is one. */
  public AlertSink view(String id, String addedBy, Instant addedAt) {
    return new AlertSink(id, kind, target, to, from, startTls, user, sealedPassword != null, fromSeq, addedBy, addedAt);
  }
}
