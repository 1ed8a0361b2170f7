package io.kinko.cli;

import static io.kinko.cli.CertifiedDeletionTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kinko key export --verifier}: the offline verifier page, written with the vault's key
 * pinned, reaches for nothing outside itself. (The page's checks run in Chromium in
 * {@link VerifierPageBrowserTest}.)
 */
class VerifierPageTest {
  /**
   * Anything by which a page could load or send something: a scheme, a host-relative URL, an HTML
   * attribute that names a resource (not a JavaScript comparison such as {@code entry.action ===}), a CSS import.
   */
  static final Pattern EXTERNAL = Pattern.compile(
      "(?i)\\b(https?|ftp|wss?|blob|filesystem):|//[a-z0-9-]+(\\.[a-z0-9-]+)+|\\s(src|href|action|formaction|srcset|poster)\\s*=(?!=)|@import|url\\(");

  @TempDir Path dir;

  @Test
  void keyExportVerifier_writesThePage_withTheVaultsKeyAndFingerprintPinned_andNoExternalUrl() throws IOException {
    Cli cli = Cli.forVault(dir.resolve("vault")).init();
    Path page = dir.resolve("kinko-verify.html");

    Cli.Result result = ok(cli.run("key", "export", "--verifier", "-o", page.toString()));

    String html = Files.readString(page, StandardCharsets.UTF_8);
    Matcher fp = Pattern.compile("key ([0-9a-f]{64}) pinned").matcher(result.out());
    assertTrue(fp.find(), result::toString);
    JsonObject pin = pin(html);
    assertEquals(fp.group(1), pin.get("fingerprint").getAsString());
    assertTrue(pin.get("publicKeyPem").getAsString().startsWith("-----BEGIN PUBLIC KEY-----"), html);
    assertFalse(html.contains(KeyExportCommand.UNPINNED), "the pin replaced the prompt for a key");
    assertNoExternalUrl(html);
    assertTrue(ok(cli.run("log", "show", "--action", "KEY_EXPORT")).out().contains("KEY_EXPORT"), "the export is logged");
  }

  @Test
  void shippedPage_asksForTheKey_forbidsEveryRequest_andHoldsNoExternalUrl() throws IOException {
    String html = KeyExportCommand.shippedVerifierPage();

    assertTrue(html.contains(KeyExportCommand.UNPINNED), "the release's page pins no key");
    assertTrue(html.contains("default-src 'none'"), "its Content-Security-Policy forbids every request");
    assertNoExternalUrl(html);
  }

  @Test
  void externalUrlPattern_catchesWhatItGuardsAgainst() {
    for (String bad : new String[] {"<script src=\"x.js\">", "fetch('https://example.org')", "url(font.woff)", "//cdn.example.com/a.js",
        "@import 'x.css'"}) {
      assertTrue(EXTERNAL.matcher(bad).find(), bad);
    }
  }

  @Test
  void keyExportVerifier_underJson_namesThePageAndTheFingerprint() throws IOException {
    Cli cli = Cli.forVault(dir.resolve("vault")).init();
    Path page = dir.resolve("page.html");

    Cli.Result result = ok(cli.run("key", "export", "--json", "--verifier", "-o", page.toString()));

    JsonObject o = JsonParser.parseString(result.out()).getAsJsonObject();
    assertEquals(page.toString(), o.get("verifierPage").getAsString());
    assertEquals(pin(Files.readString(page, StandardCharsets.UTF_8)).get("fingerprint").getAsString(), o.get("fingerprint").getAsString());
  }

  private static JsonObject pin(String html) {
    Matcher m = Pattern.compile("<script type=\"application/json\" id=\"kinko-pin\">(.*?)</script>").matcher(html);
    assertTrue(m.find(), "the page has its pin");
    return JsonParser.parseString(m.group(1)).getAsJsonObject();
  }

  private static void assertNoExternalUrl(String html) {
    Matcher m = EXTERNAL.matcher(html);
    assertFalse(m.find(), () -> "the page reaches outside itself: '" + m.group() + "' at " + m.start());
  }
}
