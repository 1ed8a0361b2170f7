package io.kinko.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A signed certificate of deletion (clause 5(10)): canonical JSON (RFC 8785) and a detached
 * Ed25519 signature over exactly those bytes. It names each deleted item by file id and path tag,
 * says how its key and bytes were destroyed and verified, what the storage medium allows, and
 * ties each deletion to the access log with the DELETE entry, its inclusion proof and the signed
 * checkpoint the proof leads to, and names the fingerprint of the key that signed it. An auditor
 * checks it with the vault's public key alone, a key whose fingerprint they recorded at the
 * contract's start ({@link KeyFingerprint}), never a key found beside the certificate:
 * <pre>openssl pkeyutl -verify -rawin -pubin -inkey vault.pub.pem -in NAME.json -sigfile NAME.json.sig</pre>
 */
public record DeletionCertificate(String id, String json, byte[] signature) {
  public DeletionCertificate {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(json, "json");
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The exact bytes that were signed. */
  public byte[] bytes() {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** Writes {@code <dir>/<name>.json} and {@code <dir>/<name>.json.sig}; returns the JSON file. */
  public Path write(Path directory, String name) {
    try {
      return VaultProvider.installed().writeSigned(directory, name, bytes(), signature);
    } catch (IOException e) {
      throw new VaultException("cannot write certificate " + id + " to " + directory + ": " + e.getMessage(), e);
    }
  }

  /**
   * What this certificate says, read strictly.
   *
   * @throws IntegrityException naming a field that is missing, unknown or malformed
   */
  public CertificateBody body() {
    return parse(bytes());
  }

  /**
   * Reads a certificate's JSON without verifying it (see {@link #verify}): for showing one that
   * is verified separately, as the PDF does.
   *
   * @throws IntegrityException naming a field that is missing, unknown or malformed, or if the
   *     bytes are not canonical JSON
   */
  public static CertificateBody parse(byte[] json) {
    return VaultProvider.installed().parseCertificate(json);
  }

  /**
   * What a verification established.
   *
   * @param keyFingerprint the fingerprint of the key the certificate verified with ({@link KeyFingerprint})
   */
  public record Verified(String id, String kind, String vault, int items, long treeSize, String keyFingerprint) {}

  /**
   * Verifies a certificate with no vault: the signature over the exact bytes, the checkpoint's
   * signature, and each item's DELETE entry against the checkpoint by its inclusion proof. The
   * caller vouches for {@code publicKeyPem}: pin it with {@link KeyFingerprint#check}.
   *
   * @throws IntegrityException naming what failed
   */
  public static Verified verify(byte[] json, byte[] signature, String publicKeyPem) {
    return VaultProvider.installed().verifyCertificate(json, signature, publicKeyPem);
  }
}
