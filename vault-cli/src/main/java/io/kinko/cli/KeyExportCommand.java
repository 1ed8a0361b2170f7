package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.KeyFingerprint;
import io.kinko.vault.Session;
import java.io.IOException;
import java.io.PrintWriter;
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
            + "without it, both are printed, the verifier key after a blank line and a heading, then the fingerprint."})
final class KeyExportCommand extends VaultCommand {
  static final String VERIFIER_SUFFIX = ".vkey";
  static final String VERIFIER_HEADING = "# signed-note verifier key of the log's checkpoints:";
  static final String FINGERPRINT_HEADING = "# fingerprint of the public key (SHA-256 of its DER form); record it at the contract's start:";

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write the PEM to FILE and the verifier key to FILE" + VERIFIER_SUFFIX + " (both replaced if present).")
  Path output;

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
    Path vkey = output == null ? null : output.resolveSibling(output.getFileName() + VERIFIER_SUFFIX);
    if (ui.json()) {
      if (output != null) {
        write(output, pem);
        write(vkey, verifierKey);
      }
      JsonObject o = ui.object();
      o.addProperty("publicKey", pem);
      o.addProperty("verifierKey", verifierKey.strip());
      o.addProperty("fingerprint", fingerprint.toString());
      o.add("file", Json.text(output));
      o.add("verifierKeyFile", Json.text(vkey));
      ui.print(o);
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
    write(output, pem);
    write(vkey, verifierKey);
    ui.say("wrote the public key to " + output + " and the verifier key to " + vkey);
    ui.say("fingerprint: " + fingerprint + " (record it at the contract's start; auditors pass it as "
        + AuditorKey.FINGERPRINT_OPTION + ")");
    return ExitCodes.OK;
  }

  private static void write(Path target, String text) throws IOException {
    try (AtomicFile file = AtomicFile.beside(target)) {
      file.output().write(text.getBytes(StandardCharsets.US_ASCII));
      file.commit();
    }
  }

  private static String withNewline(String text) {
    return text.endsWith("\n") ? text : text + "\n";
  }
}
