package io.kinko.vault.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The blob folder. A blob is written beside its final name, synced, renamed into place and its
 * directory (and the blob folder, which names the fan-out folders) synced before any metadata
 * row points at it, so a row never names a blob that a crash could have lost. Staged blobs are
 * published in batches to share the cost of the syncs.
 */
public final class BlobStore {
  private static final String STAGING_SUFFIX = ".partial";
  /** For the headers; the cipher writes whole segments past it. Small: a folder put stages one per file. */
  private static final int STAGING_BUFFER = 8 * 1024;
  private final VaultLayout layout;

  public BlobStore(VaultLayout layout) {
    this.layout = layout;
  }

  /** A blob being written under a temporary name. */
  public final class Staged {
    private final String fileId;
    private final Path temp;
    private final java.nio.channels.FileChannel channel;
    private final OutputStream out;

    private Staged(String fileId, Path temp, java.nio.channels.FileChannel channel) {
      this.fileId = fileId;
      this.temp = temp;
      this.channel = channel;
      this.out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), STAGING_BUFFER);
    }

    /** Where the blob's bytes go; the caller closes it before {@link #publish}. */
    public OutputStream out() {
      return out;
    }

    public String fileId() {
      return fileId;
    }

    /** The file under {@link #out()}, for a writer of large blobs that passes nothing through out(). */
    java.nio.channels.FileChannel channel() {
      return channel;
    }

    /** Removes the temporary file; used when the put fails. */
    public void discard() {
      try {
        out.close();
      } catch (IOException ignored) {
        // The file is removed next; a failed close changes nothing.
      }
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // A leftover .partial file has no metadata row and holds only ciphertext.
      }
    }
  }

  /** Creates the temporary file for {@code fileId}, open for writing. */
  public Staged stage(String fileId) throws IOException {
    Path target = layout.blob(fileId);
    if (!Files.isDirectory(target.getParent())) {
      // Its entry in the blob folder is made durable by publish, before any row names a blob in it.
      PrivateFiles.createDirectories(target.getParent());
    }
    Path temp = target.resolveSibling(fileId + STAGING_SUFFIX);
    return new Staged(fileId, temp, PrivateFiles.create(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  /** Syncs the staged blobs, renames them to their final names and syncs their directories. */
  public void publish(List<Staged> staged) throws IOException {
    List<Path> temps = new ArrayList<>();
    Set<Path> directories = new LinkedHashSet<>();
    for (Staged s : staged) {
      temps.add(s.temp);
      directories.add(s.temp.getParent());
    }
    // The fan-out folders' own entries: any of them may be new, made by this batch or by another
    // writer that has not synced it yet. One more sync per batch, not one per new folder.
    if (!staged.isEmpty()) {
      directories.add(staged.get(0).temp.getParent().getParent());
    }
    Durable.syncAll(temps, false);
    for (Staged s : staged) {
      Durable.move(s.temp, layout.blob(s.fileId));
    }
    Durable.syncAll(directories, true);
  }

  /** Removes a published blob that no row will point at (its put was refused after publishing). */
  public void remove(Staged staged) {
    try {
      Files.deleteIfExists(layout.blob(staged.fileId));
    } catch (IOException ignored) {
      // An orphan blob holds only ciphertext and no row names it.
    }
  }

  /**
   * Opens a stored blob for reading: unbuffered, over its file channel, which the blob cipher
   * reads a large blob's segments from straight into its direct buffers.
   */
  public InputStream open(String fileId) throws IOException {
    return new io.kinko.vault.crypto.ChannelInput(java.nio.channels.FileChannel.open(layout.blob(fileId), java.nio.file.StandardOpenOption.READ));
  }
}
