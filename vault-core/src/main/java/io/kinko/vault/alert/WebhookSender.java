package io.kinko.vault.alert;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A webhook: an HTTP POST of {@code {"text": ..., "kinko": {...}}}. {@code text} is what Slack,
 * Mattermost, Rocket.Chat and Teams' incoming webhooks show; {@code kinko} holds the fields for a
 * program. Only a 2xx answer counts as delivered; redirects are not followed (a moved hook is
 * reconfigured, not chased). The header {@code Idempotency-Key} carries the alert id.
 */
final class WebhookSender implements Sender {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofMillis(CONNECT_MILLIS))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();
  private final URI target;

  WebhookSender(URI target) {
    this.target = target;
  }

  @Override
  public void send(Alert alert) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(target)
        .timeout(Duration.ofMillis(READ_MILLIS))
        .header("Content-Type", "application/json; charset=utf-8")
        .header("Idempotency-Key", alert.id())
        .header("User-Agent", "kinko-alert")
        .POST(HttpRequest.BodyPublishers.ofString(body(alert), StandardCharsets.UTF_8))
        .build();
    HttpResponse<Void> response = CLIENT.send(request, HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() / 100 != 2) {
      throw new IOException("the webhook answered HTTP " + response.statusCode());
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
