package io.kinko.vault.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A C2SP signed note: a text ending in a newline, a blank line, and one or more signature lines
 * {@code — <key name> <base64(key ID ‖ signature)>}.
 *
 * <p>Invariant: an instance always encodes to a note that {@link #parse} reads back to an equal
 * instance; text and signature lines obey the format's character rules and this class's size
 * limits. An instance is not trusted until {@link #verify} has passed.
 */
public record SignedNote(String text, List<Signature> signatures) {
  /** Whole encoded note, in UTF-8 bytes. */
  public static final int MAX_NOTE_BYTES = 1 << 20;

  /** Any single line, signature lines included (a post-quantum signature is about 6.6k base64). */
  public static final int MAX_LINE_CHARS = 8 << 10;

  /** C2SP asks verifiers to accept at least 16. */
  public static final int MAX_SIGNATURES = 64;

  private static final String SIGNATURE_PREFIX = "\u2014 ";

  /** One signature line: the key it claims and the signature bytes after the key ID. */
  public record Signature(String keyName, int keyId, byte[] signature) {
    public Signature {
      if (!isValidKeyName(keyName)) {
        throw new IllegalArgumentException("not a valid note key name");
      }
      if (signature == null || signature.length == 0) {
        throw new IllegalArgumentException("signature is empty");
      }
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    String line() {
      byte[] idAndSignature = ByteBuffer.allocate(4 + signature.length)
          .putInt(keyId)
          .put(signature)
          .array();
      return SIGNATURE_PREFIX + keyName + " " + Base64.getEncoder().encodeToString(idAndSignature)
          + "\n";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Signature s
          && keyName.equals(s.keyName)
          && keyId == s.keyId
          && Arrays.equals(signature, s.signature);
    }

    @Override
    public int hashCode() {
      return (keyName.hashCode() * 31 + keyId) * 31 + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
      return "Signature[" + keyName + "+" + String.format("%08x", keyId) + "]";
    }
  }

  /**
   * @throws IllegalArgumentException if the text does not end in a newline, holds a control
   *     character other than newline or a lone surrogate, has an over-long line, or if there is no
   *     signature, too many, or the encoded note exceeds {@value #MAX_NOTE_BYTES} bytes
   */
  public SignedNote {
    String problem = textProblem(text);
    if (problem != null) {
      throw new IllegalArgumentException("note text " + problem);
    }
    // List.of(...).contains(null) throws, so test elements one by one.
    if (signatures == null || signatures.stream().anyMatch(Objects::isNull)) {
      throw new IllegalArgumentException("signatures are missing");
    }
    signatures = List.copyOf(signatures);
    if (signatures.isEmpty() || signatures.size() > MAX_SIGNATURES) {
      throw new IllegalArgumentException(
          "a note needs 1 to " + MAX_SIGNATURES + " signatures, not " + signatures.size());
    }
    long bytes = text.getBytes(StandardCharsets.UTF_8).length + 1L;
    for (Signature s : signatures) {
      String line = s.line();
      if (line.length() - 1 > MAX_LINE_CHARS) {
        throw new IllegalArgumentException("signature line is over " + MAX_LINE_CHARS + " chars");
      }
      bytes += line.getBytes(StandardCharsets.UTF_8).length;
    }
    if (bytes > MAX_NOTE_BYTES) {
      throw new IllegalArgumentException("note is over " + MAX_NOTE_BYTES + " bytes");
    }
  }

  /**
   * Signs {@code text} with one key.
   *
   * @throws IllegalArgumentException if the text is not a valid note text (see the constructor)
   * @throws GeneralSecurityException if signing fails or the signature does not verify under the
   *     signer's own public key
   */
  public static SignedNote sign(String text, NoteSigner signer) throws GeneralSecurityException {
    String problem = textProblem(text);
    if (problem != null) {
      throw new IllegalArgumentException("note text " + problem);
    }
    byte[] signature = signer.sign(text.getBytes(StandardCharsets.UTF_8));
    return new SignedNote(text, List.of(new Signature(signer.name(), signer.keyId(), signature)));
  }

  /**
   * Parses a note and verifies it against one key: the usual way to read a note from outside.
   *
   * @throws FormatException if the note is malformed
   * @throws VerificationException if it carries no valid signature by {@code verifier}
   */
  public static SignedNote open(byte[] note, NoteVerifier verifier)
      throws FormatException, VerificationException {
    SignedNote parsed = parse(note);
    parsed.verify(verifier);
    return parsed;
  }

  /**
   * Parses a UTF-8 encoded note without verifying it.
   *
   * @throws FormatException if the bytes are over {@value #MAX_NOTE_BYTES}, not UTF-8, or not a
   *     well-formed note
   */
  public static SignedNote parse(byte[] note) throws FormatException {
    if (note.length > MAX_NOTE_BYTES) {
      throw new FormatException("note is over " + MAX_NOTE_BYTES + " bytes");
    }
    return parse(Utf8.decode(note, "note"));
  }

  /**
   * Parses a note without verifying it.
   *
   * @throws FormatException if the note is not well-formed or breaks a size limit
   */
  public static SignedNote parse(String note) throws FormatException {
    // A UTF-8 byte is at most one char, so this bounds the work before any other check.
    if (note.length() > MAX_NOTE_BYTES) {
      throw new FormatException("note is over " + MAX_NOTE_BYTES + " bytes");
    }
    if (!note.endsWith("\n")) {
      throw new FormatException("note does not end in a newline");
    }
    // The text ends at the last blank line; signature lines never contain one.
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw new FormatException("note has no blank line before its signatures");
    }
    String text = note.substring(0, split + 1);
    String problem = textProblem(text);
    if (problem != null) {
      throw new FormatException("note text " + problem);
    }
    String[] lines = note.substring(split + 2).split("\n", -1);
    // The last element is the empty string after the final newline.
    int count = lines.length - 1;
    if (count == 0) {
      throw new FormatException("note has no signature lines");
    }
    if (count > MAX_SIGNATURES) {
      throw new FormatException("note has more than " + MAX_SIGNATURES + " signatures");
    }
    List<Signature> signatures = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      signatures.add(parseSignatureLine(lines[i], i + 1));
    }
    try {
      return new SignedNote(text, signatures);
    } catch (IllegalArgumentException e) {
      throw new FormatException("note " + e.getMessage(), e);
    }
  }

  private static Signature parseSignatureLine(String line, int number) {
    String where = "signature line " + number;
    if (line.length() > MAX_LINE_CHARS) {
      throw new FormatException(where + " is over " + MAX_LINE_CHARS + " chars");
    }
    if (!line.startsWith(SIGNATURE_PREFIX)) {
      throw new FormatException(where + " does not start with an em dash and a space");
    }
    String rest = line.substring(SIGNATURE_PREFIX.length());
    int space = rest.indexOf(' ');
    if (space < 0) {
      throw new FormatException(where + " has no space between key name and signature");
    }
    String name = rest.substring(0, space);
    if (!isValidKeyName(name)) {
      throw new FormatException(where + " has an invalid key name");
    }
    byte[] idAndSignature = decodeBase64(rest.substring(space + 1), where);
    if (idAndSignature.length < 5) {
      throw new FormatException(where + " is shorter than a key ID and a signature");
    }
    ByteBuffer buffer = ByteBuffer.wrap(idAndSignature);
    int keyId = buffer.getInt();
    byte[] signature = new byte[buffer.remaining()];
    buffer.get(signature);
    return new Signature(name, keyId, signature);
  }

  /**
   * Checks that this note carries a valid signature by {@code verifier}'s key. Signatures by other
   * keys are ignored, as C2SP requires; a failing signature by this key rejects the whole note.
   *
   * @throws VerificationException if a signature by the key fails or none is present
   */
  public void verify(NoteVerifier verifier) throws VerificationException {
    byte[] message = text.getBytes(StandardCharsets.UTF_8);
    boolean verified = false;
    for (Signature s : signatures) {
      if (s.keyName().equals(verifier.name()) && s.keyId() == verifier.keyId()) {
        if (!verifier.verify(message, s.signature)) {
          throw new VerificationException(
              "note signature by " + verifier.name() + "+" + verifier.hexKeyId()
                  + " does not verify");
        }
        verified = true;
      }
    }
    if (!verified) {
      throw new VerificationException(
          "note has no signature by " + verifier.name() + "+" + verifier.hexKeyId());
    }
  }

  /** The note as text: the note text, a blank line, the signature lines. */
  public String encode() {
    StringBuilder out = new StringBuilder(text).append('\n');
    for (Signature s : signatures) {
      out.append(s.line());
    }
    return out.toString();
  }

  /** {@link #encode()} in UTF-8, the form that is stored and handed to auditors. */
  public byte[] toBytes() {
    return encode().getBytes(StandardCharsets.UTF_8);
  }

  /** C2SP: non-empty, no Unicode space, no '+'; and nothing a note may not contain. */
  static boolean isValidKeyName(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_LINE_CHARS) {
      return false;
    }
    if (!Utf8.isWellFormed(name)) {
      return false;
    }
    return name.codePoints()
        .noneMatch(
            cp -> cp == '+' || cp < 0x20 || cp == 0x85 || Character.isWhitespace(cp)
                || Character.isSpaceChar(cp));
  }

  /** Null if {@code text} may be a note text, else what is wrong with it. */
  static String textProblem(String text) {
    if (text == null || text.isEmpty()) {
      return "is empty";
    }
    if (text.length() > MAX_NOTE_BYTES) {
      return "is over " + MAX_NOTE_BYTES + " bytes";
    }
    if (text.charAt(text.length() - 1) != '\n') {
      return "does not end in a newline";
    }
    if (!Utf8.isWellFormed(text)) {
      return "contains a lone surrogate";
    }
    int lineStart = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        if (i - lineStart > MAX_LINE_CHARS) {
          return "has a line over " + MAX_LINE_CHARS + " chars";
        }
        lineStart = i + 1;
      } else if (c < 0x20) {
        return "contains control character 0x" + Integer.toHexString(c);
      }
    }
    return null;
  }

  /** Standard padded base64 in its one canonical spelling (no missing padding, no stray bits). */
  static byte[] decodeBase64(String encoded, String what) {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new FormatException(what + " is not valid base64", e);
    }
    if (!Base64.getEncoder().encodeToString(decoded).equals(encoded)) {
      throw new FormatException(what + " is not canonical padded base64");
    }
    return decoded;
  }

  @Override
  public String toString() {
    return "SignedNote[" + text.length() + " chars, " + signatures + "]";
  }
}
