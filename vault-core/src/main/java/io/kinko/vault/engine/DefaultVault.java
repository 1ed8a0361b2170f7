package io.kinko.vault.engine;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.incident.IncidentReason;

import io.kinko.vault.*;

import com.google.crypto.tink.KeysetHandle;
import io.kinko.vault.acl.AccessRules;
import io.kinko.vault.acl.UserRegistry;
import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.audit.Retention;
import io.kinko.vault.crypto.Bytes;
import io.kinko.vault.crypto.KeySlot;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.crypto.VaultKeys;
import io.kinko.vault.store.BlobStore;
import io.kinko.vault.store.Database;
import io.kinko.vault.store.Descriptor;
import io.kinko.vault.store.Durable;
import io.kinko.vault.store.VaultLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
public final class DefaultVault implements Vault {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultVault.class);
  static final String DEFAULT_APPLICATION = "kinko-library";
  /** The actor of an INCIDENT entry no user's operation raised (no user name starts with '-'). */
  static final String SYSTEM_ACTOR = "-";

  private final VaultLayout layout;
  private final Descriptor descriptor;
  private final Database database;
  private final BlobStore blobs;
  private final AccessLog log;
  private final LogCheckpoints checkpoints;
  /** Runs the incident rules over the log as it grows (clause 6). */
  private final IncidentWatch watch;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private final byte[] publicKey;
  private final Clock clock;
  private final ClientInfo client;
  /** Delivers alerts for this vault's INCIDENT entries on a daemon thread of its own. */
  private final io.kinko.vault.alert.Dispatcher alerts;
  /** The keys of the sessions open now: the alert thread opens a sink's sealed SMTP password with one. */
  private final java.util.List<VaultKeys> liveKeys = new java.util.ArrayList<>();

  /** Integrity failures already logged as INCIDENTs, so that nested guards log each once. */
  private final java.util.Set<IntegrityException> reported = java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

  /** Deletions run one at a time per vault handle, so a login's resume never races a live batch. */
  final Object deletionLock = new Object();

  /** Imports wait for each other per vault handle, before they wait for the database's lock ({@link ImportLock}). */
  final java.util.concurrent.locks.ReentrantLock importLock = new java.util.concurrent.locks.ReentrantLock();

  /** The signing key of an open session, lent to the log's checkpoint policy while one is open. */
  private final Object signerLock = new Object();
  private SigningKey signer;
  private int openSessions;
  /** The highest state version this process has seen verified: a lower one later is a rollback. */
  private final java.util.concurrent.atomic.AtomicLong stateSeen = new java.util.concurrent.atomic.AtomicLong();
  /** Whether the signed checkpoint beside the log names a state (else this vault predates it). */
  private boolean stateWitnessed;
  private volatile long lastCheckpointSize;
  /**
   * A change of state was stored whose own checkpoint could not be signed ({@link #checkpointOwed}):
   * the next close (a session's, else the vault's) signs one, whatever the log's size says.
   */
  private final java.util.concurrent.atomic.AtomicBoolean checkpointOwed = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile Instant lastCheckpointAt;
  /**
   * Entries that return no content and change nothing, when allowed: a session that closes with
   * only these since the last checkpoint leaves them to the next one (see {@link #sessionClosed}).
   */
  private static final java.util.Set<String> QUIET_ACTIONS = java.util.Set.of(Action.LOGIN.name(), Action.LIST.name(),
      Action.STAT.name(), Action.VERSIONS.name());
  /** At most this many quiet entries wait for a checkpoint (fewer if the log policy says so). */
  static final int MAX_QUIET_ENTRIES = 32;

  private DefaultVault(VaultLayout layout, Descriptor descriptor, Database database, byte[] publicKey, ClientInfo client, Clock clock) {
    this.layout = layout;
    this.descriptor = descriptor;
    this.database = database;
    this.blobs = new BlobStore(layout);
    this.publicKey = publicKey;
    this.clock = clock;
    this.client = client;
    this.log = new AccessLog(database, descriptor.vaultId(), client, retention(), clock);
    this.checkpoints = new LogCheckpoints(database, descriptor.vaultId(), layout.checkpoint(), publicKey, clock);
    LogCheckpoints.Latest last = checkpoints.latestSigned().orElse(null);
    this.lastCheckpointSize = last == null ? -1 : last.size();
    this.lastCheckpointAt = last == null ? clock.instant() : last.signedAt();
    this.watch = new IncidentWatch(this, database);
    log.afterBatch(batch -> {
      checkpointIfDue(batch.size());
      watch.wake(batch.entries());
    });
    this.alerts = new io.kinko.vault.alert.Dispatcher(database, descriptor.vaultId(), clock, this::openSinkPassword);
  }

  /** Opens an existing vault; see {@link Vault#open(Path, String, DatabaseAccount)}. */
  static Vault open(Path directory, String application, DatabaseAccount account) {
    return open(directory, application, account, Clock.systemUTC());
  }

  /** Opens an existing vault whose log tells time by {@code clock} (tests: a month of activity). */
  static Vault open(Path directory, String application, DatabaseAccount account, Clock clock) {
    VaultLayout layout = new VaultLayout(directory);
    if (!Files.isDirectory(layout.root())) {
      throw new VaultException(layout.root() + " is not a Kinko vault (no such folder)");
    }
    Descriptor descriptor = Descriptor.read(layout);
    boolean embedded = descriptor.database() == null;
    if (embedded && !Files.isDirectory(layout.database()) || !Files.isDirectory(layout.keys())) {
      throw new IntegrityException(layout.root() + " is missing its db/ or keys/ folder");
    }
    byte[] publicKey = readPublicKey(layout);
    io.kinko.vault.store.PrivateFiles.warnIfWider(layout);
    KeySlot.prepareInBackground();
    destroyRetiredSlots(layout);
    Database database = openDatabase(layout, descriptor.database(), account, false);
    DefaultVault vault = null;
    try {
      database.bindTo(descriptor.vaultId(), false);
      vault = new DefaultVault(layout, descriptor, database, publicKey, ClientInfo.of(application), clock);
      try {
        vault.stateWitnessed = vault.checkpoints.checkNoRollback(vault.log);
      } catch (IntegrityException e) {
        vault.watch.abandon(); // before the INCIDENT's append, which would wake a scan of the log refused here
        vault.incident(SYSTEM_ACTOR, e); // the refused open leaves its trace in the log it refuses
        throw e;
      }
      vault.watch.wake(); // catch up on what a process that died left unscanned
      vault.alerts.start(); // also without a login: what a crashed process left is delivered now
      return vault;
    } catch (RuntimeException e) {
      abandon(vault, database, e);
      throw e;
    }
  }

  /**
   * Gives up a vault that is not handed out (a refused opening, a failed creation) after
   * {@code failure}: stops its incident watch, which an append may have woken, and its alerts,
   * before it closes the database they read, so that nothing of it runs on. {@code vault} is null
   * if it was never made.
   */
  private static void abandon(DefaultVault vault, Database database, RuntimeException failure) {
    if (vault != null) {
      vault.watch.abandon();
      try {
        vault.alerts.close();
      } catch (RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
    closeAfter(database, failure);
  }

  /** Destroys the old slots a replacement interrupted by a crash left under their second names. */
  private static void destroyRetiredSlots(VaultLayout layout) {
    try {
      int destroyed = io.kinko.vault.store.Durable.destroyRetired(layout.keys(), java.time.Duration.ofMinutes(1));
      if (destroyed > 0) {
        LOG.warn("destroyed {} old key slot(s) that an interrupted replacement left in {}", destroyed, layout.keys());
      }
    } catch (IOException e) {
      LOG.warn("could not destroy the old key slots an interrupted replacement left in {}: {}", layout.keys(), e.getMessage());
    }
  }

  private static Database openDatabase(VaultLayout layout, String url, DatabaseAccount account, boolean creating) {
    if (url == null || account != null) {
      return Database.open(layout, url, account, creating);
    }
    try (DatabaseAccount fromEnvironment = DatabaseAccount.fromEnvironment()) {
      return Database.open(layout, url, fromEnvironment, creating);
    }
  }

  /** Closes the database after {@code failure}; a failure to close does not hide the first one. */
  private static void closeAfter(Database database, RuntimeException failure) {
    try {
      database.close();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public Session login(String user, Password password) {
    Objects.requireNonNull(password, "password");
    return login(user, password, (TokenCredential) null);
  }

  @Override
  public Session login(String user, Password password, TokenCredential token) {
    if (password == null && token == null) {
      throw new IllegalArgumentException("a login needs a password, a token or both");
    }
    if (!UserRegistry.validName(user)) {
      log.append(AccessLog.Event.deny("?", Action.LOGIN, "invalid user name", null, null));
      if (password != null) {
        KeySlot.refuseWithoutSlot("?", password, descriptor.passwordCost());
      }
      throw new AuthenticationException("authentication failed: not a valid user name");
    }
    UserInfo account = database.inTransaction(c -> UserRegistry.find(c, user)).map(this::effective).orElse(null);
    if (account == null) {
      log.append(AccessLog.Event.deny(user, Action.LOGIN, "unknown user", null, null));
      if (password == null) {
        throw TokenLogins.unknownOrNoToken(user);
      }
      throw KeySlot.refuseWithoutSlot(user, password, descriptor.passwordCost());
    }
    if (!Files.exists(layout.namesKey())) {
      log.append(AccessLog.Event.deny(user, Action.LOGIN, "vault disposed of", null, null));
      throw new VaultException("vault " + descriptor.vaultId() + " was disposed of: its keys are destroyed");
    }
    AccessRules.Decision allowed = AccessRules.login(account, today());
    if (!allowed.allowed()) {
      log.append(AccessLog.Event.deny(user, Action.LOGIN, allowed.reason(), null, null));
      throw new AuthenticationException("authentication failed for '" + user + "': " + allowed.reason());
    }
    TokenLogins.Unlocked unlocked;
    try {
      unlocked = TokenLogins.unlock(this, user, password, token);
    } catch (TokenLogins.Refused e) {
      log.append(AccessLog.Event.deny(user, Action.LOGIN, e.reason(), null, null));
      throw e.exception();
    } catch (io.kinko.vault.token.TokenFailure e) {
      if (e.reason() == io.kinko.vault.token.TokenFailure.Reason.WRONG_PIN) {
        throw failedLogin(user, e, "wrong PIN");
      }
      // Nothing secret was tried (the token is absent, another one, locked or failing): no count.
      log.append(AccessLog.Event.deny(user, Action.LOGIN, TokenLogins.denial(e), null, null));
      throw e;
    } catch (AuthenticationException e) {
      throw failedLogin(user, e, "wrong password");
    } catch (IntegrityException e) {
      // A damaged or crafted slot says nothing about the password: refused, and nobody's lockout counts it.
      throw malformedSlot(user, e);
    }
    KeysetHandle master = unlocked.master();
    VaultKeys keys = VaultKeys.unlock(descriptor.vaultId(), master, readKeyFile(layout.namesKey(), "keys/names.key"));
    try {
      SigningKey signing = openSigningKey(keys);
      io.kinko.vault.state.VaultState state = new io.kinko.vault.state.VaultState(keys, stateSeen);
      sealStateIfNew(state, signing);
      // Decide again on the account as the checked state holds it: the row read before the
      // password could be checked was only a hint.
      UserInfo checked = database.inTransaction(c -> UserRegistry.checked(state, c, user)).map(this::effective)
          .orElseThrow(() -> new IntegrityException(IncidentRule.INTEGRITY_STATE, "the account of '" + user + "' is not in the vault's state: it was added outside Kinko"));
      AccessRules.Decision still = AccessRules.login(checked, today());
      if (!still.allowed()) {
        log.append(AccessLog.Event.deny(user, Action.LOGIN, still.reason(), null, null));
        throw new AuthenticationException("authentication failed for '" + user + "': " + still.reason());
      }
      AccessRules.Decision factors = TokenLogins.decide(this, state, checked, unlocked.factors());
      if (!factors.allowed()) {
        log.append(AccessLog.Event.deny(user, Action.LOGIN, factors.reason(), null, null));
        throw new AuthenticationException("authentication failed for '" + user + "': " + factors.reason());
      }
      account = checked;
      if (checked.failedLogins() > 0) {
        // Only a count to clear costs a forced write: most logins follow no failure.
        database.durably(c -> {
          UserRegistry.loggedIn(c, user);
          return null;
        });
      }
      log.append(AccessLog.Event.allow(user, Action.LOGIN, factors.reason(), null, null));
      LOG.debug("user {} logged in to vault {}", user, descriptor.vaultId());
      sessionOpened(signing);
      keysOpened(keys, true);
      checkIncidentPolicy(user, state);
      DefaultSession session = new DefaultSession(this, account, keys, signing, true);
      session.files().fillFolderIndex();
      try {
        session.resumeDeletions().forEach(c -> LOG.warn("finished interrupted deletion {} of vault {}", c.id(), descriptor.vaultId()));
      } catch (IntegrityException e) {
        // A deletions row the vault did not write: nothing is destroyed, and it is an incident.
        incident(user, e);
      } catch (RuntimeException e) {
        // The login stands; the batch stays recorded and the next login tries again.
        LOG.warn("could not finish an interrupted deletion in vault {}: {}", descriptor.vaultId(), e.getMessage());
      }
      return session;
    } catch (IntegrityException e) {
      keysOpened(keys, false);
      keys.close();
      incident(user, e);
      throw e;
    } catch (RuntimeException e) {
      keysOpened(keys, false);
      keys.close();
      throw e;
    }
  }

  @Override
  public Session login(String user, Password password, String remoteAddress) {
    ClientInfo origin = client.withAddress(remoteAddress);
    // Every entry of the login (a failure, a lockout, an interrupted deletion finished) names the
    // address, and so does every entry of the session it opens.
    return ((DefaultSession) log.actingFor(origin, () -> login(user, password))).attributeTo(origin);
  }

  @Override
  public void recover(String admin, RecoveryKey key, Password newPassword) {
    Recovery.recover(this, admin, key, newPassword);
  }

  /** The sealed names key ({@code keys/names.key}), which every unlock of the master key needs. */
  byte[] namesKeyFile() {
    return readKeyFile(layout.namesKey(), "keys/names.key");
  }

  /**
   * Reads the incident policy checked, for this process's watch: an edited, removed or replayed
   * policy row is an INCIDENT, and the watch then keeps to the defaults rather than to the edit.
   * The login stands: the policy decides what is reported, never what is allowed.
   */
  private void checkIncidentPolicy(String user, io.kinko.vault.state.VaultState state) {
    try {
      incidentPolicyChecked(database.inTransaction(c -> DefaultAdministration.storedPolicy(state, c)));
    } catch (IntegrityException e) {
      incident(user, e);
      incidentPolicyChecked(IncidentPolicy.DEFAULT);
    }
  }

  /** Refuses a login whose key slot is damaged, crafted or missing: a LOGIN DENY entry and an INCIDENT. */
  IntegrityException malformedSlot(String user, IntegrityException e) {
    IntegrityException keys = e.rule() == IncidentRule.INTEGRITY_OTHER ? new IntegrityException(IncidentRule.INTEGRITY_KEYS, e.getMessage(), e) : e;
    log.append(AccessLog.Event.deny(user, Action.LOGIN, io.kinko.vault.incident.IncidentRules.SLOT_UNREADABLE, null, null));
    incident(user, keys);
    return keys;
  }

  /**
   * Counts a failed login ({@code what}: a wrong password, a wrong recovery key), locks the account
   * at the policy's threshold, logs both.
   */
  AuthenticationException failedLogin(String user, AuthenticationException e, String what) {
    int threshold = descriptor.accessPolicy().lockoutAfter();
    int failures = database.durably(c -> UserRegistry.failedLogin(c, user));
    log.append(AccessLog.Event.deny(user, Action.LOGIN, what + " (" + failures + " of " + threshold + ")", null, null));
    if (failures == threshold) {
      log.append(AccessLog.Event.deny(user, Action.LOCKOUT, failures + " consecutive failed logins", null, null));
      return new AuthenticationException("authentication failed for '" + user + "': " + what + "; the account is now locked");
    }
    return e;
  }

  /** The account with a lockout by failed logins applied. */
  private UserInfo effective(UserInfo account) {
    return AccessRules.effective(account, descriptor.accessPolicy().lockoutAfter());
  }

  /**
   * Seals the state of a vault made before the state commitment, at its first login: allowed only
   * while the signed checkpoint beside the log names no state, so an attacker who clears the
   * state's seal cannot have edited rows adopted. Signs a checkpoint that names the state.
   */
  void sealStateIfNew(io.kinko.vault.state.VaultState state, SigningKey signing) {
    if (!database.inTransaction(io.kinko.vault.state.VaultState::unsealed)) {
      return;
    }
    if (stateWitnessed) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "the vault's state carries no seal although its checkpoint names one: the state was reset outside Kinko");
    }
    database.durably(c -> {
      state.adopt(c);
      return null;
    });
    LOG.info("sealed the state of vault {} (made before state commitments)", descriptor.vaultId());
    signCheckpoint(signing);
    stateWitnessed = true;
  }

  /** Checks the descriptor's seal and opens the signing key: both need the master key. */
  SigningKey openSigningKey(VaultKeys keys) {
    byte[] expectedSeal = keys.tag("descriptor", descriptor.sealedContent());
    byte[] seal;
    try {
      seal = Bytes.unhex(descriptor.seal());
    } catch (IllegalArgumentException notHex) { // a character of it edited into one that is not hex
      seal = null;
    }
    if (seal == null || !MessageDigest.isEqual(expectedSeal, seal)) {
      throw new IntegrityException(IncidentRule.INTEGRITY_DESCRIPTOR, "kinko.json was edited: its seal does not match its content");
    }
    SigningKey signing = keys.signingKey(readKeyFile(layout.signingKey(), "keys/signing.key"));
    if (!Arrays.equals(signing.publicKey(), publicKey)) {
      throw new IntegrityException("keys/signing.pub.pem does not belong to this vault's signing key");
    }
    return signing;
  }

  /** Today in the contract's zone, for expiry dates. */
  java.time.LocalDate today() {
    return java.time.LocalDate.ofInstant(clock.instant(), Contract.ZONE);
  }

  PasswordCost passwordCost() {
    return descriptor.passwordCost();
  }

  @Override
  public AccessPolicy accessPolicy() {
    return descriptor.accessPolicy();
  }

  @Override
  public DeletionApproval deletionApproval() {
    return descriptor.deletionApproval();
  }

  /** How this vault's certificates name what they erased (sealed in the descriptor). */
  io.kinko.vault.CertificateNames certificateNames() {
    return descriptor.certificateNames();
  }

  /** The city's age recipient that sealed certificate names are sealed to, or null. */
  String cityRecipient() {
    return descriptor.cityRecipient();
  }

  VaultLayout layout() {
    return layout;
  }

  /** Registers a session opened by {@link Session#sessionFor}, which shares its service's keys. */
  void sessionOpened(SigningKey key) {
    synchronized (signerLock) {
      openSessions++;
      signer = key;
    }
  }

  @Override
  public String id() {
    return descriptor.vaultId();
  }

  @Override
  public Contract contract() {
    return descriptor.contract();
  }

  @Override
  public LogPolicy logPolicy() {
    return descriptor.logPolicy();
  }

  @Override
  public Path directory() {
    return layout.root();
  }

  @Override
  public String publicKeyPem() {
    return SigningKey.toPem(publicKey);
  }

  @Override
  public String verifierKey() {
    return checkpoints.verifier().verifierKey();
  }

  @Override
  public io.kinko.vault.VaultStatus status() {
    LogCheckpoints.Latest latest = checkpoints.latestSigned().orElse(null);
    return new io.kinko.vault.VaultStatus(descriptor.database() == null ? "h2" : "postgresql", log.head().size(),
        latest == null ? -1 : latest.size(), latest == null ? null : latest.signedAt(), alerts.health(),
        database.inTransaction(c -> io.kinko.vault.store.Settings.unchecked(c, Recovery.SETTING)).stream()
            .filter(r -> r.name().equals(Recovery.SETTING)).map(io.kinko.vault.store.Settings.Setting::value).findFirst().orElse(null));
  }

  Database database() {
    return database;
  }

  BlobStore blobs() {
    return blobs;
  }

  AccessLog log() {
    return log;
  }

  LogCheckpoints checkpoints() {
    return checkpoints;
  }

  /** How long the log's entries are kept: the contract's and the vault's policy, both sealed in the descriptor. */
  Retention retention() {
    return new Retention(descriptor.contract().end(), descriptor.logPolicy().retentionMinimum());
  }

  Clock clock() {
    return clock;
  }

  ClientInfo client() {
    return client;
  }

  java.util.concurrent.atomic.AtomicLong stateSeen() {
    return stateSeen;
  }

  private static String oneLine(String message) {
    return message == null ? "integrity failure" : message.replace('\n', ' ').replace('\r', ' ');
  }

  /** Records an integrity failure as an INCIDENT entry; a log failure here must not hide the first error. */
  void incident(String actor, IntegrityException e) {
    synchronized (reported) {
      if (!reported.add(e)) {
        return; // one failure, one INCIDENT, however many layers it passes through
      }
    }
    try {
      incident(actor, new IncidentReason(e.rule(), evidenceOf(e), oneLine(e.getMessage())));
    } catch (VaultException logFailure) {
      e.addSuppressed(logFailure);
    }
  }

  /**
   * Appends one INCIDENT entry (clause 6), durably. Every INCIDENT entry of the vault passes here:
   * integrity failures, and what the incident watch's rules raise.
   *
   * @throws VaultException if the log cannot be written
   */
  LogEntry incident(String actor, IncidentReason reason) {
    LogEntry entry = log.append(AccessLog.Event.deny(actor, Action.INCIDENT, reason.format(), null, null));
    LOG.warn("incident {} in vault {} (entry {}): {}", reason.rule().id(), descriptor.vaultId(), entry.seq(), reason.detail());
    alerts.wake();
    return entry;
  }

  private static final java.util.regex.Pattern BLOB_FILE = java.util.regex.Pattern.compile("\\bfile ([0-9a-f]{32})\\b");

  /**
   * The entries an integrity failure names, or for a damaged blob the PUT entry of its version
   * (a file id is one version, found through the file-id index), so the incident points at what
   * was stored.
   */
  private java.util.List<Long> evidenceOf(IntegrityException e) {
    if (!e.evidence().isEmpty() || e.rule() != IncidentRule.INTEGRITY_BLOB || e.getMessage() == null) {
      return e.evidence();
    }
    java.util.regex.Matcher m = BLOB_FILE.matcher(e.getMessage());
    if (!m.find()) {
      return java.util.List.of();
    }
    try {
      return log.entriesOfFile(m.group(1), Action.PUT.name()).stream().map(LogEntry::seq).toList();
    } catch (VaultException unreadable) {
      return java.util.List.of();
    }
  }

  /**
   * The incident policy as a session last read it checked, or null while no session of this
   * process has: the watch then reads it unchecked (a process without keys, a failed login).
   */
  private volatile IncidentPolicy checkedPolicy;

  void incidentPolicyChecked(IncidentPolicy policy) {
    checkedPolicy = policy;
  }

  IncidentPolicy checkedIncidentPolicy() {
    return checkedPolicy;
  }

  /**
   * Called by a closing session: signs a checkpoint if the log grew, then lets go of its key. A
   * session that only logged in and read names (ls) leaves its entries to the next checkpoint
   * when every entry since the last one, whoever wrote it, is an allowed LOGIN, LIST, STAT or
   * VERSIONS, there are at most {@value #MAX_QUIET_ENTRIES} (and fewer than the policy's entries
   * per checkpoint), and the last was signed within the policy's interval: a content read, a
   * change, a refusal or an incident is witnessed at close as before.
   */
  void sessionClosed(SigningKey key) {
    if (closed.get()) {
      return; // the application closed the vault first: the next opening signs what this session logged
    }
    watch.drain(); // the session's incidents are raised before the checkpoint that covers them
    synchronized (signerLock) {
      openSessions--;
      if (openSessions == 0) {
        signer = null;
      }
    }
    long size = log.head().size();
    // Owed: a stored change's checkpoint failed, and the last checkpoint may be of this very size
    // (signed after the change's entry, before its commit), naming the state before it.
    boolean owed = checkpointOwed.getAndSet(false);
    if (owed || size != lastCheckpointSize && !onlyQuietSinceCheckpoint(size)) {
      try {
        signCheckpoint(key);
      } catch (RuntimeException e) {
        if (owed) {
          checkpointOwed.set(true);
        }
        throw e;
      }
    }
  }

  /**
   * A change of state is stored, but the checkpoint that was to name it was not signed: the next
   * close signs one even if no entry follows the last checkpoint (see {@link #sessionClosed}).
   */
  void checkpointOwed() {
    checkpointOwed.set(true);
  }

  /** At the vault's close: signs what a stored change is owed, with the key a session still open lends. */
  private void signOwedCheckpoint() {
    if (!checkpointOwed.getAndSet(false)) {
      return;
    }
    SigningKey key;
    synchronized (signerLock) {
      key = signer;
    }
    try {
      if (key == null) {
        throw new VaultException("no session is open to lend the signing key");
      }
      signCheckpoint(key);
    } catch (RuntimeException e) {
      LOG.warn("vault {}: a stored change's checkpoint is still not signed at the vault's close ({}); the next session's close signs one",
          descriptor.vaultId(), e.getMessage());
    }
  }

  private boolean onlyQuietSinceCheckpoint(long size) {
    long from = lastCheckpointSize;
    LogPolicy policy = descriptor.logPolicy();
    Instant since = lastCheckpointAt;
    if (from < 0 || size - from > Math.min(MAX_QUIET_ENTRIES, policy.checkpointEveryEntries() - 1L)
        || !clock.instant().isBefore(since.plus(policy.checkpointEvery()))) {
      return false;
    }
    List<LogEntry> entries;
    try {
      entries = log.entries(new LogQuery(since, null, null, null));
    } catch (IntegrityException e) {
      // Not known quiet, so the checkpoint is signed (over the tree's nodes, as for any entry);
      // verification names the entry and logs the INCIDENT, not a close.
      LOG.warn("vault {}: a log entry since the last checkpoint does not decode; run log verify", id());
      return false;
    }
    long next = from;
    for (LogEntry e : entries) {
      if (e.seq() < from) {
        continue;
      }
      if (e.seq() != next || !e.decision().equals(Decision.ALLOW.name()) || !QUIET_ACTIONS.contains(e.action())) {
        return false;
      }
      next++;
    }
    return next == size; // an entry that the query missed (logged before the checkpoint's time) is not known quiet
  }

  LogCheckpoints.Signed signCheckpoint(SigningKey key) {
    return signed(checkpoints.sign(key));
  }

  private LogCheckpoints.Signed signed(LogCheckpoints.Signed signed) {
    lastCheckpointSize = signed.size();
    lastCheckpointAt = clock.instant();
    return signed;
  }

  private void checkpointIfDue(long size) {
    SigningKey key;
    synchronized (signerLock) {
      key = signer;
    }
    if (key == null) {
      return;
    }
    LogPolicy policy = descriptor.logPolicy();
    boolean manyEntries = size - lastCheckpointSize >= policy.checkpointEveryEntries();
    boolean longAgo = !clock.instant().isBefore(lastCheckpointAt.plus(policy.checkpointEvery()));
    if (manyEntries || longAgo) {
      signed(checkpoints.signForPolicy(key)); // durable by its synced file; see LogCheckpoints.signForPolicy
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return; // closed already: a second close must not leave the log a second time under another handle
    }
    try {
      watch.close(); // drains first: the log's journal closes with the database
      signOwedCheckpoint(); // the application closed the vault before the session of such a change
    } finally {
      try {
        alerts.close(); // waits for an attempt in flight within a small bound; the rest is the next process's
      } finally {
        log.awaitHeard();
        database.close();
      }
    }
  }

  @Override
  public java.util.List<AlertDelivery> deliverAlerts() {
    return alerts.deliverNow();
  }

  io.kinko.vault.alert.Dispatcher alerts() {
    return alerts;
  }

  /** Lends (or takes back, before they are closed) a session's keys to the alert thread. */
  void keysOpened(VaultKeys keys, boolean open) {
    synchronized (liveKeys) {
      if (open) {
        liveKeys.add(keys);
      } else {
        liveKeys.remove(keys);
      }
    }
  }

  /** A sink's SMTP password opened with an open session's keys, or null when none is open or it does not open. */
  private char[] openSinkPassword(String sinkId, byte[] sealed) {
    synchronized (liveKeys) {
      if (liveKeys.isEmpty()) {
        return null;
      }
      byte[] plain = null;
      try {
        plain = liveKeys.get(0).open(io.kinko.vault.alert.SinkConfig.PASSWORD_PURPOSE, sealed, sinkId);
        java.nio.CharBuffer chars = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(plain));
        char[] out = new char[chars.remaining()];
        chars.get(out);
        Arrays.fill(chars.array(), '\0');
        return out;
      } catch (RuntimeException e) {
        LOG.warn("the sealed password of alert sink {} of vault {} does not open; its alerts wait", sinkId, descriptor.vaultId());
        return null;
      } finally {
        if (plain != null) {
          Arrays.fill(plain, (byte) 0);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "Vault[" + descriptor.vaultId() + " at " + layout.root() + "]";
  }

  static byte[] readPublicKey(VaultLayout layout) {
    try {
      return SigningKey.fromPem(new String(readKeyFile(layout.publicKey(), "keys/signing.pub.pem"), StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("keys/signing.pub.pem is damaged: " + e.getMessage());
    }
  }

  static byte[] readKeyFile(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IntegrityException(what + " is missing");
    } catch (IOException e) {
      throw new VaultException("cannot read " + what + ": " + e.getMessage(), e);
    }
  }

  /** Creates a vault as {@link Vault.Builder#create()} describes. */
  static Vault create(VaultSpec spec) {
    String admin = spec.admin();
    if (spec.contract() == null || admin == null) {
      throw new IllegalStateException("a vault needs a contract and an administrator");
    }
    AccessRules.Decision strong = AccessRules.password(admin, spec.adminPassword().chars(), spec.accessPolicy().minPasswordLength());
    if (!strong.allowed()) {
      throw new IllegalArgumentException("weak password for '" + admin + "': " + strong.reason());
    }
    VaultLayout layout = new VaultLayout(spec.directory());
    requireEmpty(layout.root());
    String vaultId = Bytes.hex(Bytes.random(16));
    KeysetHandle master = VaultKeys.newMasterKeyset();
    // Closed when the receiver has had it, or when creation fails.
    RecoveryKey recovery = spec.recoveryKey() == null ? null : RecoveryKey.wrap(Bytes.random(RecoveryKey.BYTES));
    try {
      return create(spec, layout, vaultId, master, recovery);
    } finally {
      if (recovery != null) {
        recovery.close();
      }
    }
  }

  private static Vault create(VaultSpec spec, VaultLayout layout, String vaultId, KeysetHandle master, RecoveryKey recovery) {
    Contract contract = spec.contract();
    String admin = spec.admin();
    Password adminPassword = spec.adminPassword();
    PasswordCost passwordCost = spec.passwordCost();
    LogPolicy logPolicy = spec.logPolicy();
    AccessPolicy accessPolicy = spec.accessPolicy();
    String application = spec.application();
    String databaseUrl = spec.databaseUrl();
    DatabaseAccount databaseAccount = spec.databaseAccount();
    byte[] sealedNames = VaultKeys.newSealedNamesKey(vaultId, master);
    Descriptor descriptor;
    SigningKey.Generated signing;
    SigningKey signer;
    // The chief administrator does not expire: log retention and disposal outlive the contract.
    UserInfo chief = new UserInfo(admin, Role.ADMIN, AccountStatus.ACTIVE, 0, null, true, Instant.now());
    try (VaultKeys keys = VaultKeys.unlock(vaultId, master, sealedNames)) {
      Descriptor unsealed = new Descriptor(vaultId, Descriptor.FORMAT, Instant.now(), contract, passwordCost, logPolicy, accessPolicy,
          databaseUrl, "", spec.certificateNames(),
          spec.deletionApproval(), spec.cityRecipient());
      descriptor = unsealed.withSeal(Bytes.hex(keys.tag("descriptor", unsealed.sealedContent())));
      signing = keys.newSigningKey();
      signer = keys.signingKey(signing.sealedPrivate());
    }
    // The database first: an unreachable server or one that already holds a vault leaves the
    // folder untouched.
    Database database;
    try {
      if (databaseUrl == null) {
        io.kinko.vault.store.PrivateFiles.createDirectories(layout, layout.database());
      }
      database = openDatabase(layout, databaseUrl, databaseAccount, true);
    } catch (IOException e) {
      throw new VaultException("cannot create vault in " + layout.root() + ": " + e.getMessage(), e);
    }
    boolean bound = false;
    try {
      database.bindTo(vaultId, true);
      bound = true;
      io.kinko.vault.store.PrivateFiles.createDirectories(layout, layout.keys());
      io.kinko.vault.store.PrivateFiles.createDirectories(layout, layout.blobs());
      Durable.write(layout.namesKey(), sealedNames);
      Durable.write(layout.signingKey(), signing.sealedPrivate());
      Durable.write(layout.publicKey(), SigningKey.toPem(signing.publicKey()).getBytes(StandardCharsets.US_ASCII));
      Durable.write(layout.userSlot(admin), KeySlot.seal(vaultId, admin, adminPassword, master, passwordCost));
      if (recovery != null) {
        Durable.write(layout.recoverySlot(), io.kinko.vault.crypto.RecoverySlot.seal(vaultId, recovery, master));
      }
    } catch (IOException | RuntimeException e) {
      VaultException failure = e instanceof VaultException v ? v
          : new VaultException("cannot create vault in " + layout.root() + ": " + e.getMessage(), e);
      if (bound) {
        // Nothing is in the database yet but the claim: give it back so that a retry can take it.
        try {
          database.unbind(vaultId);
        } catch (RuntimeException undo) {
          failure.addSuppressed(undo);
        }
      }
      closeAfter(database, failure);
      throw failure;
    }
    DefaultVault made = null;
    try (VaultKeys keys = VaultKeys.unlock(vaultId, master, sealedNames)) {
      DefaultVault vault = new DefaultVault(layout, descriptor, database, signing.publicKey(), ClientInfo.of(application), Clock.systemUTC());
      made = vault;
      long init = vault.log.append(AccessLog.Event.allow(admin, Action.INIT, "vault created for contract " + contract.id(), null, null)).seq();
      io.kinko.vault.state.VaultState state = new io.kinko.vault.state.VaultState(keys, vault.stateSeen);
      database.durably(c -> {
        state.adopt(c);
        return state.update(c, (tx, changes) -> {
          UserRegistry.insert(tx, changes, chief, init);
          if (recovery != null) {
            io.kinko.vault.store.Settings.put(tx, changes, new io.kinko.vault.store.Settings.Setting(Recovery.SETTING,
                recovery.fingerprint(), admin, vault.clock.millis(), init));
          }
          return null;
        });
      });
      vault.signCheckpoint(signer);
      vault.stateWitnessed = true;
      Durable.write(layout.descriptor(), descriptor.toJson());
      Durable.syncDirectory(layout.root());
      LOG.info("created vault {} for contract {}", vaultId, contract.id());
      vault.alerts.start();
      if (recovery != null) {
        try {
          spec.recoveryKey().accept(recovery);
        } catch (RuntimeException e) {
          try {
            vault.close();
          } catch (RuntimeException closing) {
            e.addSuppressed(closing);
          }
          throw e;
        }
      }
      return vault;
    } catch (IOException | RuntimeException e) {
      VaultException failure = e instanceof VaultException v ? v
          : new VaultException("cannot create vault in " + layout.root() + ": " + e.getMessage(), e);
      abandon(made, database, failure); // the INIT entry's append woke the incident watch
      throw failure;
    }
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
