package io.kinko.cli;

import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.Vault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kinko cert verify}: what an auditor runs. Needs the public key only: no password, and
 * no vault when {@code --key} is given. Every reason the certificate cannot be accepted (altered
 * bytes, wrong key, missing signature) exits with 5.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Verifies a certificate offline: the Ed25519 signature over the exact JSON bytes, the signed log checkpoint, "
        + "and each item's log entry against it by its inclusion proof.",
        "No password; no vault either when --key is given. Any failure, a missing or unreadable file included, exits with 5."})
final class CertVerifyCommand implements Callable<Integer> {
  /** Larger files are not a certificate but a mistake. */
  static final long MAX_CERT_BYTES = 64L * 1024 * 1024;

  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Parameters(index = "0", paramLabel = "CERT", description = "The certificate's JSON file.")
  Path cert;

  @Option(names = "--sig", paramLabel = "FILE", description = "The detached signature. Default: CERT.sig.")
  Path sig;

  @Option(names = "--key", paramLabel = "PEM",
      description = "The vault's public key (kinko key export). Default: the key of the vault given by --vault or "
          + GlobalOptions.VAULT_ENV + ".")
  Path key;

  @Override
  public Integer call() {
    Context context = VaultCommand.context(spec);
    String pem = publicKey(key, global, context);
    DeletionCertificate.Verified verified = verify(cert, sig, pem);
    context.out().println("certificate " + verified.id() + " verified: " + verified.kind() + ", "
        + PutCommand.count(verified.items(), "item") + ", tied to log tree of size " + verified.treeSize());
    context.out().println("vault: " + verified.vault());
    return ExitCodes.OK;
  }

  /** Verifies CERT with its signature (CERT.sig unless {@code sig} is given). */
  static DeletionCertificate.Verified verify(Path cert, Path sig, String pem) {
    Path signature = sig != null ? sig : signatureOf(cert);
    return DeletionCertificate.verify(read(cert, "certificate"), read(signature, "signature"), pem);
  }

  static Path signatureOf(Path cert) {
    return cert.resolveSibling(cert.getFileName() + ".sig");
  }

  /** The public key from {@code --key}, else from the vault named by --vault or KINKO_VAULT (opened, no login). */
  static String publicKey(Path key, GlobalOptions global, Context context) {
    if (key != null) {
      return new String(read(key, "public key"), StandardCharsets.US_ASCII);
    }
    if (global.vault != null || context.env(GlobalOptions.VAULT_ENV) != null) {
      try (Vault vault = VaultCommand.open(global, context)) {
        return vault.publicKeyPem();
      }
    }
    throw new UsageException("no public key: give --key PEM (from kinko key export) or the vault with --vault DIR");
  }

  /** A file that verification needs; not being able to read it fails the verification (exit 5). */
  private static byte[] read(Path file, String what) {
    try {
      if (Files.size(file) > MAX_CERT_BYTES) {
        throw new IntegrityException(file + " is too large to be a " + what);
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IntegrityException("cannot read the " + what + ": " + Messages.describe(e), e);
    }
  }
}
