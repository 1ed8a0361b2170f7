package io.kinko.vault;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a put of a local file or folder did: the versions it stored, and the entries it left out
 * (symbolic links, special files, files that could not be read) with the reason for each.
 */
public record PutReport(List<FileInfo> stored, List<Skipped> skipped) {
  public PutReport {
    stored = List.copyOf(stored);
    skipped = List.copyOf(skipped);
  }

  /** True when every entry of the source was stored. */
  public boolean complete() {
    return skipped.isEmpty();
  }

  /** A source entry that was not stored, and why. */
  public record Skipped(Path source, String reason) {
    public Skipped {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
