package io.kinko.vault.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A C2SP tlog-checkpoint: the note text naming a log (origin), its tree size and its RFC 6962
 * root hash, plus optional extension lines.
 *
 * <p>Invariant: every instance has exactly one text form, and {@link #parse} accepts only that
 * form (size without leading zeros, root as 32 bytes of padded base64, no empty line), so a
 * signature over the text commits to one (origin, size, root) and nothing else.
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {
  private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]*");

  /**
   * @throws IllegalArgumentException if the origin is empty, a line holds a newline, control
   *     character or lone surrogate, the size is negative, the root is not 32 bytes, or an
   *     extension line is empty
   */
  public Checkpoint {
    checkLine("origin", origin);
    if (size < 0) {
      throw new IllegalArgumentException("tree size " + size + " is negative");
    }
    if (rootHash == null || rootHash.length != Merkle.HASH_SIZE) {
      throw new IllegalArgumentException("root hash is not 32 bytes");
    }
    rootHash = rootHash.clone();
    if (extensions == null) {
      throw new IllegalArgumentException("extensions are null; use an empty list");
    }
    for (String line : extensions) {
      checkLine("extension line", line);
    }
    extensions = List.copyOf(extensions);
  }

  /** A checkpoint without extension lines. */
  public Checkpoint(String origin, long size, byte[] rootHash) {
    this(origin, size, rootHash, List.of());
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /** The note text: origin, size, base64 root, extension lines, each ending in a newline. */
  public String text() {
    StringBuilder out = new StringBuilder()
        .append(origin).append('\n')
        .append(size).append('\n')
        .append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
    for (String line : extensions) {
      out.append(line).append('\n');
    }
    return out.toString();
  }

  /**
   * Parses a checkpoint note text (the text of a {@link SignedNote}, not the signed note).
   *
   * @throws FormatException if the text is not exactly the form {@link #text()} produces
   */
  public static Checkpoint parse(String text) throws FormatException {
    String problem = SignedNote.textProblem(text);
    if (problem != null) {
      throw new FormatException("checkpoint " + problem);
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw new FormatException("checkpoint has " + lines.length + " lines, needs at least 3");
    }
    if (!DECIMAL.matcher(lines[1]).matches()) {
      throw new FormatException("checkpoint tree size is not a decimal without leading zeros");
    }
    long size;
    try {
      size = Long.parseLong(lines[1]);
    } catch (NumberFormatException e) {
      throw new FormatException("checkpoint tree size is too large", e);
    }
    byte[] root = SignedNote.decodeBase64(lines[2], "checkpoint root hash");
    List<String> extensions = new ArrayList<>(Arrays.asList(lines).subList(3, lines.length));
    try {
      return new Checkpoint(lines[0], size, root, extensions);
    } catch (IllegalArgumentException e) {
      throw new FormatException("checkpoint " + e.getMessage(), e);
    }
  }

  /**
   * Parses a signed checkpoint and verifies its signature by {@code verifier}.
   *
   * @throws FormatException if the note or its checkpoint text is malformed
   * @throws VerificationException if the note has no valid signature by {@code verifier}
   */
  public static Checkpoint open(byte[] signedNote, NoteVerifier verifier)
      throws FormatException, VerificationException {
    return parse(SignedNote.open(signedNote, verifier).text());
  }

  private static void checkLine(String what, String line) {
    if (line == null || line.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    if (!Utf8.isWellFormed(line)) {
      throw new IllegalArgumentException(what + " contains a lone surrogate");
    }
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) < 0x20) {
        throw new IllegalArgumentException(what + " contains a control character or newline");
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && origin.equals(c.origin)
        && size == c.size
        && Arrays.equals(rootHash, c.rootHash)
        && extensions.equals(c.extensions);
  }

  @Override
  public int hashCode() {
    return ((origin.hashCode() * 31 + Long.hashCode(size)) * 31 + Arrays.hashCode(rootHash)) * 31
        + extensions.hashCode();
  }

  @Override
  public String toString() {
    return "Checkpoint[" + origin + ", size " + size + ", root "
        + Base64.getEncoder().encodeToString(rootHash) + ", " + extensions.size() + " extensions]";
  }
}
