package io.kinko.vault;

import java.nio.file.Path;
import java.util.List;
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
   * consistency proof to the previous archive. The archives must form one contiguous range;
   * see {@link #verify(List, String)}.
   *
   * @param publicKeyPem the vault's public key ({@code kinko key export}); the caller vouches
   *     for it: pin it with {@link KeyFingerprint#check}, never take it from beside the archives
   * @throws IntegrityException naming the archive and the first bad sequence number
   */
  public static LogReport verify(Path directory, String publicKeyPem) {
    return VaultProvider.installed().verifyArchive(directory, publicKeyPem);
  }

  /**
   * Verifies the archives in all of {@code directories} as one contiguous range of the log:
   * ordered by sequence number, each starts right after the one before and continues the tree
   * the one before signed. A missing, repeated, overlapping or renamed archive is named.
   * The range checked is entries {@code treeSize - entriesChecked} to {@code treeSize - 1}.
   *
   * @throws IntegrityException naming the archive, the missing or repeated entries, or the first bad entry
   */
  public static LogReport verify(List<Path> directories, String publicKeyPem) {
    return VaultProvider.installed().verifyArchives(List.copyOf(directories), publicKeyPem);
  }
}
