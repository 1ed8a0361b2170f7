package io.kinko.examples.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.LogEntry;
import io.kinko.vault.LogQuery;
import io.kinko.vault.Password;
import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The desk end to end in headless Chromium (Debian's chromium and chromedriver): log in, store a
 * form with a Japanese name, see it, download it byte for byte, be refused a folder without a
 * grant, delete it and verify the certificate with the real openssl, log out and find no way back;
 * then the administrator sees the refusals. A screenshot of each screen goes to target/screens/.
 */
@Tag("browser")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class IntakeWebBrowserTest {
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final Path SCREENS = Path.of("target", "screens");
  private static final Duration WAIT = Duration.ofSeconds(30);

  @DynamicPropertySource
  static void vault(DynamicPropertyRegistry registry) {
    Vaults.register(registry, IntakeWebBrowserTest.class);
  }

  @LocalServerPort int port;
  @Autowired Vault vault;
  @TempDir Path dir;
  private Path downloads;
  private Path profile;
  private WebDriver browser;
  private int screen;

  @BeforeEach
  void chromium() throws IOException {
    downloads = Files.createDirectory(dir.resolve("downloads"));
    Files.createDirectories(Path.of("target"));
    profile = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-profile-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1200,1400",
        "--user-data-dir=" + profile);
    options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
        "download.prompt_for_download", false, "plugins.always_open_pdf_externally", true));
    // The driver named explicitly, so that Selenium Manager downloads nothing; quit() stops it.
    browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).build(), options);
  }

  @AfterEach
  void quit() throws IOException {
    if (browser != null) {
      browser.quit();
    }
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }

  @Test
  void aWorkersDay_atTheDesk_andTheAdministratorSeesTheRefusals() throws Exception {
    long before = vault.status().logSize();
    open("/");
    assertTrue(browser.getCurrentUrl().endsWith("/login"), browser.getCurrentUrl());
    shot("login");

    logIn(DemoVault.WORKER, "not the password at all");
    assertTrue(browser.findElement(By.id("login-error")).isDisplayed());
    shot("login-refused");

    logIn(DemoVault.WORKER, Vaults.password());
    assertEquals(DemoVault.WORKER, text("user"));
    shot("desk");

    String name = "申請書_山田太郎_2026.pdf";
    byte[] content = new byte[300_000];
    new Random(16).nextBytes(content);
    Path scan = Files.write(dir.resolve(name), content);
    browser.findElement(By.id("upload-file")).sendKeys(scan.toAbsolutePath().toString());
    follow(By.id("upload-button"));
    assertTrue(text("message").contains(name), text("message"));
    assertTrue(browser.findElement(By.id("files")).getText().contains(name));
    shot("stored");

    browser.findElement(By.cssSelector("#files a.download")).click();
    assertArrayEquals(content, Files.readAllBytes(downloaded(name)));

    follow(By.id("folder-1"));
    assertTrue(text("problem").contains("Not allowed"), text("problem"));
    shot("refused-folder");

    open("/");
    follow(By.cssSelector("#files form.delete button"));
    String id = text("certificate-id");
    shot("certificate");
    browser.findElement(By.id("certificate-json")).click();
    Path json = downloaded(id + ".json");
    browser.findElement(By.id("certificate-sig")).click();
    Path sig = downloaded(id + ".json.sig");
    browser.findElement(By.id("public-key")).click();
    Path key = downloaded("vault.pub.pem");
    browser.findElement(By.id("certificate-pdf")).click();
    Path pdf = downloaded(id + ".pdf");
    assertTrue(new String(Files.readAllBytes(pdf), 0, 5, StandardCharsets.US_ASCII).startsWith("%PDF-"));
    assertEquals("Signature Verified Successfully", openssl("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", key.toString(),
        "-in", json.toString(), "-sigfile", sig.toString()).strip());
    open("/");
    assertTrue(!browser.findElement(By.id("files")).getText().contains(name), "the deleted file is still listed");

    Cookie session = browser.manage().getCookieNamed("JSESSIONID");
    follow(By.id("logout-button"));
    assertTrue(browser.findElement(By.id("logged-out")).isDisplayed());
    shot("logged-out");
    browser.navigate().back();
    assertTrue(browser.getCurrentUrl().endsWith("/login"), "back after logout showed " + browser.getCurrentUrl());
    browser.manage().deleteAllCookies();
    browser.manage().addCookie(session);
    open("/");
    assertTrue(browser.getCurrentUrl().endsWith("/login"), "the old session cookie still opened " + browser.getCurrentUrl());

    logIn(DemoVault.ADMIN, Vaults.password());
    open("/admin");
    shot("admin");
    String log = browser.findElement(By.id("log")).getText();
    assertTrue(log.contains("LOGIN DENY"), log);
    assertTrue(log.contains("GET DENY"), log);
    List<LogEntry> workers = entriesSince(before).stream().filter(e -> e.actor().equals(DemoVault.WORKER)).toList();
    assertTrue(workers.stream().anyMatch(e -> e.action().equals("DELETE")), workers.toString());
    for (LogEntry e : workers) {
      assertEquals("intake-web", e.application());
      assertTrue(e.address() != null && log.contains(e.address()), "entry " + e.seq() + " has address " + e.address());
    }
  }

  private void logIn(String user, String password) {
    open("/login");
    browser.findElement(By.id("username")).sendKeys(user);
    browser.findElement(By.id("password")).sendKeys(password);
    follow(By.id("login-button"));
  }

  /**
   * Clicks what submits a form or follows a link, and waits until the browser has left the page:
   * the old page's root going stale is the event. A lookup right after a bare click can find the
   * old page still shown. Chromium's driver can also refuse the click of a node it has just found
   * ("Node with given id does not belong to the document", once in CI right after a file input's
   * sendKeys): it refuses before any click is sent, so the node is looked up and clicked again.
   * The same words can answer the staleness probe of the old root while the new page loads (in CI,
   * after a login's click); the page has been left when the document's root is another node.
   */
  private void follow(By what) {
    WebElement page = browser.findElement(By.tagName("html"));
    new WebDriverWait(browser, WAIT).until(driver -> {
      try {
        driver.findElement(what).click();
        return true;
      } catch (WebDriverException e) {
        if (leftTheDocument(e)) {
          return false;
        }
        throw e;
      }
    });
    new WebDriverWait(browser, WAIT).until(driver -> {
      try {
        page.isEnabled();
        return false;
      } catch (StaleElementReferenceException e) {
        return true;
      } catch (WebDriverException e) {
        if (leftTheDocument(e)) {
          return !driver.findElement(By.tagName("html")).equals(page);
        }
        throw e;
      }
    });
  }

  private static boolean leftTheDocument(WebDriverException e) {
    return String.valueOf(e.getMessage()).contains("does not belong to the document");
  }

  private void open(String path) {
    browser.get("http://localhost:" + port + path);
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private void shot(String what) throws IOException {
    Files.createDirectories(SCREENS);
    Files.write(SCREENS.resolve(String.format("%02d-%s.png", ++screen, what)), ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
  }

  /** Waits, with a deadline, until Chromium has finished downloading {@code name}. */
  private Path downloaded(String name) throws Exception {
    Path file = downloads.resolve(name);
    FolderEvents.await(downloads, () -> Files.exists(file) && !Files.exists(downloads.resolve(name + ".crdownload")), WAIT,
        () -> "no download " + name + " within " + WAIT + "; the folder holds " + List.of(downloads.toFile().list()));
    return file;
  }

  private List<LogEntry> entriesSince(long seq) {
    try (Password password = Password.wrap(DemoVault.password()); Session admin = vault.login(DemoVault.ADMIN, password)) {
      return admin.logEntries(LogQuery.ALL).stream().filter(e -> e.seq() >= seq).toList();
    }
  }

  private static String openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }
}
