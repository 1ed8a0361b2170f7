package io.kinko.vault;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored version of a file, as a session may show it to its user.
 *
 * @param path the vault path, for example {@code 申請書/2026/山田.pdf}
 * @param version 1 for the first put of a path, then counting up
 * @param size plaintext size in bytes
 * @param storedAt when the version was stored
 * @param fileId the random id that names the version's blob; safe to log
 */
public record FileInfo(String path, int version, long size, Instant storedAt, String fileId) {
  public FileInfo {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(storedAt, "storedAt");
    Objects.requireNonNull(fileId, "fileId");
    if (version < 1) {
      throw new IllegalArgumentException("version " + version + " is below 1");
    }
    if (size < 0) {
      throw new IllegalArgumentException("size " + size + " is negative");
    }
  }
}
