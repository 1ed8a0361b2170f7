package io.kinko.cli;

import io.kinko.vault.IntegrityException;
import io.kinko.vault.KeyFingerprint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The key an auditor verifies with ({@code --key PEM}, {@code --key-fingerprint HEX}). Never the
 * key in the vault folder or beside the files on their own word: whoever could edit a certificate
 * or an archive could replace that key too. A key beside the files is used only when its
 * fingerprint is the one the auditor typed, recorded at the contract's start.
 */
final class AuditorKey {
  static final String FINGERPRINT_OPTION = "--key-fingerprint";
  static final String REFUSAL = "no key to verify with: give --key PEM or " + FINGERPRINT_OPTION + " HEX. "
      + "A key in the vault folder or beside the files proves nothing: whoever can edit the files can replace it. "
      + "Record the vault's key fingerprint ('kinko key export') at the contract's start and pass it every time.";

  @Option(names = "--key", paramLabel = "PEM",
      description = "The vault's public key (kinko key export), from a source you trust. With " + FINGERPRINT_OPTION
          + " too, its fingerprint must match.")
  Path key;

  @Option(names = FINGERPRINT_OPTION, paramLabel = "HEX",
      description = "The fingerprint of the vault's key recorded at the contract's start (SHA-256 of the DER public key: "
          + "openssl pkey -pubin -in vault.pub.pem -outform DER | sha256sum). Without --key, the "
          + CertificateFiles.DEFAULT_KEY_FILE + " beside the files (or in their parent folder) is used only if it has this fingerprint.")
  String fingerprint;

  /** The key that was settled on, where it came from, and whether a fingerprint pinned it. */
  record Pinned(String pem, KeyFingerprint fingerprint, Path source, boolean pinned) {
    /** "key 3f9c… (pinned)" or the same with a reminder to compare it, for the command's report. */
    String describe() {
      return "signing key " + fingerprint + (pinned ? " (matches the fingerprint given)"
          : " (from " + source + "; compare it with the fingerprint recorded at the contract's start)");
    }
  }

  boolean given() {
    return key != null || fingerprint != null;
  }

  /**
   * The key to verify with; {@code folders} hold the files being verified, where a key beside
   * them may be found when only a fingerprint is given.
   *
   * @throws UsageException if neither option is given, the fingerprint is malformed, or no key is there
   * @throws IntegrityException if the key does not have the fingerprint given
   */
  Pinned resolve(List<Path> folders) {
    if (!given()) {
      throw new UsageException(REFUSAL);
    }
    KeyFingerprint pin = null;
    if (fingerprint != null) {
      try {
        pin = KeyFingerprint.parse(fingerprint);
      } catch (IllegalArgumentException e) {
        throw new UsageException(FINGERPRINT_OPTION + ": " + e.getMessage());
      }
    }
    if (key != null) {
      String pem = read(key);
      KeyFingerprint actual = KeyFingerprint.of(pem);
      if (pin != null) {
        pin.check(pem, key.toString());
      }
      return new Pinned(pem, actual, key, pin != null);
    }
    List<String> mismatches = new ArrayList<>();
    for (Path candidate : besides(folders)) {
      String pem = read(candidate);
      try {
        pin.check(pem, candidate.toString());
        return new Pinned(pem, pin, candidate, true);
      } catch (IntegrityException e) {
        mismatches.add(e.getMessage());
      }
    }
    if (mismatches.isEmpty()) {
      throw new UsageException(FINGERPRINT_OPTION + " alone needs the vault's key beside the files (" + CertificateFiles.DEFAULT_KEY_FILE
          + "), and there is none: give --key PEM too");
    }
    throw new IntegrityException(String.join("; ", mismatches) + ". Refusing: the files may have been signed with another key");
  }

  /** vault.pub.pem in each folder and in its parent (a disposal archive keeps certificates in a subfolder). */
  private static Set<Path> besides(List<Path> folders) {
    Set<Path> found = new LinkedHashSet<>();
    for (Path folder : folders) {
      Path absolute = folder.toAbsolutePath().normalize();
      for (Path dir : absolute.getParent() == null ? List.of(absolute) : List.of(absolute, absolute.getParent())) {
        Path pem = dir.resolve(CertificateFiles.DEFAULT_KEY_FILE);
        if (Files.isRegularFile(pem)) {
          found.add(pem);
        }
      }
    }
    return found;
  }

  /** A key file; one that cannot be read fails the verification (exit 5). */
  private static String read(Path file) {
    return new String(CertVerifyCommand.read(file, "public key"), StandardCharsets.US_ASCII);
  }
}
