package io.kinko.vault;

import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * The implementation behind the API's static entry points, found with {@link ServiceLoader} so
 * that this package depends on no implementation package. Applications never call it; the
 * library's own engine provides it.
 */
public interface VaultProvider {
  /** Opens an existing vault; see {@link Vault#open(Path, String, DatabaseAccount)}. */
  Vault open(Path directory, String application, DatabaseAccount account);

  /** Creates a vault; see {@link Vault.Builder#create()}. */
  Vault create(VaultSpec spec);

  /** Verifies one log archive offline; see {@link LogArchive#verify(Path, String)}. */
  LogReport verifyArchive(Path directory, String publicKeyPem);

  /**
   * Verifies log archives offline as one contiguous range; see {@link LogArchive#verify(List, String)}.
   *
   * @throws IntegrityException naming the archive and what is wrong
   */
  LogReport verifyArchives(java.util.List<Path> directories, String publicKeyPem);

  /**
   * The hex SHA-256 of a PEM Ed25519 public key's DER form; see {@link KeyFingerprint#of(String)}.
   *
   * @throws IntegrityException if {@code publicKeyPem} is not one
   */
  String fingerprint(String publicKeyPem);

  /** Reads a certificate strictly; see {@link DeletionCertificate#parse(byte[])}. */
  CertificateBody parseCertificate(byte[] json);

  /** Verifies a certificate offline; see {@link DeletionCertificate#verify(byte[], byte[], String)}. */
  DeletionCertificate.Verified verifyCertificate(byte[] json, byte[] signature, String publicKeyPem);

  /** Writes a file durably (temporary file, fsync, rename, fsync of the folder), private to its owner. */
  void writeDurably(Path file, byte[] bytes) throws java.io.IOException;

  /**
   * Writes a signed artefact as {@code <dir>/<name>.json} and its detached signature as
   * {@code <dir>/<name>.json.sig}, each durably, creating the folder; returns the JSON file.
   */
  default Path writeSigned(Path directory, String name, byte[] json, byte[] signature) throws java.io.IOException {
    java.nio.file.Files.createDirectories(directory);
    Path file = directory.resolve(name + ".json");
    writeDurably(file, json);
    writeDurably(directory.resolve(name + ".json.sig"), signature);
    return file;
  }

  MonthlyReport parseReport(byte[] json);

  MonthlyReport.Verified verifyReport(byte[] json, byte[] signature, String publicKeyPem, byte[] previousJson);

  /** Reads an incident report strictly; see {@link IncidentReport#parse(byte[])}. */
  IncidentReport parseIncidentReport(byte[] json);

  /** Verifies an incident report offline; see {@link IncidentReport#verify(byte[], byte[], String)}. */
  IncidentReport.Verified verifyIncidentReport(byte[] json, byte[] signature, String publicKeyPem);

  /** The one installed provider. */
  static VaultProvider installed() {
    return Holder.PROVIDER;
  }

  /** Loaded once, on first use. */
  final class Holder {
    static final VaultProvider PROVIDER = ServiceLoader.load(VaultProvider.class, VaultProvider.class.getClassLoader()).findFirst()
        .orElseThrow(() -> new IllegalStateException("no Kinko engine on the class path (META-INF/services/io.kinko.vault.VaultProvider)"));

    private Holder() {}
  }
}
