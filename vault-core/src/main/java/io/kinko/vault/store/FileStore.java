package io.kinko.vault.store;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.FileInfo;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.NotFoundException;
import io.kinko.vault.PutReport;
import io.kinko.vault.VaultException;
import io.kinko.vault.crypto.BlobCipher;
import io.kinko.vault.crypto.Bytes;
import io.kinko.vault.crypto.VaultKeys;
import io.kinko.vault.state.VaultState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.SQLException;
import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypted files of one logged-in user: writes blobs and their metadata rows, reads them back
 * verified. It neither checks permissions nor logs; {@code Session} does both before calling it.
 */
public final class FileStore {
  /** Blobs per batch: enough to share the syncs, few enough to bound what a crash can orphan. */
  static final int BATCH_FILES = 512;
  /** The first format: SHA-256 of the content (32 bytes) then the path. Read, never written. */
  private static final String META_V1 = "file-meta";
  /**
   * The current format, under its own AEAD purpose so that no byte pattern can confuse the two:
   * {@code 0x01 ‖ commitment key (32) ‖ HMAC-SHA256(key, content) (32) ‖ path}, or, once the
   * version is certified deleted and its key scrubbed, {@code 0x00 ‖ path}.
   */
  private static final String META_V2 = "file-meta/v2";
  private static final byte WITH_COMMITMENT = 1;
  private static final byte SCRUBBED = 0;
  private static final int KEY_BYTES = 32;
  /** A batch's read buffer: a file shorter than this is a small file (one segment, one MAC call). */
  private static final int SMALL_FILE_BUFFER = 64 * 1024;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FileStore.class);

  private final Database database;
  private final VaultState state;
  private final BlobStore blobs;
  private final VaultKeys keys;
  private final String user;
  private final WriteGate gate;
  private final PutAudit audit;

  /** Decides, before any byte is written, whether a path may be written; throws to refuse. */
  @FunctionalInterface
  public interface WriteGate {
    void check(VaultPath path);

    /** The gate for one batch of a folder put, which may read what it decides by once for the batch. */
    default WriteGate forBatch() {
      return this;
    }
  }

  /** The log's side of a put: what is about to be stored, and what then was not. */
  public interface PutAudit {
    /**
     * Records stored versions before they become visible and returns the sequence of each one's
     * log entry, which its row records; if it throws, the put is undone.
     */
    List<Long> storing(List<Target> targets);

    /**
     * Records that versions {@link #storing} recorded did not become visible, or may not have:
     * their commit was refused, or its outcome is unknown ({@code failure} says which).
     */
    void notStored(List<Target> targets, RuntimeException failure);
  }

  /** A file version as the log names it: by id and path tag, never by path. */
  public record Target(String fileId, String pathTag) {}

  public FileStore(Database database, VaultState state, BlobStore blobs, VaultKeys keys, String user, WriteGate gate, PutAudit audit) {
    this.database = database;
    this.state = state;
    this.blobs = blobs;
    this.keys = keys;
    this.user = user;
    this.gate = gate;
    this.audit = audit;
  }

  /** Stores {@code content} as the next version of {@code path}. */
  public FileInfo put(VaultPath path, InputStream content) {
    gate.check(path);
    try {
      return putFrom(path, content, LongConsumerNone.INSTANCE);
    } catch (IOException e) {
      throw new VaultException("cannot read the content for '" + path + "': " + e.getMessage(), e);
    }
  }

  /** Where {@link #putAll} takes its files from: {@code add} once per file, in order. */
  @FunctionalInterface
  public interface Source {
    void feed(Adder add) throws IOException;
  }

  /** One file of {@link #putAll}: its path and its content, read to its end before the next. */
  @FunctionalInterface
  public interface Adder {
    void add(VaultPath path, InputStream content) throws IOException;
  }

  /**
   * Stores every file {@code source} adds as one batch, for an operation that stores all or none
   * (an import): each blob is staged as it comes; only when the source has ended are they published
   * and their rows inserted in one transaction. A failure on the way (a full disk, content that
   * fails to read) discards what was staged and stores nothing.
   */
  public List<FileInfo> putAll(Source source) {
    Batch batch = new Batch(LongConsumerNone.INSTANCE);
    try {
      source.feed((path, content) -> {
        batch.gate().check(path);
        try {
          batch.add(path, content);
        } catch (SourceException e) {
          throw (IOException) e.getCause();
        }
      });
    } catch (IOException | RuntimeException e) {
      batch.abort();
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new VaultException("cannot read the content: " + describe((IOException) e), e);
    }
    return batch.commit();
  }

  /**
   * Stores a local file, or a folder recursively, below {@code target}. Symbolic links and
   * special files are not followed and are reported; unreadable files are reported and skipped.
   */
  public PutReport putTree(VaultPath target, Path source, LongConsumer progress) {
    List<FileInfo> stored = new ArrayList<>();
    List<PutReport.Skipped> skipped = new ArrayList<>();
    BasicFileAttributes top;
    try {
      top = Files.readAttributes(source, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new VaultException("cannot read " + source + ": " + describe(e), e);
    }
    if (top.isRegularFile()) {
      if (target.isRoot()) {
        throw new IllegalArgumentException("a file needs a vault path to be stored at");
      }
      gate.check(target);
      try (InputStream in = Files.newInputStream(source)) {
        return new PutReport(List.of(putFrom(target, in, progress)), List.of());
      } catch (IOException e) {
        return new PutReport(List.of(), List.of(new PutReport.Skipped(source, describe(e))));
      }
    }
    if (!top.isDirectory()) {
      return new PutReport(List.of(), List.of(new PutReport.Skipped(source, skipReason(top))));
    }
    Map<String, List<Path>> collisions = nfcCollisions(source);
    Batch[] batch = {new Batch(progress)};
    try {
      Files.walkFileTree(source, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (!attrs.isRegularFile()) {
            skipped.add(new PutReport.Skipped(file, skipReason(attrs)));
            return FileVisitResult.CONTINUE;
          }
          List<Path> sameName = collisions.get(Normalizer.normalize(relativeName(source, file), Normalizer.Form.NFC));
          if (sameName != null) {
            List<Path> others = sameName.stream().filter(other -> !other.equals(file)).toList();
            skipped.add(new PutReport.Skipped(file, "its name and the name of " + others.stream().map(Path::toString)
                .collect(java.util.stream.Collectors.joining(", ")) + " are one name in Unicode NFC, so they would be one vault "
                + "path; neither was stored (rename one)"));
            return FileVisitResult.CONTINUE;
          }
          VaultPath path;
          try {
            path = target.resolve(relativeName(source, file));
          } catch (IllegalArgumentException e) {
            skipped.add(new PutReport.Skipped(file, "its name cannot be a vault path: " + e.getMessage()));
            return FileVisitResult.CONTINUE;
          }
          try {
            batch[0].gate().check(path);
          } catch (io.kinko.vault.AccessDeniedException e) {
            skipped.add(new PutReport.Skipped(file, "access denied: " + e.getMessage()));
            return FileVisitResult.CONTINUE;
          }
          try (InputStream in = Files.newInputStream(file)) {
            batch[0].add(path, in);
          } catch (SourceException | IOException e) {
            skipped.add(new PutReport.Skipped(file, describe(e instanceof SourceException ? (IOException) e.getCause() : (IOException) e)));
          }
          if (batch[0].size() >= BATCH_FILES) {
            stored.addAll(batch[0].commit());
            batch[0] = new Batch(progress);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          skipped.add(new PutReport.Skipped(file, describe(e)));
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException | RuntimeException e) {
      batch[0].abort();
      throw partly(stored, skipped, e instanceof RuntimeException r ? r : new VaultException("cannot walk " + source + ": "
          + describe((IOException) e), e));
    }
    try {
      stored.addAll(batch[0].commit());
    } catch (RuntimeException e) {
      throw partly(stored, skipped, e);
    }
    return new PutReport(stored, skipped);
  }

  /**
   * A folder put's {@code failure}, once earlier batches are {@code stored}: a {@link
   * io.kinko.vault.PartlyStoredException} that lists them, so that the caller need not store them
   * again. Damage keeps its type (its INCIDENT and exit code are the guard's), and so does a
   * failure before anything was stored.
   */
  private static RuntimeException partly(List<FileInfo> stored, List<PutReport.Skipped> skipped, RuntimeException failure) {
    if (stored.isEmpty() || !(failure instanceof VaultException v) || failure instanceof io.kinko.vault.IntegrityException) {
      return failure;
    }
    return new io.kinko.vault.PartlyStoredException(new PutReport(stored, skipped), v);
  }

  /**
   * The source files below {@code root} whose names differ but are one name in NFC (macOS
   * hands out NFD, most other systems NFC), by that NFC name. Two such names would be one vault
   * path, and one of the files would hide as an older version of the other. A collision needs
   * a name that is not in NFC, so only those are collected, and each one's NFC twin is looked up
   * (not merely found by a file system that ignores normalization, like APFS).
   */
  private static Map<String, List<Path>> nfcCollisions(Path root) {
    Map<String, List<Path>> byName = new HashMap<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          String name = relativeName(root, file);
          if (attrs.isRegularFile() && !Normalizer.isNormalized(name, Normalizer.Form.NFC)) {
            byName.computeIfAbsent(Normalizer.normalize(name, Normalizer.Form.NFC), k -> new ArrayList<>()).add(file);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE; // reported by the walk that stores
        }
      });
    } catch (IOException e) {
      throw new VaultException("cannot walk " + root + ": " + describe(e), e);
    }
    Map<String, List<Path>> collisions = new HashMap<>();
    for (Map.Entry<String, List<Path>> e : byName.entrySet()) {
      List<Path> sources = new ArrayList<>(e.getValue());
      Path twin = root.resolve(e.getKey());
      if (Files.isRegularFile(twin, java.nio.file.LinkOption.NOFOLLOW_LINKS) && sources.stream().noneMatch(s -> sameFile(s, twin))) {
        sources.add(0, twin);
      }
      if (sources.size() > 1) {
        collisions.put(e.getKey(), sources);
      }
    }
    return collisions;
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  /** One file as a batch of one; an IOException means the source failed to read, and nothing was stored. */
  private FileInfo putFrom(VaultPath path, InputStream in, LongConsumer progress) throws IOException {
    Batch batch = new Batch(progress);
    try {
      batch.add(path, in);
    } catch (SourceException e) {
      batch.abort();
      throw (IOException) e.getCause();
    }
    return batch.commit().get(0);
  }

  /** The newest version of {@code path} and its tag, if there is one. */
  public Optional<Located> locate(VaultPath path) {
    return latest(path).map(r -> new Located(r.info, pathTag(path)));
  }

  /** A stored version found by path. */
  public record Located(FileInfo info, String pathTag) {}

  /**
   * The newest version of each of {@code paths}, as {@link #locate} finds each, read in one
   * transaction that reads and checks each bucket they lie in once.
   *
   * @throws IntegrityException if any of them does not check
   */
  public Map<VaultPath, Optional<Located>> locateEach(List<VaultPath> paths) {
    Map<String, VaultPath> byTag = new java.util.LinkedHashMap<>();
    Map<VaultPath, Optional<Located>> out = new HashMap<>();
    for (VaultPath p : paths) {
      byTag.put(pathTag(p), p);
      out.put(p, Optional.empty());
    }
    for (FileCatalog.Row r : database.inTransaction(c -> FileCatalog.latestOfEach(state, c, byTag.keySet()))) {
      VaultPath path = byTag.get(r.pathTag());
      out.put(path, Optional.of(new Located(filedUnder(decode(r), path).info, r.pathTag())));
    }
    return out;
  }

  /**
   * Opens a stored version: the stream yields only verified bytes.
   *
   * @throws IntegrityException if the blob is missing or its header fails verification
   */
  public InputStream read(FileInfo info) {
    try {
      InputStream blob = blobs.open(info.fileId());
      try {
        InputStream verified = BlobCipher.decrypt(keys, info.fileId(), info.size(), blob);
        // A file of more than a segment is read and decrypted on a thread of its own, ahead of the caller.
        return info.size() > ReadAhead.CHUNK ? new ReadAhead(verified) : verified;
      } catch (RuntimeException | IOException e) {
        blob.close();
        throw e;
      }
    } catch (NoSuchFileException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "blob of file " + info.fileId() + " is missing from the vault");
    } catch (IOException e) {
      throw new VaultException("cannot read blob of file " + info.fileId() + ": " + describe(e), e);
    }
  }

  public Optional<FileInfo> stat(VaultPath path) {
    return latest(path).map(r -> r.info);
  }

  /**
   * The newest version of every file at or below {@code prefix}, ordered by path. Below a folder,
   * only the rows that the folder index places there are read, and each is kept only if its
   * sealed path really lies below {@code prefix}; the root, or a vault whose index is not filled
   * in yet, reads every row.
   */
  public List<FileInfo> list(VaultPath prefix) {
    boolean[] indexed = {false};
    List<FileCatalog.Row> rows = database.inTransaction(c -> {
      if (prefix.isRoot() || !FolderIndex.filled(c)) {
        return FileCatalog.latestOfEach(state, c);
      }
      indexed[0] = true;
      // The index names candidate paths; their versions are then read checked, bucket by bucket.
      String tag = pathTag(prefix);
      java.util.Set<String> candidates = new java.util.LinkedHashSet<>(FileCatalog.pathTagsInFolder(c, tag));
      candidates.add(tag); // the prefix may name a file
      return FileCatalog.latestOfEach(state, c, candidates);
    });
    List<FileInfo> out = new ArrayList<>();
    for (FileCatalog.Row row : rows) {
      FileInfo info = decode(row).info;
      if (prefix.contains(VaultPath.of(info.path()))) {
        out.add(info);
      } else if (indexed[0]) {
        LOG.warn("the folder index places file {} in a folder it is not in; it is not listed there", row.fileId());
      }
    }
    out.sort(Comparator.comparing(FileInfo::path));
    return out;
  }

  /**
   * Fills in the folder index for versions stored before it existed (once per vault; see
   * {@link FolderIndex#fill}). A failure is logged, not thrown: listings read every row until a
   * later session succeeds.
   */
  public void fillFolderIndex() {
    try {
      int filled = FolderIndex.fill(database, row -> {
        try {
          return Optional.of(folderTags(VaultPath.of(meta(keys, row.fileId(), row.sealedMeta()).path())));
        } catch (RuntimeException e) {
          LOG.warn("file {} has metadata that does not open; it is left out of the folder index", row.fileId());
          return Optional.empty();
        }
      });
      if (filled > 0) {
        LOG.info("filled in the folder index for {} stored versions", filled);
      }
    } catch (VaultException e) {
      LOG.warn("could not fill in the folder index: {}", e.getMessage());
    }
  }

  private List<String> folderTags(VaultPath path) {
    return path.folders().stream().map(this::pathTag).toList();
  }

  /** Every stored version of {@code path}, oldest first. */
  public List<FileInfo> versions(VaultPath path) {
    String tag = pathTag(path);
    List<FileInfo> out = new ArrayList<>();
    for (FileCatalog.Row row : database.inTransaction(c -> FileCatalog.versions(state, c, tag))) {
      out.add(decode(row).info);
    }
    return out;
  }

  private Optional<Row> latest(VaultPath path) {
    return database.inTransaction(c -> FileCatalog.latest(state, c, pathTag(path))).map(r -> filedUnder(decode(r), path));
  }

  /** {@code row}, whose sealed metadata must name {@code path}, the path whose tag it was found under. */
  private static Row filedUnder(Row row, VaultPath path) {
    if (!row.info.path().equals(path.value())) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "metadata of file " + row.info.fileId() + " is filed under another path's tag");
    }
    return row;
  }

  private record Row(FileInfo info) {}

  /**
   * A stored version's sealed metadata, opened: its path and, for versions stored since
   * commitments exist and not yet scrubbed, the content commitment and its per-file key (both
   * null otherwise: a version stored before keeps no digest a certificate may show).
   */
  public record Meta(String path, byte[] commitmentKey, byte[] commitment) {
    public boolean hasCommitment() {
      return commitment != null;
    }
  }

  /** Opens the sealed metadata of a row (also of a row being deleted, whose files row is gone). */
  public static Meta meta(VaultKeys keys, String fileId, String sealedMeta) {
    byte[] sealed;
    try {
      sealed = java.util.Base64.getDecoder().decode(sealedMeta);
    } catch (IllegalArgumentException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "metadata of file " + fileId + " is not valid base64");
    }
    byte[] meta;
    try {
      meta = keys.open(META_V2, sealed, fileId);
    } catch (IntegrityException notV2) {
      try {
        meta = keys.open(META_V1, sealed, fileId);
      } catch (IntegrityException notV1) {
        throw notV2;
      }
      if (meta.length < 32) {
        throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "metadata of file " + fileId + " is too short");
      }
      // The first format's SHA-256 is dropped here: a certificate must not show it.
      return new Meta(new String(meta, 32, meta.length - 32, StandardCharsets.UTF_8), null, null);
    }
    try {
      if (meta.length >= 1 && meta[0] == SCRUBBED) {
        return new Meta(new String(meta, 1, meta.length - 1, StandardCharsets.UTF_8), null, null);
      }
      int head = 1 + KEY_BYTES + 32;
      if (meta.length < head || meta[0] != WITH_COMMITMENT) {
        throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "metadata of file " + fileId + " has an unknown layout");
      }
      return new Meta(new String(meta, head, meta.length - head, StandardCharsets.UTF_8), Arrays.copyOfRange(meta, 1, 1 + KEY_BYTES),
          Arrays.copyOfRange(meta, 1 + KEY_BYTES, head));
    } finally {
      Arrays.fill(meta, (byte) 0);
    }
  }

  /**
   * The sealed metadata of a certified-deleted version with its commitment key destroyed: only
   * the path is left, so no row in the vault can test a guess at the deleted content.
   */
  public static String scrubbedMeta(VaultKeys keys, String fileId, String sealedMeta) {
    byte[] path = meta(keys, fileId, sealedMeta).path().getBytes(StandardCharsets.UTF_8);
    byte[] meta = ByteBuffer.allocate(1 + path.length).put(SCRUBBED).put(path).array();
    return java.util.Base64.getEncoder().encodeToString(keys.seal(META_V2, meta, fileId));
  }

  private Row decode(FileCatalog.Row row) {
    String path = meta(keys, row.fileId(), row.sealedMeta()).path();
    return new Row(new FileInfo(path, row.version(), row.size(), Instant.ofEpochMilli(row.storedAtMillis()), row.fileId()));
  }

  /** The keyed tag that stands for {@code path} in the database and the log. */
  public String pathTag(VaultPath path) {
    return Bytes.hex(keys.tag("path", path.value().getBytes(StandardCharsets.UTF_8)));
  }

  /** Blobs written but not yet published, and the rows that will point at them. */
  private final class Batch {
    private final LongConsumer progress;
    private final List<BlobStore.Staged> staged = new ArrayList<>();
    private final List<FileCatalog.Row> rows = new ArrayList<>();
    private final List<String> paths = new ArrayList<>();
    private final byte[] buffer = new byte[SMALL_FILE_BUFFER];
    private WriteGate batchGate;

    Batch(LongConsumer progress) {
      this.progress = progress;
    }

    WriteGate gate() {
      if (batchGate == null) {
        batchGate = gate.forBatch();
      }
      return batchGate;
    }

    int size() {
      return staged.size();
    }

    /** Encrypts {@code source} into a staged blob. Throws SourceException if the source fails to read. */
    void add(VaultPath path, InputStream source) throws SourceException {
      if (path.isRoot()) {
        throw new IllegalArgumentException("the vault root cannot hold a file");
      }
      String fileId = Bytes.hex(Bytes.random(16));
      BlobStore.Staged blob;
      try {
        blob = blobs.stage(fileId);
      } catch (IOException e) {
        abort();
        throw new VaultException("cannot write to the vault: " + describe(e), e);
      }
      // A commitment to the content under a key of its own, destroyed with the file: a plain
      // digest would let anyone holding a certificate confirm a guessed phone number.
      byte[] commitmentKey = Bytes.random(KEY_BYTES);
      long size = 0;
      IOException sourceFailure = null;
      byte[] commitmentValue = null;
      try {
        // A file that ends within the batch's buffer is encrypted in one go: the stream would
        // allocate two 1 MiB segment buffers for it, and the MAC's thread is not worth starting.
        int head = 0;
        try {
          head = source.readNBytes(buffer, 0, buffer.length);
        } catch (IOException e) {
          sourceFailure = e;
        }
        if (sourceFailure == null && head < buffer.length) {
          Mac commitment = hmac(commitmentKey);
          commitment.update(buffer, 0, head);
          commitmentValue = commitment.doFinal();
          BlobCipher.encryptSmall(keys, fileId, buffer, head, blob.out());
          blob.out().close();
          size = head;
          progress.accept(head);
        } else if (sourceFailure == null) {
          // The commitment runs on the other core while this thread encrypts and writes.
          try (OffThreadMac commitment = new OffThreadMac(hmac(commitmentKey));
              WriteBehind body = new WriteBehind(blob.channel())) {
            OutputStream out = BlobCipher.encryptToChannel(keys, fileId, body);
            byte[] chunk = commitment.buffer();
            System.arraycopy(buffer, 0, chunk, 0, head);
            for (int n = head; n > 0; ) {
              commitment.update(n);
              out.write(chunk, 0, n);
              size += n;
              progress.accept(n);
              chunk = commitment.buffer();
              try {
                n = source.readNBytes(chunk, 0, chunk.length);
              } catch (IOException e) {
                sourceFailure = e;
                break;
              }
            }
            if (sourceFailure == null) {
              out.close();
              commitmentValue = commitment.doFinal();
            }
          }
        }
      } catch (IOException e) {
        blob.discard();
        abort();
        throw new VaultException("cannot write to the vault: " + describe(e), e);
      }
      if (sourceFailure != null) {
        blob.discard();
        throw new SourceException(sourceFailure);
      }
      byte[] pathBytes = path.value().getBytes(StandardCharsets.UTF_8);
      byte[] meta = ByteBuffer.allocate(1 + KEY_BYTES + 32 + pathBytes.length).put(WITH_COMMITMENT).put(commitmentKey)
          .put(commitmentValue).put(pathBytes).array();
      String sealed = java.util.Base64.getEncoder().encodeToString(keys.seal(META_V2, meta, fileId));
      Arrays.fill(meta, (byte) 0);
      Arrays.fill(commitmentKey, (byte) 0);
      staged.add(blob);
      paths.add(path.value());
      rows.add(new FileCatalog.Row(fileId, pathTag(path), 0, sealed, size, Instant.now().toEpochMilli(), user));
    }

    /** Publishes the blobs, then inserts their rows in one transaction. */
    List<FileInfo> commit() {
      if (staged.isEmpty()) {
        return List.of();
      }
      try {
        blobs.publish(staged);
      } catch (IOException e) {
        abort();
        throw new VaultException("cannot write to the vault: " + describe(e), e);
      }
      List<Target> targets = rows.stream().map(r -> new Target(r.fileId(), r.pathTag())).toList();
      List<Long> seqs;
      try {
        seqs = audit.storing(targets);
      } catch (RuntimeException e) {
        staged.forEach(blobs::remove);
        staged.clear();
        throw e;
      }
      List<FileInfo> stored;
      try {
        stored = database.inTransaction(c -> state.update(c, (tx, changes) -> insertAll(tx, changes, seqs)));
      } catch (io.kinko.vault.OutcomeUnknownException e) {
        staged.clear(); // rows may name the blobs: they stay (at worst orphans, which the self-audit names)
        throw notStored(targets, e);
      } catch (io.kinko.vault.IntegrityException e) {
        staged.forEach(blobs::remove); // damage: its INCIDENT says what happened, as for any other change
        staged.clear();
        throw e;
      } catch (RuntimeException e) {
        staged.forEach(blobs::remove);
        staged.clear();
        throw notStored(targets, e);
      }
      staged.clear(); // committed: the rows name the blobs, whatever happens next
      database.forceCommitted();
      return stored;
    }

    /**
     * Logs that {@code targets}, whose PUT entries are in the log, were not stored (or may not
     * be): without it the log and the monthly report counted them as stored. A log that cannot
     * take it (the same full disk) does not hide {@code failure}.
     */
    private RuntimeException notStored(List<Target> targets, RuntimeException failure) {
      try {
        audit.notStored(targets, failure);
      } catch (RuntimeException again) {
        failure.addSuppressed(again);
      }
      return failure;
    }

    private List<FileInfo> insertAll(Connection c, VaultState.Changes changes, List<Long> seqs) throws SQLException {
      List<FileInfo> stored = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        FileCatalog.Row r = rows.get(i);
        int version = FileCatalog.insertAsNextVersion(c, changes, r, seqs.get(i));
        FolderIndex.add(c, r.fileId(), folderTags(VaultPath.of(paths.get(i))));
        stored.add(new FileInfo(paths.get(i), version, r.size(), Instant.ofEpochMilli(r.storedAtMillis()), r.fileId()));
      }
      return stored;
    }

    void abort() {
      staged.forEach(BlobStore.Staged::discard);
      staged.clear();
    }
  }

  /** The source (not the vault) failed to read: the put of that one file is skipped. */
  private static final class SourceException extends Exception {
    private static final long serialVersionUID = 1L;

    SourceException(IOException cause) {
      super(cause);
    }
  }

  private enum LongConsumerNone implements LongConsumer {
    INSTANCE;

    @Override
    public void accept(long value) {}
  }

  private static String relativeName(Path root, Path file) {
    StringBuilder name = new StringBuilder();
    for (Path part : root.relativize(file)) {
      if (name.length() > 0) {
        name.append('/');
      }
      name.append(part.toString());
    }
    return name.toString();
  }

  private static String skipReason(BasicFileAttributes attrs) {
    return attrs.isSymbolicLink() ? "symbolic link, not followed" : "not a regular file";
  }

  /** An I/O failure in plain words: "no such file", "permission denied", or the system's message. */
  public static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.channels.ClosedByInterruptException || e instanceof java.io.InterruptedIOException) {
      return "the thread was interrupted"; // neither has a message of its own
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static Mac hmac(byte[] key) {
    try {
      Mac mac = jdkHmac();
      // SecretKeySpec keeps a copy of the key that it cannot zero (SECURITY.md); it dies with the Mac.
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HMAC-SHA256", e);
    }
  }

  /**
   * The JDK's own HMAC-SHA256 where it is there: it uses the CPU's SHA extensions, while a native
   * provider an application may put first (Conscrypt 2.5) hashes slower than that.
   */
  private static Mac jdkHmac() throws java.security.NoSuchAlgorithmException {
    try {
      return Mac.getInstance("HmacSHA256", "SunJCE");
    } catch (java.security.NoSuchProviderException | java.security.NoSuchAlgorithmException e) {
      return Mac.getInstance("HmacSHA256");
    }
  }
}
