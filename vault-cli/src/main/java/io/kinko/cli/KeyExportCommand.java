package io.kinko.cli;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.kinko.vault.KeyFingerprint;
import io.kinko.vault.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kinko key export}: the vault's public signing key for auditors, and its fingerprint,
 * which they record at the contract's start. It logs in: the key comes from the signing key the
 * master key opens, so a {@code keys/signing.pub.pem} replaced in the folder is refused (exit 5,
 * logged as an INCIDENT) instead of handed out. The export is logged.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Writes the vault's Ed25519 public key as PEM, for auditors: it verifies certificates (openssl), "
        + "log archives (kinko log verify --archive) and checkpoints. Logs in, and the export is logged.",
        "Prints the key's fingerprint (SHA-256 of the DER public key, as 'openssl pkey -pubin -in vault.pub.pem -outform DER | sha256sum' "
            + "prints it): the city records it at the contract's start and passes it to every verification.",
        "With -o FILE, the PEM goes to FILE and the checkpoints' signed-note verifier key to FILE.vkey; "
            + "without it, both are printed, the verifier key after a blank line and a heading, then the fingerprint.",
        "With --verifier, writes instead the offline verifier page (" + KeyExportCommand.VERIFIER_PAGE + ", or -o FILE) with the key "
            + "and its fingerprint pinned into it: an auditor opens it in a browser, with no install and no network, and drops "
            + "certificates (.json + .json.sig) and log archives (.manifest.json + .jsonl) on it."})
final class KeyExportCommand extends VaultCommand {
  static final String VERIFIER_SUFFIX = ".vkey";
  static final String VERIFIER_HEADING = "# signed-note verifier key of the log's checkpoints:";
  static final String VERIFIER_PAGE = "kinko-verify.html";
  /** The page's pin as shipped (asks for the key); {@link #verifierPage} replaces it. */
  static final String UNPINNED = "<script type=\"application/json\" id=\"kinko-pin\">null</script>";
  static final String FINGERPRINT_HEADING = "# fingerprint of the public key (SHA-256 of its DER form); record it at the contract's start:";

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write the PEM to FILE and the verifier key to FILE" + VERIFIER_SUFFIX + " (both replaced if present).")
  Path output;

  @Option(names = "--verifier",
      description = "Write the offline verifier page (HTML, no network) with this vault's key pinned, to -o FILE or ./"
          + VERIFIER_PAGE + ", instead of the PEM.")
  boolean verifier;

  @Override
  void check(Context context) {
    if (output != null && (output.getFileName() == null || Files.isDirectory(output))) {
      throw new UsageException(output + " is a folder; give a file name for the public key");
    }
  }

  @Override
  int run(Session session, Context context) throws IOException {
    String pem = withNewline(session.exportPublicKey());
    String verifierKey = withNewline(session.vault().verifierKey());
    KeyFingerprint fingerprint = KeyFingerprint.of(pem);
    PrintWriter out = context.out();
    Path page = verifier ? (output != null ? output : Path.of(VERIFIER_PAGE)) : null;
    Path pemFile = verifier ? null : output;
    Path vkey = pemFile == null ? null : pemFile.resolveSibling(pemFile.getFileName() + VERIFIER_SUFFIX);
    if (page != null) {
      write(page, verifierPage(pem, fingerprint), StandardCharsets.UTF_8);
    }
    if (pemFile != null) {
      write(pemFile, pem);
      write(vkey, verifierKey);
    }
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("publicKey", pem);
      o.addProperty("verifierKey", verifierKey.strip());
      o.addProperty("fingerprint", fingerprint.toString());
      o.add("file", Json.text(pemFile));
      o.add("verifierKeyFile", Json.text(vkey));
      o.add("verifierPage", Json.text(page));
      ui.print(o);
      return ExitCodes.OK;
    }
    if (page != null) {
      ui.say("wrote the offline verifier page to " + page + ", with the key " + fingerprint + " pinned; auditors open it in a browser");
      return ExitCodes.OK;
    }
    if (output == null) {
      out.print(pem);
      out.print('\n');
      out.print(VERIFIER_HEADING + "\n");
      out.print(verifierKey);
      out.print('\n');
      out.print(FINGERPRINT_HEADING + "\n");
      out.print(fingerprint + "\n");
      return ExitCodes.OK;
    }
    ui.say("wrote the public key to " + output + " and the verifier key to " + vkey);
    ui.say("fingerprint: " + fingerprint + " (record it at the contract's start; auditors pass it as "
        + AuditorKey.FINGERPRINT_OPTION + ")");
    return ExitCodes.OK;
  }

  /** The verifier page with {@code pem} and its fingerprint pinned in place of the prompt for a key. */
  static String verifierPage(String pem, KeyFingerprint fingerprint) throws IOException {
    String page = shippedVerifierPage();
    if (!page.contains(UNPINNED)) {
      throw new IllegalStateException(VERIFIER_PAGE + " in the jar has no pin placeholder");
    }
    JsonObject pin = new JsonObject();
    pin.addProperty("fingerprint", fingerprint.toString());
    pin.addProperty("publicKeyPem", pem);
    // Gson escapes '<' and '>', so the pin cannot close its script element.
    return page.replace(UNPINNED, UNPINNED.replace(">null<", ">" + new Gson().toJson(pin) + "<"));
  }

  /** The page as the release ships it: it asks the auditor for the key and the recorded fingerprint. */
  static String shippedVerifierPage() throws IOException {
    try (InputStream in = KeyExportCommand.class.getResourceAsStream(VERIFIER_PAGE)) {
      if (in == null) {
        throw new IllegalStateException(VERIFIER_PAGE + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void write(Path target, String text) throws IOException {
    write(target, text, StandardCharsets.US_ASCII);
  }

  private static void write(Path target, String text, Charset charset) throws IOException {
    try (AtomicFile file = AtomicFile.beside(target)) {
      file.output().write(text.getBytes(charset));
      file.commit();
    }
  }

  private static String withNewline(String text) {
    return text.endsWith("\n") ? text : text + "\n";
  }
}
