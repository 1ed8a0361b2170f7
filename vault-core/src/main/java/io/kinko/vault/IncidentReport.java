package io.kinko.vault;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/**
 * The incident report to the city (事故報告書, clause 6), a draft the privacy manager completes: one
 * record shared by the writer, the offline verifier and the PDF renderer. The JSON is canonical
 * (RFC 8785) and signed detached with the vault's Ed25519 key, as certificates and monthly reports
 * are, so
 * <pre>openssl pkeyutl -verify -rawin -pubin -inkey vault.pub.pem -in incident-42.json -sigfile incident-42.json.sig</pre>
 * checks it with no Kinko code; {@link #verify} also checks every entry's inclusion proof against
 * the signed checkpoint the report carries. It holds no file name, no content and no secret: the
 * entries name files by id and keyed tag only. Times are in the contract's zone ({@link Contract#ZONE}).
 *
 * @param reportId a random id, 32 hex digits
 * @param incident what happened
 * @param entry the INCIDENT entry itself, with its inclusion proof
 * @param evidence each entry the incident names as evidence, with its inclusion proof, ascending
 * @param checkpoint the signed checkpoint every proof leads to
 * @param actions the acknowledgements logged so far, oldest first
 * @param cause left empty for the manager to fill in on the PDF (原因)
 * @param impact left empty likewise (影響範囲)
 * @param prevention left empty likewise (再発防止策)
 */
public record IncidentReport(String type, long version, String reportId, OffsetDateTime issuedAt, String issuedBy, String vault,
    Contract contract, CertificateBody.KeyName signingKey, CertificateBody.Tool tool, Summary incident, CertificateBody.LogProof entry,
    List<CertificateBody.LogProof> evidence, CertificateBody.SignedCheckpoint checkpoint, List<Taken> actions, String cause,
    String impact, String prevention) {
  /** The value of {@code type}. */
  public static final String TYPE = "kinko-incident-report";
  /** The format version this code writes and reads. */
  public static final long VERSION = 1;

  public IncidentReport {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reportId, "reportId");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(issuedBy, "issuedBy");
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(signingKey, "signingKey");
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(incident, "incident");
    Objects.requireNonNull(entry, "entry");
    evidence = List.copyOf(evidence);
    Objects.requireNonNull(checkpoint, "checkpoint");
    actions = List.copyOf(actions);
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(impact, "impact");
    Objects.requireNonNull(prevention, "prevention");
  }

  /**
   * The incident: its id (the INCIDENT entry's sequence), rule, severity, what the rule means in
   * Japanese and English, when it was detected, by whose operation, the evidence's sequences, the
   * rule's detail and its status when the report was made.
   */
  public record Summary(long id, String rule, long severity, String meaningJa, String meaningEn, OffsetDateTime detectedAt,
      String actor, List<Long> evidence, String detail, Incident.Status status) {
    public Summary {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(meaningJa, "meaningJa");
      Objects.requireNonNull(meaningEn, "meaningEn");
      Objects.requireNonNull(detectedAt, "detectedAt");
      Objects.requireNonNull(actor, "actor");
      evidence = List.copyOf(evidence);
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(status, "status");
    }
  }

  /** An action taken so far: an acknowledgement's entry, who, when and their note. */
  public record Taken(long seq, String by, OffsetDateTime at, String note) {
    public Taken {
      Objects.requireNonNull(by, "by");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(note, "note");
    }
  }

  /** A report as the vault issued it: the model, its exact JSON bytes, their signature and SHA-256 (also in the INCIDENT_REPORT entry). */
  public record Signed(IncidentReport report, byte[] json, byte[] signature, String sha256) {
    public Signed {
      Objects.requireNonNull(report, "report");
      json = json.clone();
      signature = signature.clone();
      Objects.requireNonNull(sha256, "sha256");
    }

    @Override
    public byte[] json() {
      return json.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }
  }

  /** What an offline verification found sound: the report, the key's fingerprint and the number of entries proved. */
  public record Verified(IncidentReport report, String keyFingerprint, int entriesProved) {
    public Verified {
      Objects.requireNonNull(report, "report");
      Objects.requireNonNull(keyFingerprint, "keyFingerprint");
    }
  }

  /** The file name of an incident's report JSON: {@code incident-<id>.json}. */
  public static String fileName(long incidentId) {
    return "incident-" + incidentId + ".json";
  }

  /**
   * Reads a report's JSON strictly, without verifying it (see {@link #verify}).
   *
   * @throws IntegrityException naming a field that is missing, unknown or malformed, or if the bytes are not canonical JSON
   */
  public static IncidentReport parse(byte[] json) {
    return VaultProvider.installed().parseIncidentReport(json);
  }

  /**
   * Verifies a report offline with the vault's public key alone: the Ed25519 signature over the
   * exact JSON bytes, its shape, the key it names, its checkpoint's signature, and each entry's
   * inclusion proof against that checkpoint (the incident entry must be the INCIDENT it reports).
   *
   * @param publicKeyPem the vault's public key; the caller vouches for it (pin it with {@link KeyFingerprint#check})
   * @throws IntegrityException naming what does not verify
   */
  public static Verified verify(byte[] json, byte[] signature, String publicKeyPem) {
    return VaultProvider.installed().verifyIncidentReport(json, signature, publicKeyPem);
  }
}
