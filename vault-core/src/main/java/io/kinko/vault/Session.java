package io.kinko.vault;

import io.kinko.vault.crypto.VaultKeys;
import io.kinko.vault.store.FileStore;
import io.kinko.vault.store.VaultPath;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * One authenticated user's work with a vault. Every read and write of file data goes through a
 * session; it holds the user's unlocked keys until {@link #close()}.
 *
 * <p>Paths are relative and '/'-separated ({@code 申請書/2026/0001.pdf}); a malformed path, an
 * absolute one or one with {@code ..} is rejected with {@link IllegalArgumentException}.
 */
public final class Session implements AutoCloseable {
  private final Vault vault;
  private final String user;
  private final VaultKeys keys;
  private final FileStore files;
  private boolean closed;

  Session(Vault vault, String user, VaultKeys keys) {
    this.vault = vault;
    this.user = user;
    this.keys = keys;
    this.files = new FileStore(vault.database(), vault.blobs(), keys, user);
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
   * @throws VaultException if the content cannot be read or the vault cannot be written;
   *     nothing is stored then
   */
  public FileInfo put(String path, InputStream content) {
    open();
    Objects.requireNonNull(content, "content");
    return files.put(VaultPath.of(path), content);
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
    return files.putTree(VaultPath.of(path), source, progress);
  }

  /**
   * Opens the newest version of {@code path}. The stream yields only bytes that have been
   * verified; a stored file that was altered makes it throw {@link IntegrityException} at the
   * first bad segment. The caller closes it.
   *
   * @throws NotFoundException if no file is stored at {@code path}
   * @throws IntegrityException if the file's metadata or blob header fails verification
   */
  public InputStream get(String path) {
    open();
    return files.open(VaultPath.of(path)).content();
  }

  /**
   * The newest version of {@code path}.
   *
   * @throws NotFoundException if no file is stored at {@code path}
   */
  public FileInfo stat(String path) {
    open();
    VaultPath p = VaultPath.of(path);
    return files.stat(p).orElseThrow(() -> new NotFoundException("no file at '" + p + "'"));
  }

  /** The newest version of every file at or below {@code prefix} ("" for all), ordered by path. */
  public List<FileInfo> list(String prefix) {
    open();
    return files.list(VaultPath.of(prefix));
  }

  /** Every stored version of {@code path}, oldest first; empty if none. */
  public List<FileInfo> versions(String path) {
    open();
    return files.versions(VaultPath.of(path));
  }

  @Override
  public void close() {
    closed = true;
    keys.close();
  }

  @Override
  public String toString() {
    return "Session[" + user + " @ " + vault.id() + "]";
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("session of '" + user + "' is closed");
    }
  }
}
