package io.kinko.examples.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.spring.OpenSessions;
import io.kinko.vault.LogEntry;
import io.kinko.vault.Vault;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.Manager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The server side over real HTTP, without a browser: CSRF on every form, what reaches the server
 * log (Logback, which the library's SLF4J lines go to), the remote address in the vault's log,
 * and the vault session closed when the web session times out. The class has a context (and a
 * demo vault) of its own, so that its captured output starts with the application's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"logging.level.io.kinko=DEBUG", "logging.level.org.springframework.web=DEBUG"})
@ExtendWith(OutputCaptureExtension.class)
class ServerSideTest {
  /** A personal name in a file name: it must reach neither a URL nor the server log. */
  private static final String PERSONAL = "山田太郎_住民票.pdf";

  @DynamicPropertySource
  static void vault(DynamicPropertyRegistry registry) {
    Vaults.register(registry, ServerSideTest.class);
  }

  @LocalServerPort int port;
  @Autowired Vault vault;
  @Autowired OpenSessions open;
  @Autowired ServletWebServerApplicationContext context;

  @Test
  void everyPostWithoutTheCsrfToken_isRefused_andTheLoginIsNotTried() throws Exception {
    long before = vault.status().logSize();
    DeskClient anonymous = new DeskClient(port);
    anonymous.token("/login"); // a session with a token, which the POST leaves out
    HttpResponse<String> login = anonymous.postForm("/login", "username=" + DemoVault.WORKER + "&password=" + DeskClient.encode(Vaults.password()));
    assertEquals(403, login.statusCode());
    assertEquals(before, vault.status().logSize(), "a login without the token reached the vault");
    HttpResponse<String> forged = anonymous.postForm("/login", "username=" + DemoVault.WORKER + "&password=x&_csrf=forged");
    assertEquals(403, forged.statusCode());

    DeskClient desk = new DeskClient(port);
    assertEquals("/", desk.login(DemoVault.WORKER, Vaults.password()));
    assertEquals(403, desk.upload(0, "a.pdf", new byte[] {1}, null).statusCode());
    assertEquals(302, desk.upload(0, "a.pdf", new byte[] {1}, desk.token("/")).statusCode());
    String handle = desk.firstHandle("/");
    assertEquals(403, desk.postForm("/files/" + handle + "/delete", "").statusCode());
    assertEquals(403, desk.postForm("/logout", "").statusCode());
    assertEquals(200, desk.get("/").statusCode(), "the refused logout logged out");
  }

  @Test
  void aPersonalFileName_reachesNoUrlAndNoServerLogLine_andTheLibrarysLinesAreLoggedOnce(CapturedOutput output) throws Exception {
    DeskClient desk = new DeskClient(port);
    assertEquals("/", desk.login(DemoVault.WORKER, Vaults.password()));
    byte[] content = "%PDF-1.7 scanned form".getBytes(StandardCharsets.UTF_8);
    assertEquals(302, desk.upload(0, PERSONAL, content, desk.token("/")).statusCode());
    String page = desk.get("/").body();
    assertTrue(page.contains(PERSONAL), "the list does not show the stored file");
    Matcher links = Pattern.compile("(?:href|action)=\"([^\"]*)\"").matcher(page);
    while (links.find()) {
      assertFalse(links.group(1).contains("山田") || links.group(1).contains("%E5%B1%B1"), "a URL names the file: " + links.group(1));
    }
    String handle = desk.firstHandle("/");
    HttpResponse<byte[]> download = desk.getBytes("/files/" + handle);
    assertArrayEquals(content, download.body());
    assertTrue(download.headers().firstValue("Content-Disposition").orElseThrow().contains("filename*=UTF-8''"),
        download.headers().toString());
    assertEquals(302, desk.postForm("/files/" + handle + "/delete", "_csrf=" + DeskClient.encode(desk.token("/"))).statusCode());

    String log = output.getAll();
    assertTrue(log.contains("POST \"/upload\""), "Spring's request lines are not in the captured log");
    for (String secret : new String[] {"山田", "住民票", Vaults.password(), DeskClient.encode(PERSONAL)}) {
      assertFalse(log.contains(secret), "the server log holds '" + secret + "'");
    }
    assertFalse(log.contains("SLF4J(W)") || log.contains("multiple SLF4J providers"), "SLF4J found more than one provider");
    // The library's own line, made at startup (the demo vault), appears once: nothing prints it twice.
    assertEquals(1, count(log, "created vault " + vault.id()), log);
  }

  @Test
  void theRemoteAddress_isInEveryEntryOfTheWebSession() throws Exception {
    long before = vault.status().logSize();
    DeskClient desk = new DeskClient(port);
    assertEquals("/login?error", desk.login(DemoVault.WORKER, "not the password at all"));
    assertEquals("/", desk.login(DemoVault.WORKER, Vaults.password()));
    desk.get("/folders/1"); // refused: no grant on the second folder
    try (var admin = vault.login(DemoVault.ADMIN, io.kinko.vault.Password.wrap(DemoVault.password()))) {
      var entries = admin.logEntries(io.kinko.vault.LogQuery.ALL).stream()
          .filter(e -> e.seq() >= before && e.actor().equals(DemoVault.WORKER)).toList();
      assertTrue(entries.stream().anyMatch(e -> e.action().equals("LOGIN") && e.decision().equals("DENY")), entries.toString());
      assertTrue(entries.stream().anyMatch(e -> e.action().equals("GET") && e.decision().equals("DENY")), entries.toString());
      for (LogEntry e : entries) {
        assertEquals("intake-web", e.application());
        assertTrue("127.0.0.1".equals(e.address()) || "0:0:0:0:0:0:0:1".equals(e.address()), "entry " + e.seq() + ": " + e.address());
      }
    }
  }

  @Test
  void wrongPasswordsThroughTheForm_countTowardsTheVaultsLockout() throws Exception {
    try (var admin = vault.login(DemoVault.ADMIN, io.kinko.vault.Password.wrap(DemoVault.password()));
         var password = io.kinko.vault.Password.wrap(DemoVault.password())) {
      admin.administration().addUser("tanaka", io.kinko.vault.Role.WORKER, password, null);
    }
    DeskClient desk = new DeskClient(port);
    int threshold = vault.accessPolicy().lockoutAfter();
    for (int i = 0; i < threshold; i++) {
      assertEquals("/login?error", desk.login("tanaka", "not the password, try " + i));
    }
    assertEquals("/login?error", desk.login("tanaka", Vaults.password()), "the locked account logged in");
    try (var admin = vault.login(DemoVault.ADMIN, io.kinko.vault.Password.wrap(DemoVault.password()))) {
      assertTrue(admin.logEntries(io.kinko.vault.LogQuery.ALL).stream()
          .anyMatch(e -> e.actor().equals("tanaka") && e.action().equals("LOCKOUT")));
    }
  }

  @Test
  void loggingOut_closesTheVaultSession_andTheOldCookieGetsTheLoginPage() throws Exception {
    DeskClient desk = new DeskClient(port);
    assertEquals("/", desk.login(DemoVault.ADMIN, Vaults.password()));
    assertTrue(open.holds(DemoVault.ADMIN));
    java.net.HttpCookie old = desk.cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID")).findFirst().orElseThrow();
    HttpResponse<String> out = desk.postForm("/logout", "_csrf=" + DeskClient.encode(desk.token("/")));
    assertEquals(302, out.statusCode());
    assertFalse(open.holds(DemoVault.ADMIN), "the vault session outlived the logout");
    desk.cookies.getCookieStore().removeAll();
    desk.cookies.getCookieStore().add(java.net.URI.create("http://localhost:" + port + "/"), old);
    assertTrue(desk.get("/admin").headers().firstValue("Location").orElseThrow().endsWith("/login"), "the old cookie still opened /admin");
  }

  @Test
  void theWebSessionTimingOut_closesTheVaultSession_andTheCookieThenGetsTheLoginPage() throws Exception {
    DeskClient desk = new DeskClient(port);
    assertEquals("/", desk.login(DemoVault.WORKER, Vaults.password()));
    assertTrue(open.holds(DemoVault.WORKER));
    Manager manager = ((org.apache.catalina.Context) ((TomcatWebServer) context.getWebServer()).getTomcat().getHost().findChildren()[0]).getManager();
    String id = desk.cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID")).findFirst().orElseThrow().getValue();
    manager.findSession(id).setMaxInactiveInterval(1);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (open.holds(DemoVault.WORKER)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("the vault session is still open 30 s after its web session's 1 s timeout");
      }
      Thread.onSpinWait();
      for (org.apache.catalina.Session s : manager.findSessions()) {
        s.isValid(); // Tomcat expires an idle session when it is looked at (its background thread does it every minute)
      }
    }
    HttpResponse<String> again = desk.get("/");
    assertEquals(302, again.statusCode());
    assertTrue(again.headers().firstValue("Location").orElseThrow().endsWith("/login"));
  }

  @Test
  void aSecondLogin_inTheSameBrowser_seesNothingOfTheFirst_neitherItsHandlesNorItsCertificates() throws Exception {
    DeskClient desk = new DeskClient(port);
    assertEquals("/", desk.login(DemoVault.ADMIN, Vaults.password()));
    assertEquals(302, desk.upload(0, "admins-own.pdf", new byte[] {7}, desk.token("/")).statusCode());
    String handle = desk.firstHandle("/");
    HttpResponse<String> deleted = desk.postForm("/files/" + handle + "/delete", "_csrf=" + DeskClient.encode(desk.token("/")));
    String certificate = deleted.headers().firstValue("Location").orElseThrow().replaceFirst("^https?://[^/]+", "");
    assertEquals(200, desk.get(certificate).statusCode());
    assertEquals(302, desk.upload(0, "admins-next.pdf", new byte[] {8}, desk.token("/")).statusCode());
    try {
      secondLogin(desk, certificate, desk.firstHandle("/"));
    } finally {
      // The other tests of the class share the vault and its first desk folder.
      try (var admin = vault.login(DemoVault.ADMIN, io.kinko.vault.Password.wrap(DemoVault.password()))) {
        admin.list("").stream().filter(f -> f.path().endsWith("admins-next.pdf")).forEach(f -> admin.delete(f.path()));
      }
    }
  }

  private void secondLogin(DeskClient desk, String certificate, String other) throws Exception {

    // The worker logs in at the same browser without logging the administrator out.
    assertEquals("/", desk.login(DemoVault.WORKER, Vaults.password()));
    assertFalse(open.holds(DemoVault.ADMIN), "the administrator's vault session outlived the next login");
    assertEquals(404, desk.get(certificate).statusCode(), "the worker sees the administrator's deletion certificate");
    assertEquals(404, desk.get(certificate + "/certificate.json").statusCode());
    assertEquals(404, desk.getBytes("/files/" + other).statusCode(), "the administrator's file handle still works");
    assertEquals(403, desk.get("/admin").statusCode(), "the worker reached the administrator's screen");
  }

  @Test
  void aCraftedFileName_cannotAddParametersToTheDownloadsContentDisposition() throws Exception {
    // Quotes, a semicolon, a parameter of its own, non-ASCII: what an attacker would name a file
    // to make the browser save it under another name (RFD). Control characters are no vault path.
    String name = "a\";filename=\"evil.bat\";x=\"y 山田 %22.pdf";
    byte[] content = "crafted-name content".getBytes(StandardCharsets.UTF_8);
    try (var admin = vault.login(DemoVault.ADMIN, io.kinko.vault.Password.wrap(DemoVault.password()))) {
      admin.put("受付/" + name, new java.io.ByteArrayInputStream(content));
    }
    try {
      DeskClient desk = new DeskClient(port);
      assertEquals("/", desk.login(DemoVault.WORKER, Vaults.password()));
      Matcher handles = Pattern.compile("href=\"/files/([A-Za-z0-9_-]+)\"").matcher(desk.get("/").body());
      String header = null;
      while (handles.find() && header == null) {
        HttpResponse<byte[]> download = desk.getBytes("/files/" + handles.group(1));
        if (java.util.Arrays.equals(content, download.body())) {
          header = download.headers().firstValue("Content-Disposition").orElseThrow();
        }
      }
      assertTrue(header != null, "the crafted file is not on the desk");
      org.springframework.http.ContentDisposition parsed = org.springframework.http.ContentDisposition.parse(header);
      assertEquals(name, parsed.getFilename(), header);
      assertFalse(header.contains("evil.bat\""), "the name closed the header's quoted string: " + header);
    } finally {
      try (var admin = vault.login(DemoVault.ADMIN, io.kinko.vault.Password.wrap(DemoVault.password()))) {
        admin.delete("受付/" + name);
      }
    }
  }

  @Test
  void aSessionIdPlantedBeforeTheLogin_isNotTheOneLoggedIn() throws Exception {
    DeskClient desk = new DeskClient(port);
    desk.token("/login"); // the id an attacker would plant: the login page's session
    String planted = sessionId(desk);
    assertEquals("/", desk.login(DemoVault.WORKER, Vaults.password()));
    assertFalse(planted.equals(sessionId(desk)), "the session id did not change at login");
    DeskClient attacker = new DeskClient(port);
    java.net.HttpCookie cookie = new java.net.HttpCookie("JSESSIONID", planted);
    cookie.setPath("/");
    attacker.cookies.getCookieStore().add(java.net.URI.create("http://localhost:" + port + "/"), cookie);
    HttpResponse<String> page = attacker.get("/");
    assertEquals(302, page.statusCode(), "the planted id opened the desk");
    assertTrue(page.headers().firstValue("Location").orElseThrow().endsWith("/login"));
  }

  @Test
  void aLoginFormWithTheFieldRepeated_isRefused_withoutAskingTheVault() throws Exception {
    // A second password field would leave the first one's char[] unwiped: the form is refused whole.
    DeskClient desk = new DeskClient(port);
    String token = desk.token("/login");
    long before = vault.status().logSize();
    String password = DeskClient.encode(Vaults.password());
    HttpResponse<String> twice = desk.postForm("/login", "username=" + DemoVault.WORKER + "&password=" + password + "&password=" + password
        + "&_csrf=" + DeskClient.encode(token));
    assertTrue(twice.headers().firstValue("Location").orElseThrow().endsWith("/login?error"), twice.headers().toString());
    assertEquals(before, vault.status().logSize(), "the vault was asked");
    assertEquals("/", desk.login(DemoVault.WORKER, Vaults.password()));
  }

  private static String sessionId(DeskClient desk) {
    return desk.cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID")).findFirst().orElseThrow().getValue();
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
