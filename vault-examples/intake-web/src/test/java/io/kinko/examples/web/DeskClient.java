package io.kinko.examples.web;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser without the browser, for the tests that are about the server (CSRF, logs, timeouts):
 * real HTTP to the running app, a cookie jar, no redirects followed.
 */
final class DeskClient {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
  private static final Pattern HANDLE = Pattern.compile("href=\"/files/([A-Za-z0-9_-]+)\"");
  final CookieManager cookies = new CookieManager();
  private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
  private final String base;

  DeskClient(int port) {
    this.base = "http://localhost:" + port;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The CSRF token of the page at {@code path}. */
  String token(String path) throws IOException, InterruptedException {
    Matcher m = CSRF.matcher(get(path).body());
    if (!m.find()) {
      throw new AssertionError("no CSRF token on " + path);
    }
    return m.group(1);
  }

  /** Logs in through the login form; returns where it redirects to. */
  String login(String user, String password) throws IOException, InterruptedException {
    String token = token("/login");
    HttpResponse<String> r = postForm("/login", "username=" + encode(user) + "&password=" + encode(password) + "&_csrf=" + encode(token));
    return r.headers().firstValue("Location").map(l -> l.startsWith(base) ? l.substring(base.length()) : l).orElse("status " + r.statusCode());
  }

  HttpResponse<String> postForm(String path, String body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Uploads {@code content} as {@code name} into desk folder {@code folder}, with the token given (null: none). */
  HttpResponse<String> upload(int folder, String name, byte[] content, String token) throws IOException, InterruptedException {
    String boundary = "----kinko" + UUID.randomUUID();
    StringBuilder head = new StringBuilder();
    if (token != null) {
      head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n").append(token).append("\r\n");
    }
    head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"folder\"\r\n\r\n").append(folder).append("\r\n");
    head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"form\"; filename=\"").append(name)
        .append("\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    byte[] start = head.toString().getBytes(StandardCharsets.UTF_8);
    byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    return http.send(HttpRequest.newBuilder(URI.create(base + "/upload")).header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(start), HttpRequest.BodyPublishers.ofByteArray(content),
            HttpRequest.BodyPublishers.ofByteArray(end))).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The first file handle on the page at {@code path}. */
  String firstHandle(String path) throws IOException, InterruptedException {
    Matcher m = HANDLE.matcher(get(path).body());
    if (!m.find()) {
      throw new AssertionError("no file link on " + path);
    }
    return m.group(1);
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
