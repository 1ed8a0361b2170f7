package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The recovery key's text form: what a person copies from paper reads back to the same key, and a
 * mistyped character or two swapped neighbours are refused by the checksum before any key work.
 */
class RecoveryKeyTest {
  private static byte[] key(long seed) {
    byte[] b = new byte[RecoveryKey.BYTES];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void text_has14GroupsOf4_andReadsBackToTheSameKey_inAnyCaseAndSpacing() {
    qt().forAll(longs().all()).checkAssert(seed -> {
      try (RecoveryKey k = RecoveryKey.wrap(key(seed))) {
        char[] text = k.text();
        assertEquals(14 * 4 + 13, text.length);
        assertTrue(new String(text).matches("([A-Z2-7]{4}-){13}[A-Z2-7]{4}"), new String(text));
        try (RecoveryKey back = RecoveryKey.parse(new String(text).toLowerCase().replace("-", " ").toCharArray())) {
          assertArrayEquals(k.bytes(), back.bytes());
          assertEquals(k.fingerprint(), back.fingerprint());
        }
      }
    });
  }

  @Test
  void aSingleMistypedCharacter_anywhere_isRefusedByTheChecksum() {
    qt().forAll(longs().all(), integers().between(0, 55), integers().between(1, 31)).checkAssert((seed, at, shift) -> {
      try (RecoveryKey k = RecoveryKey.wrap(key(seed))) {
        char[] bare = new String(k.text()).replace("-", "").toCharArray();
        bare[at] = RecoveryKey.ALPHABET.charAt((RecoveryKey.ALPHABET.indexOf(bare[at]) + shift) % 32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RecoveryKey.parse(bare));
        assertFalse(e.getMessage().contains(new String(bare)), "the message quotes no key");
      }
    });
  }

  @Test
  void twoSwappedNeighbours_areRefusedByTheChecksum() {
    qt().forAll(longs().all(), integers().between(0, 54)).checkAssert((seed, at) -> {
      try (RecoveryKey k = RecoveryKey.wrap(key(seed))) {
        char[] bare = new String(k.text()).replace("-", "").toCharArray();
        if (bare[at] == bare[at + 1]) {
          return; // the same text
        }
        char c = bare[at];
        bare[at] = bare[at + 1];
        bare[at + 1] = c;
        assertThrows(IllegalArgumentException.class, () -> RecoveryKey.parse(bare));
      }
    });
  }

  @Test
  void theChecksumModulus_isAPrimeAndItsWeightsAreDistinct() {
    assertTrue(BigInteger.valueOf(RecoveryKey.CHECK_MODULUS).isProbablePrime(50));
    java.util.Set<Long> weights = new java.util.HashSet<>();
    long w = 1;
    for (int i = 0; i < RecoveryKey.KEY_CHARS; i++) {
      w = w * 3 % RecoveryKey.CHECK_MODULUS;
      assertTrue(weights.add(w));
    }
  }

  @Test
  void wrongLengthOrCharacters_areClearErrors() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RecoveryKey.parse("ABCD-EFGH".toCharArray())).getMessage().contains("56 characters"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RecoveryKey.parse("ABC1".toCharArray())).getMessage().contains("A-Z"));
    assertThrows(IllegalArgumentException.class, () -> RecoveryKey.wrap(new byte[16]));
  }

  @Test
  void toString_andTheFingerprint_revealNoKey() {
    try (RecoveryKey k = RecoveryKey.wrap(key(1))) {
      String text = new String(k.text());
      assertFalse(k.toString().contains(text.substring(0, 4)));
      assertTrue(k.toString().contains(k.fingerprint()));
      assertTrue(k.fingerprint().matches("[0-9a-f]{16}"));
      k.close();
      assertThrows(IllegalStateException.class, k::bytes);
      assertEquals("RecoveryKey[closed]", k.toString());
    }
  }
}
