package io.kinko.vault;

import io.kinko.vault.audit.ArchiveVerifier;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One exported range of the access log: {@code entries} holds the entries as JSON Lines, each
 * line exactly the bytes that were hashed; {@code manifest} the signed checkpoint of the tree at
 * the last entry, the subtree roots left of the range and a consistency proof from the previous
 * archive. {@link #verify} checks a folder of archives with the vault's public key alone.
 */
public record LogArchive(Path entries, Path manifest, long firstSeq, long lastSeq, long treeSize) {
  public LogArchive {
    Objects.requireNonNull(entries, "entries");
    Objects.requireNonNull(manifest, "manifest");
  }

  /**
   * Verifies every archive in {@code directory} offline: each entry against the signed
   * checkpoint's root, the chain inside each archive and across adjacent ones, and each
   * consistency proof to the previous archive.
   *
   * @param publicKeyPem the vault's public key ({@code kinko key export})
   * @throws IntegrityException naming the archive and the first bad sequence number
   */
  public static LogReport verify(Path directory, String publicKeyPem) {
    return ArchiveVerifier.verify(directory, publicKeyPem);
  }
}
