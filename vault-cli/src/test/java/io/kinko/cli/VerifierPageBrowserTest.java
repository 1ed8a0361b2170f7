package io.kinko.cli;

import static io.kinko.cli.CertifiedDeletionTest.jsonFiles;
import static io.kinko.cli.CertifiedDeletionTest.ok;
import static io.kinko.cli.CertifiedDeletionTest.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.kinko.vault.audit.Merkle;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The offline verifier page ({@code kinko key export --verifier}) in Debian's headless Chromium,
 * fed through its file input with real files from real vaults: genuine ones pass every item, and
 * each tampering fails with the item it broke named. A screenshot of each case goes to
 * {@code target/verifier-screens/}.
 */
@Tag("browser")
class VerifierPageBrowserTest {
  static final Path SCREENS = Path.of("target", "verifier-screens");
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final HexFormat HEX = HexFormat.of();

  @TempDir static Path dir;
  static Path pinnedPage;
  static Path pem;
  static String fingerprint;
  static Path certificate;
  static Path continuingArchive; // the second export, carrying a consistency proof from the first
  static Path otherVaultArchive;
  static Path firstReport; // this month's first report, renamed so that it can be dropped beside the second
  static Path secondReport; // continues the first by a consistency proof

  WebDriver browser;
  Path profile;
  Path work;
  String testName;

  @BeforeAll
  static void twoVaults_withACertificate_andArchives() throws IOException {
    Path vault = dir.resolve("vault");
    Cli cli = Cli.forVault(vault).init();
    Path source = Files.writeString(dir.resolve("名簿.txt"), "山田太郎\n", StandardCharsets.UTF_8);
    ok(cli.run("put", source.toString(), "名簿.txt"));
    pinnedPage = dir.resolve("kinko-verify.html");
    Cli.Result page = ok(cli.run("key", "export", "--verifier", "-o", pinnedPage.toString()));
    pem = dir.resolve("vault.pub.pem");
    Matcher m = Pattern.compile("fingerprint: ([0-9a-f]{64}) ").matcher(ok(cli.run("key", "export", "-o", pem.toString())).out());
    assertTrue(m.find());
    fingerprint = m.group(1);
    assertTrue(page.out().contains(fingerprint), page::toString);
    Path certs = dir.resolve("certs");
    ok(cli.run("rm", "--yes", "名簿.txt", "--cert-out", certs.toString()));
    certificate = only(jsonFiles(certs));

    Path archives = dir.resolve("archives");
    String cut = Instant.now().toString();
    ok(cli.run("put", source.toString(), "二.txt"));
    ok(cli.run("log", "export", "--from", "2000-01-01", "--to", cut, "-o", archives.toString()));
    ok(cli.run("log", "export", "--from", cut, "--to", LocalDate.now(TimeArgument.ZONE).plusDays(1).toString(), "-o", archives.toString()));
    continuingArchive = manifests(archives).stream().filter(p -> read(p).contains("\"consistencyProof\":[\"")).findFirst()
        .orElseThrow(() -> new AssertionError("the second export carries no consistency proof"));

    String month = java.time.YearMonth.now(TimeArgument.ZONE).toString();
    ok(cli.run("report", "--month", month, "-o", dir.resolve("report-1").toString()));
    Path reports = Files.createDirectory(dir.resolve("reports"));
    firstReport = reports.resolve("report-" + month + "-first.json");
    Files.copy(dir.resolve("report-1").resolve("report-" + month + ".json"), firstReport);
    Files.copy(dir.resolve("report-1").resolve("report-" + month + ".json.sig"), sig(firstReport));
    ok(cli.run("ls"));
    ok(cli.run("report", "--month", month, "--previous", firstReport.toString(), "-o", reports.toString()));
    secondReport = reports.resolve("report-" + month + ".json");

    Cli other = Cli.forVault(dir.resolve("other-vault")).init();
    ok(other.run("put", source.toString(), "名簿.txt"));
    Path otherArchives = dir.resolve("other-archives");
    ok(other.run("log", "export", "--from", "2000-01-01", "--to", LocalDate.now(TimeArgument.ZONE).plusDays(1).toString(),
        "-o", otherArchives.toString()));
    otherVaultArchive = only(manifests(otherArchives));
  }

  @BeforeEach
  void chromium(TestInfo info) throws IOException {
    testName = info.getTestMethod().orElseThrow().getName();
    Files.createDirectories(Path.of("target"));
    profile = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-profile-");
    work = Files.createDirectory(dir.resolve(testName));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1200,1800",
        "--user-data-dir=" + profile);
    // The driver named explicitly, so that Selenium Manager downloads nothing; quit() stops it.
    browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).build(), options);
  }

  @AfterEach
  void screenshotAndQuit() throws IOException {
    try {
      if (browser != null) { // null when Chromium did not start; the test's own error says why
        Files.createDirectories(SCREENS);
        byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENS.resolve(testName + ".png"), png);
      }
    } finally {
      if (browser != null) {
        browser.quit();
      }
      deleteTree(profile);
    }
  }

  // --- genuine files

  @Test
  void genuineCertificate_passesEveryItem() {
    Map<String, Verdict> verdicts = open(pinnedPage, certificate, sig(certificate));

    Verdict v = verdicts.get(certificate.getFileName().toString());
    assertEquals("pass", v.verdict(), v::toString);
    assertTrue(v.passed().containsAll(List.of("key", "signature", "named-key", "checkpoint")), v::toString);
    assertTrue(v.passed().stream().anyMatch(c -> c.startsWith("inclusion:")), v::toString);
    assertTrue(v.text().contains("検証成功") && v.text().contains("VERIFIED"), v::toString);
  }

  @Test
  void genuineArchive_withItsConsistencyProof_passesEveryItem() {
    Map<String, Verdict> verdicts = open(pinnedPage, continuingArchive, entriesOf(continuingArchive));

    Verdict v = verdicts.get(continuingArchive.getFileName().toString());
    assertEquals("pass", v.verdict(), v::toString);
    assertTrue(v.passed().containsAll(List.of("key", "checkpoint", "entries", "root", "previous-checkpoint", "consistency")), v::toString);
  }

  @Test
  void genuineReports_theSecondContinuingTheFirst_passEveryItem() {
    Map<String, Verdict> verdicts = open(pinnedPage, firstReport, sig(firstReport), secondReport, sig(secondReport));

    Verdict first = verdicts.get(firstReport.getFileName().toString());
    assertEquals("pass", first.verdict(), first::toString);
    assertTrue(first.passed().containsAll(List.of("key", "signature", "named-key", "checkpoint:checkpoint.note", "consistency")), first::toString);
    assertTrue(first.text().contains("最初の報告書"), first::toString);
    Verdict second = verdicts.get(secondReport.getFileName().toString());
    assertEquals("pass", second.verdict(), second::toString);
    assertTrue(second.passed().containsAll(List.of("key", "signature", "named-key", "checkpoint:checkpoint.note",
        "checkpoint:previous.checkpoint", "consistency", "previous-file")), second::toString);
    assertTrue(second.text().contains("月次報告書"), second::toString);
  }

  // --- tampered files

  @Test
  void report_withOneHashOfItsConsistencyProofChanged_failsTheSignatureAndTheConsistencyProof() throws IOException {
    Path report = copy(secondReport);
    Files.copy(sig(secondReport), sig(report));
    flipFirst(report, "\"consistencyProof\":[\"", 0x01);

    Verdict v = open(pinnedPage, report, sig(report)).get(report.getFileName().toString());

    assertEquals("fail", v.verdict(), v::toString);
    assertTrue(v.failed().containsAll(List.of("signature", "consistency")), v::toString);
  }


  @Test
  void certificate_withOneByteFlippedInItsJson_failsTheSignature() throws IOException {
    Path json = copy(certificate);
    Path sig = copy(sig(certificate));
    flipFirst(json, "\"operator\":\"", 0x01);

    Verdict v = open(pinnedPage, json, sig).get(json.getFileName().toString());

    assertEquals("fail", v.verdict(), v::toString);
    assertEquals(List.of("signature"), v.failed(), v::toString);
    assertTrue(v.text().contains("検証失敗") && v.text().contains("FAILED"), v::toString);
  }

  @Test
  void certificate_withAWrongSig_failsTheSignature() throws IOException {
    Path json = copy(certificate);
    Path sig = copy(sig(certificate));
    byte[] bytes = Files.readAllBytes(sig);
    bytes[10] ^= 0x40;
    Files.write(sig, bytes);

    Verdict v = open(pinnedPage, json, sig).get(json.getFileName().toString());

    assertEquals("fail", v.verdict(), v::toString);
    assertEquals(List.of("signature"), v.failed(), v::toString);
  }

  @Test
  void archive_withOneHashOfItsConsistencyProofChanged_failsTheConsistencyProof() throws IOException {
    Verdict v = openEdited(continuingArchive, text -> {
      int at = text.indexOf("\"consistencyProof\":[\"") + "\"consistencyProof\":[\"".length();
      return text.substring(0, at) + (text.charAt(at) == '0' ? '1' : '0') + text.substring(at + 1);
    });

    assertEquals("fail", v.verdict(), v::toString);
    assertEquals(List.of("consistency"), v.failed(), v::toString);
  }

  // Only an archive's checkpoints are signed: every other field of its manifest must be what the
  // writer wrote, as ArchiveVerifier requires (LogArchiveFuzzTest found edits of these verifying).

  @Test
  void archive_withAFieldKinkoDoesNotWrite_failsTheManifest() throws IOException {
    Verdict v = openEdited(continuingArchive, text -> text.replaceFirst("^\\{", "{\"note\":\"ok\","));

    assertEquals("fail", v.verdict(), v::toString);
    assertEquals(List.of("manifest"), v.failed(), v::toString);
    assertTrue(v.text().contains("'note'"), v::toString);
  }

  @Test
  void archive_withItsSigningKeyNamedInAnotherForm_failsTheManifest() throws IOException {
    Verdict v = openEdited(continuingArchive, text -> text.replace("\"fingerprintOf\"", "\"fingerprintFor\""));

    assertEquals("fail", v.verdict(), v::toString);
    assertEquals(List.of("manifest"), v.failed(), v::toString);
  }

  @Test
  void archive_whosePreviousTreeSizeWasEdited_failsThePreviousCheckpoint() throws IOException {
    Verdict v = openEdited(continuingArchive, text -> {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\"consistencyProof\":\\[[^\\]]*\\],\"treeSize\":)([0-9]+)").matcher(text);
      assertTrue(m.find(), "the manifest has no previous tree size: " + text);
      return text.substring(0, m.start(2)) + (Long.parseLong(m.group(2)) + 1) + text.substring(m.end(2));
    });

    assertEquals("fail", v.verdict(), v::toString);
    assertEquals(List.of("previous-checkpoint"), v.failed(), v::toString);
  }

  @Test
  void archive_whoseEntriesAreNotUtf8_failsTheEntries() throws IOException {
    Path manifest = copy(continuingArchive);
    Path entries = copy(entriesOf(continuingArchive));
    byte[] bytes = Files.readAllBytes(entries);
    bytes[indexAfter(bytes, "\"actor\":\"")] = (byte) 0xff;
    Files.write(entries, bytes);

    Verdict v = open(pinnedPage, manifest, entries).get(manifest.getFileName().toString());

    assertEquals("fail", v.verdict(), v::toString);
    assertEquals(List.of("entries"), v.failed(), v::toString);
    assertTrue(v.text().contains("not UTF-8"), v::toString);
  }

  // ArchiveVerifier reads a manifest as canonical JSON and each field as the type Kinko writes: a
  // signing key named as null, a previous that is no object and a key given twice are refused
  // there. The page read them with JSON.parse and truthiness, and called all three VERIFIED.

  @Test
  void archive_whoseSigningKeyIsNamedAsNull_failsTheManifest() throws IOException {
    Verdict v = refusedByArchiveVerifier(text -> text.replaceFirst("\"signingKey\":\\{[^{}]*\\}", "\"signingKey\":null"),
        "names its signing key in a form Kinko does not write");
    assertEquals(List.of("manifest"), v.failed(), v::toString);
  }

  @Test
  void archive_whosePreviousIsFalse_failsTheManifest() throws IOException {
    Verdict v = refusedByArchiveVerifier(text -> text.replaceFirst("\"previous\":\\{[^{}]*\\}", "\"previous\":false"), "malformed");
    assertEquals(List.of("manifest"), v.failed(), v::toString);
  }

  @Test
  void archive_withAFieldGivenTwice_failsAsNotKinkosJson() throws IOException {
    Verdict v = refusedByArchiveVerifier(text -> text.replaceFirst("^\\{", "{\"kinko\":\"log-archive\","), "duplicate key");
    assertEquals(List.of("format"), v.failed(), v::toString);
  }

  @Test
  void archive_whoseManifestStartsWithAByteOrderMark_failsAsNotKinkosJson() throws IOException {
    Verdict v = refusedByArchiveVerifier(text -> "\uFEFF" + text, "byte order mark");
    assertEquals(List.of("format"), v.failed(), v::toString);
  }

  /** The continuing archive edited by {@code edit}: ArchiveVerifier refuses it, saying {@code why}; the page's verdict, a fail. */
  private Verdict refusedByArchiveVerifier(java.util.function.UnaryOperator<String> edit, String why) throws IOException {
    Verdict v = openEdited(continuingArchive, edit);
    String key = Files.readString(pem);
    io.kinko.vault.IntegrityException e = org.junit.jupiter.api.Assertions.assertThrows(io.kinko.vault.IntegrityException.class,
        () -> io.kinko.vault.audit.ArchiveVerifier.verify(work, key));
    assertTrue(e.getMessage().contains(why), e::getMessage);
    assertEquals("fail", v.verdict(), v::toString);
    return v;
  }

  /** The continuing archive with its manifest edited by {@code edit}, beside its entries, as the pinned page judges it. */
  private Verdict openEdited(Path archive, java.util.function.UnaryOperator<String> edit) throws IOException {
    Path manifest = copy(archive);
    Path entries = copy(entriesOf(archive));
    String text = read(manifest);
    String edited = edit.apply(text);
    assertNotEquals(text, edited, "the edit changed nothing");
    Files.writeString(manifest, edited);
    return open(pinnedPage, manifest, entries).get(manifest.getFileName().toString());
  }

  @Test
  void archiveOfAnotherVault_failsItsCheckpoint_againstThePinnedKey() {
    Verdict v = open(pinnedPage, otherVaultArchive, entriesOf(otherVaultArchive)).get(otherVaultArchive.getFileName().toString());

    assertEquals("fail", v.verdict(), v::toString);
    assertTrue(v.failed().contains("checkpoint"), v::toString);
    assertTrue(v.failed().contains("named-key"), v::toString);
    assertFalse(v.passed().contains("root"), "no root is called matching a checkpoint that did not verify: " + v);
  }

  // --- the page as shipped, which asks for the key

  @Test
  void shippedPage_withTheKeyBesideTheFiles_butNoRecordedFingerprint_saysIncomplete_thenPassesOnceItIsTyped() throws IOException {
    Path shipped = Files.writeString(work.resolve("shipped.html"), KeyExportCommand.shippedVerifierPage(), StandardCharsets.UTF_8);

    Verdict unpinned = open(shipped, certificate, sig(certificate), pem).get(certificate.getFileName().toString());

    assertEquals("incomplete", unpinned.verdict(), unpinned::toString);
    assertEquals(List.of("key"), unpinned.skipped(), unpinned::toString);
    assertFalse(unpinned.text().contains("検証成功"), unpinned::toString);
    browser.findElement(By.id("fp")).sendKeys(fingerprint);
    new WebDriverWait(browser, Duration.ofSeconds(30)).until(b -> "pass".equals(verdicts().get(certificate.getFileName().toString()).verdict()));
    assertTrue(verdicts().get(certificate.getFileName().toString()).passed().contains("key"));
  }

  // --- the page's functions, called directly

  @Test
  void pageFingerprint_isTheOneKeyExportPrints() throws IOException {
    browser.get(pinnedPage.toUri().toString());

    Object computed = ((ChromeDriver) browser).executeAsyncScript(
        "const done = arguments[arguments.length - 1]; KinkoVerify.fingerprint(arguments[0]).then(done, e => done('error: ' + e));",
        Files.readString(pem, StandardCharsets.US_ASCII));

    assertEquals(fingerprint, computed);
  }

  @Test
  void genericSignedJson_withAnEmbeddedCheckpoint_passesSignatureAndCheckpoint_withNoReportItems() throws IOException {
    browser.get(pinnedPage.toUri().toString());
    byte[] json = Files.readAllBytes(certificate);
    byte[] flipped = json.clone();
    flipped[indexAfter(json, "\"operator\":\"")] ^= 0x01;

    Map<String, String> good = signedJsonChecks(json, Files.readAllBytes(sig(certificate)));
    Map<String, String> bad = signedJsonChecks(flipped, Files.readAllBytes(sig(certificate)));

    assertEquals(Map.of("key", "pass", "signature", "pass", "named-key", "pass", "checkpoint:log.checkpoint", "pass"), good);
    assertEquals("fail", bad.get("signature"), bad::toString);
  }

  @Test
  void pageProofs_agreeWithTheLibrary_onGeneratedTrees_andFailWithOneHashChanged() {
    browser.get(pinnedPage.toUri().toString());
    qt().withExamples(40).forAll(integers().between(1, 70), integers().between(1, 70), integers().between(0, 1000))
        .checkAssert((a, b, pick) -> {
          int size1 = Math.min(a, b);
          int size2 = Math.max(a, b);
          int index = pick % size2;
          List<byte[]> leaves = new ArrayList<>();
          for (int i = 0; i < size2; i++) {
            leaves.add(Merkle.leafHash(("entry " + i).getBytes(StandardCharsets.UTF_8)));
          }
          byte[] root1 = Rfc9162.root(leaves.subList(0, size1));
          byte[] root2 = Rfc9162.root(leaves);
          List<byte[]> path = Rfc9162.path(index, leaves);
          List<byte[]> proof = Rfc9162.consistency(size1, leaves);
          // The generator is RFC 9162's own definition; the library accepting its proofs checks it.
          Merkle.verifyInclusion(index, size2, leaves.get(index), path, root2);
          Merkle.verifyConsistency(size1, size2, proof, root1, root2);

          Map<String, Object> c = new TreeMap<>();
          c.put("index", index);
          c.put("size1", size1);
          c.put("size2", size2);
          c.put("leaf", HEX.formatHex(leaves.get(index)));
          c.put("root1", HEX.formatHex(root1));
          c.put("root2", HEX.formatHex(root2));
          c.put("path", hex(path));
          c.put("proof", hex(proof));
          // One hash changed: the proof's first, or the root when the proof is empty.
          c.put("badPath", hex(path.isEmpty() ? path : changedFirst(path)));
          c.put("badRootForPath", HEX.formatHex(path.isEmpty() ? changed(root2) : root2));
          c.put("badProof", hex(proof.isEmpty() ? proof : changedFirst(proof)));
          c.put("badRootForProof", HEX.formatHex(proof.isEmpty() ? changed(root2) : root2));
          Object statuses = ((ChromeDriver) browser).executeAsyncScript("""
              const done = arguments[arguments.length - 1];
              const c = arguments[0];
              const h = x => Uint8Array.from(x.match(/../g) || [], b => parseInt(b, 16));
              const K = KinkoVerify;
              (async () => [
                (await K.inclusion(c.index, c.size2, h(c.leaf), c.path.map(h), h(c.root2))).status,
                (await K.inclusion(c.index, c.size2, h(c.leaf), c.badPath.map(h), h(c.badRootForPath))).status,
                (await K.consistency(c.size1, c.size2, c.proof.map(h), h(c.root1), h(c.root2))).status,
                (await K.consistency(c.size1, c.size2, c.badProof.map(h), h(c.root1), h(c.badRootForProof))).status
              ])().then(done, e => done(["error: " + e]));
              """, c);
          assertEquals(List.of("pass", "fail", "pass", "fail"), statuses, c::toString);
        });
  }

  /** RFC 9162 section 2.1 by its definitions (MTH, PATH, SUBPROOF), recursive and slow: the reference. */
  static final class Rfc9162 {
    static byte[] root(List<byte[]> leaves) {
      int n = leaves.size();
      if (n == 1) {
        return leaves.get(0);
      }
      int k = split(n);
      return Merkle.nodeHash(root(leaves.subList(0, k)), root(leaves.subList(k, n)));
    }

    static List<byte[]> path(int m, List<byte[]> leaves) {
      int n = leaves.size();
      List<byte[]> out = new ArrayList<>();
      if (n == 1) {
        return out;
      }
      int k = split(n);
      if (m < k) {
        out.addAll(path(m, leaves.subList(0, k)));
        out.add(root(leaves.subList(k, n)));
      } else {
        out.addAll(path(m - k, leaves.subList(k, n)));
        out.add(root(leaves.subList(0, k)));
      }
      return out;
    }

    static List<byte[]> consistency(int m, List<byte[]> leaves) {
      return subproof(m, leaves, true);
    }

    private static List<byte[]> subproof(int m, List<byte[]> leaves, boolean complete) {
      int n = leaves.size();
      List<byte[]> out = new ArrayList<>();
      if (m == n) {
        if (!complete) {
          out.add(root(leaves));
        }
        return out;
      }
      int k = split(n);
      if (m <= k) {
        out.addAll(subproof(m, leaves.subList(0, k), complete));
        out.add(root(leaves.subList(k, n)));
      } else {
        out.addAll(subproof(m - k, leaves.subList(k, n), false));
        out.add(root(leaves.subList(0, k)));
      }
      return out;
    }

    /** The largest power of two smaller than n. */
    private static int split(int n) {
      return Integer.highestOneBit(n - 1);
    }
  }

  private static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }

  private static List<byte[]> changedFirst(List<byte[]> hashes) {
    List<byte[]> out = new ArrayList<>(hashes);
    out.set(0, changed(hashes.get(0)));
    return out;
  }

  private static byte[] changed(byte[] hash) {
    byte[] out = hash.clone();
    out[0] ^= 0x01;
    return out;
  }

  /** checkSignedJson's items (id to status) for a JSON file and its detached signature, with the pinned key. */
  @SuppressWarnings("unchecked")
  private Map<String, String> signedJsonChecks(byte[] json, byte[] sig) {
    Object result = ((ChromeDriver) browser).executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
        const sig = Uint8Array.from(atob(arguments[1]), c => c.charCodeAt(0));
        (async () => {
          const key = await KinkoVerify.keyFrom(arguments[2], arguments[3]);
          const doc = JSON.parse(new TextDecoder().decode(bytes));
          const r = await KinkoVerify.checkSignedJson({ name: "report.json", bytes }, doc, sig, key);
          return Object.fromEntries(r.checks.map(c => [c[0], c[2].status]));
        })().then(done, e => done({ error: String(e) }));
        """, Base64.getEncoder().encodeToString(json), Base64.getEncoder().encodeToString(sig),
        read(pem), fingerprint);
    return (Map<String, String>) result;
  }

  // --- helpers

  /** A view of one artefact's result: the verdict and the item ids by status. */
  record Verdict(String verdict, List<String> passed, List<String> failed, List<String> skipped, String text) {}

  private Map<String, Verdict> open(Path page, Path... files) {
    browser.get(page.toUri().toString());
    String names = Stream.of(files).map(p -> p.toAbsolutePath().toString()).collect(Collectors.joining("\n"));
    browser.findElement(By.id("files")).sendKeys(names);
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .until(b -> "done".equals(b.findElement(By.tagName("body")).getDomAttribute("data-state")));
    Map<String, Verdict> verdicts = verdicts();
    assertFalse(verdicts.isEmpty(), "the page shows no result");
    return verdicts;
  }

  private Map<String, Verdict> verdicts() {
    Map<String, Verdict> out = new TreeMap<>();
    for (WebElement section : browser.findElements(By.cssSelector("section.artefact"))) {
      out.put(section.getDomAttribute("data-file"), new Verdict(section.getDomAttribute("data-verdict"),
          checks(section, "pass"), checks(section, "fail"), checks(section, "skip"), section.getText()));
    }
    return out;
  }

  private static List<String> checks(WebElement section, String status) {
    List<String> ids = new ArrayList<>();
    for (WebElement li : section.findElements(By.cssSelector("li[data-status=" + status + "]"))) {
      ids.add(li.getDomAttribute("data-check"));
    }
    return ids;
  }

  private Path copy(Path file) throws IOException {
    return Files.copy(file, work.resolve(file.getFileName()));
  }

  private static Path sig(Path json) {
    return json.resolveSibling(json.getFileName() + ".sig");
  }

  private static Path entriesOf(Path manifest) {
    return manifest.resolveSibling(manifest.getFileName().toString().replace(".manifest.json", ".jsonl"));
  }

  /** Flips bits of the first byte after {@code marker}. */
  private static void flipFirst(Path file, String marker, int bits) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[indexAfter(bytes, marker)] ^= bits;
    Files.write(file, bytes);
  }

  /** The index of the first byte after the first {@code marker} (ASCII) in {@code bytes}. */
  private static int indexAfter(byte[] bytes, String marker) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1); // one char per byte
    int at = text.indexOf(marker);
    assertTrue(at >= 0, marker);
    return at + marker.length();
  }

  private static List<Path> manifests(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".manifest.json")).sorted().toList();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
