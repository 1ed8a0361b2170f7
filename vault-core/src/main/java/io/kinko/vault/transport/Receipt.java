package io.kinko.vault.transport;

import io.kinko.vault.Action;
import io.kinko.vault.CertificateBody;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogEntry;
import io.kinko.vault.Transport;
import io.kinko.vault.audit.CanonicalJson;
import io.kinko.vault.audit.JsonFields;
import io.kinko.vault.audit.LogProofs;
import io.kinko.vault.crypto.SigningKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The receipt (受領書) a receiving vault signs for a package it stored, and its one encoding:
 * canonical JSON with a detached Ed25519 signature, as every Kinko artefact. It names the export,
 * the package's SHA-256, the sender as verified, what was stored (names as the receiving vault's
 * policy allows, sizes, SHA-256) and the IMPORT entry with its proof and a signed checkpoint.
 */
public record Receipt(String exportId, String packageSha256, String senderVault, String senderKeyFingerprint, boolean senderPinned,
    String vault, String keyFingerprint, Instant receivedAt, String receivedBy, List<Transport.Item> stored,
    CertificateBody.LogProof importEntry, CertificateBody.SignedCheckpoint checkpoint) {
  public static final String FORMAT = "kinko-receipt/1";

  public Receipt {
    Objects.requireNonNull(exportId, "exportId");
    stored = List.copyOf(stored);
  }

  /** What the IMPORT entry's reason says: the export it took in and the package's digest. */
  public static String importReason(String exportId, String senderVault, String senderKey, boolean pinned, String packageSha256, int files) {
    return "import " + exportId + "; from vault " + senderVault + " key " + senderKey + (pinned ? " (pinned)" : " (unpinned)")
        + "; package sha256 " + packageSha256 + "; files " + files;
  }

  public byte[] encode() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("exportId", exportId);
    m.put("packageSha256", packageSha256);
    m.put("sender", Map.of("vault", senderVault, "keyFingerprint", senderKeyFingerprint, "pinned", senderPinned));
    m.put("vault", vault);
    m.put("signingKey", Map.of("algorithm", "Ed25519", "fingerprint", keyFingerprint));
    m.put("receivedAt", receivedAt.toString());
    m.put("receivedBy", receivedBy);
    List<Object> list = new ArrayList<>();
    for (Transport.Item i : stored) {
      Map<String, Object> one = new LinkedHashMap<>();
      if (i.path() != null) {
        one.put("path", i.path());
      }
      one.put("nameTag", i.nameTag());
      if (i.sealedPath() != null) {
        one.put("sealedPath", i.sealedPath());
      }
      one.put("size", i.size());
      one.put("sha256", i.sha256());
      list.add(one);
    }
    m.put("stored", list);
    m.put("log", Map.of("entry", LogProofs.json(importEntry), "checkpoint",
        Map.of("treeSize", checkpoint.treeSize(), "checkpoint", checkpoint.checkpoint())));
    return CanonicalJson.encode(m);
  }

  /** Reads a receipt strictly. @throws IntegrityException if it is not one */
  public static Receipt parse(byte[] json) {
    JsonFields f = JsonFields.canonical(json, "the receipt");
    if (!FORMAT.equals(f.text("format"))) {
      throw f.refused("format", "is not " + FORMAT);
    }
    JsonFields sender = f.object("sender");
    String senderVault = sender.text("vault");
    String senderKey = sender.text("keyFingerprint");
    boolean pinned = sender.done(sender.bool("pinned"));
    JsonFields key = f.object("signingKey");
    if (!"Ed25519".equals(key.text("algorithm"))) {
      throw key.refused("algorithm", "is not Ed25519");
    }
    String fingerprint = key.done(key.text("fingerprint"));
    List<Transport.Item> stored = new ArrayList<>();
    for (JsonFields one : f.objects("stored")) {
      stored.add(one.done(new Transport.Item(one.optionalText("path"), one.text("nameTag"), one.optionalText("sealedPath"), one.number("size"),
          one.text("sha256"))));
    }
    JsonFields log = f.object("log");
    CertificateBody.LogProof entry = LogProofs.read(log.object("entry"));
    JsonFields cp = log.object("checkpoint");
    CertificateBody.SignedCheckpoint checkpoint = cp.done(new CertificateBody.SignedCheckpoint(cp.number("treeSize"), cp.text("checkpoint")));
    log.done(null);
    try {
      return f.done(new Receipt(f.text("exportId"), f.text("packageSha256"), senderVault, senderKey, pinned, f.text("vault"), fingerprint,
          f.instant("receivedAt"), f.text("receivedBy"), stored, entry, checkpoint));
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("the receipt has a malformed value: " + e.getMessage());
    }
  }

  /**
   * Checks a receipt with the receiving vault's key and returns it with its IMPORT entry: the
   * signature, the key it names, and the IMPORT entry's proof and reason.
   *
   * @throws IntegrityException if any of that fails
   */
  public static Verified verify(byte[] json, byte[] signature, String receiverKeyPem) {
    byte[] key = SignedJson.publicKey(receiverKeyPem, "the receipt");
    SignedJson.checkSignature(json, signature, key, "the receipt");
    Receipt r = parse(json);
    SigningKey.checkNamed(r.keyFingerprint(), key, "the receipt");
    LogEntry entry = SignedJson.provedEntry(r.importEntry(), r.checkpoint(), r.vault(), key, Action.IMPORT.name(), "the receipt");
    if (entry.reason() == null || !entry.reason().startsWith("import " + r.exportId() + ";")
        || !entry.reason().contains("; package sha256 " + r.packageSha256() + ";")) {
      throw new IntegrityException("the receipt's IMPORT entry " + entry.seq() + " does not name export " + r.exportId() + " and its package");
    }
    return new Verified(r, entry);
  }

  /** A receipt that verified, with its IMPORT entry. */
  public record Verified(Receipt receipt, LogEntry importEntry) {}
}
