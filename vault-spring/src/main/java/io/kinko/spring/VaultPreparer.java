package io.kinko.spring;

/**
 * Runs before the auto-configured {@link io.kinko.vault.Vault} opens, for example to create a
 * demo vault in an empty folder. Every bean of this type runs once, in bean order.
 */
@FunctionalInterface
public interface VaultPreparer {
  /** Prepares the folder {@code properties} names; the vault opens after it returns. */
  void prepare(KinkoVaultProperties properties);
}
