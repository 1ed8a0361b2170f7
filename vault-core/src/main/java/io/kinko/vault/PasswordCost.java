package io.kinko.vault;

/**
 * Argon2id cost of the key derivation that turns a password into the key of its key slot.
 * Never below {@link #MINIMUM}, so a weak setting cannot slip into a vault; never above the
 * caps, so a crafted key slot cannot make a login allocate 16 GiB or spin for an hour.
 */
public record PasswordCost(int iterations, int memoryKiB, int parallelism) {
  /** RFC 9106 §4, second recommended option: t=3, m=64 MiB, p=4. */
  public static final PasswordCost DEFAULT = new PasswordCost(3, 64 * 1024, 4);
  /** OWASP's minimum for Argon2id (t=2, m=19 MiB, p=1): for tests and small machines. */
  public static final PasswordCost MINIMUM = new PasswordCost(2, 19 * 1024, 1);
  static final int MAX_ITERATIONS = 16;
  static final int MAX_MEMORY_KIB = 1024 * 1024;
  static final int MAX_PARALLELISM = 16;

  public PasswordCost {
    if (iterations < 2 || memoryKiB < 19 * 1024 || parallelism < 1) {
      throw new IllegalArgumentException("password cost t=" + iterations + " m=" + memoryKiB + "KiB p=" + parallelism
          + " is below the minimum t=2 m=19456KiB p=1");
    }
    if (iterations > MAX_ITERATIONS || memoryKiB > MAX_MEMORY_KIB || parallelism > MAX_PARALLELISM) {
      throw new IllegalArgumentException("password cost t=" + iterations + " m=" + memoryKiB + "KiB p=" + parallelism
          + " is above the caps t=" + MAX_ITERATIONS + " m=" + MAX_MEMORY_KIB + "KiB p=" + MAX_PARALLELISM);
    }
  }
}
