package io.kinko.vault.erase;

import io.kinko.vault.CertificateBody;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.LogEntry;
import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.audit.Merkle;
import io.kinko.vault.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The parts every certificate shares, and signing and storing one. */
public final class Certificates {
  private static final HexFormat HEX = HexFormat.of();
  /** Media sanitization standards by their current names first, then the contract's clauses and the formats. */
  static final List<String> STANDARDS = List.of("NIST SP 800-88 Rev. 2", "IEEE 2883-2022", "ISO/IEC 27040:2024",
      "個人情報取扱安全管理基準 5(10), 5(11)", "RFC 8785", "RFC 6962", "C2SP signed-note, tlog-checkpoint");

  private Certificates() {}

  /** Who, what, for whom, where and with what: the fields that open every certificate, and the key that will sign it. */
  public static CertificateBody.Header header(CertificateBody.Kind kind, String id, String operator, Deleter.Context ctx) {
    return header(kind, id, operator, operator, ctx);
  }

  /** The same, for work a second person ({@code approver}) approved. */
  static CertificateBody.Header header(CertificateBody.Kind kind, String id, String operator, String approver, Deleter.Context ctx) {
    Map<String, Object> named = SigningKey.named(ctx.signer().publicKey());
    return new CertificateBody.Header(kind, id, ctx.clock().instant(), ctx.contract(), ctx.vaultId(), operator, approver,
        new CertificateBody.WorkLocation(ctx.host(), ctx.application()), CertificateBody.Tool.kinko(),
        STANDARDS, new CertificateBody.KeyName((String) named.get("algorithm"), (String) named.get("fingerprint"),
            (String) named.get("fingerprintOf")));
  }

  /** When an erasure ran, ending now, and its result. */
  public static CertificateBody.Erasure erasure(java.time.Instant startedAt, boolean completed, Deleter.Context ctx) {
    java.time.Instant now = ctx.clock().instant();
    return new CertificateBody.Erasure(startedAt.isAfter(now) ? now : startedAt, now,
        completed ? CertificateBody.Result.COMPLETED : CertificateBody.Result.FAILED);
  }

  /**
   * A log entry with its inclusion proof in the tree checkpoint {@code at} signs, as certificates
   * carry it; checked against that checkpoint first ({@link LogCheckpoints#provenInclusion}).
   */
  public static CertificateBody.LogProof logRef(LogEntry entry, LogCheckpoints checkpoints, LogCheckpoints.Signed at) {
    return new CertificateBody.LogProof(entry.seq(), entry.json(), HEX.formatHex(Merkle.leafHash(entry.canonicalBytes())),
        checkpoints.provenInclusion(entry, at).stream().map(HEX::formatHex).toList());
  }

  /** The checkpoint every proof in a certificate leads to. */
  public static CertificateBody.SignedCheckpoint checkpoint(LogCheckpoints.Signed signed) {
    return new CertificateBody.SignedCheckpoint(signed.size(), new String(signed.note(), StandardCharsets.UTF_8));
  }

  /** Encodes, signs and stores a certificate. */
  public static DeletionCertificate signAndStore(Deleter.Context ctx, CertificateBody body) {
    String id = body.header().certificateId();
    Clock clock = ctx.clock();
    SigningKey signer = ctx.signer();
    byte[] json = CertificateCodec.encode(body);
    byte[] signature = signer.sign(json);
    ctx.database().durably(c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO certificates (cert_id, issued_at, kind, body, signature) VALUES (?, ?, ?, ?, ?)")) {
        s.setString(1, id);
        s.setLong(2, clock.millis());
        s.setString(3, body.header().kind().shortName());
        s.setString(4, new String(json, StandardCharsets.UTF_8));
        s.setString(5, Base64.getEncoder().encodeToString(signature));
        s.executeUpdate();
      }
      return null;
    });
    return new DeletionCertificate(id, new String(json, StandardCharsets.UTF_8), signature);
  }
}
