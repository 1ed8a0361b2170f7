package io.kinko.vault.engine;

import io.kinko.vault.DatabaseAccount;
import io.kinko.vault.Vault;
import io.kinko.vault.VaultProvider;
import io.kinko.vault.VaultSpec;
import java.nio.file.Path;

/** The library's implementation of the API, registered as the {@link VaultProvider} service. */
public final class Engine implements VaultProvider {
  @Override
  public Vault open(Path directory, String application, DatabaseAccount account) {
    return DefaultVault.open(directory, application, account);
  }

  @Override
  public Vault create(VaultSpec spec) {
    return DefaultVault.create(spec);
  }
}
