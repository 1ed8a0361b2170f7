import io.kinko.vault.Password;
import io.kinko.vault.PasswordCost;
import io.kinko.vault.crypto.KeySlot;

/**
 * Prints the seconds of one Argon2id derivation at the vault's default cost, as the first one in a
 * fresh JVM (so it includes loading the native library), through the same code a login runs.
 * Run from benchmarks/run as {@code java -cp kinko.jar benchmarks/lib/Argon2Alone.java [minimum]}.
 */
public final class Argon2Alone {
  public static void main(String[] args) {
    PasswordCost cost = args.length > 0 && args[0].equals("minimum") ? PasswordCost.MINIMUM : PasswordCost.DEFAULT;
    char[] chars = "not-a-secret-password-42".toCharArray();
    long start = System.nanoTime();
    KeySlot.refuseWithoutSlot("bench", Password.wrap(chars), cost);
    System.out.printf("%.3f%n", (System.nanoTime() - start) / 1e9);
  }
}
