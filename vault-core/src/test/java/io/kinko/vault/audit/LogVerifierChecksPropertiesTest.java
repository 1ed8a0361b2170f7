package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The verifier's per-entry checks work in place, without building text for each entry; each must say what the
 * expression it replaced said ({@code contains(field + value + ",")}, {@code regionMatches} of the hex leaf), on
 * entries, near misses and arbitrary text.
 */
class LogVerifierChecksPropertiesTest {
  private static final HexFormat HEX = HexFormat.of();
  /** Text from a small alphabet, so that fields, digits, quotes and wide characters meet often. */
  private static final String ALPHABET = "\"seq:,0123456789aZ{}?\u00e9\u0154\u4e2d\ud83d\ude00";

  private static Gen<String> text() {
    return integers().between(0, 60).zip(longs().all(), (n, seed) -> {
      java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < n; i++) {
        b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
      }
      return b.toString();
    });
  }

  @Test
  void hasNumber_isContainsOfTheFieldTheDecimalAndAComma() {
    qt().withExamples(2000).forAll(text(), text(), longs().between(0, Long.MAX_VALUE), integers().between(0, 3)).checkAssert((pre, post, seq, how) -> {
      String number = switch (how) {
        case 0 -> Long.toString(seq);
        case 1 -> "0" + seq; // a leading zero is not the number's text
        case 2 -> Long.toString(seq / 10);
        default -> Long.toString(seq) + "0";
      };
      String entry = pre + "\"seq\":" + number + post;
      assertEquals(entry.contains("\"seq\":" + seq + ","), LogVerifier.hasNumber(entry, "\"seq\":", seq), entry + " / " + seq);
      assertEquals(pre.contains("\"seq\":" + seq + ","), LogVerifier.hasNumber(pre, "\"seq\":", seq), pre + " / " + seq);
    });
  }

  @Test
  void hasNumber_refusesANumberThatOnlyOverflowsToTheSequence() {
    // 2^64 + 5 would wrap to 5 in a long; it has 20 digits
    assertFalse(LogVerifier.hasNumber("{\"seq\":18446744073709551621,", "\"seq\":", 5));
    assertTrue(LogVerifier.hasNumber("{\"seq\":9223372036854775807,", "\"seq\":", Long.MAX_VALUE));
    assertTrue(LogVerifier.hasNumber("{\"seq\":0,", "\"seq\":", 0));
  }

  @Test
  void linksTo_isTheLowerCaseHexOfTheLeafInThePrevField() {
    qt().withExamples(2000).forAll(text(), text(), longs().all(), integers().between(0, 4)).checkAssert((pre, post, seed, how) -> {
      byte[] leaf = new byte[32];
      new java.util.SplittableRandom(seed).nextBytes(leaf);
      String hex = HEX.formatHex(leaf);
      String stored = switch (how) {
        case 0 -> hex;
        case 1 -> hex.toUpperCase(java.util.Locale.ROOT);
        case 2 -> hex.substring(0, 63) + (hex.charAt(63) == '0' ? '1' : '0');
        case 3 -> hex.substring(0, 63);
        default -> hex + "0";
      };
      String entry = pre.replace("\"prev\":\"", "") + "\"prev\":\"" + stored + "\"" + post;
      int at = entry.indexOf("\"prev\":\"");
      boolean expected = entry.regionMatches(at + 8, hex, 0, 64) && entry.length() > at + 8 + 64 && entry.charAt(at + 8 + 64) == '"';
      assertEquals(expected, LogVerifier.linksTo(entry, leaf), entry);
    });
  }

  /**
   * The old check compared the field with 64 hex digits of the leaf; a leaf row of log_tree edited to 31 bytes (62
   * digits, a prefix of the real one) must not pass for the previous entry's leaf because the first 62 digits agree.
   */
  @Test
  void linksTo_refusesALeafShorterThanAHash() {
    byte[] leaf = new byte[32];
    Arrays.fill(leaf, (byte) 0xab);
    String entry = "{\"prev\":\"" + HEX.formatHex(leaf) + "\",\"seq\":1,}";
    assertTrue(LogVerifier.linksTo(entry, leaf));
    assertFalse(LogVerifier.linksTo(entry, Arrays.copyOf(leaf, 31)));
    assertFalse(LogVerifier.linksTo(entry, new byte[0]));
  }
}
