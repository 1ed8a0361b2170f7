package io.kinko.examples.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB upload, the largest the desk takes, to the app running in a JVM of its own with a 256 MiB
 * heap: the form goes to disk in Tomcat and into the vault as a stream, and comes back whole.
 * Tagged {@code large}: a minute or two, run by .ci/run, not by mvn verify.
 */
@Tag("large")
class LargeUploadTest {
  private static final long SIZE = 1L << 30; // spring.servlet.multipart.max-file-size=1GB

  @TempDir Path dir;

  @Test
  void a1GiBUpload_underA256MiBHeap_isStoredAndReadBackWhole() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path log = dir.resolve("app.log");
    Process app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), IntakeWebApplication.class.getName(),
        "--server.port=" + port, "--kinko.vault=" + dir.resolve("vault"), "--kinko.demo=true",
        "--spring.servlet.multipart.location=" + Files.createDirectory(dir.resolve("uploads")))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      DeskClient desk = new DeskClient(port);
      waitUntilServing(desk, app, log);
      assertEquals("/", desk.login(DemoVault.WORKER, Vaults.password()));
      byte[] sent = upload(port, desk, desk.token("/"));
      String handle = desk.firstHandle("/");
      HttpResponse<InputStream> back = HttpClient.newBuilder().cookieHandler(desk.cookies).build()
          .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/files/" + handle)).build(), HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, back.statusCode());
      MessageDigest received = MessageDigest.getInstance("SHA-256");
      long size;
      try (InputStream in = new DigestInputStream(back.body(), received)) {
        size = in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      assertEquals(SIZE, size);
      assertArrayEquals(sent, received.digest());
      assertTrue(app.isAlive(), "the app died: " + Files.readString(log));
    } finally {
      app.destroy();
      app.waitFor();
    }
  }

  /** Streams SIZE pseudo-random bytes as a multipart form; returns their SHA-256. */
  private static byte[] upload(int port, DeskClient desk, String token) throws Exception {
    String boundary = "----kinko" + UUID.randomUUID();
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + token + "\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"folder\"\r\n\r\n0\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"form\"; filename=\"大きな申請書.tif\"\r\n"
        + "Content-Type: image/tiff\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/upload"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
            HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new DigestInputStream(random(), digest)), SIZE),
            HttpRequest.BodyPublishers.ofByteArray(tail)))
        .build();
    HttpResponse<String> r = HttpClient.newBuilder().cookieHandler(desk.cookies).build().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(302, r.statusCode(), r.body());
    return digest.digest();
  }

  private static InputStream random() {
    Random random = new Random(300);
    return new InputStream() {
      private long left = SIZE;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        byte[] chunk = new byte[n];
        random.nextBytes(chunk);
        System.arraycopy(chunk, 0, b, off, n);
        left -= n;
        return n;
      }
    };
  }

  /** Waits for Tomcat's line in the app's log, on the log folder's change events. */
  private static void waitUntilServing(DeskClient desk, Process app, Path log) throws Exception {
    FolderEvents.await(log.getParent(), () -> {
      if (!app.isAlive()) {
        throw new AssertionError("the app died while starting: " + text(log));
      }
      return text(log).contains("Tomcat started on port");
    }, Duration.ofSeconds(120), () -> {
      try {
        return "the app did not start: " + text(log);
      } catch (IOException e) {
        return "the app did not start, and its log cannot be read: " + e;
      }
    });
    assertEquals(200, desk.get("/login").statusCode());
  }

  /** The log so far; a character the app is still writing reads as a replacement, not as an error. */
  private static String text(Path log) throws IOException {
    return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
  }
}
