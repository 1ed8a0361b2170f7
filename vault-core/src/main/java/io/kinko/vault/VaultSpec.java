package io.kinko.vault;

import java.nio.file.Path;

/**
 * What {@link Vault.Builder} collected for a new vault, as handed to the implementation. The
 * password is the caller's holder: the caller still closes it.
 */
public record VaultSpec(Path directory, Contract contract, String admin, Password adminPassword, PasswordCost passwordCost,
    LogPolicy logPolicy, AccessPolicy accessPolicy, String application, String databaseUrl, DatabaseAccount databaseAccount,
    CertificateNames certificateNames, DeletionApproval deletionApproval, String cityRecipient,
    java.util.function.Consumer<RecoveryKey> recoveryKey) {
  /** A spec without a recovery key: the vault gets none until an administrator rotates one in. */
  public VaultSpec(Path directory, Contract contract, String admin, Password adminPassword, PasswordCost passwordCost,
      LogPolicy logPolicy, AccessPolicy accessPolicy, String application, String databaseUrl, DatabaseAccount databaseAccount,
      CertificateNames certificateNames, DeletionApproval deletionApproval, String cityRecipient) {
    this(directory, contract, admin, adminPassword, passwordCost, logPolicy, accessPolicy, application, databaseUrl, databaseAccount,
        certificateNames, deletionApproval, cityRecipient, null);
  }

  /** A spec with no city recipient: certificates do not seal names. */
  public VaultSpec(Path directory, Contract contract, String admin, Password adminPassword, PasswordCost passwordCost,
      LogPolicy logPolicy, AccessPolicy accessPolicy, String application, String databaseUrl, DatabaseAccount databaseAccount,
      CertificateNames certificateNames, DeletionApproval deletionApproval) {
    this(directory, contract, admin, adminPassword, passwordCost, logPolicy, accessPolicy, application, databaseUrl, databaseAccount,
        certificateNames, deletionApproval, null);
  }

  /** A spec whose deletions need no approval, the default. */
  public VaultSpec(Path directory, Contract contract, String admin, Password adminPassword, PasswordCost passwordCost,
      LogPolicy logPolicy, AccessPolicy accessPolicy, String application, String databaseUrl, DatabaseAccount databaseAccount,
      CertificateNames certificateNames) {
    this(directory, contract, admin, adminPassword, passwordCost, logPolicy, accessPolicy, application, databaseUrl, databaseAccount,
        certificateNames, DeletionApproval.NONE);
  }
}
