package io.kinko.spring;

import io.kinko.vault.Contract;
import io.kinko.vault.Password;
import io.kinko.vault.PasswordCost;
import io.kinko.vault.Vault;
import java.nio.file.Path;
import java.time.LocalDate;

/** Small vaults for the tests, at the lowest password cost the library accepts. */
final class TestVaults {
  static final String ADMIN = "kanri";

  private TestVaults() {}

  static char[] password() {
    return "vault-spring test password".toCharArray();
  }

  static void create(Path folder) {
    Contract contract = new Contract("R8-test-0001", "横浜市", "Kinko 株式会社", LocalDate.now(Contract.ZONE).plusYears(1));
    try (Password admin = Password.wrap(password());
         Vault vault = Vault.builder(folder).contract(contract).admin(ADMIN, admin).passwordCost(PasswordCost.MINIMUM).create()) {
      vault.id();
    }
  }
}
