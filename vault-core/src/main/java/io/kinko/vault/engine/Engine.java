package io.kinko.vault.engine;

import io.kinko.vault.CertificateBody;
import io.kinko.vault.DatabaseAccount;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.erase.CertificateCodec;
import io.kinko.vault.erase.CertificateVerifier;
import io.kinko.vault.store.Durable;
import java.io.IOException;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogReport;
import io.kinko.vault.audit.ArchiveVerifier;
import io.kinko.vault.crypto.SigningKey;
import java.util.List;
import io.kinko.vault.Vault;
import io.kinko.vault.VaultProvider;
import io.kinko.vault.VaultSpec;
import java.nio.file.Path;
import io.kinko.vault.MonthlyReport;
import io.kinko.vault.IncidentReport;
import io.kinko.vault.audit.ReportCodec;
import io.kinko.vault.audit.ReportVerifier;

/** The library's implementation of the API, registered as the {@link VaultProvider} service. */
public final class Engine implements VaultProvider {
  @Override
  public Vault open(Path directory, String application, DatabaseAccount account) {
    return DefaultVault.open(directory, application, account);
  }

  @Override
  public Vault create(VaultSpec spec) {
    return DefaultVault.create(spec);
  }

  @Override
  public LogReport verifyArchive(Path directory, String publicKeyPem) {
    return ArchiveVerifier.verify(directory, publicKeyPem);
  }

  @Override
  public LogReport verifyArchives(List<Path> directories, String publicKeyPem) {
    return ArchiveVerifier.verify(directories, publicKeyPem);
  }

  @Override
  public String fingerprint(String publicKeyPem) {
    try {
      return SigningKey.fingerprint(SigningKey.fromPem(publicKeyPem));
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("the public key is not an Ed25519 PEM key: " + e.getMessage());
    }
  }

  @Override
  public CertificateBody parseCertificate(byte[] json) {
    return CertificateCodec.parse(json);
  }

  @Override
  public DeletionCertificate.Verified verifyCertificate(byte[] json, byte[] signature, String publicKeyPem) {
    return CertificateVerifier.verify(json, signature, publicKeyPem);
  }

  @Override
  public void writeDurably(Path file, byte[] bytes) throws IOException {
    Durable.write(file, bytes);
  }

  @Override
  public MonthlyReport parseReport(byte[] json) {
    return ReportCodec.parse(json);
  }

  @Override
  public MonthlyReport.Verified verifyReport(byte[] json, byte[] signature, String publicKeyPem, byte[] previousJson) {
    return ReportVerifier.verify(json, signature, publicKeyPem, previousJson);
  }

  @Override
  public IncidentReport parseIncidentReport(byte[] json) {
    return io.kinko.vault.audit.IncidentReportCodec.parse(json);
  }

  @Override
  public IncidentReport.Verified verifyIncidentReport(byte[] json, byte[] signature, String publicKeyPem) {
    return io.kinko.vault.audit.IncidentReportVerifier.verify(json, signature, publicKeyPem);
  }
}
