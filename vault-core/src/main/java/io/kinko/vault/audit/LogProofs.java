package io.kinko.vault.audit;

import io.kinko.vault.CertificateBody;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A log entry carried in a signed artefact (certificate, incident report) with its RFC 6962
 * inclusion proof: the one encoding and the one offline check, shared by every artefact that
 * carries one. Pure: no I/O.
 */
public final class LogProofs {
  private static final HexFormat HEX = HexFormat.of();

  private LogProofs() {}

  /** The JSON object of a proof: seq, entry (its exact canonical JSON), leafHash, inclusionProof. */
  public static Map<String, Object> json(CertificateBody.LogProof p) {
    return Map.of("seq", p.seq(), "entry", p.entry(), "leafHash", p.leafHash(), "inclusionProof", p.inclusionProof());
  }

  /** Reads a proof's object strictly. */
  public static CertificateBody.LogProof read(JsonFields f) {
    return f.done(new CertificateBody.LogProof(f.number("seq"), f.text("entry"), f.text("leafHash"), f.texts("inclusionProof")));
  }

  /**
   * Checks that the proof's entry is of {@code vault}, at the position it claims, hashes to the
   * leaf it names, and is that leaf of {@code checkpoint}'s tree; returns the entry.
   *
   * @throws IntegrityException naming {@code what} if the entry is not what it claims or its leaf hash differs
   * @throws VerificationException if the inclusion proof does not lead to the checkpoint's root
   * @throws FormatException if the entry is not a log entry
   */
  public static LogEntry verify(CertificateBody.LogProof proof, Checkpoint checkpoint, String vault, String what) {
    byte[] entryBytes = proof.entry().getBytes(StandardCharsets.UTF_8);
    LogEntry entry = EntryCodec.decode(entryBytes);
    if (entry.seq() != proof.seq() || !vault.equals(EntryCodec.vault(entryBytes))) {
      throw new IntegrityException(what + ": its log entry is not entry " + proof.seq() + " of vault " + vault);
    }
    byte[] leaf = Merkle.leafHash(entryBytes);
    if (!HEX.formatHex(leaf).equals(proof.leafHash())) {
      throw new IntegrityException(what + ": leaf hash does not match its entry");
    }
    List<byte[]> path = new ArrayList<>();
    for (String h : proof.inclusionProof()) {
      path.add(HEX.parseHex(h));
    }
    Merkle.verifyInclusion(proof.seq(), checkpoint.size(), leaf, path, checkpoint.rootHash());
    return entry;
  }
}
