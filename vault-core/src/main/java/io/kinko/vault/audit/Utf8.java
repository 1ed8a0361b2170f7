package io.kinko.vault.audit;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 for signed and hashed text: bytes decode only if they are valid UTF-8 (no
 * overlongs, no encoded surrogates), and a String encodes faithfully only if it has no lone
 * surrogate, so text and bytes stay in one-to-one correspondence.
 */
final class Utf8 {
  private Utf8() {}

  /** Decodes {@code bytes}, or throws a {@link FormatException} naming {@code what}. */
  static String decode(byte[] bytes, String what) throws FormatException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new FormatException(what + " is not valid UTF-8", e);
    }
  }

  /** True if every surrogate in {@code s} is part of a pair. */
  static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
