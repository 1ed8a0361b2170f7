package io.kinko.vault;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A certified deletion waiting for a second person under {@link DeletionApproval#TWO_PERSON}:
 * its id (the certificate's id once approved), who asked, when, and the paths and versions it
 * will destroy. Nothing of it is destroyed until {@link Session#approveDeletion} runs.
 */
public record DeletionRequest(String id, String requester, Instant requestedAt, String scope, List<String> paths, int versions) {
  public DeletionRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(requestedAt, "requestedAt");
    Objects.requireNonNull(scope, "scope");
    paths = List.copyOf(paths);
    if (versions < 1) {
      throw new IllegalArgumentException("deletion request " + id + " lists no version");
    }
  }
}
