package io.kinko.vault;

import com.google.crypto.tink.KeysetHandle;
import io.kinko.vault.crypto.Bytes;
import io.kinko.vault.crypto.KeySlot;
import io.kinko.vault.crypto.VaultKeys;
import io.kinko.vault.store.BlobStore;
import io.kinko.vault.store.Database;
import io.kinko.vault.store.Descriptor;
import io.kinko.vault.store.Durable;
import io.kinko.vault.store.Users;
import io.kinko.vault.store.VaultLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open vault: its descriptor, metadata database and blob folder, shared by every session.
 * Opening needs no secret; reading or writing data needs a {@link Session} from {@link #login}.
 *
 * <pre>{@code
 * try (Vault vault = Vault.open(Path.of("/srv/kinko/city-a"));
 *      Password password = Password.wrap(console.readPassword());
 *      Session session = vault.login("sato", password)) {
 *   session.put("申請書/2026/0001.pdf", Path.of("scan-0001.pdf"));
 * }
 * }</pre>
 */
public final class Vault implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Vault.class);
  private static final Pattern USER_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private final VaultLayout layout;
  private final Descriptor descriptor;
  private final Database database;
  private final BlobStore blobs;

  private Vault(VaultLayout layout, Descriptor descriptor, Database database) {
    this.layout = layout;
    this.descriptor = descriptor;
    this.database = database;
    this.blobs = new BlobStore(layout);
  }

  /** Starts the creation of a new vault in {@code directory}, which must be absent or empty. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /**
   * Opens an existing vault. No secret is needed yet: that comes with {@link #login}.
   *
   * @throws VaultException if the folder is not a vault or its database cannot be opened
   * @throws IntegrityException if the descriptor is malformed
   */
  public static Vault open(Path directory) {
    VaultLayout layout = new VaultLayout(directory);
    if (!Files.isDirectory(layout.root())) {
      throw new VaultException(layout.root() + " is not a Kinko vault (no such folder)");
    }
    Descriptor descriptor = Descriptor.read(layout);
    if (!Files.isDirectory(layout.database()) || !Files.isDirectory(layout.keys())) {
      throw new IntegrityException(layout.root() + " is missing its db/ or keys/ folder");
    }
    return new Vault(layout, descriptor, Database.openEmbedded(layout));
  }

  /**
   * Authenticates {@code user} with {@code password} and returns their session. The password
   * opens the user's key slot; nothing else is compared.
   *
   * @throws AuthenticationException if the user is unknown or the password is wrong
   * @throws IntegrityException if the key files or the descriptor were altered
   */
  public Session login(String user, Password password) {
    Objects.requireNonNull(password, "password");
    if (user == null || !USER_NAME.matcher(user).matches()) {
      throw new AuthenticationException("authentication failed: '" + user + "' is not a valid user name");
    }
    if (database.inTransaction(c -> Users.find(c, user)).isEmpty()) {
      throw new AuthenticationException("authentication failed for '" + user + "': unknown user or wrong password");
    }
    byte[] slot = readKeyFile(layout.userSlot(user), "key slot of '" + user + "'");
    KeysetHandle master = KeySlot.open(slot, descriptor.vaultId(), user, password);
    VaultKeys keys = VaultKeys.unlock(descriptor.vaultId(), master, readKeyFile(layout.namesKey(), "keys/names.key"));
    byte[] expectedSeal = keys.tag("descriptor", descriptor.sealedContent());
    if (!MessageDigest.isEqual(expectedSeal, Bytes.unhex(descriptor.seal()))) {
      keys.close();
      throw new IntegrityException("kinko.json was edited: its seal does not match its content");
    }
    LOG.debug("user {} logged in to vault {}", user, descriptor.vaultId());
    return new Session(this, user, keys);
  }

  /** The vault's id: random, stable, safe to show. */
  public String id() {
    return descriptor.vaultId();
  }

  /** The contract this vault serves. */
  public Contract contract() {
    return descriptor.contract();
  }

  public Path directory() {
    return layout.root();
  }

  Database database() {
    return database;
  }

  BlobStore blobs() {
    return blobs;
  }

  @Override
  public void close() {
    database.close();
  }

  @Override
  public String toString() {
    return "Vault[" + descriptor.vaultId() + " at " + layout.root() + "]";
  }

  private static byte[] readKeyFile(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IntegrityException(what + " is missing");
    } catch (IOException e) {
      throw new VaultException("cannot read " + what + ": " + e.getMessage(), e);
    }
  }

  /** Collects what a new vault needs; {@link #create()} writes it. */
  public static final class Builder {
    private final Path directory;
    private Contract contract;
    private String admin;
    private Password adminPassword;
    private PasswordCost passwordCost = PasswordCost.DEFAULT;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    public Builder contract(Contract contract) {
      this.contract = Objects.requireNonNull(contract, "contract");
      return this;
    }

    /** The chief administrator (総括保護管理者), whose password opens the first key slot. */
    public Builder admin(String user, Password password) {
      if (user == null || !USER_NAME.matcher(user).matches()) {
        throw new IllegalArgumentException("user name '" + user + "' must be 1-64 of a-z 0-9 . _ - starting with a letter or digit");
      }
      this.admin = user;
      this.adminPassword = Objects.requireNonNull(password, "password");
      return this;
    }

    /** Argon2id cost for every key slot of this vault; {@link PasswordCost#DEFAULT} unless set. */
    public Builder passwordCost(PasswordCost cost) {
      this.passwordCost = Objects.requireNonNull(cost, "cost");
      return this;
    }

    /**
     * Creates the vault and returns it open. {@code kinko.json} is written last, so a crash
     * leaves a folder that is not yet a vault rather than a half-made one.
     *
     * @throws VaultException if the folder exists and is not empty, or cannot be written
     */
    public Vault create() {
      if (contract == null || admin == null) {
        throw new IllegalStateException("a vault needs a contract and an administrator");
      }
      VaultLayout layout = new VaultLayout(directory);
      requireEmpty(layout.root());
      String vaultId = Bytes.hex(Bytes.random(16));
      KeysetHandle master = VaultKeys.newMasterKeyset();
      byte[] sealedNames = VaultKeys.newSealedNamesKey(vaultId, master);
      Descriptor descriptor;
      try (VaultKeys keys = VaultKeys.unlock(vaultId, master, sealedNames)) {
        Descriptor unsealed = new Descriptor(vaultId, Descriptor.FORMAT, Instant.now(), contract, passwordCost, "");
        descriptor = unsealed.withSeal(Bytes.hex(keys.tag("descriptor", unsealed.sealedContent())));
      }
      try {
        Files.createDirectories(layout.keys());
        Files.createDirectories(layout.database());
        Files.createDirectories(layout.blobs());
        Durable.write(layout.namesKey(), sealedNames);
        Durable.write(layout.userSlot(admin), KeySlot.seal(vaultId, admin, adminPassword, master, passwordCost));
      } catch (IOException e) {
        throw new VaultException("cannot create vault in " + layout.root() + ": " + e.getMessage(), e);
      }
      Database database = Database.openEmbedded(layout);
      try {
        database.inTransaction(c -> {
          Users.insert(c, new Users.Row(admin, "ADMIN", Instant.now().toEpochMilli()));
          return null;
        });
        Durable.write(layout.descriptor(), descriptor.toJson());
        Durable.syncDirectory(layout.root());
      } catch (IOException | RuntimeException e) {
        database.close();
        throw e instanceof VaultException v ? v : new VaultException("cannot create vault in " + layout.root() + ": " + e.getMessage(), e);
      }
      LOG.info("created vault {} for contract {}", vaultId, contract.id());
      return new Vault(layout, descriptor, database);
    }

    private static void requireEmpty(Path root) {
      if (!Files.exists(root)) {
        return;
      }
      if (!Files.isDirectory(root)) {
        throw new VaultException(root + " exists and is not a folder");
      }
      try (Stream<Path> entries = Files.list(root)) {
        if (entries.findAny().isPresent()) {
          throw new VaultException(root + " is not empty; a vault is created in a new or empty folder");
        }
      } catch (IOException e) {
        throw new VaultException("cannot read " + root + ": " + e.getMessage(), e);
      }
    }
  }
}
