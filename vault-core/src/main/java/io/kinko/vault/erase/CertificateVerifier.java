package io.kinko.vault.erase;

import io.kinko.vault.CertificateBody;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogEntry;
import io.kinko.vault.audit.Checkpoint;
import io.kinko.vault.audit.FormatException;
import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.audit.LogProofs;
import io.kinko.vault.audit.NoteVerifier;
import io.kinko.vault.audit.VerificationException;
import io.kinko.vault.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Checks a certificate offline: no database, only the vault's public key. */
public final class CertificateVerifier {
  /** A log proof, with the file id its entry must name (null: the certificate's own entry). */
  private record Ref(CertificateBody.LogProof proof, String fileId) {}

  private CertificateVerifier() {}

  public static DeletionCertificate.Verified verify(byte[] json, byte[] signature, String publicKeyPem) {
    byte[] publicKey;
    try {
      publicKey = SigningKey.fromPem(publicKeyPem);
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("the public key is not an Ed25519 PEM key: " + e.getMessage());
    }
    if (!SigningKey.verifies(publicKey, json, signature)) {
      throw new IntegrityException("the certificate's signature does not verify with this public key");
    }
    CertificateBody cert = CertificateCodec.parse(json);
    CertificateBody.Header header = cert.header();
    try {
      if (header.signingKey() != null) {
        SigningKey.checkNamed(header.signingKey().fingerprint(), publicKey, "the certificate");
      }
      String vault = header.vault();
      Checkpoint checkpoint = Checkpoint.open(cert.log().checkpoint().getBytes(StandardCharsets.UTF_8),
          NoteVerifier.ed25519(LogCheckpoints.origin(vault), publicKey));
      List<Ref> refs = new ArrayList<>();
      if (cert.logEntry() != null) {
        refs.add(new Ref(cert.logEntry(), null));
      }
      for (CertificateBody.Item item : cert.items()) {
        if (item instanceof CertificateBody.DeletedFile file) {
          refs.add(new Ref(file.log(), file.fileId()));
        }
      }
      if (refs.isEmpty()) {
        throw new IntegrityException("the certificate names no log entry");
      }
      String action = header.kind().action();
      for (Ref ref : refs) {
        String fileId = ref.fileId();
        String what = fileId != null ? "item " + fileId : "the certificate";
        LogEntry entry = LogProofs.verify(ref.proof(), checkpoint, vault, what);
        if (!entry.action().equals(action) || fileId != null && !fileId.equals(entry.fileId())) {
          throw new IntegrityException(what + ": its log entry is not the " + action + " it certifies");
        }
      }
      return new DeletionCertificate.Verified(header.certificateId(), header.kind().label(), vault, cert.items().size(),
          checkpoint.size(), SigningKey.fingerprint(publicKey));
    } catch (FormatException | VerificationException e) {
      throw new IntegrityException("the certificate does not tie to the log: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("the certificate has a malformed value: " + e.getMessage());
    }
  }
}
