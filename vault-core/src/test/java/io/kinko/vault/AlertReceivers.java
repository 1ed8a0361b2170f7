package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Real receivers on the loopback for alert tests: a JDK HttpServer and a UDP syslog socket, and a strict RFC 5424 reader. */
final class AlertReceivers {
  static final Duration DEADLINE = Duration.ofSeconds(20);

  private AlertReceivers() {}

  /** A webhook endpoint answering 204 and keeping each body it received. */
  static final class Webhook implements AutoCloseable {
    final BlockingQueue<String> bodies = new LinkedBlockingQueue<>();
    private final HttpServer server;

    Webhook(int port) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      server.createContext("/hook", exchange -> {
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (exchange.getRequestMethod().equals("POST")
            && exchange.getRequestHeaders().getFirst("Content-Type").startsWith("application/json")) {
          bodies.add(new String(body, StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(204, -1);
        } else {
          exchange.sendResponseHeaders(400, -1);
        }
        exchange.close();
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    String url() {
      return "http://127.0.0.1:" + port() + "/hook";
    }

    /** The next body, waiting at most {@link #DEADLINE}. */
    String next() throws InterruptedException {
      String body = bodies.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      assertNotNull(body, "no webhook call within " + DEADLINE);
      return body;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** A UDP socket on the loopback that a syslog sink sends to. */
  static final class Syslog implements AutoCloseable {
    private final DatagramSocket socket;

    Syslog() throws IOException {
      socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      socket.setSoTimeout((int) DEADLINE.toMillis());
    }

    String url() {
      return "udp://127.0.0.1:" + socket.getLocalPort();
    }

    byte[] next() throws IOException {
      byte[] buffer = new byte[8192];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no syslog message within " + DEADLINE, e);
      }
      return Arrays.copyOf(buffer, packet.getLength());
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  /** One RFC 5424 message, read strictly. */
  record Rfc5424(int facility, int severity, String timestamp, String host, String app, String procId, String msgId,
      String sdId, Map<String, String> params, String msg) {}

  private static final Pattern HEADER = Pattern.compile(
      "<([0-9]{1,3})>1 ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})) "
          + "([\\x21-\\x7e]{1,255}) ([\\x21-\\x7e]{1,48}) ([\\x21-\\x7e]{1,128}) ([\\x21-\\x7e]{1,32}) \\[([^ =\\]\"]{1,32})((?: [^ =\\]\"]{1,32}=\"(?:[^\"\\\\\\]]|\\\\[\"\\\\\\]])*\")+)\\] ");
  private static final Pattern PARAM = Pattern.compile(" ([^ =\\]\"]{1,32})=\"((?:[^\"\\\\\\]]|\\\\[\"\\\\\\]])*)\"");

  /** Parses {@code bytes} as RFC 5424 with one SD-ELEMENT and a MSG that starts with the UTF-8 BOM; fails on anything else. */
  static Rfc5424 parse(byte[] bytes) {
    int bom = -1;
    for (int i = 0; i + 2 < bytes.length; i++) {
      if ((bytes[i] & 0xff) == 0xEF && (bytes[i + 1] & 0xff) == 0xBB && (bytes[i + 2] & 0xff) == 0xBF) {
        bom = i;
        break;
      }
    }
    assertTrue(bom > 0, "MSG does not start with the UTF-8 BOM");
    String head = new String(bytes, 0, bom, StandardCharsets.US_ASCII);
    assertTrue(head.chars().allMatch(c -> c < 0x80), "the header is not ASCII");
    Matcher m = HEADER.matcher(head);
    assertTrue(m.matches(), "not an RFC 5424 header: " + head);
    int pri = Integer.parseInt(m.group(1));
    assertTrue(pri <= 191, "PRI " + pri + " out of range");
    Map<String, String> params = new LinkedHashMap<>();
    Matcher p = PARAM.matcher(m.group(8));
    int end = 0;
    while (p.find()) {
      assertEquals(end, p.start(), "junk between SD-PARAMs");
      params.put(p.group(1), p.group(2).replaceAll("\\\\([\"\\\\\\]])", "$1"));
      end = p.end();
    }
    assertEquals(m.group(8).length(), end);
    String msg = new String(bytes, bom + 3, bytes.length - bom - 3, StandardCharsets.UTF_8);
    return new Rfc5424(pri / 8, pri % 8, m.group(2), m.group(3), m.group(4), m.group(5), m.group(6), m.group(7), params, msg);
  }
}
