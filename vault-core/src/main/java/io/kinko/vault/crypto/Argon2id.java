package io.kinko.vault.crypto;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import io.kinko.vault.PasswordCost;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Argon2id version 1.3 (RFC 9106) with a 32-byte output, the key derivation of every key slot.
 *
 * <p>Two implementations give the same bytes (Argon2idTest holds them to each other and to the
 * RFC): the reference C library through argon2-jvm, which runs the p lanes of a pass on p threads,
 * and Bouncy Castle's Java one, which runs them one after another. The C library is used wherever
 * its bundled native library loads (Linux, macOS and Windows on x86-64 and ARM); Bouncy Castle
 * elsewhere, at the cost of time, never of security.
 */
final class Argon2id {
  private static final Logger LOG = LoggerFactory.getLogger(Argon2id.class);
  private static final int KEY_BYTES = 32;

  private Argon2id() {}

  /** The 32-byte key for {@code secret} and {@code salt} at {@code cost}. */
  static byte[] derive(byte[] secret, byte[] salt, PasswordCost cost) {
    Argon2Advanced reference = Native.REFERENCE;
    // argon2-jvm cannot pass an empty password to the library (JNA allocates no zero-byte memory).
    if (reference != null && secret.length > 0) {
      return reference.rawHashAdvanced(cost.iterations(), cost.memoryKiB(), cost.parallelism(), secret, salt, null, null,
          KEY_BYTES, Argon2Version.V13);
    }
    return deriveInJava(secret, salt, cost);
  }

  /** Loads the native library now (see {@link KeySlot#prepareInBackground()}). */
  static void prepare() {
    isNative();
  }

  /** Whether derivations run in the reference C library (on all cores), for the benchmark. */
  static boolean isNative() {
    return Native.REFERENCE != null;
  }

  static byte[] deriveInJava(byte[] secret, byte[] salt, PasswordCost cost) {
    Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withIterations(cost.iterations())
        .withMemoryAsKB(cost.memoryKiB())
        .withParallelism(cost.parallelism())
        .withSalt(salt)
        .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] key = new byte[KEY_BYTES];
    generator.generateBytes(secret, key);
    return key;
  }

  /** Loads the native library once, on first use; null where it does not load. */
  private static final class Native {
    static final Argon2Advanced REFERENCE = load();

    private static Argon2Advanced load() {
      try {
        Argon2Advanced argon2 = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id);
        // A derivation at the smallest cost makes JNA load the library now, not in a login.
        argon2.rawHashAdvanced(1, 8, 1, new byte[1], new byte[16], null, null, KEY_BYTES, Argon2Version.V13);
        return argon2;
      } catch (LinkageError | RuntimeException e) {
        LOG.info("Argon2id runs in Java on one thread: the native library did not load ({})", e.getClass().getSimpleName());
        return null;
      }
    }
  }
}
