package io.kinko.vault.erase;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.Action;
import io.kinko.vault.CertificateBody;
import io.kinko.vault.CertificateNames;
import io.kinko.vault.Contract;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.DeletionRequest;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogEntry;
import io.kinko.vault.VaultException;
import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.crypto.Bytes;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.crypto.VaultKeys;
import io.kinko.vault.store.Database;
import io.kinko.vault.store.FileCatalog;
import io.kinko.vault.store.FileStore;
import io.kinko.vault.store.FolderIndex;
import io.kinko.vault.store.Interrupts;
import io.kinko.vault.store.VaultLayout;
import io.kinko.vault.state.StateKind;
import io.kinko.vault.state.VaultState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Certified deletion as a recorded state machine (DESIGN.md, "Deletion certificates"). A batch
 * of file versions is recorded, durably, before anything is destroyed; then each blob's key is
 * destroyed and its bytes overwritten and unlinked, the metadata rows dropped, a DELETE entry
 * appended per version, a checkpoint signed, and one certificate issued whose id is the batch's.
 * Every step can be repeated, so {@link #resume} finishes a batch that a crash interrupted, and a
 * certificate is only ever issued for blobs whose key is verifiably gone.
 */
public final class Deleter {
  private static final HexFormat HEX = HexFormat.of();
  /** What a certificate's contentCommitment is; an unkeyed digest would confirm guessed short records. */
  static final String COMMITMENT_METHOD = "HMAC-SHA256, per-file key destroyed with the file";
  static final String NO_COMMITMENT = "none: stored before Kinko kept content commitments; no digest of the content is kept";

  /** What a deletion needs from the open vault and session. */
  public record Context(Database database, VaultState state, VaultLayout layout, VaultKeys keys, AccessLog log, LogCheckpoints checkpoints,
      Supplier<LogCheckpoints.Signed> signCheckpoint, SigningKey signer, Contract contract, String vaultId, String host,
      String application, Clock clock, CertificateNames names, String cityRecipient) {
    public Context {
      java.util.Objects.requireNonNull(names, "names");
    }

    /** A context with no city recipient: its certificates seal no names. */
    public Context(Database database, VaultState state, VaultLayout layout, VaultKeys keys, AccessLog log, LogCheckpoints checkpoints,
        Supplier<LogCheckpoints.Signed> signCheckpoint, SigningKey signer, Contract contract, String vaultId, String host,
        String application, Clock clock, CertificateNames names) {
      this(database, state, layout, keys, log, checkpoints, signCheckpoint, signer, contract, vaultId, host, application, clock, names,
          null);
    }

    /** {@code path} sealed to the city's recipient (base64 of the binary age file) when the policy says so, else null. */
    public String sealedName(String path) {
      return names == CertificateNames.SEALED
          ? java.util.Base64.getEncoder().encodeToString(io.kinko.vault.crypto.AgeSeal.seal(cityRecipient,
              path.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          : null;
    }

    /** A context whose certificates name files by tag, the default policy. */
    public Context(Database database, VaultState state, VaultLayout layout, VaultKeys keys, AccessLog log, LogCheckpoints checkpoints,
        Supplier<LogCheckpoints.Signed> signCheckpoint, SigningKey signer, Contract contract, String vaultId, String host,
        String application, Clock clock) {
      this(database, state, layout, keys, log, checkpoints, signCheckpoint, signer, contract, vaultId, host, application, clock,
          CertificateNames.TAG);
    }
  }

  private final Context ctx;

  public Deleter(Context ctx) {
    this.ctx = ctx;
  }

  /**
   * Deletes every given file version and returns the one certificate that lists them all;
   * {@code filesDone} is told the count of paths done as each path's last version is erased.
   */
  public DeletionCertificate delete(List<FileCatalog.Row> rows, String operator, String scope, LongConsumer filesDone) {
    String batch = record(rows, operator, scope, DeletionState.PENDING);
    crashPoint("pending");
    return claimed(batch, false, () -> finish(batch, filesDone)).orElseThrow();
  }

  /**
   * Records a deletion of every given file version for a second person's approval (the two-person
   * rule) and destroys nothing: the versions stay readable, and a login does not resume the
   * request. Returns the request's id, which becomes the certificate's id once it is approved.
   */
  public String request(List<FileCatalog.Row> rows, String operator, String scope) {
    return record(rows, operator, scope, DeletionState.REQUESTED);
  }

  /**
   * Approves a request: records {@code approver} with its rows, in the state commitment, then
   * destroys and certifies as {@link #delete} does; the certificate names the requester as
   * operator and {@code approver} as approver. A crash after the approval is durable leaves a
   * PENDING batch that the next login finishes.
   *
   * @throws io.kinko.vault.NotFoundException if no request with this id awaits approval
   */
  public DeletionCertificate approve(String requestId, String approver, LongConsumer filesDone) {
    return claimed(requestId, false, () -> {
      awaiting(requestId);
      ctx.database().durably(db -> ctx.state().update(db, (c, changes) -> {
        changes.touch(StateKind.DELETION, requestId);
        try (PreparedStatement s = c.prepareStatement("UPDATE deletions SET state = '" + DeletionState.PENDING + "', approver = ? "
            + "WHERE batch_id = ? AND state = '" + DeletionState.REQUESTED + "'")) {
          s.setString(1, approver);
          s.setString(2, requestId);
          s.executeUpdate();
        }
        return null;
      }));
      crashPoint("approved");
      return finish(requestId, filesDone);
    }).orElseThrow();
  }

  /**
   * Cancels a request: its rows go, nothing was destroyed, and its versions may be requested
   * again. (Its {@code deletion_batches} row stays: this call holds its lock, and a batch with no
   * rows is never resumed.) Returns what was cancelled.
   *
   * @throws io.kinko.vault.NotFoundException if no request with this id awaits approval
   */
  public DeletionRequest reject(String requestId) {
    return claimed(requestId, false, () -> {
      DeletionRequest request = awaiting(requestId);
      ctx.database().durably(db -> ctx.state().update(db, (c, changes) -> {
        changes.touch(StateKind.DELETION, requestId);
        try (PreparedStatement s = c.prepareStatement("DELETE FROM deletions WHERE batch_id = ? AND state = '" + DeletionState.REQUESTED + "'")) {
          s.setString(1, requestId);
          s.executeUpdate();
        }
        return null;
      }));
      return request;
    }).orElseThrow();
  }

  /**
   * The request with this id if it awaits approval, read from the checked state.
   *
   * @throws IntegrityException if its rows were written or edited outside Kinko
   */
  public Optional<DeletionRequest> requested(String requestId) {
    List<Item> items = items(requestId);
    if (items.isEmpty() || items.stream().anyMatch(i -> i.state != DeletionState.REQUESTED)) {
      return Optional.empty();
    }
    Item first = items.get(0);
    List<String> paths = items.stream().map(i -> FileStore.meta(ctx.keys(), i.fileId, i.sealedMeta).path()).distinct().sorted().toList();
    return Optional.of(new DeletionRequest(requestId, first.operator, Instant.ofEpochMilli(first.requestedAt),
        first.notes == null ? "" : first.notes, paths, items.size()));
  }

  /**
   * Every request awaiting approval, oldest first.
   *
   * @throws IntegrityException if a request, found by an unchecked query, has no checked row
   */
  public List<DeletionRequest> requests() {
    List<String> batches = batchesIn(DeletionState.REQUESTED);
    List<DeletionRequest> out = new ArrayList<>();
    for (String batch : batches) {
      if (items(batch).isEmpty()) {
        throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "deletion request " + batch + " is not in the vault's state: its rows were written outside Kinko");
      }
      requested(batch).ifPresent(out::add);
    }
    out.sort(java.util.Comparator.comparing(DeletionRequest::requestedAt).thenComparing(DeletionRequest::id));
    return out;
  }

  private DeletionRequest awaiting(String requestId) {
    return requested(requestId).orElseThrow(() -> new io.kinko.vault.NotFoundException("no deletion request " + requestId
        + " awaits approval: it was approved, rejected or never made"));
  }

  /**
   * Records the batch's rows in {@code initial} state (PENDING to delete now, REQUESTED to wait
   * for approval) after a DELETE_REQUEST entry; returns the batch id.
   */
  private String record(List<FileCatalog.Row> rows, String operator, String scope, DeletionState initial) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("nothing to delete");
    }
    String batch = Bytes.hex(Bytes.random(16));
    long now = ctx.clock().millis();
    // Logged before anything changes: a failure from here on leaves a record of the attempt.
    ctx.log().append(AccessLog.Event.allow(operator, Action.DELETE_REQUEST, "certified deletion " + batch + " of " + rows.size()
        + " version(s)" + (initial == DeletionState.REQUESTED ? ", awaiting a second person's approval" : ""), null, rows.get(0).pathTag()));
    List<String> gone = ctx.database().durably(db -> ctx.state().update(db, (c, changes) -> {
      // Lock the versions. One that another session deleted, or is deleting, since they were
      // listed is not deleted twice: its files row is gone, or it already has a deletions row.
      List<String> missing = new ArrayList<>();
      try (PreparedStatement lock = c.prepareStatement("SELECT file_id FROM files WHERE file_id = ? FOR UPDATE");
           PreparedStatement taken = c.prepareStatement("SELECT file_id FROM deletions WHERE file_id = ?")) {
        for (FileCatalog.Row r : rows) {
          lock.setString(1, r.fileId());
          taken.setString(1, r.fileId());
          try (ResultSet found = lock.executeQuery(); ResultSet deleting = taken.executeQuery()) {
            if (!found.next() || deleting.next()) {
              missing.add(r.fileId());
            }
          }
        }
      }
      if (!missing.isEmpty()) {
        return missing;
      }
      int bucket = changes.touch(StateKind.DELETION, batch);
      try (PreparedStatement s = c.prepareStatement("INSERT INTO deletions (file_id, batch_id, state, path_tag, version, sealed_meta, "
          + "size_bytes, stored_at, operator, requested_at, erase_notes, bucket) VALUES (?, ?, '" + initial + "', ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (FileCatalog.Row r : rows) {
          s.setInt(11, bucket);
          s.setString(1, r.fileId());
          s.setString(2, batch);
          s.setString(3, r.pathTag());
          s.setInt(4, r.version());
          s.setString(5, r.sealedMeta());
          s.setLong(6, r.size());
          s.setLong(7, r.storedAtMillis());
          s.setString(8, operator);
          s.setLong(9, now);
          s.setString(10, scope);
          s.addBatch();
        }
        s.executeBatch();
      }
      try (PreparedStatement s = c.prepareStatement("INSERT INTO deletion_batches (batch_id) VALUES (?)")) {
        s.setString(1, batch);
        s.executeUpdate();
      }
      return missing;
    }));
    if (!gone.isEmpty()) {
      ctx.log().append(AccessLog.Event.allow(operator, Action.DELETE, "not found: " + gone.size() + " version(s) deleted, or requested "
          + "for deletion, meanwhile by another session; deletion " + batch + " not started", null, rows.get(0).pathTag()));
      throw new io.kinko.vault.NotFoundException("the file was deleted, or its deletion requested, by another session; nothing was deleted");
    }
    return batch;
  }

  /** Finishes every batch a crash left unfinished; returns their certificates. */
  public List<DeletionCertificate> resume() {
    // Every state from PENDING to before CERTIFIED (a request awaiting approval is not resumed).
    List<String> batches = batchesIn(DeletionState.PENDING, DeletionState.UNLINKED, DeletionState.LOGGED);
    List<DeletionCertificate> out = new ArrayList<>();
    for (String batch : batches) {
      // A batch another process is finishing right now is its business: skip it, and look
      // again at the lock's holder having finished it.
      claimed(batch, true, () -> unfinished(batch) ? finish(batch, files -> {}) : null).ifPresent(out::add);
    }
    return out;
  }

  /** The batches with a row in one of {@code states}, by an unchecked query, spelled out so that the index on state serves ('<>' scans). */
  private List<String> batchesIn(DeletionState... states) {
    String in = java.util.Arrays.stream(states).map(st -> "'" + st + "'").collect(java.util.stream.Collectors.joining(", "));
    return ctx.database().inTransaction(c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT batch_id FROM deletions WHERE state IN (" + in + ")");
           ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
      return out;
    });
  }

  /**
   * @throws IntegrityException if the batch, found by an unchecked query, has no checked row: its
   *     rows were written outside Kinko, and nothing of it is destroyed
   */
  private boolean unfinished(String batch) {
    List<Item> items = items(batch);
    if (items.isEmpty()) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "deletion batch " + batch + " is not in the vault's state: its rows were written outside Kinko; "
          + "nothing was destroyed");
    }
    return items.stream().anyMatch(i -> i.state != DeletionState.CERTIFIED);
  }

  /**
   * Runs {@code work} holding the row lock of {@code batch}, on a connection of its own that the
   * work does not use, so processes sharing a vault finish a batch one at a time. With {@code
   * skipIfBusy}, a batch whose lock another process holds is skipped (empty) rather than waited for.
   */
  private <T> Optional<T> claimed(String batch, boolean skipIfBusy, Supplier<T> work) {
    try (Interrupts.Held held = Interrupts.holdBack()) { // the lock's connection waits in H2, which an interrupt cuts short
      return claimedHeldBack(batch, skipIfBusy, work);
    }
  }

  private <T> Optional<T> claimedHeldBack(String batch, boolean skipIfBusy, Supplier<T> work) {
    Connection lock;
    try {
      lock = ctx.database().connection();
    } catch (SQLException e) {
      throw Database.failure("cannot lock deletion batch " + batch, e);
    }
    try {
      try (PreparedStatement s = lock.prepareStatement("SELECT batch_id FROM deletion_batches WHERE batch_id = ? FOR UPDATE"
          + (skipIfBusy ? " SKIP LOCKED" : ""))) {
        s.setString(1, batch);
        try (ResultSet r = s.executeQuery()) {
          if (!r.next()) {
            if (skipIfBusy) {
              return Optional.empty();
            }
            throw new VaultException("deletion batch " + batch + " is not recorded");
          }
        }
      }
      return Optional.ofNullable(work.get());
    } catch (SQLException e) {
      throw Database.failure("cannot lock deletion batch " + batch, e);
    } finally {
      release(lock);
    }
  }

  /** Lets go of a lock connection; one the server already dropped has nothing left to release. */
  private static void release(Connection lock) {
    try {
      lock.rollback();
      lock.close();
    } catch (SQLException e) {
      try {
        lock.close();
      } catch (SQLException ignored) {
        // The pool discards a broken connection.
      }
    }
  }

  private record Item(String fileId, DeletionState state, String pathTag, int version, String sealedMeta, long size, long storedAt,
      String operator, String notes, Long logSeq, long requestedAt, String approver) {}

  private DeletionCertificate finish(String batch, LongConsumer filesDone) {
    List<Item> items = items(batch);
    // Versions of one path are not adjacent (items are in file id order): a path is done with its last.
    Map<String, Integer> versionsLeft = new java.util.HashMap<>();
    items.forEach(item -> versionsLeft.merge(item.pathTag, 1, Integer::sum));
    long pathsDone = 0;
    // 1. Destroy each blob's key, then its bytes and name.
    for (Item item : items) {
      if (item.state == DeletionState.PENDING) {
        BlobEraser.Result result = BlobEraser.erase(ctx.layout().blob(item.fileId), ctx.keys(), item.fileId, item.size);
        setState(batch, item.fileId, DeletionState.UNLINKED, result.notes(), null);
        crashPoint("erased");
      }
      if (versionsLeft.merge(item.pathTag, -1, Integer::sum) == 0) {
        filesDone.accept(++pathsDone);
      }
    }
    // 2. Drop the metadata rows and their folder index rows, one state change: from here the
    //    versions are gone from every listing.
    List<FileCatalog.Row> rows = items.stream()
        .map(i -> new FileCatalog.Row(i.fileId, i.pathTag, i.version, i.sealedMeta, i.size, i.storedAt, i.operator)).toList();
    ctx.database().durably(c -> ctx.state().update(c, (tx, changes) -> {
      FolderIndex.remove(tx, items.stream().map(Item::fileId).toList());
      return FileCatalog.remove(tx, changes, rows);
    }));
    crashPoint("unlinked");
    // 3. One DELETE entry per version, durable; a resumed batch reuses entries already appended.
    List<AccessLog.Event> events = new ArrayList<>();
    List<Item> toLog = new ArrayList<>();
    Map<String, LogEntry> logged = deleteEntries(batch);
    for (Item item : items(batch)) {
      if (item.logSeq == null && !logged.containsKey(item.fileId)) {
        events.add(AccessLog.Event.allow(item.operator, Action.DELETE, "certified deletion " + batch, item.fileId, item.pathTag));
        toLog.add(item);
      }
    }
    List<LogEntry> appended = ctx.log().append(events);
    for (int i = 0; i < appended.size(); i++) {
      setState(batch, toLog.get(i).fileId, DeletionState.LOGGED, null, appended.get(i).seq());
    }
    Map<String, LogEntry> entries = deleteEntries(batch);
    for (Item item : items(batch)) {
      if (item.logSeq == null) {
        setState(batch, item.fileId, DeletionState.LOGGED, null, entries.get(item.fileId).seq());
      }
    }
    crashPoint("logged");
    // 4. Sign a checkpoint that covers the entries, then the certificate.
    Optional<DeletionCertificate> issued = find(ctx.database(), batch, ctx.signer().publicKey());
    DeletionCertificate certificate = issued.orElseGet(() -> issue(batch, items(batch), entries));
    crashPoint("signed");
    // With the certificate out, the commitment keys go: the deletions rows keep the path only.
    Map<String, String> scrubbed = new LinkedHashMap<>();
    for (Item item : items(batch)) {
      scrubbed.put(item.fileId, FileStore.scrubbedMeta(ctx.keys(), item.fileId, item.sealedMeta));
    }
    ctx.database().durably(db -> ctx.state().update(db, (c, changes) -> {
      changes.touch(StateKind.DELETION, batch);
      try (PreparedStatement s = c.prepareStatement("UPDATE deletions SET state = '" + DeletionState.CERTIFIED + "', cert_id = ?, sealed_meta = ? "
          + "WHERE file_id = ? AND batch_id = ?")) {
        for (Map.Entry<String, String> e : scrubbed.entrySet()) {
          s.setString(1, batch);
          s.setString(2, e.getValue());
          s.setString(3, e.getKey());
          s.setString(4, batch);
          s.addBatch();
        }
        s.executeBatch();
      }
      return null;
    }));
    return certificate;
  }

  private DeletionCertificate issue(String batch, List<Item> items, Map<String, LogEntry> entries) {
    LogCheckpoints.Signed checkpoint = ctx.signCheckpoint().get();
    List<CertificateBody.Item> deleted = new ArrayList<>();
    Instant keepUntil = Instant.MIN;
    long requested = Long.MAX_VALUE;
    boolean allPassed = true;
    for (Item item : items) {
      requested = Math.min(requested, item.requestedAt);
      LogEntry entry = entries.get(item.fileId);
      if (entry == null) {
        throw new VaultException("DELETE entry of " + item.fileId + " is missing");
      }
      FileStore.Meta meta = FileStore.meta(ctx.keys(), item.fileId, item.sealedMeta);
      deleted.add(new CertificateBody.DeletedFile(item.fileId, item.pathTag, item.version, item.size,
          meta.hasCommitment() ? HEX.formatHex(meta.commitment()) : null, meta.hasCommitment() ? COMMITMENT_METHOD : NO_COMMITMENT, null,
          Instant.ofEpochMilli(item.storedAt),
          new CertificateBody.KeyDestroyed("file key of " + item.fileId,
              "the blob's header, wrapped by the vault master key; no other copy is kept by the vault", 1),
          new CertificateBody.Verification("header read back after overwrite; the blob no longer opens with the vault's keys", "pass",
              item.notes == null ? "" : item.notes),
          Certificates.logRef(entry, ctx.checkpoints(), checkpoint), ctx.names() == CertificateNames.PLAIN ? meta.path() : null,
          ctx.sealedName(meta.path())));
      allPassed &= item.state != DeletionState.PENDING;
      keepUntil = entry.keepUntil().isAfter(keepUntil) ? entry.keepUntil() : keepUntil;
    }
    // Under the two-person rule the approver is a second person; otherwise the operator approved their own rm.
    String approver = items.get(0).approver == null ? items.get(0).operator : items.get(0).approver;
    CertificateBody cert = new CertificateBody(Certificates.header(CertificateBody.Kind.DELETION, batch, items.get(0).operator, approver, ctx),
        new CertificateBody.Method("Purge", List.of("cryptographic erase: the per-file key was destroyed",
            "overwrite: 1 pass of random data over the whole blob, then unlink"), null),
        MediaFacts.of(ctx.layout().blobs()).toMedia(), deleted, Certificates.checkpoint(checkpoint), keepUntil, null, null, null, null,
        Certificates.erasure(Instant.ofEpochMilli(requested), allPassed, ctx));
    return Certificates.signAndStore(ctx, cert);
  }

  /**
   * Every certificate the vault issued, oldest first, each verified under the vault's key {@code publicKey}.
   *
   * @throws IntegrityException at the first that does not verify
   */
  public static List<DeletionCertificate> all(Database database, byte[] publicKey) {
    return database.inTransaction(c -> {
      List<DeletionCertificate> out = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT cert_id, body, signature FROM certificates ORDER BY issued_at, cert_id");
           ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(stored(r, publicKey));
        }
      }
      // A certificate row deleted: the deletion it certified still names it.
      try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT d.cert_id FROM deletions d WHERE d.state = '" + DeletionState.CERTIFIED
          + "' AND NOT EXISTS (SELECT 1 FROM certificates k WHERE k.cert_id = d.cert_id)"); ResultSet r = s.executeQuery()) {
        if (r.next()) {
          throw new IntegrityException(IncidentRule.INTEGRITY_OTHER, "the certificate " + r.getString(1) + " of a certified deletion is missing "
              + "from the vault: the database was edited outside Kinko");
        }
      }
      return out;
    });
  }

  /** The certificate with this id, if it was issued, verified as {@link #all} verifies each. */
  static Optional<DeletionCertificate> find(Database database, String id, byte[] publicKey) {
    return database.inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT cert_id, body, signature FROM certificates WHERE cert_id = ?")) {
        s.setString(1, id);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(stored(r, publicKey)) : Optional.empty();
        }
      }
    });
  }

  /**
   * A row of {@code certificates}, its signature checked under the vault's key before anyone is
   * handed it: the rows are no part of the vault's state, and one edited while the vault was
   * closed went out to the auditor as it was (a signature that is not Base64 failed as a bare
   * IllegalArgumentException). The signature alone is enough: the vault signed the body only once
   * its proofs held (an auditor's whole check is four times the cost, for each of thousands).
   *
   * @throws IntegrityException if it does not verify under the vault's key, or is filed under another id
   */
  private static DeletionCertificate stored(ResultSet r, byte[] publicKey) throws SQLException {
    String id = r.getString(1);
    String body = r.getString(2);
    String signature = r.getString(3);
    try {
      if (body == null || signature == null) {
        throw new IntegrityException("its body or signature is missing");
      }
      byte[] json = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] signed = Base64.getDecoder().decode(signature);
      if (!SigningKey.verifies(publicKey, json, signed)) {
        throw new IntegrityException("its signature does not verify with the vault's key");
      }
      if (!CertificateCodec.parse(json).header().certificateId().equals(id)) {
        throw new IntegrityException("it is filed under another certificate's id");
      }
      return new DeletionCertificate(id, body, signed);
    } catch (IntegrityException | IllegalArgumentException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_OTHER, "the certificate " + id + " that the vault keeps does not verify ("
          + e.getMessage() + "): the database was edited outside Kinko", e);
    }
  }

  /**
   * This batch's DELETE entries by file id, found through the log's index on file id (one look-up
   * per version, whatever the log's length); the batch id is in each entry's reason.
   */
  private Map<String, LogEntry> deleteEntries(String batch) {
    String reason = "certified deletion " + batch;
    Map<String, LogEntry> out = new java.util.HashMap<>();
    for (Item item : items(batch)) {
      for (LogEntry e : ctx.log().entriesOfFile(item.fileId, "DELETE")) {
        if (e.reason().equals(reason)) {
          out.putIfAbsent(e.fileId(), e);
        }
      }
    }
    return out;
  }

  /** The batch's rows, checked against the state: a row added, edited or replayed destroys nothing. */
  private List<Item> items(String batch) {
    StateKind k = StateKind.DELETION;
    return ctx.database().inTransaction(c -> {
      List<Item> out = new ArrayList<>();
      for (List<String> v : ctx.state().rows(c, k, batch)) {
        if (!v.get(k.column("batch_id")).equals(batch)) {
          continue;
        }
        String seq = v.get(k.column("log_seq"));
        out.add(new Item(v.get(k.column("file_id")), DeletionState.valueOf(v.get(k.column("state"))), v.get(k.column("path_tag")),
            Integer.parseInt(v.get(k.column("version"))), v.get(k.column("sealed_meta")), Long.parseLong(v.get(k.column("size_bytes"))),
            Long.parseLong(v.get(k.column("stored_at"))), v.get(k.column("operator")), v.get(k.column("erase_notes")),
            seq == null ? null : Long.parseLong(seq), Long.parseLong(v.get(k.column("requested_at"))), v.get(k.column("approver"))));
      }
      out.sort(java.util.Comparator.comparing(Item::fileId));
      return out;
    });
  }


  private void setState(String batch, String fileId, DeletionState state, String notes, Long logSeq) {
    ctx.database().durably(db -> ctx.state().update(db, (c, changes) -> {
      changes.touch(StateKind.DELETION, batch);
      try (PreparedStatement s = c.prepareStatement("UPDATE deletions SET state = ?, erase_notes = COALESCE(?, erase_notes), "
          + "log_seq = COALESCE(?, log_seq) WHERE file_id = ?")) {
        s.setString(1, state.name());
        s.setString(2, notes);
        if (logSeq == null) {
          s.setNull(3, java.sql.Types.BIGINT);
        } else {
          s.setLong(3, logSeq);
        }
        s.setString(4, fileId);
        s.executeUpdate();
      }
      return null;
    }));
  }

  /**
   * A step of a deletion that is durable once reached ("pending", "approved", "erased", "unlinked", "logged",
   * "signed"): where the crash tests stop the JVM, through {@link CrashPoints}. Does nothing otherwise.
   */
  static void crashPoint(String step) {
    CrashPoints.reached(step);
  }
}
