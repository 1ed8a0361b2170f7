package io.kinko.vault;

import java.nio.file.Path;
import java.util.List;

/**
 * What a wipe did: the certificate listing every file it destroyed, and the entries it did not
 * touch (links, special files, files with other hard links, files it could not open) with why.
 */
public record WipeReport(DeletionCertificate certificate, int filesWiped, List<PutReport.Skipped> skipped) {
  public WipeReport {
    skipped = List.copyOf(skipped);
  }

  public boolean complete() {
    return skipped.isEmpty();
  }

  static PutReport.Skipped skip(Path path, String reason) {
    return new PutReport.Skipped(path, reason);
  }
}
