package io.kinko.vault.transport;

import io.kinko.vault.CertificateBody;
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

/**
 * What a waybill and a receipt share with every signed artefact of Kinko: canonical JSON with a
 * detached Ed25519 signature ({@code openssl pkeyutl -verify -rawin}), and a log entry proved
 * against a checkpoint signed by the same key. Checked offline: no database.
 */
final class SignedJson {
  private SignedJson() {}

  /** The raw Ed25519 key of {@code pem}; a malformed one is an {@link IntegrityException} naming {@code what}. */
  static byte[] publicKey(String pem, String what) {
    try {
      return SigningKey.fromPem(pem);
    } catch (IllegalArgumentException e) {
      throw new IntegrityException(what + ": the public key is not an Ed25519 PEM key: " + e.getMessage());
    }
  }

  /** Checks {@code signature} over exactly {@code json}. */
  static void checkSignature(byte[] json, byte[] signature, byte[] publicKey, String what) {
    if (!SigningKey.verifies(publicKey, json, signature)) {
      throw new IntegrityException(what + "'s signature does not verify with the key " + SigningKey.fingerprint(publicKey));
    }
  }

  /**
   * The entry of {@code proof}, checked: of {@code vault}, included in {@code checkpoint} signed by
   * {@code publicKey}, and an ALLOW entry of {@code action}.
   */
  static LogEntry provedEntry(CertificateBody.LogProof proof, CertificateBody.SignedCheckpoint checkpoint, String vault, byte[] publicKey,
      String action, String what) {
    try {
      Checkpoint opened = Checkpoint.open(checkpoint.checkpoint().getBytes(StandardCharsets.UTF_8),
          NoteVerifier.ed25519(LogCheckpoints.origin(vault), publicKey));
      if (opened.size() != checkpoint.treeSize()) {
        throw new IntegrityException(what + ": its checkpoint is of " + opened.size() + " entries, not the " + checkpoint.treeSize() + " it claims");
      }
      LogEntry entry = LogProofs.verify(proof, opened, vault, what);
      if (!entry.action().equals(action) || !"ALLOW".equals(entry.decision())) {
        throw new IntegrityException(what + ": its log entry is a " + entry.decision() + " " + entry.action() + ", not the ALLOW " + action);
      }
      return entry;
    } catch (FormatException | VerificationException e) {
      throw new IntegrityException(what + " does not tie to the log: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IntegrityException(what + " has a malformed log proof: " + e.getMessage());
    }
  }
}
