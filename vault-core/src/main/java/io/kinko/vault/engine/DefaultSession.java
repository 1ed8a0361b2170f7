package io.kinko.vault.engine;

import io.kinko.vault.*;

import io.kinko.vault.acl.AccessRules;
import io.kinko.vault.acl.GrantStore;
import io.kinko.vault.acl.UserRegistry;
import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.audit.LogArchiver;
import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.audit.LogVerifier;
import io.kinko.vault.audit.MonthlyReports;
import io.kinko.vault.crypto.KeySlot;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.crypto.VaultKeys;
import io.kinko.vault.store.FileStore;
import io.kinko.vault.store.VaultPath;
import io.kinko.vault.state.VaultState;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * One authenticated user's work with a vault. Every operation appends an entry to the access log
 * and waits until it is durable before it has any effect or returns any byte: if the log cannot
 * be written, the operation fails. The session holds the user's unlocked keys until
 * {@link #close()}.
 *
 * <p>Paths are relative and '/'-separated ({@code 申請書/2026/0001.pdf}); a malformed path, an
 * absolute one or one with {@code ..} is rejected with {@link IllegalArgumentException}.
 */
final class DefaultSession implements Session {
  /** The setting that replaces the city's age recipient recorded at init (kinko policy set city-recipient). */
  static final String CITY_RECIPIENT = "city.recipient";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DefaultSession.class);
  /** Paths whose GET entries {@link #getEach} makes durable together: one sync per this many files. */
  private static final int GET_BATCH = 512;

  private final DefaultVault vault;
  private final String user;
  private final Role role;
  private final VaultKeys keys;
  private final SigningKey signing;
  private final boolean ownsKeys;
  private final FileStore files;
  private final VaultState state;
  private final Door door;
  private boolean closed;

  DefaultSession(DefaultVault vault, UserInfo account, VaultKeys keys, SigningKey signing, boolean ownsKeys) {
    this.vault = vault;
    this.user = account.name();
    this.role = account.role();
    this.keys = keys;
    this.signing = signing;
    this.ownsKeys = ownsKeys;
    this.door = new Door(vault, user);
    this.state = new VaultState(keys, vault.stateSeen());
    // A put is decided file by file as the walk reaches each one, and its entries are durable
    // before its rows become visible: the door's two halves, called by the store.
    this.files = new FileStore(vault.database(), state, vault.blobs(), keys, user,
        new FileStore.WriteGate() {
          @Override
          public void check(VaultPath path) {
            door.check(Action.PUT, content(Permission.WRITE, path), pathTag(path));
          }

          @Override
          public FileStore.WriteGate forBatch() {
            // The user's grants read (checked) once per batch, not once per file; a batch's rows
            // commit well after its first file was decided either way.
            List<GrantStore.Row> grants = readState(c -> GrantStore.forUser(state, c, user));
            return path -> door.check(Action.PUT, AccessRules.content(role, permissionsOn(path, grants), Permission.WRITE), pathTag(path));
          }
        },
        new FileStore.PutAudit() {
          @Override
          public List<Long> storing(List<FileStore.Target> targets) {
            return door.allowEach(Action.PUT, "WRITE granted", targets);
          }

          @Override
          public void notStored(List<FileStore.Target> targets, RuntimeException failure) {
            door.failedEach(Action.PUT, targets, failure);
          }
        });
  }

  @Override
  public String user() {
    return user;
  }

  @Override
  public Role role() {
    return role;
  }

  @Override
  public Administration administration() {
    open();
    return new DefaultAdministration(this);
  }

  @Override
  public Session sessionFor(String userName, String authSource) {
    open();
    Contract.requireText("authentication source", authSource, 128);
    if (role != Role.SERVICE) {
      throw door.refuse(Action.LOGIN, "only a service credential may open sessions for other users", null,
          new AccessDeniedException("'" + user + "' may not log in: only a service credential may open sessions for other users"));
    }
    UserInfo account = UserRegistry.validName(userName)
        ? readState(c -> UserRegistry.checked(state, c, userName)).orElse(null) : null;
    AccessRules.Decision allowed = account == null ? new AccessRules.Decision(false, "unknown user")
        : account.role() == Role.SERVICE ? new AccessRules.Decision(false, "a service cannot act as another service")
        : account.role() == Role.ADMIN ? new AccessRules.Decision(false, "a service cannot act as an administrator; they log in themselves")
        : AccessRules.login(AccessRules.effective(account, vault.accessPolicy().lockoutAfter()), vault.today());
    // The entry is the user's own LOGIN, so it is written by a door in their name.
    Door theirs = new Door(vault, account == null ? "?" : userName);
    theirs.attributeTo(door.origin());
    return theirs.pass(Action.LOGIN, () -> allowed.allowed()
        ? Door.Verdict.allow("single sign-on via " + user + ": " + authSource, null, account)
        : Door.Verdict.<UserInfo>refuse(allowed.reason() + " (via " + user + ": " + authSource + ")", null,
            () -> new AuthenticationException("authentication failed for '" + userName + "': " + allowed.reason())),
        (found, entry) -> {
          vault.sessionOpened(signing);
          DefaultSession sso = new DefaultSession(vault, found, keys, signing, false);
          sso.attributeTo(door.origin());
          return (Session) sso;
        });
  }

  @Override
  public Vault vault() {
    return vault;
  }

  @Override
  public FileInfo put(String path, InputStream content) {
    open();
    Objects.requireNonNull(content, "content");
    FileInfo stored = door.guarded(() -> files.put(VaultPath.of(path), content));
    stateChanged();
    return stored;
  }

  @Override
  public PutReport put(String path, Path source) {
    return put(path, source, bytes -> {});
  }

  @Override
  public PutReport put(String path, Path source, LongConsumer progress) {
    open();
    Objects.requireNonNull(source, "source");
    PutReport report;
    try {
      report = door.guarded(() -> files.putTree(VaultPath.of(path), source, progress));
    } catch (io.kinko.vault.PartlyStoredException partly) {
      // The batches stored before the failure are a stored change like a whole put: signed now
      // (or owed to the close), not left to a close that signs only if the log grew past the last
      // checkpoint, which may have been signed between their entries and their commit.
      try {
        stateChanged();
      } catch (RuntimeException damage) {
        damage.addSuppressed(partly);
        throw damage;
      }
      throw partly;
    }
    if (!report.stored().isEmpty()) {
      stateChanged();
    }
    return report;
  }

  @Override
  public InputStream get(String path) {
    open();
    VaultPath p = VaultPath.of(path);
    return verified(door.pass(Action.GET, () -> locate(Permission.READ, p), (found, entry) -> files.read(found.info())));
  }

  @Override
  public void getEach(List<String> paths, EachReader reader) {
    open();
    for (int from = 0; from < paths.size(); from += GET_BATCH) {
      List<String> batch = paths.subList(from, Math.min(paths.size(), from + GET_BATCH));
      Found found = foundTogether(batch);
      List<Door.Check<FileStore.Located>> checks = new ArrayList<>();
      for (String path : batch) {
        checks.add(() -> found == null ? locate(Permission.READ, VaultPath.of(path)) : found.locate(VaultPath.of(path)));
      }
      List<Door.Passed<FileStore.Located>> passed = door.passEach(Action.GET, checks);
      for (int i = 0; i < batch.size(); i++) {
        String path = batch.get(i);
        Door.Passed<FileStore.Located> one = passed.get(i);
        if (one.failure() != null) {
          reader.failed(path, one.failure());
          continue;
        }
        try (InputStream content = verified(door.guarded(() -> files.read(one.found().info())))) {
          reader.read(path, content);
        } catch (IOException | VaultException e) {
          reader.failed(path, e);
        }
      }
    }
  }

  /** What a batch of reads needs, read checked once for all of it: the user's grants and each path's newest version. */
  private final class Found {
    private final List<GrantStore.Row> grants;
    private final Map<VaultPath, Optional<FileStore.Located>> located;

    Found(List<GrantStore.Row> grants, Map<VaultPath, Optional<FileStore.Located>> located) {
      this.grants = grants;
      this.located = located;
    }

    /** As {@link DefaultSession#locate} decides a read, from what was read for the batch. */
    Door.Verdict<FileStore.Located> locate(VaultPath p) {
      return verdict(AccessRules.content(role, permissionsOn(p, grants), Permission.READ), p, () -> located.get(p));
    }
  }

  /**
   * The grants and newest versions of {@code paths}, each bucket checked once for the batch
   * rather than once per file; null if anything fails, a bad path or a row that does not check:
   * the batch then decides file by file, so that only the files concerned fail, each an INCIDENT.
   * The grants are those in force when the batch starts, as for a folder put's batches.
   */
  private Found foundTogether(List<String> paths) {
    try {
      List<VaultPath> all = paths.stream().map(VaultPath::of).toList();
      List<GrantStore.Row> grants = vault.database().inTransaction(c -> GrantStore.forUser(state, c, user));
      return new Found(grants, files.locateEach(all));
    } catch (RuntimeException e) {
      // the file-by-file checks meet it again, and say which file and why
      LOG.debug("a batch of reads is decided file by file after {}", e.getClass().getSimpleName());
      return null;
    }
  }

  /** The content of a blob, with a failed verification logged as an INCIDENT when it surfaces. */
  private InputStream verified(InputStream content) {
    return new FilterInputStream(content) {
      @Override
      public int read() throws IOException {
        return guardedIo(super::read);
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return guardedIo(() -> super.read(b, off, len));
      }

      @Override
      public long skip(long n) throws IOException {
        return guardedIo(() -> super.skip(n));
      }

      /** The stream's own transfer, which can hand a channel whole segments (see ReadAhead). */
      @Override
      public long transferTo(OutputStream out) throws IOException {
        return guardedIo(() -> in.transferTo(out));
      }
    };
  }

  @Override
  public FileInfo stat(String path) {
    open();
    VaultPath p = VaultPath.of(path);
    return door.pass(Action.STAT, () -> locate(Permission.READ, p), (found, entry) -> found.info());
  }

  @Override
  public List<FileInfo> list(String prefix) {
    open();
    VaultPath p = VaultPath.of(prefix);
    return door.pass(Action.LIST, () -> {
      AccessRules.Decision d = AccessRules.handlesData(role);
      return d.allowed() ? Door.Verdict.allow("names of files with a READ grant", pathTag(p), (Void) null)
          : Door.Verdict.<Void>deny(d.reason(), pathTag(p));
    }, (none, entry) -> readableBelow(p));
  }

  /** The newest version of each file at or below {@code p} that this user holds a READ grant on. */
  private List<FileInfo> readableBelow(VaultPath p) {
    List<VaultPath> readable = readState(c -> GrantStore.forUser(state, c, user)).stream()
        .filter(g -> g.permissions().contains(Permission.READ))
        .map(g -> VaultPath.of(DefaultAdministration.openPrefix(keys, g)))
        .toList();
    return files.list(p).stream()
        .filter(f -> readable.stream().anyMatch(grant -> grant.contains(VaultPath.of(f.path()))))
        .toList();
  }

  @Override
  public Fetched fetch(String path) {
    open();
    VaultPath p = VaultPath.of(path);
    if (p.isRoot()) {
      List<FileInfo> all = list("");
      if (all.isEmpty()) {
        throw new NotFoundException("the vault holds no files");
      }
      return new FetchedFolder(all);
    }
    // A file is read with one GET entry, no listing first. Only when there is no file this user
    // may read at the path does it look below; a folder is then one LIST entry, never a GET.
    FileStore.Located file = door.guarded(() -> content(Permission.READ, p).allowed() ? files.locate(p).orElse(null) : null);
    if (file == null) {
      List<FileInfo> below = AccessRules.handlesData(role).allowed() ? door.guarded(() -> readableBelow(p)) : List.of();
      if (!below.isEmpty()) {
        return door.pass(Action.LIST, () -> Door.Verdict.allow("names of files with a READ grant", pathTag(p), below),
            (found, entry) -> new FetchedFolder(found));
      }
    }
    // The file found, or the GET's refusal or "not found", decided again by the door as get decides it.
    return door.pass(Action.GET, () -> locate(Permission.READ, p),
        (found, entry) -> new FetchedFile(found.info(), verified(files.read(found.info()))));
  }


  @Override
  public List<FileInfo> versions(String path) {
    open();
    VaultPath p = VaultPath.of(path);
    return door.pass(Action.VERSIONS, () -> Door.Verdict.from(content(Permission.READ, p), pathTag(p), (Void) null),
        (none, entry) -> files.versions(p));
  }

  @Override
  public DeletionCertificate delete(String path) {
    open();
    VaultPath p = VaultPath.of(path);
    return deleteRows(() -> pathRows(p), PATH_SCOPE);
  }

  private static final String PATH_SCOPE = "every version of one path";
  private static final String TREE_SCOPE = "every version of every file below one folder";

  /** What deleting {@code p} would destroy: every version of it, decided on its DELETE permission. */
  private Door.Verdict<List<io.kinko.vault.store.FileCatalog.Row>> pathRows(VaultPath p) {
    AccessRules.Decision d = content(Permission.DELETE, p);
    if (!d.allowed()) {
      return Door.Verdict.deny(d.reason(), pathTag(p));
    }
    List<io.kinko.vault.store.FileCatalog.Row> rows = readState(c -> io.kinko.vault.store.FileCatalog.versions(state, c, pathTag(p)));
    return rows.isEmpty() ? Door.Verdict.notFound(pathTag(p), "no file at '" + p + "'") : Door.Verdict.allow(d.reason(), pathTag(p), rows);
  }

  @Override
  public DeletionCertificate deleteTree(String prefix) {
    return deleteTree(prefix, files -> {});
  }

  @Override
  public DeletionCertificate deleteTree(String prefix, LongConsumer filesDone) {
    open();
    Objects.requireNonNull(filesDone, "filesDone");
    VaultPath p = VaultPath.of(prefix);
    return deleteRows(() -> treeRows(p), TREE_SCOPE, filesDone);
  }

  /** What deleting the tree at {@code p} would destroy, decided on DELETE for each file: one refusal refuses all. */
  private Door.Verdict<List<io.kinko.vault.store.FileCatalog.Row>> treeRows(VaultPath p) {
    // Decide on the prefix before listing: a refused user must not learn whether anything is there.
    AccessRules.Decision d = content(Permission.DELETE, p);
    if (!d.allowed()) {
      return Door.Verdict.deny(d.reason(), pathTag(p));
    }
    List<io.kinko.vault.store.FileCatalog.Row> rows = new java.util.ArrayList<>();
    for (FileInfo f : files.list(p)) {
      VaultPath each = VaultPath.of(f.path());
      AccessRules.Decision one = content(Permission.DELETE, each);
      if (!one.allowed()) {
        return Door.Verdict.deny(one.reason(), pathTag(each));
      }
      rows.addAll(readState(c -> io.kinko.vault.store.FileCatalog.versions(state, c, pathTag(each))));
    }
    return rows.isEmpty() ? Door.Verdict.notFound(pathTag(p), "no file at or below '" + p + "'")
        : Door.Verdict.allow(d.reason(), pathTag(p), rows);
  }

  @Override
  public DeletionRequest requestDeletion(String path, boolean tree) {
    open();
    VaultPath p = VaultPath.of(path);
    DeletionRequest request = door.decided(Action.DELETE, () -> tree ? treeRows(p) : pathRows(p), rows -> {
      synchronized (vault.deletionLock) {
        io.kinko.vault.erase.Deleter deleter = deleter();
        return deleter.requested(deleter.request(rows, user, tree ? TREE_SCOPE : PATH_SCOPE)).orElseThrow();
      }
    });
    stateChanged();
    return request;
  }

  @Override
  public DeletionCertificate approveDeletion(String requestId) {
    open();
    String id = requestId(requestId);
    return door.<DeletionRequest, DeletionCertificate>pass(Action.APPROVE, () -> {
      AccessRules.Decision admin = AccessRules.administer(role);
      if (!admin.allowed()) {
        return Door.Verdict.deny(admin.reason() + ": only an administrator other than the requester may approve deletion " + id, null);
      }
      Optional<DeletionRequest> found = deleter().requested(id);
      if (found.isEmpty()) {
        return Door.Verdict.notFound(null, "no deletion request " + id + " awaits approval: it was approved, rejected or never made");
      }
      if (found.get().requester().equals(user)) {
        return Door.Verdict.deny("self-approval refused: '" + user + "' requested deletion " + id + "; a second person must approve it", null);
      }
      return Door.Verdict.allow("approved deletion " + id + " requested by '" + found.get().requester() + "'", null, found.get());
    }, (request, entry) -> {
      synchronized (vault.deletionLock) {
        return deleter().approve(id, user, files -> {});
      }
    });
  }

  @Override
  public DeletionRequest rejectDeletion(String requestId, String note) {
    open();
    String id = requestId(requestId);
    String why = note == null ? "no note" : Contract.requireText("note", note, 500);
    DeletionRequest rejected = door.<DeletionRequest, DeletionRequest>pass(Action.APPROVE, () -> {
      Optional<DeletionRequest> found = deleter().requested(id);
      if (found.isPresent() && !found.get().requester().equals(user) && role != Role.ADMIN) {
        return Door.Verdict.deny("role " + role + " may not reject another user's deletion request " + id, null);
      }
      return found.isEmpty()
          ? Door.Verdict.notFound(null, "no deletion request " + id + " awaits approval: it was approved, rejected or never made")
          : Door.Verdict.allow("rejected deletion " + id + " requested by '" + found.get().requester() + "': " + why, null, found.get());
    }, (request, entry) -> {
      synchronized (vault.deletionLock) {
        return deleter().reject(id);
      }
    });
    stateChanged();
    return rejected;
  }

  @Override
  public List<DeletionRequest> pendingDeletions() {
    open();
    // Logged as a listing (it shows paths): APPROVE entries are kept for approvals, rejections and refusals.
    return door.pass(Action.LIST, () -> Door.Verdict.from(AccessRules.handlesData(role), null, (Void) null),
        (none, entry) -> deleter().requests().stream().filter(r -> role == Role.ADMIN || r.requester().equals(user)).toList());
  }

  /** A request id is a batch id: 32 lower-case hex digits. */
  private static String requestId(String id) {
    if (id == null || !id.matches("[0-9a-f]{32}")) {
      throw new IllegalArgumentException("'" + id + "' is not a deletion request id (32 lower-case hex digits)");
    }
    return id;
  }

  @Override
  public WipeReport wipe(Path target, WipeMethod method, boolean force) {
    return wipe(target, method, force, files -> {});
  }

  @Override
  public WipeReport wipe(Path target, WipeMethod method, boolean force, LongConsumer filesDone) {
    open();
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(filesDone, "filesDone");
    return door.decided(Action.WIPE, () -> {
      AccessRules.Decision d = AccessRules.handlesData(role);
      if (d.allowed() && io.kinko.vault.erase.Erasures.touchesVault(target, vault.directory())) {
        d = new AccessRules.Decision(false, "the target is or contains the vault; files in a vault are deleted with rm");
      }
      return Door.Verdict.from(d, null, (Void) null);
    }, none -> new io.kinko.vault.erase.Erasures(eraseContext()).wipe(target, method, force, user, filesDone));
  }

  @Override
  public DeletionCertificate dispose(Path archive, boolean overwriteBlobs) {
    return dispose(archive, overwriteBlobs, blobs -> {});
  }

  @Override
  public DeletionCertificate dispose(Path archive, boolean overwriteBlobs, LongConsumer blobsDone) {
    open();
    Objects.requireNonNull(blobsDone, "blobsDone");
    return door.decided(Action.DISPOSE, () -> Door.Verdict.from(AccessRules.administer(role), null, (Void) null),
        none -> new io.kinko.vault.erase.Erasures(eraseContext()).dispose(archive, overwriteBlobs, user, blobsDone));
  }

  @Override
  public List<DeletionCertificate> certificates() {
    open();
    return door.pass(Action.CERT_LIST, () -> Door.Verdict.from(AccessRules.audit(role), null, (Void) null),
        (none, entry) -> io.kinko.vault.erase.Deleter.all(vault.database(), signing.publicKey()));
  }

  /** Finishes deletions a crash interrupted; called at login. */
  List<DeletionCertificate> resumeDeletions() {
    synchronized (vault.deletionLock) {
      return deleter().resume();
    }
  }

  private io.kinko.vault.erase.Deleter deleter() {
    return new io.kinko.vault.erase.Deleter(eraseContext());
  }

  private io.kinko.vault.erase.Deleter.Context eraseContext() {
    return new io.kinko.vault.erase.Deleter.Context(vault.database(), state, vault.layout(), keys, vault.log(),
        vault.checkpoints(), () -> vault.signCheckpoint(signing), signing, vault.contract(), vault.id(), vault.client().host(),
        vault.client().application(), vault.clock(), vault.certificateNames(),
        // Read (checked) only when a certificate will seal names: a login's resumed deletion under another policy reads no setting.
        vault.certificateNames() == CertificateNames.SEALED ? cityRecipient() : null);
  }

  @Override
  public List<LogEntry> logEntries(LogQuery query) {
    open();
    Objects.requireNonNull(query, "query");
    return door.pass(Action.LOG_SHOW, () -> Door.Verdict.from(AccessRules.audit(role), null, (Void) null),
        (none, entry) -> vault.log().entries(query));
  }

  @Override
  public String checkpoint() {
    open();
    return door.pass(Action.CHECKPOINT, () -> Door.Verdict.from(AccessRules.audit(role), null, (Void) null),
        (none, entry) -> new String(vault.signCheckpoint(signing).note(), StandardCharsets.UTF_8));
  }

  @Override
  public LogReport verifyLog(byte[] witnessNote) {
    return verifyLog(witnessNote, entries -> {});
  }

  @Override
  public LogReport verifyLog(byte[] witnessNote, LongConsumer entriesDone) {
    open();
    Objects.requireNonNull(entriesDone, "entriesDone");
    return door.pass(Action.LOG_VERIFY, () -> {
      AccessRules.Decision d = AccessRules.audit(role);
      return d.allowed() ? Door.Verdict.allow(d.reason() + (witnessNote == null ? "" : ", with witness"), null, (Void) null)
          : Door.Verdict.<Void>deny(d.reason(), null);
    }, (none, entry) -> {
      LogReport report = LogVerifier.verify(vault.database(), vault.id(), vault.checkpoints(), Optional.ofNullable(witnessNote),
          vault.retention().firstRemoval(), vault.clock().instant(), entriesDone);
      vault.database().inTransaction(c -> {
        io.kinko.vault.audit.StateLogCheck.check(c, state.verifyAll(c));
        return null;
      });
      return report;
    });
  }

  @Override
  public AuditResult audit(boolean deep, LongConsumer blobsDone) {
    return audit(deep, blobsDone, vault.clock());
  }

  /** The audit as of {@code clock}'s time (which accounts are stale or expired); tests reach it through EngineInternals. */
  AuditResult audit(boolean deep, LongConsumer blobsDone, java.time.Clock clock) {
    open();
    Objects.requireNonNull(blobsDone, "blobsDone");
    return door.pass(Action.AUDIT, () -> Door.Verdict.from(AccessRules.administer(role), null, (Void) null), (none, entry) -> {
      Instant at = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
      List<AuditResult.Finding> findings = new ArrayList<>();
      long logEntries = 0;
      try {
        logEntries = verifyLog(null).entriesChecked(); // logged as LOG_VERIFY; a failure is already an INCIDENT
      } catch (IntegrityException e) {
        findings.add(new AuditResult.Finding("log", AuditResult.Severity.INTEGRITY, e.getMessage(),
            "treat it as an incident (clause 6): keep the vault as it is and compare its log with the last checkpoint the city holds "
                + "(kinko log verify --witness FILE)"));
      }
      io.kinko.vault.inspect.SelfAudit.Outcome o = new io.kinko.vault.inspect.SelfAudit(new io.kinko.vault.inspect.SelfAudit.Context(
          vault.database(), state, vault.layout(), keys, vault.log(), vault.contract(), at, e -> vault.incident(user, e),
          () -> vault.alerts().health())).run(deep, blobsDone);
      findings.addAll(o.findings());
      AuditResult.Checked checked = new AuditResult.Checked(logEntries, o.blobs(), o.bytesDecrypted(), o.users(), o.grants());
      String id = io.kinko.vault.crypto.Bytes.hex(io.kinko.vault.crypto.Bytes.random(16));
      byte[] json = io.kinko.vault.inspect.SelfAudit.encode(vault.id(), vault.contract(), user, id, at, deep, entry.seq(), checked, findings,
          signing.publicKey());
      AuditResult result = new AuditResult(id, at, deep, checked, findings, new String(json, StandardCharsets.UTF_8), signing.sign(json));
      door.note(Action.AUDIT, "audit " + id + (deep ? " (deep)" : "") + ": " + findings.size() + " finding(s), "
          + result.count(AuditResult.Severity.INTEGRITY) + " of integrity; " + checked.blobs() + " blob(s), " + checked.logEntries()
          + " log entries; result SHA-256 " + result.sha256());
      return result;
    });
  }

  @Override
  public void changePassword(Password old, Password replacement) {
    open();
    if (!java.nio.file.Files.exists(vault.layout().userSlot(user)) && java.nio.file.Files.exists(vault.layout().tokenSlot(user))) {
      throw door.refuse(Action.PASSWD, "password is half of the two-factor token slot", null, new VaultException("the password of '" + user
          + "' is half of their two-factor token slot: enrol the token again with the new password ('kinko user add-token " + user
          + " --two-factor')"));
    }
    try {
      KeySlot.open(java.nio.file.Files.readAllBytes(vault.layout().userSlot(user)), vault.id(), user, old);
    } catch (AuthenticationException e) {
      throw door.refuse(Action.PASSWD, "wrong old password", null, e);
    } catch (IOException e) {
      throw new VaultException("cannot read the key slot of '" + user + "': " + e.getMessage(), e);
    }
    AccessRules.Decision strong = AccessRules.password(user, replacement.chars(), vault.accessPolicy().minPasswordLength());
    if (!strong.allowed()) {
      throw door.refuse(Action.PASSWD, "weak password: " + strong.reason(), null,
          new IllegalArgumentException("weak password for '" + user + "': " + strong.reason()));
    }
    door.pass(Action.PASSWD, () -> Door.Verdict.allow("own password changed", null, (Void) null), (none, entry) -> {
      try {
        io.kinko.vault.store.Durable.replaceSecret(vault.layout().userSlot(user),
            KeySlot.seal(vault.id(), user, replacement, keys.masterKeyset(), vault.passwordCost()));
      } catch (IOException e) {
        throw new VaultException("cannot write the key slot of '" + user + "': " + e.getMessage(), e);
      }
      return null;
    });
  }

  @Override
  public io.kinko.vault.TokenInfo addToken(String userName, io.kinko.vault.TokenCredential token, String keyId, Password password) {
    open();
    java.util.Objects.requireNonNull(token, "token");
    return new TokenEnrolment(this).add(userName, token, keyId, password);
  }

  @Override
  public void removeToken(String userName) {
    open();
    new TokenEnrolment(this).remove(userName);
  }

  @Override
  public LogArchive exportLog(Instant from, Instant to, Path directory) {
    return exportLog(from, to, directory, entries -> {});
  }

  @Override
  public LogArchive exportLog(Instant from, Instant to, Path directory, LongConsumer entriesDone) {
    open();
    Objects.requireNonNull(entriesDone, "entriesDone");
    return door.pass(Action.LOG_EXPORT, () -> {
      AccessRules.Decision d = AccessRules.audit(role);
      return d.allowed() ? Door.Verdict.allow(d.reason() + ": " + from + " to " + to, null, (Void) null)
          : Door.Verdict.<Void>deny(d.reason(), null);
    }, (none, entry) -> new LogArchiver(vault.database(), vault.id(), vault.clock()).export(from, to, directory, signing, entriesDone));
  }

  @Override
  public String exportPublicKey() {
    open();
    byte[] key = signing.publicKey();
    return door.pass(Action.KEY_EXPORT, () -> {
      if (!java.util.Arrays.equals(DefaultVault.readPublicKey(vault.layout()), key)) {
        throw new IntegrityException("keys/signing.pub.pem does not belong to this vault's signing key");
      }
      return Door.Verdict.allow("public signing key " + SigningKey.fingerprint(key), null, (Void) null);
    }, (none, entry) -> SigningKey.toPem(key));
  }

  @Override
  public long pruneLog(Instant before) {
    open();
    // Retention is part of the decision: the pruner checks it and removes in one unit of work, so
    // its refusal is the DENY entry, and the ALLOW entry says how many went.
    return door.decided(Action.LOG_PRUNE, () -> Door.Verdict.from(AccessRules.administer(role), null, (Void) null), none -> {
      try {
        long removed = new LogArchiver(vault.database(), vault.id(), vault.clock()).prune(before);
        vault.log().rotateJournal(); // the journal keeps no record of what was pruned
        door.note(Action.LOG_PRUNE, "removed " + removed + " entries before " + before);
        return removed;
      } catch (RetentionException e) {
        throw door.refuse(Action.LOG_PRUNE, e.getMessage(), null, e);
      }
    });
  }

  @Override
  public MonthlyReport.Issued monthlyReport(java.time.YearMonth month, byte[] previousReportJson, Path directory) {
    open();
    Objects.requireNonNull(month, "month");
    Objects.requireNonNull(directory, "directory");
    byte[] previous = previousReportJson == null ? null : previousReportJson.clone();
    MonthlyReport.Issued issued = door.pass(Action.REPORT, () -> {
      AccessRules.Decision d = AccessRules.administer(role);
      return d.allowed() ? Door.Verdict.allow(d.reason() + ": monthly report " + month + (previous == null ? "" : ", previous report given"),
          null, (Void) null) : Door.Verdict.<Void>deny(d.reason(), null);
    }, (none, entry) -> {
      Path reports = vault.layout().reports();
      try {
        io.kinko.vault.store.PrivateFiles.createDirectories(vault.layout(), reports);
      } catch (IOException e) {
        throw new VaultException("cannot create " + reports + ": " + e.getMessage(), e);
      }
      MonthlyReports.Source source = new MonthlyReports.Source(vault.id(), vault.contract(),
          new io.kinko.vault.audit.Retention(vault.contract().end(), vault.logPolicy().retentionMinimum()), reports, vault.database(),
          vault.log(), signing, vault.clock());
      return new MonthlyReports(source).issue(month, previous, directory, user, staff(), certificateRefs(), incidentStatus(),
          transports().ledgerForReport());
    });
    door.note(Action.REPORT, MonthlyReports.record(issued));
    return issued;
  }

  @Override
  public List<Incident> incidents(boolean openOnly) {
    open();
    return door.pass(Action.INCIDENT_LIST, () -> {
      AccessRules.Decision d = AccessRules.audit(role);
      return d.allowed() ? Door.Verdict.allow(d.reason() + (openOnly ? ": open incidents" : ": all incidents"), null, (Void) null)
          : Door.Verdict.<Void>deny(d.reason(), null);
    }, (none, entry) -> incidents().all().stream().filter(i -> !openOnly || i.status() == Incident.Status.OPEN).toList());
  }

  @Override
  public Incident acknowledgeIncident(long id, String note) {
    open();
    io.kinko.vault.incident.IncidentAck ack = new io.kinko.vault.incident.IncidentAck(Math.max(id, 0), note);
    return door.pass(Action.INCIDENT_ACK, () -> {
      AccessRules.Decision d = AccessRules.administer(role);
      if (!d.allowed()) {
        return Door.Verdict.deny(d.reason() + ": only an administrator acknowledges incident " + id, null);
      }
      Incidents.Lookup found = incidents().find(id);
      // The ALLOW entry is the acknowledgement itself: its reason names the incident and the note.
      return found.incident() == null ? Door.Verdict.notFound(null, found.missing())
          : Door.Verdict.allow(ack.format(), null, found.incident());
    }, (incident, entry) -> incidents().all().stream().filter(i -> i.id() == id).findFirst().orElseThrow());
  }

  @Override
  public IncidentReport.Signed incidentReport(long id) {
    open();
    IncidentReport.Signed signed = door.pass(Action.INCIDENT_REPORT, () -> {
      AccessRules.Decision d = AccessRules.administer(role);
      if (!d.allowed()) {
        return Door.Verdict.deny(d.reason() + ": only an administrator writes up incident " + id, null);
      }
      Incidents.Lookup found = incidents().find(id);
      return found.incident() == null ? Door.Verdict.notFound(null, found.missing())
          : Door.Verdict.allow(d.reason() + ": report on incident " + id, null, found.incident());
    }, (incident, entry) -> incidents().report(incident, user));
    door.note(Action.INCIDENT_REPORT, io.kinko.vault.audit.IncidentReportCodec.record(signed.report(), signed.sha256()));
    return signed;
  }

  private Incidents incidents() {
    return new Incidents(vault, signing);
  }

  /** The designated staff: every user holding a grant, with the grants' prefixes as {@code acl} shows them. */
  private List<MonthlyReport.Staff> staff() {
    return readState(c -> {
      java.util.Map<String, List<GrantStore.Row>> grants = new java.util.TreeMap<>();
      for (GrantStore.Row g : GrantStore.all(state, c)) {
        if (!g.permissions().isEmpty()) {
          grants.computeIfAbsent(g.user(), u -> new ArrayList<>()).add(g);
        }
      }
      List<MonthlyReport.Staff> out = new ArrayList<>();
      for (UserInfo u : UserRegistry.allChecked(state, c)) {
        List<GrantStore.Row> held = grants.get(u.name());
        if (held != null) {
          UserInfo now = AccessRules.effective(u, vault.accessPolicy().lockoutAfter());
          out.add(new MonthlyReport.Staff(now.name(), now.role(), now.status(), held.stream()
              .map(g -> new MonthlyReport.StaffGrant(DefaultAdministration.openPrefix(keys, g), g.permissions().stream().sorted().toList()))
              .sorted(java.util.Comparator.comparing(MonthlyReport.StaffGrant::prefix)).toList()));
        }
      }
      out.sort(java.util.Comparator.comparing(MonthlyReport.Staff::user));
      return out;
    });
  }

  /** Every incident and where it stands now, as a monthly report cites it. */
  private List<MonthlyReport.IncidentStatus> incidentStatus() {
    return incidents().all().stream().map(i -> {
      Incident.Acknowledgement first = i.acknowledgements().isEmpty() ? null : i.acknowledgements().get(0);
      return new MonthlyReport.IncidentStatus(i.id(), i.rule().id(), i.severity(), MonthlyReports.zoned(i.time()), i.actor(), i.status(),
          first == null ? null : first.by(), first == null ? null : MonthlyReports.zoned(first.at()));
    }).toList();
  }

  /** Every certificate the vault issued, as a report cites it. */
  private List<MonthlyReport.CertificateRef> certificateRefs() {
    return io.kinko.vault.erase.Deleter.all(vault.database(), signing.publicKey()).stream().map(c -> {
      CertificateBody.Header h = c.body().header();
      return new MonthlyReport.CertificateRef(c.id(), h.kind().label(), MonthlyReports.zoned(h.issuedAt()), h.operator(),
          c.body().items().size());
    }).toList();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      vault.sessionClosed(signing);
    } finally {
      if (ownsKeys) {
        vault.keysOpened(keys, false);
        keys.close();
      }
    }
  }

  @Override
  public String toString() {
    return "Session[" + user + " @ " + vault.id() + "]";
  }

  /** May this user do {@code needed} on {@code path}? Decided on the checked grants of the path and its ancestors. */
  private AccessRules.Decision content(Permission needed, VaultPath path) {
    return AccessRules.content(role, permissionsOn(path), needed);
  }

  private String pathTag(VaultPath path) {
    return files.pathTag(path);
  }

  /** A file read's check: the permission, then the newest version, found in the checked state. */
  private Door.Verdict<FileStore.Located> locate(Permission needed, VaultPath p) {
    return verdict(content(needed, p), p, () -> files.locate(p));
  }

  /** The verdict on a read of {@code p} decided {@code d}: the version is looked up only once it is allowed. */
  private Door.Verdict<FileStore.Located> verdict(AccessRules.Decision d, VaultPath p,
      java.util.function.Supplier<Optional<FileStore.Located>> find) {
    if (!d.allowed()) {
      return Door.Verdict.deny(d.reason(), pathTag(p));
    }
    return find.get().map(l -> Door.Verdict.allow(d.reason(), l.info().fileId(), l.pathTag(), l))
        .orElseGet(() -> Door.Verdict.notFound(pathTag(p), "no file at '" + p + "'"));
  }

  /** A certified deletion: decided with its rows; the deleter's DELETE_REQUEST entry is its ALLOW entry. */
  private DeletionCertificate deleteRows(Door.Check<List<io.kinko.vault.store.FileCatalog.Row>> check, String scope) {
    return deleteRows(check, scope, files -> {});
  }

  private DeletionCertificate deleteRows(Door.Check<List<io.kinko.vault.store.FileCatalog.Row>> check, String scope, LongConsumer filesDone) {
    Door.Check<List<io.kinko.vault.store.FileCatalog.Row>> underPolicy = () -> vault.deletionApproval() == DeletionApproval.TWO_PERSON
        ? Door.Verdict.deny("the vault's two-person rule: a deletion is requested (rm, Session.requestDeletion) and approved by "
            + "an administrator other than the requester", null)
        : check.decide();
    return door.decided(Action.DELETE, underPolicy, rows -> {
      synchronized (vault.deletionLock) {
        return deleter().delete(rows, user, scope, filesDone);
      }
    });
  }

  /** The city's age recipient in force: the checked setting city.recipient, else the descriptor's; null if neither. */
  String cityRecipient() {
    return readState(c -> io.kinko.vault.store.Settings.get(state, c, CITY_RECIPIENT)).map(io.kinko.vault.store.Settings.Setting::value)
        .orElse(vault.cityRecipient());
  }

  @Override
  public Transport.Exported exportPackage(List<String> paths, Transport.Recipients to, Path output) {
    open();
    return transports().export(paths, to, output);
  }

  @Override
  public Transport.Imported importPackage(Path packageFile, Transport.Identities identities, String senderKeyPem, String destination) {
    open();
    return transports().importPackage(packageFile, identities, senderKeyPem, destination);
  }

  @Override
  public Transport.ExportRecord recordReceipt(byte[] receiptJson, byte[] signature, String receiverKeyPem) {
    open();
    return transports().recordReceipt(receiptJson, signature, receiverKeyPem);
  }

  @Override
  public List<Transport.ExportRecord> exports() {
    open();
    return transports().list();
  }

  private Transports transports() {
    return new Transports(this, vault, signing);
  }

  /** May this user do {@code needed} on {@code path}? For the transport engine. */
  AccessRules.Decision decide(Permission needed, VaultPath path) {
    return content(needed, path);
  }

  /** {@link #verified} for the transport engine: a stored file's content, an integrity failure an INCIDENT. */
  InputStream verifiedRead(FileInfo info) {
    return verified(door.guarded(() -> files.read(info)));
  }

  Role roleOf() {
    return role;
  }

  DefaultVault engineVault() {
    return vault;
  }

  /** Attributes this session's entries to a remote client; see {@link DefaultVault#login(String, Password, String)}. */
  DefaultSession attributeTo(ClientInfo origin) {
    door.attributeTo(origin);
    return this;
  }

  Door door() {
    return door;
  }

  /** The union of this user's grants on {@code path} and each of its ancestors. */
  private java.util.Set<Permission> permissionsOn(VaultPath path) {
    return permissionsOn(path, readState(c -> GrantStore.forUser(state, c, user)));
  }

  private java.util.Set<Permission> permissionsOn(VaultPath path, List<GrantStore.Row> grants) {
    List<String> tags = new java.util.ArrayList<>();
    tags.add(files.pathTag(VaultPath.ROOT));
    String value = path.value();
    for (int i = value.indexOf('/'); i >= 0; i = value.indexOf('/', i + 1)) {
      tags.add(files.pathTag(VaultPath.of(value.substring(0, i))));
    }
    if (!path.isRoot()) {
      tags.add(files.pathTag(path));
    }
    java.util.EnumSet<Permission> out = java.util.EnumSet.noneOf(Permission.class);
    grants.stream()
        .filter(g -> tags.contains(g.prefixTag()))
        .forEach(g -> out.addAll(g.permissions()));
    return out;
  }

  /**
   * Runs a change of state rows as one durable unit of work under the state lock; an integrity
   * failure is an INCIDENT. Then signs a checkpoint that names the new state (see {@link #stateChanged}).
   */
  <T> T changeState(VaultState.Update<T> update) {
    T result = door.guarded(() -> vault.database().durably(c -> state.update(c, update)));
    stateChanged();
    return result;
  }

  /**
   * Signs a checkpoint naming the state as it is now, after a change that is stored, so that
   * rolling the change back also means rolling back the checkpoint kept beside the log.
   *
   * <p>Only damage (an {@link IntegrityException}) fails the change here. A checkpoint that cannot
   * be signed for another reason (its file on a full disk, the database gone between the two) is
   * owed, and the session's close (or the vault's) signs it, even if no entry follows the last
   * checkpoint. A caller told "failed" undid what it had done beside the rows (a recovery key
   * rotation put the old slot back under a database naming the new key), skipped what follows (the
   * slot a two-factor enrolment destroys), or lost what it was to hand back (a folder put's report).
   */
  void stateChanged() {
    try {
      vault.signCheckpoint(signing);
    } catch (IntegrityException damage) {
      throw damage;
    } catch (VaultException e) {
      vault.checkpointOwed(); // the close signs one even if no entry follows the last checkpoint
      LOG.warn("vault {}: the change is stored, but the checkpoint naming it was not signed ({}); the session's close signs one", vault.id(),
          e.getMessage());
    }
  }

  /** Runs a read of checked state; an integrity failure is an INCIDENT. */
  <T> T readState(io.kinko.vault.store.Database.SqlWork<T> read) {
    return door.guarded(() -> vault.database().inTransaction(read));
  }

  VaultState state() {
    return state;
  }

  VaultKeys keys() {
    return keys;
  }

  FileStore files() {
    return files;
  }

  /** Runs {@code work}; an integrity failure is logged as an INCIDENT before it propagates. */
  private <T> T guardedIo(IoWork<T> work) throws IOException {
    try {
      return work.run();
    } catch (IntegrityException e) {
      vault.incident(user, e);
      throw e;
    }
  }

  @FunctionalInterface
  private interface IoWork<T> {
    T run() throws IOException;
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("session of '" + user + "' is closed");
    }
  }
}
