package io.kinko.vault.store;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * A validated path inside a vault: relative, '/'-separated, NFC-normalized, with no empty,
 * {@code .} or {@code ..} segment, so that it can never name anything outside the vault and one
 * name has one spelling. The empty path is the vault's root folder.
 */
public record VaultPath(String value) {
  public static final VaultPath ROOT = new VaultPath("");
  static final int MAX_BYTES = 4096;
  static final int MAX_SEGMENT_BYTES = 255;

  public VaultPath {
    if (value == null) {
      throw new IllegalArgumentException("vault path is null");
    }
    if (!value.isEmpty()) {
      check(value);
    }
  }

  /** Parses user input: NFC-normalizes it and drops one trailing '/', then validates. */
  public static VaultPath of(String input) {
    if (input == null) {
      throw new IllegalArgumentException("vault path is null");
    }
    String normalized = Normalizer.normalize(input, Normalizer.Form.NFC);
    if (normalized.equals(".") || normalized.isEmpty()) {
      return ROOT;
    }
    if (normalized.endsWith("/") && normalized.length() > 1) {
      normalized = normalized.substring(0, normalized.length() - 1);
    }
    return new VaultPath(normalized);
  }

  public boolean isRoot() {
    return value.isEmpty();
  }

  /** This path with {@code child} ('/'-separated, relative) appended. */
  public VaultPath resolve(String child) {
    VaultPath rest = of(child);
    if (rest.isRoot()) {
      return this;
    }
    return isRoot() ? rest : new VaultPath(value + "/" + rest.value);
  }

  /** True when {@code other} is this path or lies below it. */
  public boolean contains(VaultPath other) {
    return isRoot() || other.value.equals(value) || other.value.startsWith(value + "/");
  }

  /** The folders this path lies in, outermost first: {@code a} and {@code a/b} for {@code a/b/c}; the root is not named. */
  public java.util.List<VaultPath> folders() {
    java.util.List<VaultPath> out = new java.util.ArrayList<>();
    for (int i = value.indexOf('/'); i >= 0; i = value.indexOf('/', i + 1)) {
      out.add(new VaultPath(value.substring(0, i)));
    }
    return out;
  }

  /** The part of {@code descendant} below this path; empty when they are equal. */
  public String relativize(VaultPath descendant) {
    if (!contains(descendant)) {
      throw new IllegalArgumentException("'" + descendant + "' is not inside '" + this + "'");
    }
    if (isRoot()) {
      return descendant.value;
    }
    return descendant.value.length() == value.length() ? "" : descendant.value.substring(value.length() + 1);
  }

  @Override
  public String toString() {
    return value;
  }

  private static void check(String value) {
    if (!Normalizer.isNormalized(value, Normalizer.Form.NFC)) {
      throw new IllegalArgumentException("vault path '" + value + "' is not in Unicode NFC form");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new IllegalArgumentException("vault path is longer than " + MAX_BYTES + " bytes");
    }
    if (value.startsWith("/")) {
      throw new IllegalArgumentException("vault path '" + value + "' is absolute; give it relative to the vault root");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || Character.isISOControl(c)) {
        throw new IllegalArgumentException("vault path '" + printable(value) + "' contains a backslash or control character");
      }
    }
    for (String segment : value.split("/", -1)) {
      if (segment.isEmpty()) {
        throw new IllegalArgumentException("vault path '" + value + "' has an empty segment");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("vault path '" + value + "' contains '" + segment + "'");
      }
      if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
        throw new IllegalArgumentException("a segment of vault path is longer than " + MAX_SEGMENT_BYTES + " bytes");
      }
    }
  }

  private static String printable(String value) {
    StringBuilder out = new StringBuilder();
    value.codePoints().forEach(cp -> {
      if (Character.isISOControl(cp)) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
    });
    return out.toString();
  }
}
