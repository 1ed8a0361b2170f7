package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.VaultException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Certificates as the CLI hands them out: the file names ({@code kinko-deletion-<id12>.json} and
 * its {@code .sig}), where they went, and the {@code openssl} command that verifies them with no
 * Kinko code (DESIGN.md, "Deletion certificates").
 */
final class CertificateFiles {
  /** How many hex digits of a certificate id name its files. */
  static final int ID_DIGITS = 12;
  static final String DEFAULT_KEY_FILE = "vault.pub.pem";
  static final String CERT_OUT_HELP = "Folder for the certificate (NAME.json and NAME.json.sig); created if absent. "
      + "Default: the current folder.";
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

  private CertificateFiles() {}

  /** "kinko-deletion-3f9c0a1b2c3d" for a deletion certificate with id 3f9c0a1b2c3d…. */
  static String baseName(String kind, String id) {
    return "kinko-" + kind + "-" + id.substring(0, Math.min(ID_DIGITS, id.length()));
  }

  /** The short kind of a certificate: "deletion", "wipe", "disposal". */
  static String kind(DeletionCertificate certificate) {
    return certificate.body().header().kind().shortName();
  }

  /** The number of items a certificate lists. */
  static int items(DeletionCertificate certificate) {
    return certificate.body().items().size();
  }

  /**
   * Refuses a {@code --cert-out} that cannot be a folder, before any work is done: a deletion
   * whose certificate cannot be written is still done (and the certificate kept in the vault),
   * so a typo should not get that far.
   */
  static void checkFolder(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new UsageException("--cert-out " + dir + " is not a folder");
    }
    if (Files.isDirectory(dir) && !Files.isWritable(dir)) {
      throw new UsageException("--cert-out " + dir + " is not writable");
    }
  }

  /**
   * Writes the certificate into {@code dir} and prints where it went and how to verify it. If it
   * cannot be written, the failure says that the work is done and how to get the certificate.
   */
  static Path writeAndTell(DeletionCertificate certificate, Path dir, Output out) {
    Path json;
    try {
      json = certificate.write(dir, baseName(kind(certificate), certificate.id()));
    } catch (VaultException e) {
      throw new VaultException(e.getMessage() + "; the work is done and certificate " + certificate.id()
          + " is kept in the vault: write it out with 'kinko cert export " + certificate.id() + " -o DIR'", e);
    }
    tell(certificate.id(), json, out);
    return json;
  }

  /** A certificate under --json: {id, kind, items, file, signature}. */
  static JsonObject json(DeletionCertificate certificate, Path json) {
    JsonObject o = new JsonObject();
    o.addProperty("id", certificate.id());
    o.addProperty("kind", kind(certificate));
    o.addProperty("items", items(certificate));
    o.addProperty("file", json.toString());
    o.addProperty("signature", json + ".sig");
    return o;
  }

  /** Prints where a certificate is and the openssl command that verifies it. */
  static void tell(String id, Path json, Output out) {
    out.say("certificate " + id + ": " + json + " (signature: " + json.getFileName() + ".sig)");
    out.say("verify it with the vault's public key ('kinko key export -o " + DEFAULT_KEY_FILE + "'), whose fingerprint "
        + "('openssl pkey -pubin -in " + DEFAULT_KEY_FILE + " -outform DER | sha256sum') must be the one recorded at the contract's start:");
    out.say("  " + opensslCommand(DEFAULT_KEY_FILE, json.toString(), json + ".sig"));
  }

  /** The openssl command line that verifies a certificate's detached Ed25519 signature. */
  static String opensslCommand(String key, String json, String sig) {
    return "openssl pkeyutl -verify -rawin -pubin -inkey " + quoted(key) + " -in " + quoted(json) + " -sigfile " + quoted(sig);
  }

  /** A word the shell passes on as is: single-quoted unless it is plainly safe. */
  static String quoted(String word) {
    return SHELL_SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  /** True if {@code inner} is {@code outer} or lies below it, following links of the parts that exist. */
  static boolean within(Path inner, Path outer) {
    try {
      return canonical(inner).startsWith(canonical(outer));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The real path of the longest existing part, with the rest appended. */
  private static Path canonical(Path path) throws java.io.IOException {
    Path absolute = path.toAbsolutePath().normalize();
    if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
      return absolute.toRealPath();
    }
    Path parent = absolute.getParent();
    return parent == null ? absolute : canonical(parent).resolve(absolute.getFileName());
  }
}
