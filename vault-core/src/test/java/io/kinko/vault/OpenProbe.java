package io.kinko.vault;

import java.nio.file.Path;

/**
 * Another process, for {@link VaultInUseTest}: opens the vault named by its argument and says
 * whether it could ("OPENED", then closes it) or not ("REFUSED" and the error).
 */
public final class OpenProbe {
  private OpenProbe() {}

  public static void main(String[] args) {
    try (Vault vault = Vault.open(Path.of(args[0]), "open-probe")) {
      System.out.println("OPENED " + vault.id());
    } catch (VaultException e) {
      System.out.println("REFUSED " + e.getMessage());
    }
    System.out.flush();
  }
}
