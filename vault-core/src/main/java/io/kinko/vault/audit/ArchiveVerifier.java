package io.kinko.vault.audit;

import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogReport;
import io.kinko.vault.VaultException;
import io.kinko.vault.crypto.SigningKey;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Verifies exported log archives with nothing but the vault's public key: no database, no
 * vault. This is what an auditor runs on the archives a contractor hands over.
 */
public final class ArchiveVerifier {
  private static final HexFormat HEX = HexFormat.of();
  private static final String MANIFEST = ".manifest.json";
  /** The fields of a manifest as {@link LogArchiver} writes it (before fe91a51 without the signing key's), and of its previous. */
  private static final Set<String> FIELDS =
      Set.of("kinko", "vault", "firstSeq", "lastSeq", "treeSize", "leftSubtrees", "checkpoint", SigningKey.NAMED_KEY, "previous");
  private static final Set<String> PREVIOUS_FIELDS = Set.of("treeSize", "checkpoint", "consistencyProof");

  private ArchiveVerifier() {}

  /** {@link #verify(List, String)} of one folder. */
  public static LogReport verify(Path directory, String publicKeyPem) {
    return verify(List.of(directory), publicKeyPem);
  }

  /**
   * Verifies the archives in {@code directories} as one contiguous range of the log: sorted by
   * sequence number, each must start right after the one before, with nothing missing, repeated
   * or overlapping, and must continue the tree the one before signed.
   *
   * @throws IntegrityException naming the archive, the missing or repeated entries, or the first bad entry
   */
  public static LogReport verify(List<Path> directories, String publicKeyPem) {
    byte[] publicKey;
    try {
      publicKey = SigningKey.fromPem(publicKeyPem);
    } catch (IllegalArgumentException e) {
      throw new VaultException("the public key is not an Ed25519 PEM key: " + e.getMessage());
    }
    Map<Path, Path> manifests = new LinkedHashMap<>(); // by real path: a folder given twice is one folder
    for (Path directory : directories) {
      try (Stream<Path> files = Files.list(directory)) {
        for (Path m : files.filter(p -> p.getFileName().toString().endsWith(MANIFEST)).sorted().toList()) {
          manifests.putIfAbsent(m.toRealPath(), m);
        }
      } catch (IOException e) {
        throw new VaultException("cannot read " + directory + ": " + e.getMessage(), e);
      }
    }
    if (manifests.isEmpty()) {
      throw new IntegrityException("no log archive (*" + MANIFEST + ") in " + directories.stream().map(Path::toString)
          .reduce((a, b) -> a + ", " + b).orElse("no folder"));
    }
    List<Archive> archives = new ArrayList<>();
    for (Path m : manifests.values()) {
      archives.add(Archive.read(m, publicKey));
    }
    archives.sort(Comparator.comparingLong((Archive a) -> a.firstSeq).thenComparingLong(a -> a.lastSeq));
    checkContiguous(archives);
    checkOneTree(archives);
    long entries = 0;
    int checkpoints = 0;
    Archive before = null;
    for (Archive a : archives) {
      if (before != null) {
        a.checkContinues(before);
      }
      a.lastLeaf = a.verifyEntries(before != null ? before.lastLeaf : null);
      a.verifyPrevious();
      entries += a.lastSeq - a.firstSeq + 1;
      checkpoints += a.previousSize == null ? 1 : 2;
      before = a;
    }
    return new LogReport(archives.get(archives.size() - 1).treeSize, entries, checkpoints, false);
  }

  /**
   * Verifies one archive alone, as {@link #verify(List, String)} checks each: its entries against
   * its manifest's subtrees and signed checkpoint, and its consistency proof to the previous one.
   */
  static void verifyOne(Path manifest, byte[] publicKey) {
    Archive a = Archive.read(manifest, publicKey);
    a.lastLeaf = a.verifyEntries(null);
    a.verifyPrevious();
  }

  /** Archives sorted by range must follow one another: no gap, no overlap, no duplicate, one vault. */
  private static void checkContiguous(List<Archive> archives) {
    for (int i = 1; i < archives.size(); i++) {
      Archive a = archives.get(i - 1);
      Archive b = archives.get(i);
      if (!a.vault.equals(b.vault)) {
        throw new IntegrityException(a.name() + " and " + b.name() + " are archives of two vaults, " + a.vault + " and " + b.vault);
      }
      if (a.firstSeq == b.firstSeq && a.lastSeq == b.lastSeq) {
        throw new IntegrityException("entries " + range(b.firstSeq, b.lastSeq) + " are in two archives, " + a.manifest + " and " + b.manifest
            + ": a duplicate; give each archive once");
      }
      if (b.firstSeq <= a.lastSeq) {
        throw new IntegrityException(a.name() + " (entries " + range(a.firstSeq, a.lastSeq) + ") and " + b.name() + " (entries "
            + range(b.firstSeq, b.lastSeq) + ") overlap at entries " + range(b.firstSeq, Math.min(a.lastSeq, b.lastSeq))
            + ": archives must cover adjacent ranges");
      }
      if (b.firstSeq > a.lastSeq + 1) {
        throw new IntegrityException("entries " + range(a.lastSeq + 1, b.firstSeq - 1) + " are missing: no archive holds them (between "
            + a.name() + " and " + b.name() + ")");
      }
    }
  }

  /** Any two signed checkpoints of one size, in any of the archives, must name one root: else the log forked. */
  private static void checkOneTree(List<Archive> archives) {
    Map<Long, Archive> bySize = new HashMap<>();
    for (Archive a : archives) {
      for (Checkpoint c : a.previous == null ? List.of(a.checkpoint) : List.of(a.checkpoint, a.previous)) {
        Archive other = bySize.putIfAbsent(c.size(), a);
        if (other != null && !Arrays.equals(other.rootAt(c.size()), c.rootHash())) {
          throw new IntegrityException(other.name() + " and " + a.name() + " carry signed checkpoints of size " + c.size()
              + " with different roots: two versions of the log");
        }
      }
    }
  }

  private static String range(long first, long last) {
    return first == last ? Long.toString(first) : first + "-" + last;
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
      this.entries = manifest.resolveSibling(name.substring(0, name.length() - MANIFEST.length()) + ".jsonl");
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
      // Only the checkpoints are signed: every other field must say what the writer wrote, or an
      // edit of it would verify.
      requireFields(m, FIELDS, "");
      if (p != null) {
        requireFields(p, PREVIOUS_FIELDS, "previous.");
        if (previousSize == null || previousSize != previous.size()) {
          throw new IntegrityException(name + " says its previous checkpoint is of " + previousSize + " entries, but it signs "
              + previous.size());
        }
      }
      SigningKey.checkNamed(m, publicKey, name);
      if (m.containsKey(SigningKey.NAMED_KEY) && !SigningKey.named(publicKey).equals(m.get(SigningKey.NAMED_KEY))) {
        throw new IntegrityException(name + " names its signing key in a form Kinko does not write: " + m.get(SigningKey.NAMED_KEY));
      }
      String expected = LogArchiver.baseName(vault, firstSeq, lastSeq) + MANIFEST;
      if (!name.equals(expected)) {
        // The sequence numbers come from the signed content; a name that disagrees was changed.
        throw new IntegrityException(name + " holds entries " + range(firstSeq, lastSeq) + " and should be named " + expected
            + ": archives were renamed or reordered");
      }
    }

    String name() {
      return manifest.getFileName().toString();
    }

    private void requireFields(Map<?, ?> object, Set<String> fields, String path) {
      for (Object field : object.keySet()) {
        if (!fields.contains(field)) {
          throw new IntegrityException(name() + " has a field Kinko does not write: '" + path + field + "'");
        }
      }
    }

    /** The signed root of the tree of {@code size} this archive carries. */
    byte[] rootAt(long size) {
      return size == checkpoint.size() ? checkpoint.rootHash() : previous.rootHash();
    }

    /**
     * This archive starts where {@code before} ended: the subtrees left of its range must make the
     * very tree {@code before}'s checkpoint signed, so the two archives are one log.
     */
    void checkContinues(Archive before) {
      byte[] leftRoot;
      try {
        leftRoot = CompactRange.of(firstSeq, left).root();
      } catch (IllegalArgumentException e) {
        throw new IntegrityException(name() + ": " + e.getMessage());
      }
      if (!Arrays.equals(leftRoot, before.checkpoint.rootHash())) {
        throw new IntegrityException(name() + " does not continue " + before.name() + ": the tree before entry " + firstSeq
            + " is not the one " + before.name() + "'s checkpoint signed");
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
      try (InputStream in = new BufferedInputStream(Files.newInputStream(entries), 1 << 16)) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports, never replaces
        for (byte[] bytes; (bytes = nextLine(in)) != null; seq++) {
          if (seq > lastSeq) {
            throw new IntegrityException(entries.getFileName() + " holds more lines than entries " + firstSeq + "-" + lastSeq);
          }
          utf8.decode(ByteBuffer.wrap(bytes));
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
      } catch (CharacterCodingException e) {
        // Kinko writes every entry as UTF-8: bytes that decode as none were altered, not unreadable.
        throw new IntegrityException(entries.getFileName() + " holds bytes that are not UTF-8 text: its entries were altered", e);
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

    /**
     * The next line of an entries file, as the bytes between two {@code \n} (as Kinko writes it,
     * and as the verifier page splits it: a {@code \r} is part of the line, and then no entry),
     * or null at the end.
     */
    private static byte[] nextLine(InputStream in) throws IOException {
      java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(512);
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        line.write(b);
      }
      return b < 0 && line.size() == 0 ? null : line.toByteArray();
    }

    /** Hashes as Kinko writes them, lower-case hex (as the verifier page reads them: both tools agree on every manifest). */
    private static List<byte[]> hashes(Object list) {
      List<byte[]> out = new ArrayList<>();
      for (Object o : (List<?>) list) {
        String hex = (String) o;
        if (!hex.equals(hex.toLowerCase(java.util.Locale.ROOT))) {
          throw new IllegalArgumentException("a hash is not written as Kinko writes it (lower-case hex): " + hex); // "... is malformed"
        }
        out.add(HEX.parseHex(hex));
      }
      return out;
    }
  }
}
