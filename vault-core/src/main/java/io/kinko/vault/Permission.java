package io.kinko.vault;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a grant allows on a vault path prefix. */
public enum Permission {
  READ, WRITE, DELETE, EXPORT;

  /**
   * Parses {@code "read,write"} (any case, comma-separated).
   *
   * @throws IllegalArgumentException on an empty list or an unknown permission
   */
  public static Set<Permission> parse(String list) {
    if (list == null || list.isBlank()) {
      throw new IllegalArgumentException("no permissions given; use some of read,write,delete,export");
    }
    EnumSet<Permission> out = EnumSet.noneOf(Permission.class);
    for (String part : list.split(",")) {
      try {
        out.add(valueOf(part.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown permission '" + part.strip() + "'; use some of read,write,delete,export");
      }
    }
    return out;
  }

  /** {@code "READ,WRITE"}, in declaration order. */
  public static String format(Set<Permission> permissions) {
    StringBuilder out = new StringBuilder();
    for (Permission p : values()) {
      if (permissions.contains(p)) {
        out.append(out.length() == 0 ? "" : ",").append(p.name());
      }
    }
    return out.toString();
  }
}
