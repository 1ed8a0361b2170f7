package io.kinko.vault;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Permissions a user holds on a vault path prefix and everything below it. The permissions on
 * a path are the union of the grants on its prefixes; without one, access is denied.
 */
public record Grant(String user, String prefix, Set<Permission> permissions, String grantedBy, Instant grantedAt) {
  public Grant {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(prefix, "prefix");
    permissions = Set.copyOf(permissions);
  }
}
