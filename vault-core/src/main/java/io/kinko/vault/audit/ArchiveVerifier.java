package io.kinko.vault.audit;

import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogReport;
import io.kinko.vault.VaultException;
import io.kinko.vault.crypto.SigningKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Verifies exported log archives with nothing but the vault's public key: no database, no
 * vault. This is what an auditor runs on the archives a contractor hands over.
 */
public final class ArchiveVerifier {
  private static final HexFormat HEX = HexFormat.of();

  private ArchiveVerifier() {}

  public static LogReport verify(Path directory, String publicKeyPem) {
    byte[] publicKey;
    try {
      publicKey = SigningKey.fromPem(publicKeyPem);
    } catch (IllegalArgumentException e) {
      throw new VaultException("the public key is not an Ed25519 PEM key: " + e.getMessage());
    }
    List<Path> manifests;
    try (Stream<Path> files = Files.list(directory)) {
      manifests = files.filter(p -> p.getFileName().toString().endsWith(".manifest.json")).toList();
    } catch (IOException e) {
      throw new VaultException("cannot read " + directory + ": " + e.getMessage(), e);
    }
    if (manifests.isEmpty()) {
      throw new IntegrityException("no log archive (*.manifest.json) in " + directory);
    }
    List<Archive> archives = new ArrayList<>();
    for (Path m : manifests) {
      archives.add(Archive.read(m, publicKey));
    }
    archives.sort((a, b) -> Long.compare(a.firstSeq, b.firstSeq));
    long entries = 0;
    int checkpoints = 0;
    Archive before = null;
    for (Archive a : archives) {
      String lastLeaf = a.verifyEntries(before != null && before.lastSeq + 1 == a.firstSeq ? before.lastLeaf : null);
      a.lastLeaf = lastLeaf;
      a.verifyPrevious();
      entries += a.lastSeq - a.firstSeq + 1;
      checkpoints += a.previousSize == null ? 1 : 2;
      before = a;
    }
    return new LogReport(archives.get(archives.size() - 1).treeSize, entries, checkpoints, false);
  }

  /** One archive's manifest, parsed, with its checkpoint(s) verified. */
  private static final class Archive {
    final Path manifest;
    final Path entries;
    final String vault;
    final long firstSeq;
    final long lastSeq;
    final long treeSize;
    final List<byte[]> left;
    final Checkpoint checkpoint;
    final Long previousSize;
    final Checkpoint previous;
    final List<byte[]> consistency;
    String lastLeaf;

    private Archive(Path manifest, Map<String, Object> m, byte[] publicKey) {
      this.manifest = manifest;
      String name = manifest.getFileName().toString();
      this.entries = manifest.resolveSibling(name.substring(0, name.length() - ".manifest.json".length()) + ".jsonl");
      this.vault = (String) m.get("vault");
      this.firstSeq = (Long) m.get("firstSeq");
      this.lastSeq = (Long) m.get("lastSeq");
      this.treeSize = (Long) m.get("treeSize");
      this.left = hashes(m.get("leftSubtrees"));
      NoteVerifier verifier = NoteVerifier.ed25519(LogCheckpoints.origin(vault), publicKey);
      this.checkpoint = open((String) m.get("checkpoint"), verifier, "checkpoint");
      @SuppressWarnings("unchecked")
      Map<String, Object> p = (Map<String, Object>) m.get("previous");
      this.previousSize = p == null ? null : (Long) p.get("treeSize");
      this.previous = p == null ? null : open((String) p.get("checkpoint"), verifier, "previous checkpoint");
      this.consistency = p == null ? List.of() : hashes(p.get("consistencyProof"));
      if (checkpoint.size() != treeSize || treeSize != lastSeq + 1 || firstSeq > lastSeq) {
        throw new IntegrityException(manifest.getFileName() + ": sizes do not agree with its checkpoint");
      }
    }

    static Archive read(Path manifest, byte[] publicKey) {
      try {
        byte[] bytes = Files.readAllBytes(manifest);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) CanonicalJson.parse(bytes);
        if (!"log-archive".equals(m.get("kinko"))) {
          throw new IntegrityException(manifest.getFileName() + " is not a Kinko log archive manifest");
        }
        return new Archive(manifest, m, publicKey);
      } catch (IOException e) {
        throw new VaultException("cannot read " + manifest + ": " + e.getMessage(), e);
      } catch (IntegrityException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new IntegrityException(manifest.getFileName() + " is malformed: " + e.getMessage(), e);
      }
    }

    /** Recomputes the checkpoint's root from the left subtrees and this archive's lines. Returns the last leaf. */
    String verifyEntries(String previousLeaf) {
      CompactRange range;
      try {
        range = CompactRange.of(firstSeq, left);
      } catch (IllegalArgumentException e) {
        throw new IntegrityException(manifest.getFileName() + ": " + e.getMessage());
      }
      String prev = previousLeaf;
      long seq = firstSeq;
      try (BufferedReader lines = Files.newBufferedReader(entries, StandardCharsets.UTF_8)) {
        for (String line; (line = lines.readLine()) != null; seq++) {
          if (seq > lastSeq) {
            throw new IntegrityException(entries.getFileName() + " holds more lines than entries " + firstSeq + "-" + lastSeq);
          }
          byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
          var entry = EntryCodec.decode(bytes);
          if (entry.seq() != seq || !vault.equals(EntryCodec.vault(bytes))) {
            throw new IntegrityException("archived entry " + seq + " names another position or vault");
          }
          if (prev != null && !prev.equals(EntryCodec.prev(bytes))) {
            // The chain only shows that the link between the two broke, not which side changed.
            throw new IntegrityException("archived entries " + (seq - 1) + " and " + seq + " do not link: one of them was altered");
          }
          byte[] leaf = Merkle.leafHash(bytes);
          range.append(leaf);
          prev = HEX.formatHex(leaf);
        }
      } catch (IOException e) {
        throw new VaultException("cannot read " + entries + ": " + e.getMessage(), e);
      } catch (IntegrityException e) {
        throw new IntegrityException(entries.getFileName() + ": " + e.getMessage());
      }
      if (seq != lastSeq + 1) {
        throw new IntegrityException(entries.getFileName() + " ends at entry " + (seq - 1) + ", not " + lastSeq + ": truncated");
      }
      if (!Arrays.equals(range.root(), checkpoint.rootHash())) {
        throw new IntegrityException(entries.getFileName() + ": entries " + firstSeq + "-" + lastSeq
            + " do not match the signed checkpoint of size " + treeSize);
      }
      return prev;
    }

    void verifyPrevious() {
      if (previous == null) {
        return;
      }
      try {
        Merkle.verifyConsistency(previous.size(), checkpoint.size(), consistency, previous.rootHash(), checkpoint.rootHash());
      } catch (VerificationException e) {
        throw new IntegrityException(manifest.getFileName() + ": the tree of size " + previous.size()
            + " is not consistent with this archive's: " + e.getMessage());
      }
    }

    private static Checkpoint open(String note, NoteVerifier verifier, String what) {
      try {
        return Checkpoint.open(note.getBytes(StandardCharsets.UTF_8), verifier);
      } catch (FormatException | VerificationException e) {
        throw new IntegrityException("the archive's " + what + " does not verify with the public key: " + e.getMessage());
      }
    }

    private static List<byte[]> hashes(Object list) {
      List<byte[]> out = new ArrayList<>();
      for (Object o : (List<?>) list) {
        out.add(HEX.parseHex((String) o));
      }
      return out;
    }
  }
}
