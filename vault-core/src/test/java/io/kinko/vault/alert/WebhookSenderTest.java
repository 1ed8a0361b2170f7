package io.kinko.vault.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A webhook that cannot be reached fails before the HTTP client is asked for (making it costs the
 * command that raised the alert 0.2 s of CPU for the JDK's TLS context); one that can is sent the
 * alert once, the connection that checked it carrying no request.
 */
class WebhookSenderTest {
  private static final Alert ALERT = Alert.test("0123456789abcdef0123456789abcdef", 7, "sato", Instant.parse("2026-12-04T00:00:00Z"));

  @Test
  void aHookNothingListensAt_failsWithoutTheHttpClient() throws Exception {
    int port;
    try (ServerSocket reserve = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = reserve.getLocalPort();
    }
    for (String scheme : List.of("http", "https")) {
      WebhookSender sender = new WebhookSender(URI.create(scheme + "://127.0.0.1:" + port + "/hook"), () -> {
        throw new AssertionError("the HTTP client was asked for, for a hook nothing listens at");
      });
      assertThrows(ConnectException.class, () -> sender.send(ALERT));
    }
  }

  /** Behind an HTTP proxy the hook's own host may not resolve here at all: the proxy is what is reached. */
  @Test
  void behindAProxy_theProxyIsWhatIsReached() throws Exception {
    try (ServerSocket proxy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      System.setProperty("https.proxyHost", "127.0.0.1");
      System.setProperty("https.proxyPort", Integer.toString(proxy.getLocalPort()));
      try {
        class Asked extends RuntimeException {}
        WebhookSender sender = new WebhookSender(URI.create("https://hooks.invalid/hook"), () -> {
          throw new Asked();
        });
        assertThrows(Asked.class, () -> sender.send(ALERT), "the proxy listens, so the client is asked for");
      } finally {
        System.clearProperty("https.proxyHost");
        System.clearProperty("https.proxyPort");
      }
    }
    WebhookSender direct = new WebhookSender(URI.create("https://hooks.invalid/hook"), () -> {
      throw new AssertionError("the HTTP client was asked for, for a hook whose host does not resolve");
    });
    assertThrows(IOException.class, () -> direct.send(ALERT));
  }

  @Test
  void aHookThatListens_getsTheAlertOnce_andItsAnswerCounts() throws Exception {
    List<String> posts = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", exchange -> {
      posts.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Idempotency-Key"));
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(posts.size() == 1 ? 204 : 500, -1);
      exchange.close();
    });
    server.start();
    try {
      WebhookSender sender = new WebhookSender(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"));
      sender.send(ALERT);
      assertEquals(List.of("POST " + ALERT.id()), posts, "one request: the check before it sent none");
      IOException refused = assertThrows(IOException.class, () -> sender.send(ALERT));
      assertTrue(refused.getMessage().contains("answered HTTP 500"), refused.getMessage());
    } finally {
      server.stop(0);
    }
  }
}
