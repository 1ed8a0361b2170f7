package io.kinko.vault.erase;

import io.kinko.vault.Contract;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.LogEntry;
import io.kinko.vault.audit.CanonicalJson;
import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.audit.Merkle;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.store.Database;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parts every certificate shares, and signing and storing one. */
public final class Certificates {
  private static final HexFormat HEX = HexFormat.of();
  static final List<String> STANDARDS = List.of("NIST SP 800-88 Rev. 2 (2025)", "NIST SP 800-88 Rev. 1, Appendix G",
      "個人情報取扱安全管理基準 5(10), 5(11)", "RFC 8785", "RFC 6962", "C2SP signed-note, tlog-checkpoint");

  private Certificates() {}

  /** Who, what, for whom, where and with what: the fields that open every certificate. */
  public static Map<String, Object> header(String kind, String id, String action, Contract contract, String vaultId, String operator,
      String host, String application, Clock clock) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("id", contract.id());
    c.put("client", contract.client());
    c.put("contractor", contract.contractor());
    c.put("end", contract.end().toString());
    Map<String, Object> cert = new LinkedHashMap<>();
    cert.put("kinko", kind);
    cert.put("format", 1L);
    cert.put("certificateId", id);
    cert.put("issuedAt", clock.instant().toString());
    cert.put("action", action);
    cert.put("contract", c);
    cert.put("vault", vaultId);
    cert.put("operator", operator);
    cert.put("approver", operator);
    cert.put("workLocation", Map.of("host", host, "application", application));
    cert.put("tool", Map.of("name", "Kinko", "version", Deleter.toolVersion()));
    cert.put("standards", STANDARDS);
    return cert;
  }

  /** A log entry with its inclusion proof in the tree of {@code treeSize}, as certificates carry it. */
  public static Map<String, Object> logRef(LogEntry entry, LogCheckpoints checkpoints, long treeSize) {
    Map<String, Object> log = new LinkedHashMap<>();
    log.put("seq", entry.seq());
    log.put("entry", entry.json());
    log.put("leafHash", HEX.formatHex(Merkle.leafHash(entry.canonicalBytes())));
    log.put("inclusionProof", checkpoints.inclusionProof(entry.seq(), treeSize).stream().map(HEX::formatHex).toList());
    return log;
  }

  /** The checkpoint every proof in a certificate leads to. */
  public static Map<String, Object> checkpoint(LogCheckpoints.Signed signed) {
    Map<String, Object> log = new LinkedHashMap<>();
    log.put("treeSize", signed.size());
    log.put("checkpoint", new String(signed.note(), StandardCharsets.UTF_8));
    return log;
  }

  /** Canonicalizes, signs and stores a certificate. */
  public static DeletionCertificate signAndStore(Database database, SigningKey signer, String id, String kind, Map<String, Object> cert,
      Clock clock) {
    cert.put(SigningKey.NAMED_KEY, SigningKey.named(signer.publicKey()));
    byte[] json = CanonicalJson.encode(cert);
    byte[] signature = signer.sign(json);
    database.durably(c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO certificates (cert_id, issued_at, kind, body, signature) VALUES (?, ?, ?, ?, ?)")) {
        s.setString(1, id);
        s.setLong(2, clock.millis());
        s.setString(3, kind);
        s.setString(4, new String(json, StandardCharsets.UTF_8));
        s.setString(5, Base64.getEncoder().encodeToString(signature));
        s.executeUpdate();
      }
      return null;
    });
    return new DeletionCertificate(id, new String(json, StandardCharsets.UTF_8), signature);
  }
}
