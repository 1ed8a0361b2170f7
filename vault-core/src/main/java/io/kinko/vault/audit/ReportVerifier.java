package io.kinko.vault.audit;

import io.kinko.vault.IntegrityException;
import io.kinko.vault.MonthlyReport;
import io.kinko.vault.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks a monthly report offline, with the vault's public key alone: no vault, no database. This
 * is what the city runs on each report it files; with the previous filed report, every report is
 * a witness that the log was not rolled back or rewritten since.
 */
public final class ReportVerifier {
  private static final HexFormat HEX = HexFormat.of();

  private ReportVerifier() {}

  /**
   * @param previousJson the previous report as filed, or null
   * @throws IntegrityException naming what does not verify
   */
  public static MonthlyReport.Verified verify(byte[] json, byte[] signature, String publicKeyPem, byte[] previousJson) {
    byte[] publicKey = publicKey(publicKeyPem);
    requireSigned(publicKey, json, signature, "the report's signature");
    MonthlyReport report = ReportCodec.parse(json);
    String what = "the report for " + report.period().month();
    SigningKey.checkNamed(report.signingKey().fingerprint(), publicKey, what);
    Checkpoint checkpoint = checkpoint(report.checkpoint().note(), report.vault(), publicKey, what + "'s checkpoint");
    if (checkpoint.size() != report.checkpoint().treeSize()) {
      throw new IntegrityException(what + " says its checkpoint is of " + report.checkpoint().treeSize() + " entries, but it signs "
          + checkpoint.size());
    }
    MonthlyReport.Previous previous = report.previous();
    if (previous != null) {
      Checkpoint before = checkpoint(previous.checkpoint(), report.vault(), publicKey, what + "'s previous checkpoint");
      if (before.size() != previous.treeSize()) {
        throw new IntegrityException(what + " says the previous checkpoint is of " + previous.treeSize() + " entries, but it signs "
            + before.size());
      }
      requireConsistent(before, checkpoint, previous.consistencyProof(), what);
    }
    if (previousJson != null) {
      checkPrevious(report, previousJson, publicKey, what);
    }
    return new MonthlyReport.Verified(report, SigningKey.fingerprint(publicKey), previousJson != null);
  }

  /**
   * Checks that the log of {@code later} extends the log of {@code earlier} by RFC 9162's
   * consistency proof.
   *
   * @throws IntegrityException if it does not
   */
  static void requireConsistent(Checkpoint earlier, Checkpoint later, List<String> proof, String what) {
    if (earlier.size() > later.size()) {
      throw new IntegrityException(what + ": the previous checkpoint (" + earlier.size() + " entries) is larger than this one ("
          + later.size() + ")");
    }
    try {
      Merkle.verifyConsistency(earlier.size(), later.size(), proof.stream().map(HEX::parseHex).toList(), earlier.rootHash(),
          later.rootHash());
    } catch (VerificationException | IllegalArgumentException e) {
      throw new IntegrityException(what + ": the log of " + later.size() + " entries is not consistent with the previous report's "
          + "checkpoint of " + earlier.size() + ": " + e.getMessage());
    }
  }

  /** The previous report as filed must be the one this report names and continues. */
  private static void checkPrevious(MonthlyReport report, byte[] previousJson, byte[] publicKey, String what) {
    MonthlyReport.Previous named = report.previous();
    if (named == null) {
      throw new IntegrityException(what + " says it is the first report, but a previous report was given");
    }
    if (!named.sha256().equals(sha256(previousJson))) {
      throw new IntegrityException(what + " names a previous report with SHA-256 " + named.sha256() + ", not the one given ("
          + sha256(previousJson) + "): it was altered or is another report");
    }
    MonthlyReport before = ReportCodec.parse(previousJson);
    if (!before.vault().equals(report.vault())) {
      throw new IntegrityException("the previous report is of vault " + before.vault() + ", not " + report.vault());
    }
    if (!before.period().month().equals(named.month()) || before.period().month().isAfter(report.period().month())) {
      throw new IntegrityException("the previous report is for " + before.period().month() + ", not the month " + named.month()
          + " that " + what + " names");
    }
    checkpoint(before.checkpoint().note(), before.vault(), publicKey, "the previous report's checkpoint");
    if (!before.checkpoint().note().equals(named.checkpoint())) {
      throw new IntegrityException(what + " continues another checkpoint than the previous report's");
    }
  }

  /** Opens a signed checkpoint note of vault {@code vault} with {@code publicKey}. */
  public static Checkpoint checkpoint(String note, String vault, byte[] publicKey, String what) {
    try {
      return Checkpoint.open(note.getBytes(StandardCharsets.UTF_8), NoteVerifier.ed25519(LogCheckpoints.origin(vault), publicKey));
    } catch (FormatException | VerificationException e) {
      throw new IntegrityException(what + " does not verify with the public key: " + e.getMessage());
    }
  }

  /** An Ed25519 public key from PEM; a key that is none fails verification. */
  static byte[] publicKey(String pem) {
    try {
      return SigningKey.fromPem(pem);
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("the public key is not an Ed25519 PEM key: " + e.getMessage());
    }
  }

  /** @throws IntegrityException unless {@code signature} is {@code publicKey}'s Ed25519 signature of {@code message} */
  static void requireSigned(byte[] publicKey, byte[] message, byte[] signature, String what) {
    if (!SigningKey.verifies(publicKey, message, signature)) {
      throw new IntegrityException(what + " does not verify with this public key");
    }
  }

  /** SHA-256 of {@code bytes}, lower-case hex. */
  public static String sha256(byte[] bytes) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
