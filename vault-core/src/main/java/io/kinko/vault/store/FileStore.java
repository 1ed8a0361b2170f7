package io.kinko.vault.store;

import io.kinko.vault.FileInfo;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.NotFoundException;
import io.kinko.vault.PutReport;
import io.kinko.vault.VaultException;
import io.kinko.vault.crypto.BlobCipher;
import io.kinko.vault.crypto.Bytes;
import io.kinko.vault.crypto.VaultKeys;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Encrypted files of one logged-in user: writes blobs and their metadata rows, reads them back
 * verified. It neither checks permissions nor logs; {@code Session} does both before calling it.
 */
public final class FileStore {
  /** Blobs per batch: enough to share the syncs, few enough to bound what a crash can orphan. */
  static final int BATCH_FILES = 512;
  private static final int COPY_BUFFER = 64 * 1024;
  private static final String META = "file-meta";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FileStore.class);

  private final Database database;
  private final BlobStore blobs;
  private final VaultKeys keys;
  private final String user;
  private final WriteGate gate;
  private final PutAudit audit;

  /** Decides, before any byte is written, whether a path may be written; throws to refuse. */
  @FunctionalInterface
  public interface WriteGate {
    void check(VaultPath path);
  }

  /** Records stored versions before they become visible; if it throws, the put is undone. */
  @FunctionalInterface
  public interface PutAudit {
    void storing(List<Target> targets);
  }

  /** A file version as the log names it: by id and path tag, never by path. */
  public record Target(String fileId, String pathTag) {}

  public FileStore(Database database, BlobStore blobs, VaultKeys keys, String user, WriteGate gate, PutAudit audit) {
    this.database = database;
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
    Batch[] batch = {new Batch(progress)};
    try {
      Files.walkFileTree(source, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (!attrs.isRegularFile()) {
            skipped.add(new PutReport.Skipped(file, skipReason(attrs)));
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
            gate.check(path);
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
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new VaultException("cannot walk " + source + ": " + describe((IOException) e), e);
    }
    stored.addAll(batch[0].commit());
    return new PutReport(stored, skipped);
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
   * Opens a stored version: the stream yields only verified bytes.
   *
   * @throws IntegrityException if the blob is missing or its header fails verification
   */
  public InputStream read(FileInfo info) {
    try {
      InputStream blob = blobs.open(info.fileId());
      try {
        return BlobCipher.decrypt(keys, info.fileId(), info.size(), blob);
      } catch (RuntimeException | IOException e) {
        blob.close();
        throw e;
      }
    } catch (NoSuchFileException e) {
      throw new IntegrityException("blob of file " + info.fileId() + " is missing from the vault");
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
        return FileCatalog.latestOfEach(c);
      }
      indexed[0] = true;
      String tag = pathTag(prefix);
      List<FileCatalog.Row> found = new ArrayList<>(FileCatalog.latestInFolder(c, tag));
      FileCatalog.latest(c, tag).ifPresent(found::add); // the prefix may name a file
      return found;
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
    for (FileCatalog.Row row : database.inTransaction(c -> FileCatalog.versions(c, tag))) {
      out.add(decode(row).info);
    }
    return out;
  }

  private Optional<Row> latest(VaultPath path) {
    Optional<Row> row = database.inTransaction(c -> FileCatalog.latest(c, pathTag(path))).map(this::decode);
    row.ifPresent(r -> {
      if (!r.info.path().equals(path.value())) {
        throw new IntegrityException("metadata of file " + r.info.fileId() + " is filed under another path's tag");
      }
    });
    return row;
  }

  private record Row(FileInfo info, byte[] sha256) {}

  /** A stored version's sealed metadata, opened: its path and content digest. */
  public record Meta(String path, byte[] sha256) {}

  /** Opens the sealed metadata of a row (also of a row being deleted, whose files row is gone). */
  public static Meta meta(VaultKeys keys, String fileId, String sealedMeta) {
    byte[] meta = keys.open(META, java.util.Base64.getDecoder().decode(sealedMeta), fileId);
    return new Meta(new String(meta, 32, meta.length - 32, StandardCharsets.UTF_8), Arrays.copyOf(meta, 32));
  }

  private Row decode(FileCatalog.Row row) {
    byte[] meta;
    try {
      meta = keys.open(META, java.util.Base64.getDecoder().decode(row.sealedMeta()), row.fileId());
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("metadata of file " + row.fileId() + " is not valid base64");
    }
    if (meta.length < 32) {
      throw new IntegrityException("metadata of file " + row.fileId() + " is too short");
    }
    String path = new String(meta, 32, meta.length - 32, StandardCharsets.UTF_8);
    FileInfo info = new FileInfo(path, row.version(), row.size(), Instant.ofEpochMilli(row.storedAtMillis()), row.fileId());
    return new Row(info, Arrays.copyOf(meta, 32));
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

    Batch(LongConsumer progress) {
      this.progress = progress;
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
      MessageDigest sha = sha256();
      long size = 0;
      byte[] buffer = new byte[COPY_BUFFER];
      IOException sourceFailure = null;
      try {
        OutputStream out = BlobCipher.encrypt(keys, fileId, blob.out());
        while (true) {
          int n;
          try {
            n = source.read(buffer);
          } catch (IOException e) {
            sourceFailure = e;
            break;
          }
          if (n < 0) {
            break;
          }
          sha.update(buffer, 0, n);
          out.write(buffer, 0, n);
          size += n;
          progress.accept(n);
        }
        if (sourceFailure == null) {
          out.close();
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
      byte[] meta = ByteBuffer.allocate(32 + pathBytes.length).put(sha.digest()).put(pathBytes).array();
      String sealed = java.util.Base64.getEncoder().encodeToString(keys.seal(META, meta, fileId));
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
      List<FileInfo> stored;
      try {
        audit.storing(rows.stream().map(r -> new Target(r.fileId(), r.pathTag())).toList());
        stored = database.durably(c -> insertAll(c));
      } catch (RuntimeException e) {
        staged.forEach(blobs::remove);
        staged.clear();
        throw e;
      }
      staged.clear();
      return stored;
    }

    private List<FileInfo> insertAll(Connection c) throws SQLException {
      List<FileInfo> stored = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        FileCatalog.Row r = rows.get(i);
        int version = FileCatalog.insertAsNextVersion(c, r);
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
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
