package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Password lines are read as bytes and decoded to characters exactly, whatever they contain. */
class PasswordSourceTest {
  @Test
  void firstLine_thenDecode_givesBackAnyTextWithoutLineBreaks() {
    // every code point from space up, surrogates excluded (they are not characters on their own)
    Gen<Integer> codePoint = integers().between(0x20, 0x10FFFF - 0x800).map(c -> c >= 0xD800 ? c + 0x800 : c);
    Gen<String> text = lists().of(codePoint).ofSizeBetween(1, 100)
        .map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
    qt().forAll(text)
        .assuming(s -> !s.startsWith("\uFEFF"))
        .checkAssert(s -> {
          byte[] file = (s + "\nnext line").getBytes(StandardCharsets.UTF_8);
          char[] decoded = PasswordSource.decodeUtf8(firstLine(file), "test");
          assertArrayEquals(s.toCharArray(), decoded);
        });
  }

  @Test
  void firstLine_dropsAUtf8ByteOrderMarkAndAWindowsLineEnd() throws IOException {
    byte[] file = "\uFEFFパスワード123456\r\n".getBytes(StandardCharsets.UTF_8);

    char[] decoded = PasswordSource.decodeUtf8(PasswordSource.firstLine(new ByteArrayInputStream(file), "test"), "test");

    assertEquals("パスワード123456", new String(decoded));
  }

  @Test
  void firstLine_longerThanTheLimit_isRefused() {
    byte[] file = new byte[PasswordSource.MAX_LINE_BYTES + 1];
    java.util.Arrays.fill(file, (byte) 'a');

    UsageException e = assertThrows(UsageException.class, () -> PasswordSource.firstLine(new ByteArrayInputStream(file), "password file p"));
    assertTrue(e.getMessage().contains("longer than"), e.getMessage());
  }

  @Test
  void decode_ofBytesThatAreNotUtf8_isAUsageError() {
    UsageException e = assertThrows(UsageException.class, () -> PasswordSource.decodeUtf8(new byte[] {'a', (byte) 0xC3}, "password file p"));
    assertEquals("password file p is not UTF-8 text", e.getMessage());
  }

  private static byte[] firstLine(byte[] file) {
    try {
      return PasswordSource.firstLine(new ByteArrayInputStream(file), "test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
