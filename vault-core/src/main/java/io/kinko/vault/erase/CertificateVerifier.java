package io.kinko.vault.erase;

import com.google.crypto.tink.subtle.Ed25519Verify;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogEntry;
import io.kinko.vault.audit.CanonicalJson;
import io.kinko.vault.audit.Checkpoint;
import io.kinko.vault.audit.EntryCodec;
import io.kinko.vault.audit.FormatException;
import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.audit.Merkle;
import io.kinko.vault.audit.NoteVerifier;
import io.kinko.vault.audit.VerificationException;
import io.kinko.vault.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Checks a certificate offline: no database, only the vault's public key. */
public final class CertificateVerifier {
  private static final HexFormat HEX = HexFormat.of();

  private CertificateVerifier() {}

  @SuppressWarnings("unchecked")
  public static DeletionCertificate.Verified verify(byte[] json, byte[] signature, String publicKeyPem) {
    byte[] publicKey;
    try {
      publicKey = SigningKey.fromPem(publicKeyPem);
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("the public key is not an Ed25519 PEM key: " + e.getMessage());
    }
    try {
      new Ed25519Verify(publicKey).verify(signature, json);
    } catch (GeneralSecurityException e) {
      throw new IntegrityException("the certificate's signature does not verify with this public key");
    }
    Map<String, Object> cert;
    try {
      if (!Arrays.equals(CanonicalJson.canonicalize(json), json)) {
        throw new IntegrityException("the certificate is not canonical JSON");
      }
      cert = (Map<String, Object>) CanonicalJson.parse(json);
    } catch (FormatException e) {
      throw new IntegrityException("the certificate is not valid JSON: " + e.getMessage());
    }
    try {
      String vault = (String) cert.get("vault");
      Map<String, Object> log = (Map<String, Object>) cert.get("log");
      Checkpoint checkpoint = Checkpoint.open(((String) log.get("checkpoint")).getBytes(StandardCharsets.UTF_8),
          NoteVerifier.ed25519(LogCheckpoints.origin(vault), publicKey));
      List<Map<String, Object>> items = (List<Map<String, Object>>) cert.get("items");
      for (Map<String, Object> item : items) {
        Map<String, Object> entryRef = (Map<String, Object>) item.get("log");
        byte[] entryBytes = ((String) entryRef.get("entry")).getBytes(StandardCharsets.UTF_8);
        LogEntry entry = EntryCodec.decode(entryBytes);
        long seq = (Long) entryRef.get("seq");
        if (entry.seq() != seq || !entry.action().equals(cert.get("action")) || !entry.fileId().equals(item.get("fileId"))) {
          throw new IntegrityException("item " + item.get("fileId") + ": its log entry is not the " + cert.get("action") + " of that file");
        }
        byte[] leaf = Merkle.leafHash(entryBytes);
        if (!HEX.formatHex(leaf).equals(entryRef.get("leafHash"))) {
          throw new IntegrityException("item " + item.get("fileId") + ": leaf hash does not match its entry");
        }
        List<byte[]> proof = new ArrayList<>();
        for (Object h : (List<Object>) entryRef.get("inclusionProof")) {
          proof.add(HEX.parseHex((String) h));
        }
        Merkle.verifyInclusion(seq, checkpoint.size(), leaf, proof, checkpoint.rootHash());
      }
      return new DeletionCertificate.Verified((String) cert.get("certificateId"), (String) cert.get("kinko"), vault, items.size(),
          checkpoint.size());
    } catch (FormatException | VerificationException e) {
      throw new IntegrityException("the certificate does not tie to the log: " + e.getMessage());
    } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
      throw new IntegrityException("the certificate is missing fields or has wrong types: " + e.getMessage());
    }
  }
}
