package io.kinko.vault.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arrays;
import static org.quicktheories.generators.SourceDSL.integers;

import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import io.kinko.vault.PasswordCost;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

/** The two Argon2id implementations against RFC 9106 and against each other. */
class Argon2idTest {
  /** RFC 9106, section 5.3: Argon2id, t=3, m=32 KiB, p=4, with secret and associated data. */
  private static final byte[] RFC_9106_TAG =
      HexFormat.of().parseHex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");

  private static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  @Test
  void reference_givesTheRfc9106Tag() {
    byte[] tag = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id)
        .rawHashAdvanced(3, 32, 4, filled(32, 1), filled(16, 2), filled(8, 3), filled(12, 4), 32, Argon2Version.V13);
    assertArrayEquals(RFC_9106_TAG, tag);
  }

  @Test
  void bouncyCastle_givesTheRfc9106Tag() {
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withIterations(3).withMemoryAsKB(32).withParallelism(4)
        .withSalt(filled(16, 2)).withSecret(filled(8, 3)).withAdditional(filled(12, 4)).build());
    byte[] tag = new byte[32];
    generator.generateBytes(filled(32, 1), tag);
    assertArrayEquals(RFC_9106_TAG, tag);
  }

  @Test
  void nativeLibrary_loadsOnThisMachine() {
    // CI runs on Linux x86-64, where argon2-jvm bundles the library: the fast path is the one tested.
    assertTrue(Argon2id.isNative(), "Argon2id fell back to Java on a platform that has the native library");
  }

  @Test
  void derive_matchesTheJavaImplementation_forAnyPasswordSaltAndCost() {
    // PasswordCost's floor is 19 MiB, so each example costs a few hundred milliseconds in Java.
    qt().withExamples(10)
        .forAll(arrays().ofIntegers(integers().between(0, 255)).withLengthBetween(0, 64),
            integers().between(2, 3), integers().between(1, 4), integers().between(0, 64))
        .checkAssert((password, iterations, parallelism, extraBlocks) -> {
          byte[] secret = new byte[password.length];
          for (int i = 0; i < secret.length; i++) {
            secret[i] = password[i].byteValue();
          }
          byte[] salt = Bytes.random(16);
          PasswordCost cost = new PasswordCost(iterations, 19 * 1024 + 8 * parallelism * extraBlocks, parallelism);
          assertArrayEquals(Argon2id.deriveInJava(secret, salt, cost), Argon2id.derive(secret, salt, cost));
        });
  }
}
