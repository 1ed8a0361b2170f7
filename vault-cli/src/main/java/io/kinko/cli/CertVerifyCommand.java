package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.IntegrityException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kinko cert verify}: what an auditor runs. Needs the vault's public key, pinned by the
 * auditor ({@link AuditorKey}): no password, no vault, and never the key in the vault folder or
 * beside the certificate on its own word. Every reason the certificate cannot be accepted
 * (altered bytes, wrong key, missing signature) exits with 5.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Verifies a certificate offline: the Ed25519 signature over the exact JSON bytes, the signed log checkpoint, "
        + "and each item's log entry against it by its inclusion proof.",
        "Needs --key PEM or --key-fingerprint HEX (the fingerprint recorded at the contract's start): a key found in the vault "
            + "folder or beside the certificate proves nothing. No password, no vault.",
        "Any failure, a missing or unreadable file included, exits with 5; no key given exits with 2."})
final class CertVerifyCommand implements Callable<Integer> {
  /** Larger files are not a certificate but a mistake. */
  static final long MAX_CERT_BYTES = 64L * 1024 * 1024;

  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Mixin
  AuditorKey key;

  @Parameters(index = "0", paramLabel = "CERT", description = "The certificate's JSON file.")
  Path cert;

  @Option(names = "--sig", paramLabel = "FILE", description = "The detached signature. Default: CERT.sig.")
  Path sig;

  @Override
  public Integer call() {
    Output ui = Output.of(spec, global);
    AuditorKey.Pinned pinned = key.resolve(List.of(folderOf(cert)));
    DeletionCertificate.Verified verified = verify(cert, sig, pinned.pem());
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("id", verified.id());
      o.addProperty("kind", verified.kind());
      o.addProperty("items", verified.items());
      o.addProperty("treeSize", verified.treeSize());
      o.addProperty("vault", verified.vault());
      o.addProperty("keyFingerprint", pinned.fingerprint().toString());
      o.addProperty("keyPinned", pinned.pinned());
      ui.print(o);
      return ExitCodes.OK;
    }
    ui.say("certificate " + verified.id() + " verified: " + verified.kind() + ", "
        + PutCommand.count(verified.items(), "item") + ", tied to log tree of size " + verified.treeSize());
    ui.say("vault: " + verified.vault());
    ui.say(pinned.describe());
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

  /** The folder a file is in, where a key beside it would be. */
  static Path folderOf(Path file) {
    Path parent = file.toAbsolutePath().normalize().getParent();
    return parent != null ? parent : file.toAbsolutePath();
  }

  /** A file that verification needs; not being able to read it fails the verification (exit 5). */
  static byte[] read(Path file, String what) {
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
