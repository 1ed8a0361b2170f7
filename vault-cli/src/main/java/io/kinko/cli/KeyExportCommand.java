package io.kinko.cli;

import io.kinko.vault.Vault;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kinko key export}: the vault's public signing key, which is public: no password is
 * asked. The PEM goes to auditors ({@code openssl} verifies certificates with it); the
 * signed-note verifier key checks log checkpoints.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Writes the vault's Ed25519 public key as PEM, for auditors: it verifies certificates (openssl), "
        + "log archives (kinko log verify --archive) and checkpoints. No password is needed.",
        "With -o FILE, the PEM goes to FILE and the checkpoints' signed-note verifier key to FILE.vkey; "
            + "without it, both are printed, the verifier key after a blank line and a heading."})
final class KeyExportCommand implements Callable<Integer> {
  static final String VERIFIER_SUFFIX = ".vkey";
  static final String VERIFIER_HEADING = "# signed-note verifier key of the log's checkpoints:";

  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write the PEM to FILE and the verifier key to FILE" + VERIFIER_SUFFIX + " (both replaced if present).")
  Path output;

  @Override
  public Integer call() throws IOException {
    Context context = VaultCommand.context(spec);
    if (output != null && (output.getFileName() == null || Files.isDirectory(output))) {
      throw new UsageException(output + " is a folder; give a file name for the public key");
    }
    String pem;
    String verifierKey;
    try (Vault vault = VaultCommand.open(global, context)) {
      pem = withNewline(vault.publicKeyPem());
      verifierKey = withNewline(vault.verifierKey());
    }
    PrintWriter out = context.out();
    if (output == null) {
      out.print(pem);
      out.print('\n');
      out.print(VERIFIER_HEADING + "\n");
      out.print(verifierKey);
      return ExitCodes.OK;
    }
    Path vkey = output.resolveSibling(output.getFileName() + VERIFIER_SUFFIX);
    write(output, pem);
    write(vkey, verifierKey);
    out.println("wrote the public key to " + output + " and the verifier key to " + vkey);
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
