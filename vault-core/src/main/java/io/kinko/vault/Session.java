package io.kinko.vault;

import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.audit.LogArchiver;
import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.audit.LogVerifier;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.crypto.VaultKeys;
import io.kinko.vault.store.FileStore;
import io.kinko.vault.store.VaultPath;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * One authenticated user's work with a vault. Every operation appends an entry to the access log
 * and waits until it is durable before it has any effect or returns any byte: if the log cannot
 * be written, the operation fails. The session holds the user's unlocked keys until
 * {@link #close()}.
 *
 * <p>Paths are relative and '/'-separated ({@code 申請書/2026/0001.pdf}); a malformed path, an
 * absolute one or one with {@code ..} is rejected with {@link IllegalArgumentException}.
 */
public final class Session implements AutoCloseable {
  private final Vault vault;
  private final String user;
  private final VaultKeys keys;
  private final SigningKey signing;
  private final FileStore files;
  private final AccessLog log;
  private boolean closed;

  Session(Vault vault, String user, VaultKeys keys, SigningKey signing) {
    this.vault = vault;
    this.user = user;
    this.keys = keys;
    this.signing = signing;
    this.log = vault.log();
    this.files = new FileStore(vault.database(), vault.blobs(), keys, user,
        targets -> log.append(targets.stream()
            .map(t -> AccessLog.Event.allow(user, "PUT", "stored", t.fileId(), t.pathTag())).toList()));
  }

  /** The user this session acts for. */
  public String user() {
    return user;
  }

  public Vault vault() {
    return vault;
  }

  /**
   * Stores {@code content} as the next version of {@code path}. Reads the stream to its end;
   * the caller closes it. Memory use does not grow with the content's size.
   *
   * @throws VaultException if the content cannot be read, the vault cannot be written or the
   *     log cannot record the put; nothing is stored then
   */
  public FileInfo put(String path, InputStream content) {
    open();
    Objects.requireNonNull(content, "content");
    return guarded(() -> files.put(VaultPath.of(path), content));
  }

  /** Stores a local file at {@code path}, or a folder's files below it; see {@link #put(String, Path, LongConsumer)}. */
  public PutReport put(String path, Path source) {
    return put(path, source, bytes -> {});
  }

  /**
   * Stores a local file at {@code path}, or a folder's files (recursively) below it. Symbolic
   * links are not followed; they, special files and files that cannot be read are listed in the
   * report, and the rest is stored.
   *
   * @param progress told the number of bytes read after each chunk
   * @throws VaultException if the vault cannot be written; files stored before that stay stored
   */
  public PutReport put(String path, Path source, LongConsumer progress) {
    open();
    Objects.requireNonNull(source, "source");
    return guarded(() -> files.putTree(VaultPath.of(path), source, progress));
  }

  /**
   * Opens the newest version of {@code path}. The GET entry is durable before this returns. The
   * stream yields only bytes that have been verified; a stored file that was altered makes it
   * throw {@link IntegrityException} at the first bad segment, and an INCIDENT entry is logged.
   *
   * @throws NotFoundException if no file is stored at {@code path}
   * @throws IntegrityException if the file's metadata or blob header fails verification
   * @throws VaultException if the log cannot record the read; nothing is read then
   */
  public InputStream get(String path) {
    open();
    VaultPath p = VaultPath.of(path);
    FileStore.Located located = locate(p, "GET");
    FileInfo info = located.info();
    log.append(AccessLog.Event.allow(user, "GET", "read", info.fileId(), located.pathTag()));
    InputStream content = guarded(() -> files.read(info));
    return new FilterInputStream(content) {
      @Override
      public int read() throws IOException {
        return guardedIo(super::read);
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return guardedIo(() -> super.read(b, off, len));
      }
    };
  }

  /**
   * The newest version of {@code path}.
   *
   * @throws NotFoundException if no file is stored at {@code path}
   */
  public FileInfo stat(String path) {
    open();
    VaultPath p = VaultPath.of(path);
    FileStore.Located located = locate(p, "STAT");
    log.append(AccessLog.Event.allow(user, "STAT", "metadata", located.info().fileId(), located.pathTag()));
    return located.info();
  }

  /** The newest version of every file at or below {@code prefix} ("" for all), ordered by path. */
  public List<FileInfo> list(String prefix) {
    open();
    VaultPath p = VaultPath.of(prefix);
    log.append(AccessLog.Event.allow(user, "LIST", "names", null, files.pathTag(p)));
    return guarded(() -> files.list(p));
  }

  /** Every stored version of {@code path}, oldest first; empty if none. */
  public List<FileInfo> versions(String path) {
    open();
    VaultPath p = VaultPath.of(path);
    log.append(AccessLog.Event.allow(user, "VERSIONS", "metadata", null, files.pathTag(p)));
    return guarded(() -> files.versions(p));
  }

  /** Access-log entries matching {@code query}; the reading itself is logged first. */
  public List<LogEntry> logEntries(LogQuery query) {
    open();
    Objects.requireNonNull(query, "query");
    log.append(AccessLog.Event.allow(user, "LOG_SHOW", "log read", null, null));
    return log.entries(query);
  }

  /** Signs a checkpoint of the log as it is now and returns the signed note (C2SP). */
  public String checkpoint() {
    open();
    log.append(AccessLog.Event.allow(user, "CHECKPOINT", "checkpoint requested", null, null));
    LogCheckpoints.Signed signed = vault.signCheckpoint(signing);
    return new String(signed.note(), StandardCharsets.UTF_8);
  }

  /**
   * Verifies the whole access log: every entry against its leaf and its predecessor, every signed
   * checkpoint against the tree, and, if given, a checkpoint held outside the vault (for example
   * by the city) for consistency.
   *
   * @param witnessNote a signed checkpoint note, or null
   * @throws IntegrityException naming the first bad entry or checkpoint; it is also logged
   */
  public LogReport verifyLog(byte[] witnessNote) {
    open();
    log.append(AccessLog.Event.allow(user, "LOG_VERIFY", witnessNote == null ? "verify" : "verify with witness", null, null));
    return guarded(() -> LogVerifier.verify(vault.database(), vault.id(), vault.checkpoints(), Optional.ofNullable(witnessNote)));
  }

  /**
   * Exports the entries logged in [from, to) to {@code directory} as an archive that verifies
   * offline ({@link LogArchive#verify}). The export is logged.
   *
   * @throws VaultException if no entry lies in the range or the archive cannot be written
   */
  public LogArchive exportLog(Instant from, Instant to, Path directory) {
    open();
    log.append(AccessLog.Event.allow(user, "LOG_EXPORT", "export " + from + " to " + to, null, null));
    return new LogArchiver(vault.database(), vault.id(), vault.clock()).export(from, to, directory, signing);
  }

  /**
   * Removes the entries logged before {@code before}. Refused, and the refusal logged, while
   * any of them is within its retention (one year past the contract's end, or the configured
   * minimum) or has not been archived.
   *
   * @return the number of entries removed
   * @throws RetentionException if the pruning is refused
   */
  public long pruneLog(Instant before) {
    open();
    try {
      long removed = new LogArchiver(vault.database(), vault.id(), vault.clock()).prune(before);
      log.append(AccessLog.Event.allow(user, "LOG_PRUNE", "removed " + removed + " entries before " + before, null, null));
      return removed;
    } catch (RetentionException e) {
      log.append(AccessLog.Event.deny(user, "LOG_PRUNE", e.getMessage(), null, null));
      throw e;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      vault.sessionClosed(signing);
    } finally {
      keys.close();
    }
  }

  @Override
  public String toString() {
    return "Session[" + user + " @ " + vault.id() + "]";
  }

  private FileStore.Located locate(VaultPath p, String action) {
    Optional<FileStore.Located> located = guarded(() -> files.locate(p));
    if (located.isEmpty()) {
      log.append(AccessLog.Event.allow(user, action, "not found", null, files.pathTag(p)));
      throw new NotFoundException("no file at '" + p + "'");
    }
    return located.get();
  }

  /** Runs {@code work}; an integrity failure is logged as an INCIDENT before it propagates. */
  private <T> T guardedIo(IoWork<T> work) throws IOException {
    try {
      return work.run();
    } catch (IntegrityException e) {
      vault.incident(user, e);
      throw e;
    }
  }

  private <T> T guarded(Work<T> work) {
    try {
      return work.run();
    } catch (IntegrityException e) {
      vault.incident(user, e);
      throw e;
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T run();
  }

  @FunctionalInterface
  private interface IoWork<T> {
    T run() throws IOException;
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("session of '" + user + "' is closed");
    }
  }
}
