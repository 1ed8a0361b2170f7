package io.kinko.vault.alert;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A webhook: an HTTP POST of {@code {"text": ..., "kinko": {...}}}. {@code text} is what Slack,
 * Mattermost, Rocket.Chat and Teams' incoming webhooks show; {@code kinko} holds the fields for a
 * program. Only a 2xx answer counts as delivered; redirects are not followed (a moved hook is
 * reconfigured, not chased). The header {@code Idempotency-Key} carries the alert id.
 */
final class WebhookSender implements Sender {
  private final URI target;
  private final Supplier<HttpClient> client;

  WebhookSender(URI target) {
    this(target, Client::get);
  }

  /** With the HTTP client {@code client} gives, asked for only once the hook could be reached. */
  WebhookSender(URI target, Supplier<HttpClient> client) {
    this.target = target;
    this.client = client;
  }

  @Override
  public void send(Alert alert) throws IOException, InterruptedException {
    reach(target);
    HttpRequest request = HttpRequest.newBuilder(target)
        .timeout(Duration.ofMillis(READ_MILLIS))
        .header("Content-Type", "application/json; charset=utf-8")
        .header("Idempotency-Key", alert.id())
        .header("User-Agent", "kinko-alert")
        .POST(HttpRequest.BodyPublishers.ofString(body(alert), StandardCharsets.UTF_8))
        .build();
    HttpResponse<Void> response = client.get().send(request, HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() / 100 != 2) {
      throw new IOException("the webhook answered HTTP " + response.statusCode());
    }
  }

  /**
   * Connects to where the HTTP client would, and closes, before the client is asked for. Making
   * that client builds the JDK's TLS context, 0.2 s of CPU in a fresh JVM (session 18): a hook that
   * cannot be reached, the usual failure and every retry of it, cost that to the command whose
   * incident raised the alert, on the core its own work needed. Where the client goes is the hook's
   * host and port, or the HTTP proxy the default proxy selector names for it (the client is given
   * no selector of its own, so it asks the same one: {@code https.proxyHost} and the like).
   */
  static void reach(URI target) throws IOException {
    InetSocketAddress address = proxyFor(target);
    if (address == null) {
      int port = target.getPort() != -1 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
      address = new InetSocketAddress(target.getHost(), port);
    }
    try (Socket socket = new Socket()) {
      socket.connect(address, CONNECT_MILLIS);
    }
  }

  /** The HTTP proxy the default selector gives for {@code target}, resolved, or null to go direct. */
  private static InetSocketAddress proxyFor(URI target) {
    ProxySelector selector = ProxySelector.getDefault();
    List<Proxy> proxies = selector == null ? List.of() : selector.select(target);
    if (!proxies.isEmpty() && proxies.get(0).type() == Proxy.Type.HTTP && proxies.get(0).address() instanceof InetSocketAddress proxy) {
      return new InetSocketAddress(proxy.getHostString(), proxy.getPort());
    }
    return null;
  }

  /** The process's one HTTP client for webhooks, made on first use. */
  private static final class Client {
    private static final HttpClient INSTANCE = HttpClient.newBuilder()
        .connectTimeout(Duration.ofMillis(CONNECT_MILLIS))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();

    static HttpClient get() {
      return INSTANCE;
    }
  }

  static String body(Alert alert) {
    JsonObject o = new JsonObject();
    o.addProperty("text", alert.subject() + "\n\n" + alert.body(true) + "\n" + alert.body(false));
    JsonObject k = new JsonObject();
    k.addProperty("alertId", alert.id());
    k.addProperty("vaultId", alert.vaultId());
    k.addProperty("seq", alert.seq());
    k.addProperty("rule", alert.rule().id());
    k.addProperty("severity", alert.rule().severity());
    k.addProperty("severityName", alert.severityName());
    k.addProperty("time", alert.utc());
    k.addProperty("timeJst", alert.jst());
    k.addProperty("actor", alert.actor());
    JsonArray evidence = new JsonArray();
    alert.evidence().forEach(evidence::add);
    k.add("evidence", evidence);
    k.addProperty("test", alert.test());
    k.addProperty("titleJa", AlertTexts.title(alert.rule(), true));
    k.addProperty("titleEn", AlertTexts.title(alert.rule(), false));
    o.add("kinko", k);
    return o.toString();
  }
}
