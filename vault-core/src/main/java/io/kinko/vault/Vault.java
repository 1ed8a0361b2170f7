package io.kinko.vault;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An open vault: its descriptor, metadata database, blob folder and access log, shared by every
 * session. Opening needs no secret; reading or writing data needs a {@link Session} from
 * {@link #login}, and every login, failed or not, is logged.
 *
 * <pre>{@code
 * try (Vault vault = Vault.open(Path.of("/srv/kinko/city-a"), "intake-app");
 *      Password password = Password.wrap(console.readPassword());
 *      Session session = vault.login("sato", password)) {
 *   session.put("申請書/2026/0001.pdf", Path.of("scan-0001.pdf"));
 * }
 * }</pre>
 */
public interface Vault extends AutoCloseable {
  /** The application name recorded in log entries when the embedding application names none. */
  String DEFAULT_APPLICATION = "kinko-library";

  /** Starts the creation of a new vault in {@code directory}, which must be absent or empty. */
  static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** Opens an existing vault for an unnamed application; see {@link #open(Path, String)}. */
  static Vault open(Path directory) {
    return open(directory, DEFAULT_APPLICATION);
  }

  /**
   * Opens an existing vault. No secret is needed yet: that comes with {@link #login}. Checks that
   * the access log still contains the last checkpoint the vault signed, and that the vault's state
   * is not older than that checkpoint names. A vault whose metadata is on PostgreSQL connects with
   * the account {@link DatabaseAccount#fromEnvironment()} names.
   *
   * @param application the embedding application's name, recorded in every log entry
   * @throws VaultException if the folder is not a vault or its database cannot be opened
   * @throws IntegrityException if the descriptor is malformed or the log or state was rolled back
   */
  static Vault open(Path directory, String application) {
    return open(directory, application, null);
  }

  /**
   * Opens an existing vault whose metadata is on PostgreSQL with an account the embedding
   * application holds; see {@link #open(Path, String)}. An embedded vault ignores the account.
   * The account is only read here; the caller still closes it.
   */
  static Vault open(Path directory, String application, DatabaseAccount account) {
    return VaultProvider.installed().open(directory, application, account);
  }

  /**
   * Authenticates {@code user} with {@code password} and returns their session. The password
   * opens the user's key slot; nothing else is compared. Success and failure are both logged.
   *
   * @throws AuthenticationException if the user is unknown or the password is wrong
   * @throws IntegrityException if the key files or the descriptor were altered
   * @throws VaultException if the login cannot be logged
   */
  Session login(String user, Password password);

  /**
   * Authenticates {@code user} as {@link #login(String, Password)} does, for a person who reaches
   * the embedding application from {@code remoteAddress} (a web application passes the request's
   * remote address). Every entry of the login, failed or not, and of the session it returns
   * records the address beside this vault's host, process and application ({@link
   * ClientInfo#address()}, {@link LogEntry#address()}).
   *
   * @throws IllegalArgumentException if the address is not an IP address or host name
   * @throws AuthenticationException if the user is unknown or the password is wrong
   * @throws IntegrityException if the key files or the descriptor were altered
   * @throws VaultException if the login cannot be logged
   */
  Session login(String user, Password password, String remoteAddress);

  /**
   * Sets a new password for the administrator {@code admin} with the vault's recovery key, for the
   * case where every administrator password is lost: no login is needed. The key opens the
   * recovery slot; the slot must be the one the vault's state names (an older slot copied back
   * after a rotation is refused). The account's slot is replaced (the old one's bytes destroyed),
   * its lockout cleared, and a RECOVER entry and an INCIDENT ({@link IncidentRule#RECOVERY}, whose
   * evidence is the RECOVER entry) are logged, so every alert sink hears of it. Log in afterwards
   * with the new password.
   *
   * @throws AuthenticationException if the key does not open the recovery slot: a LOGIN DENY entry
   *     counted as a failed login of {@code admin} (five lock the account's password login)
   * @throws AccessDeniedException if {@code admin} is not an administrator or is disabled
   * @throws IntegrityException if the recovery slot is damaged, crafted, missing while the vault
   *     names one, or not the vault's current one ({@code integrity.keys}, an INCIDENT)
   * @throws IllegalArgumentException if the new password is too weak
   * @throws VaultException if the vault has no recovery key
   */
  void recover(String admin, RecoveryKey key, Password newPassword);

  /**
   * Authenticates {@code user} with a hardware token, and with {@code password} too when it is
   * not null (two factors). The token is found by its label before the PIN is sent; a user of a
   * role the vault's two-factor policy names needs both once they hold a token. The LOGIN entry
   * names the factors: {@code token} or {@code password+token}.
   *
   * @throws AuthenticationException if a factor is wrong or missing, the token is absent, another
   *     token or locked; only a wrong PIN or password counts toward the lockout
   * @throws IntegrityException if the token slot was altered
   */
  Session login(String user, Password password, TokenCredential token);

  /** Password length, lockout threshold and account grace of this vault. */
  AccessPolicy accessPolicy();

  /** Who must agree before a file of this vault is destroyed (sealed in {@code kinko.json}). */
  default DeletionApproval deletionApproval() {
    return DeletionApproval.NONE;
  }

  /** The vault's id: random, stable, safe to show. */
  String id();

  /** The contract this vault serves. */
  Contract contract();

  LogPolicy logPolicy();

  Path directory();

  /** The vault's Ed25519 public key as PEM: what auditors verify checkpoints and certificates with. */
  String publicKeyPem();

  /** The signed-note verifier key ({@code name+keyid+base64}) for the log's checkpoints. */
  String verifierKey();

  /** The backend and how far the log and its newest signed checkpoint reach; read-only, not logged. */
  VaultStatus status();

  /**
   * Delivers the alerts that are due to every sink now, in order, and waits for the attempts
   * (the vault's own delivery thread does the same in the background, with backoff). Needs no
   * login; an SMTP sink with a password is served only while a session of this vault is open.
   *
   * @return the attempts made, in order
   */
  java.util.List<AlertDelivery> deliverAlerts();

  @Override
  void close();

  /** Collects what a new vault needs; {@link #create()} writes it. */
  final class Builder {
    private final Path directory;
    private Contract contract;
    private String admin;
    private Password adminPassword;
    private PasswordCost passwordCost = PasswordCost.DEFAULT;
    private LogPolicy logPolicy = LogPolicy.DEFAULT;
    private AccessPolicy accessPolicy = AccessPolicy.DEFAULT;
    private String application = DEFAULT_APPLICATION;
    private String databaseUrl;
    private DatabaseAccount databaseAccount;
    private CertificateNames certificateNames = CertificateNames.TAG;
    private DeletionApproval deletionApproval = DeletionApproval.NONE;
    private String cityRecipient;
    private java.util.function.Consumer<RecoveryKey> recoveryKey;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    public Builder contract(Contract contract) {
      this.contract = Objects.requireNonNull(contract, "contract");
      return this;
    }

    /** The chief administrator (総括保護管理者), whose password opens the first key slot. */
    public Builder admin(String user, Password password) {
      this.admin = UserInfo.requireValidName(user);
      this.adminPassword = Objects.requireNonNull(password, "password");
      return this;
    }

    /** Argon2id cost for every key slot of this vault; {@link PasswordCost#DEFAULT} unless set. */
    public Builder passwordCost(PasswordCost cost) {
      this.passwordCost = Objects.requireNonNull(cost, "cost");
      return this;
    }

    /** Log retention and checkpoint intervals; {@link LogPolicy#DEFAULT} unless set. */
    public Builder logPolicy(LogPolicy policy) {
      this.logPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Password length, lockout threshold and account grace; {@link AccessPolicy#DEFAULT} unless set. */
    public Builder accessPolicy(AccessPolicy policy) {
      this.accessPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Keeps the vault's metadata, log and certificates in the PostgreSQL database at {@code
     * jdbcUrl} instead of the embedded H2, so that several machines can share the vault (its
     * folder then lives on a shared path). The URL goes into {@code kinko.json}; the account
     * does not: each process brings its own (see {@link DatabaseAccount}). The caller still
     * closes the account. The database, or the schema the URL's {@code currentSchema} names,
     * must not hold another vault.
     *
     * @throws IllegalArgumentException if the URL is not a PostgreSQL URL or carries credentials
     */
    public Builder database(String jdbcUrl, DatabaseAccount account) {
      this.databaseUrl = DatabaseAccount.requireSharedUrl(jdbcUrl);
      this.databaseAccount = account;
      return this;
    }

    /**
     * How this vault's certificates name what they erased: by keyed tag ({@link
     * CertificateNames#TAG}, the default) or by path in plain text. Sealed in {@code kinko.json}.
     */
    public Builder certificateNames(CertificateNames names) {
      this.certificateNames = Objects.requireNonNull(names, "names");
      return this;
    }

    /**
     * Certificates name what they erased sealed to the city's age X25519 recipient ({@code
     * age1...}, {@link CertificateNames#SEALED}): the city opens a name with {@code age -d}, the
     * contractor cannot. Sealed in {@code kinko.json}.
     *
     * {@link #create} refuses (IllegalArgumentException) a recipient that is not age X25519.
     */
    public Builder certificateNamesSealedTo(String ageRecipient) {
      this.cityRecipient = Objects.requireNonNull(ageRecipient, "ageRecipient");
      this.certificateNames = CertificateNames.SEALED;
      return this;
    }

    /**
     * Who must agree before a file is destroyed: nobody else ({@link DeletionApproval#NONE}, the
     * default) or a second person ({@link DeletionApproval#TWO_PERSON}). Sealed in {@code kinko.json}.
     */
    public Builder deletionApproval(DeletionApproval approval) {
      this.deletionApproval = Objects.requireNonNull(approval, "approval");
      return this;
    }

    /**
     * Gives the vault a recovery key (256 random bits, {@code keys/recovery.slot}) and hands it to
     * {@code receiver} once, after the vault is made and before {@link #create} returns; the key is
     * closed when {@code receiver} returns, so it must print or store what it needs then. Nothing
     * else ever sees the key again: only its fingerprint is kept. Without a receiver the vault has no
     * recovery key (a self-audit finding) until an administrator runs {@link
     * Administration#rotateRecoveryKey()}. A receiver that throws leaves the vault made: rotate then.
     */
    public Builder recoveryKey(java.util.function.Consumer<RecoveryKey> receiver) {
      this.recoveryKey = Objects.requireNonNull(receiver, "receiver");
      return this;
    }

    /** The creating application's name, recorded in the log. */
    public Builder application(String name) {
      this.application = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Creates the vault and returns it open. The log's first entry records the creation and is
     * checkpointed. {@code kinko.json} is written last, so a crash leaves a folder that is not yet
     * a vault rather than a half-made one.
     *
     * @throws VaultException if the folder exists and is not empty, or cannot be written
     */
    public Vault create() {
      if (contract == null || admin == null) {
        throw new IllegalStateException("a vault needs a contract and an administrator");
      }
      return VaultProvider.installed().create(new VaultSpec(directory, contract, admin, adminPassword, passwordCost, logPolicy,
          accessPolicy, application, databaseUrl, databaseAccount, certificateNames, deletionApproval, cityRecipient, recoveryKey));
    }
  }
}
