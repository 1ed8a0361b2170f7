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
      SigningKey.checkNamed(cert, publicKey, "the certificate");
      String vault = (String) cert.get("vault");
      Map<String, Object> log = (Map<String, Object>) cert.get("log");
      Checkpoint checkpoint = Checkpoint.open(((String) log.get("checkpoint")).getBytes(StandardCharsets.UTF_8),
          NoteVerifier.ed25519(LogCheckpoints.origin(vault), publicKey));
      List<Map<String, Object>> items = (List<Map<String, Object>>) cert.get("items");
      List<Map<String, Object>> refs = new ArrayList<>();
      if (cert.containsKey("logEntry")) {
        refs.add((Map<String, Object>) cert.get("logEntry"));
      }
      for (Map<String, Object> item : items) {
        if (item.containsKey("log")) {
          Map<String, Object> ref = new java.util.HashMap<>((Map<String, Object>) item.get("log"));
          ref.put("fileId", item.get("fileId"));
          refs.add(ref);
        }
      }
      if (refs.isEmpty()) {
        throw new IntegrityException("the certificate names no log entry");
      }
      for (Map<String, Object> entryRef : refs) {
        String what = entryRef.containsKey("fileId") ? "item " + entryRef.get("fileId") : "the certificate";
        byte[] entryBytes = ((String) entryRef.get("entry")).getBytes(StandardCharsets.UTF_8);
        LogEntry entry = EntryCodec.decode(entryBytes);
        long seq = (Long) entryRef.get("seq");
        boolean sameFile = !entryRef.containsKey("fileId") || java.util.Objects.equals(entry.fileId(), entryRef.get("fileId"));
        if (entry.seq() != seq || !entry.action().equals(cert.get("action")) || !sameFile || !vault.equals(EntryCodec.vault(entryBytes))) {
          throw new IntegrityException(what + ": its log entry is not the " + cert.get("action") + " it certifies");
        }
        byte[] leaf = Merkle.leafHash(entryBytes);
        if (!HEX.formatHex(leaf).equals(entryRef.get("leafHash"))) {
          throw new IntegrityException(what + ": leaf hash does not match its entry");
        }
        List<byte[]> proof = new ArrayList<>();
        for (Object h : (List<Object>) entryRef.get("inclusionProof")) {
          proof.add(HEX.parseHex((String) h));
        }
        Merkle.verifyInclusion(seq, checkpoint.size(), leaf, proof, checkpoint.rootHash());
      }
      return new DeletionCertificate.Verified((String) cert.get("certificateId"), (String) cert.get("kinko"), vault, items.size(),
          checkpoint.size(), SigningKey.fingerprint(publicKey));
    } catch (FormatException | VerificationException e) {
      throw new IntegrityException("the certificate does not tie to the log: " + e.getMessage());
    } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
      throw new IntegrityException("the certificate is missing fields or has wrong types: " + e.getMessage());
    }
  }
}
