package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalJsonTest {
  private static String canonical(String json) {
    return new String(CanonicalJson.canonicalize(json), StandardCharsets.UTF_8);
  }

  /**
   * RFC 8785 Appendix B (IEEE-754 bits, expected text); each also checked with node's
   * {@code String(x)}.
   */
  @ParameterizedTest
  @CsvSource({
    "0000000000000000, 0",
    "8000000000000000, 0",
    "0000000000000001, 5e-324",
    "8000000000000001, -5e-324",
    "7fefffffffffffff, 1.7976931348623157e+308",
    "ffefffffffffffff, -1.7976931348623157e+308",
    "4340000000000000, 9007199254740992",
    "c340000000000000, -9007199254740992",
    "4430000000000000, 295147905179352830000",
    "44b52d02c7e14af5, 9.999999999999997e+22",
    "44b52d02c7e14af6, 1e+23",
    "44b52d02c7e14af7, 1.0000000000000001e+23",
    "444b1ae4d6e2ef4e, 999999999999999700000",
    "444b1ae4d6e2ef4f, 999999999999999900000",
    "444b1ae4d6e2ef50, 1e+21",
    "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
    "3eb0c6f7a0b5ed8d, 0.000001",
    "41b3de4355555553, 333333333.3333332",
    "41b3de4355555554, 333333333.33333325",
    "41b3de4355555555, 333333333.3333333",
    "41b3de4355555556, 333333333.3333334",
    "41b3de4355555557, 333333333.33333343",
    "becbf647612f3696, -0.0000033333333333333333",
    "43143ff3c1cb0959, 1424953923781206.2",
  })
  void formatNumber_matchesRfc8785AppendixB(String bits, String expected) {
    double d = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
    assertEquals(expected, CanonicalJson.formatNumber(d));
    assertEquals(expected, new String(CanonicalJson.encode(d), StandardCharsets.UTF_8));
  }

  @Test
  void encode_withNonFiniteNumber_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(Double.NaN));
    assertThrows(IllegalArgumentException.class,
        () -> CanonicalJson.encode(Double.POSITIVE_INFINITY));
  }

  @Test
  void encode_withIntegerBeyondDoublePrecision_isRefused() {
    assertEquals("9007199254740991",
        new String(CanonicalJson.encode(CanonicalJson.MAX_SAFE_INTEGER), StandardCharsets.UTF_8));
    assertThrows(IllegalArgumentException.class,
        () -> CanonicalJson.encode(CanonicalJson.MAX_SAFE_INTEGER + 1));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(Long.MIN_VALUE));
  }

  @Test
  void encode_withUnsupportedTypeOrKey_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(1.5f));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(new Object()));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(Map.of(1, "a")));
  }

  @Test
  void encode_withLoneSurrogate_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode("a\uD800"));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(Map.of("\uDC00", 1)));
  }

  @Test
  void encode_ofCyclicValue_isRefusedNotOverflowed() {
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(cycle));
  }

  @Test
  void encode_sortsKeysByUtf16CodeUnitsNotCodePoints() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("\uE000", 1); // U+E000: one unit 0xE000
    map.put("\uD83D\uDE02", 2); // U+1F602: first unit 0xD83D sorts before 0xE000
    map.put("a", 3);
    assertEquals("{\"a\":3,\"\uD83D\uDE02\":2,\"\uE000\":1}",
        new String(CanonicalJson.encode(map), StandardCharsets.UTF_8));
  }

  @Test
  void encode_escapesOnlyWhatRfc8785Requires() {
    String s = "\"\\\b\f\n\r\t\u0000\u001f\u007f\u2028/<>é";
    assertEquals("\"\\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\u007f\u2028/<>é\"",
        new String(CanonicalJson.encode(s), StandardCharsets.UTF_8));
  }

  @Test
  void canonicalize_removesWhitespaceAndNormalizesNumbers() {
    assertEquals("{\"a\":[1,0.5,-1e-7,100,0],\"b\":{\"c\":null,\"d\":false}}",
        canonical(" {\"b\" : {\"d\":false, \"c\":null},\n\t\"a\":[1.0, 5e-1, -1E-7, 1e2, -0]}\r\n"));
  }

  @Test
  void parse_returnsLongsForSafeIntegersAndDoublesOtherwise() {
    assertEquals(100L, CanonicalJson.parse("1e2"));
    assertEquals(0L, CanonicalJson.parse("-0"));
    assertEquals(0.5, CanonicalJson.parse("0.5"));
    assertEquals(9007199254740992.0, CanonicalJson.parse("9007199254740992"));
    assertEquals(List.of(1L, "x", true), CanonicalJson.parse("[1,\"x\",true]"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"a\":1,\"a\":2}", // duplicate key
    "{\"a\":{},\"\\u0061\":2}", // duplicate key once unescaped
    "\"\\ud800\"", // lone high surrogate
    "\"\\udc00x\"", // lone low surrogate
    "{\"\\ud83d\":1}", // lone surrogate in a key
    "1 2", // two values
    "[1] x", // trailing garbage
    "", // nothing
    "01", "1.", ".5", "+1", "-", "1e", "1.e5", "0x10", "NaN", "Infinity", "-Infinity",
    "1e400", // overflows a double
    "'a'", // single quotes
    "{a:1}", // unquoted key
    "[1,]", // trailing comma
    "{\"a\":1,}",
    "[1 // comment\n]",
    "\"tab\there\"", // raw control character in a string
    "\"\\'\"", // escape that JSON does not have
    "\"\\x41\"",
    "\uFEFF{}", // byte order mark
    "\u000B1", // vertical tab is not JSON whitespace
    "tru", "nul",
  })
  void canonicalize_withMalformedOrAmbiguousJson_isRefused(String json) {
    assertThrows(FormatException.class, () -> CanonicalJson.canonicalize(json));
  }

  @Test
  void canonicalize_withInvalidUtf8_isRefused() {
    // lone continuation byte, overlong '/', CESU-8 surrogate, truncated sequence
    for (byte[] bad : new byte[][] {
        {'"', (byte) 0x80, '"'},
        {'"', (byte) 0xC0, (byte) 0xAF, '"'},
        {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},
        {'"', (byte) 0xE2, (byte) 0x82},
    }) {
      assertThrows(FormatException.class, () -> CanonicalJson.canonicalize(bad));
    }
  }

  @Test
  void canonicalize_nestedBeyondLimit_isRefused() {
    String deep = "[".repeat(CanonicalJson.MAX_DEPTH + 1) + "]".repeat(CanonicalJson.MAX_DEPTH + 1);
    assertThrows(FormatException.class, () -> CanonicalJson.canonicalize(deep));
    String ok = "[".repeat(CanonicalJson.MAX_DEPTH) + "]".repeat(CanonicalJson.MAX_DEPTH);
    assertEquals(ok, canonical(ok));
  }
}
