package io.kinko.vault.inspect;

import io.kinko.vault.AuditResult;
import io.kinko.vault.AuditResult.Finding;
import io.kinko.vault.Contract;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogEntry;
import io.kinko.vault.LogQuery;
import io.kinko.vault.UserInfo;
import io.kinko.vault.VaultException;
import io.kinko.vault.acl.GrantStore;
import io.kinko.vault.acl.UserRegistry;
import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.audit.CanonicalJson;
import io.kinko.vault.crypto.BlobCipher;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.crypto.VaultKeys;
import io.kinko.vault.erase.DeletionState;
import io.kinko.vault.state.StateKind;
import io.kinko.vault.state.VaultState;
import io.kinko.vault.store.Database;
import io.kinko.vault.store.FileStore;
import io.kinko.vault.store.PrivateFiles;
import io.kinko.vault.store.VaultLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * The self-audit's checks (clause 9) past the log's own verification, which the session runs
 * first: blobs (header, or every byte with {@code deep}, streamed through one buffer; missing
 * ones and ones no file owns), modes, accounts, unfinished deletions, retention dates and the
 * database's durability. Each check gathers facts and turns them into findings; a check that
 * cannot run is a finding too, never a silent pass. Integrity failures go to {@code incident}
 * as they are found.
 */
public final class SelfAudit {
  private static final Pattern BLOB_NAME = Pattern.compile("[0-9a-f]{32}");
  private static final String PARTIAL = ".partial";
  /** File systems whose writes never reach a disk: nothing in them survives a power cut. */
  private static final Set<String> VOLATILE = Set.of("tmpfs", "ramfs");
  private static final int BUFFER = 64 * 1024;

  /** What the audit needs from the open vault and the administrator's session. */
  public record Context(Database database, VaultState state, VaultLayout layout, VaultKeys keys, AccessLog log, Contract contract,
      Instant now, Consumer<IntegrityException> incident, java.util.function.Supplier<List<io.kinko.vault.AlertSinkHealth>> alerts) {}

  /** What the checks found and how much they looked at. */
  public record Outcome(List<Finding> findings, long blobs, long bytesDecrypted, int users, int grants) {}

  private final Context ctx;
  private final List<Finding> findings = new ArrayList<>();
  private long blobs;
  private long bytesDecrypted;
  private int users;
  private int grants;

  public SelfAudit(Context ctx) {
    this.ctx = ctx;
  }

  /** Runs every check; {@code blobsDone} is told the number of blobs checked so far. */
  public Outcome run(boolean deep, LongConsumer blobsDone) {
    checkBlobs(deep, blobsDone);
    checkModes();
    checkUsers();
    checkDeletions();
    checkRetention();
    checkDurability();
    checkAlerts();
    checkRecovery();
    return new Outcome(List.copyOf(findings), blobs, bytesDecrypted, users, grants);
  }

  private void integrity(String id, String what, String todo) {
    findings.add(AuditRules.integrity(id, what, todo));
    ctx.incident().accept(new IntegrityException(what));
  }

  /** A check that failed to run: reported, so that a broken check never reads as a clean vault. */
  private void couldNotCheck(String check, RuntimeException e) {
    if (e instanceof IntegrityException integrityFailure) {
      findings.add(AuditRules.integrity(check, integrityFailure.getMessage(), INCIDENT_TODO));
      ctx.incident().accept(integrityFailure);
      return;
    }
    findings.add(AuditRules.warning(check + "-unchecked", "the " + check + " check could not run: " + e.getMessage(),
        "fix the cause and run kinko audit again"));
  }

  static final String INCIDENT_TODO = "treat it as an incident (clause 6): keep the vault as it is, compare it with the last checkpoint "
      + "the city holds (kinko log verify --witness FILE) and restore the affected data from a backup";

  // ---- blobs

  private void checkBlobs(boolean deep, LongConsumer blobsDone) {
    StateKind k = StateKind.FILE;
    Map<String, Long> versions = new LinkedHashMap<>();
    Set<String> deleting = new HashSet<>();
    try {
      ctx.database().inTransaction(c -> {
        for (List<String> row : ctx.state().all(c, k)) {
          versions.put(row.get(k.column("file_id")), Long.parseLong(row.get(k.column("size_bytes"))));
        }
        try (PreparedStatement s = c.prepareStatement("SELECT file_id FROM deletions WHERE state <> ?")) {
          s.setString(1, DeletionState.CERTIFIED.name());
          try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
              deleting.add(r.getString(1));
            }
          }
        }
        return null;
      });
    } catch (RuntimeException e) {
      couldNotCheck("files", e);
      return;
    }
    byte[] buffer = new byte[BUFFER];
    for (Map.Entry<String, Long> v : versions.entrySet()) {
      checkBlob(v.getKey(), v.getValue(), deep, buffer, deleting.contains(v.getKey()));
      blobs++;
      blobsDone.accept(blobs);
    }
    checkStrays(versions.keySet(), deleting);
  }

  /** Checks one blob; one whose deletion is under way may be gone already (its deletion is a finding of its own). */
  private void checkBlob(String fileId, long size, boolean deep, byte[] buffer, boolean beingDeleted) {
    boolean headerPassed = false;
    try (InputStream blob = Files.newInputStream(ctx.layout().blob(fileId), LinkOption.NOFOLLOW_LINKS);
         InputStream plain = BlobCipher.decrypt(ctx.keys(), fileId, size, blob)) {
      headerPassed = true;
      if (deep) {
        for (int n = plain.read(buffer); n >= 0; n = plain.read(buffer)) {
          bytesDecrypted += n;
        }
      }
    } catch (NoSuchFileException e) {
      if (beingDeleted) {
        return;
      }
      integrity("blob-missing:" + fileId, "the blob of file " + fileId + " is missing from the vault", INCIDENT_TODO);
    } catch (IntegrityException e) {
      integrity((headerPassed ? "blob-body:" : "blob-header:") + fileId, e.getMessage(), INCIDENT_TODO);
    } catch (IOException e) {
      findings.add(AuditRules.warning("blob-unreadable:" + fileId, "cannot read the blob of file " + fileId + ": " + FileStore.describe(e),
          "check the disk and the blob's owner and mode, then run kinko audit again"));
    }
  }

  /** Files under blobs/ that no stored version and no unfinished deletion names. */
  private void checkStrays(Set<String> owned, Set<String> deleting) {
    Path root = ctx.layout().blobs();
    try (DirectoryStream<Path> fans = Files.newDirectoryStream(root)) {
      for (Path fan : fans) {
        if (!Files.isDirectory(fan, LinkOption.NOFOLLOW_LINKS)) {
          stray(fan, "is not a fan-out folder");
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(fan)) {
          for (Path f : files) {
            String name = f.getFileName().toString();
            if (name.endsWith(PARTIAL) && BLOB_NAME.matcher(name.substring(0, name.length() - PARTIAL.length())).matches()) {
              findings.add(AuditRules.warning("blob-partial:" + name.substring(0, 32), "blobs/" + fan.getFileName() + "/" + name
                  + " is a blob whose put did not finish (ciphertext only, named by no file)",
                  "if no put is running on any host, remove it: rm " + f));
            } else if (!BLOB_NAME.matcher(name).matches()) {
              stray(f, "is not a blob name");
            } else if (!owned.contains(name) && !deleting.contains(name)) {
              findings.add(AuditRules.warning("blob-orphan:" + name, "the blob " + name + " belongs to no stored file "
                  + "(ciphertext only; left by an interrupted put, or placed there)",
                  "if no put is running on any host, remove it: rm " + f));
            }
          }
        }
      }
    } catch (IOException e) {
      findings.add(AuditRules.warning("blobs-unchecked", "cannot list " + root + ": " + FileStore.describe(e),
          "check the blob folder's owner and mode, then run kinko audit again"));
    }
  }

  private void stray(Path p, String why) {
    String relative = ctx.layout().root().relativize(p).toString();
    findings.add(AuditRules.warning("blob-stray:" + relative, relative + " " + why + ": Kinko never writes it",
        "find out who put it there; if it is not needed, remove it"));
  }

  // ---- modes

  private void checkModes() {
    try {
      for (PrivateFiles.Exposure e : PrivateFiles.wider(PrivateFiles.modes(ctx.layout(), true))) {
        String relative = e.path().equals(ctx.layout().root()) ? "." : ctx.layout().root().relativize(e.path()).toString();
        findings.add(AuditRules.warning("mode:" + relative, relative + " is " + e.modeString()
            + ": wider than private (folders 0700, files 0600); other local accounts may read keys, metadata or ciphertext",
            "chmod -R go-rwx " + ctx.layout().root()));
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      // An entry that vanished during the walk (a put's staged blob, the database's temporary file) fails it too.
      IOException cause = e instanceof IOException io ? io : ((java.io.UncheckedIOException) e).getCause();
      findings.add(AuditRules.warning("mode-unchecked", "cannot read the modes under " + ctx.layout().root() + ": " + FileStore.describe(cause),
          "check the vault folder's owner, then run kinko audit again"));
    }
  }

  // ---- accounts

  private void checkUsers() {
    List<UserInfo> all;
    Map<String, Integer> held = new HashMap<>();
    try {
      all = ctx.database().inTransaction(c -> {
        for (GrantStore.Row g : GrantStore.all(ctx.state(), c)) {
          held.merge(g.user(), 1, Integer::sum);
        }
        return UserRegistry.allChecked(ctx.state(), c);
      });
    } catch (RuntimeException e) {
      couldNotCheck("users", e);
      return;
    }
    users = all.size();
    grants = held.values().stream().mapToInt(Integer::intValue).sum();
    Instant window = ctx.now().minus(AuditRules.STALE);
    Map<String, Instant> lastLogins = new HashMap<>();
    for (UserInfo u : all) {
      for (LogEntry e : ctx.log().entries(new LogQuery(window, null, u.name(), "LOGIN"))) {
        if (e.decision().equals("ALLOW") && e.actor().equals(u.name())) {
          lastLogins.merge(u.name(), e.time(), (a, b) -> a.isAfter(b) ? a : b);
        }
      }
    }
    findings.addAll(AuditRules.users(all, held, lastLogins, ctx.now()));
  }

  // ---- deletions

  private void checkDeletions() {
    Map<String, Map<String, Integer>> unfinished = new LinkedHashMap<>();
    try {
      ctx.database().inTransaction(c -> {
        // A request awaiting a second person's approval (two-person rule) has not started: not unfinished.
        try (PreparedStatement s = c.prepareStatement("SELECT batch_id, state, COUNT(*) FROM deletions WHERE state <> ? AND state <> ? "
            + "GROUP BY batch_id, state ORDER BY batch_id, state")) {
          s.setString(1, DeletionState.CERTIFIED.name());
          s.setString(2, DeletionState.REQUESTED.name());
          try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
              unfinished.computeIfAbsent(r.getString(1), b -> new LinkedHashMap<>()).put(r.getString(2), r.getInt(3));
            }
          }
        }
        return null;
      });
    } catch (RuntimeException e) {
      couldNotCheck("deletions", e);
      return;
    }
    unfinished.forEach((batch, states) -> findings.add(AuditRules.warning("deletion-unfinished:" + batch, "deletion " + batch
        + " stopped before its certificate: " + states.entrySet().stream().map(s -> s.getValue() + " version(s) " + s.getKey()).toList()
        + "; until it finishes, some of its files may still be readable from the disk",
        "log in again (a login finishes interrupted deletions) and check that certificate " + batch + " is issued (kinko cert list)")));
  }

  // ---- retention

  private void checkRetention() {
    Instant floor = AuditRules.retentionFloor(ctx.contract().end());
    try {
      long[] found = ctx.database().inTransaction(c -> {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*), MIN(seq), MIN(keep_until) FROM log_entries WHERE keep_until < ?")) {
          s.setLong(1, floor.toEpochMilli());
          try (ResultSet r = s.executeQuery()) {
            r.next();
            return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
          }
        }
      });
      findings.addAll(AuditRules.retention(ctx.contract().end(), found[0], found[1], Instant.ofEpochMilli(found[2])));
    } catch (RuntimeException e) {
      couldNotCheck("retention", e);
    }
  }

  // ---- durability

  // ---- alert sinks (clause 6)

  /** The sinks as the checked state holds them (an edited row is an incident), then each one's health. */
  private void checkAlerts() {
    try {
      ctx.database().inTransaction(c -> io.kinko.vault.store.Settings.withPrefix(ctx.state(), c, "alert.sink."));
      findings.addAll(AuditRules.alerts(ctx.alerts().get(), ctx.now()));
    } catch (RuntimeException e) {
      couldNotCheck("alerts", e);
    }
  }

  // ---- the recovery key (clause 5(8))

  /** The recovery key the checked state names, and its slot beside the others. */
  private void checkRecovery() {
    try {
      String fingerprint = ctx.database().inTransaction(c -> io.kinko.vault.store.Settings.get(ctx.state(), c, AuditRules.RECOVERY_SETTING))
          .map(io.kinko.vault.store.Settings.Setting::value).orElse(null);
      boolean slot = java.nio.file.Files.exists(ctx.layout().recoverySlot());
      if (fingerprint != null && !slot) {
        integrity("recovery-slot", "the vault names the recovery key " + fingerprint + " but keys/recovery.slot is missing", INCIDENT_TODO);
      } else {
        findings.addAll(AuditRules.recovery(fingerprint));
      }
    } catch (RuntimeException e) {
      couldNotCheck("recovery", e);
    }
  }

  private void checkDurability() {
    try {
      if (ctx.database().journalFile().isPresent()) {
        checkH2(ctx.database().journalFile().get());
      } else {
        findings.addAll(AuditRules.postgres(ctx.database().inTransaction(SelfAudit::postgresSettings)));
      }
    } catch (RuntimeException e) {
      couldNotCheck("durability", e);
    }
  }

  /**
   * The embedded database: the log's journal, where an entry becomes durable, is in place and
   * the database knows where its entries end there; a synced checkpoint succeeds; and the folder
   * is not on a file system that never reaches a disk.
   */
  private void checkH2(Path journal) {
    if (!Files.isRegularFile(journal, LinkOption.NOFOLLOW_LINKS)) {
      findings.add(AuditRules.warning("durability-journal", "the log journal db/" + journal.getFileName() + " is missing or not a plain file: "
          + "entries are not durable until the database's next checkpoint", "close every Kinko process and open the vault again; "
          + "if the journal stays missing, restore db/ from a backup"));
    } else {
      Long end = ctx.database().inTransaction(c -> {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT journal_end FROM log_head WHERE id = 1")) {
          return r.next() ? (Long) r.getObject(1, Long.class) : null;
        }
      });
      if (end == null) {
        findings.add(AuditRules.warning("durability-journal", "the database does not record where its entries end in the log journal",
            "close every Kinko process and open the vault again"));
      }
    }
    try {
      ctx.database().inTransaction(c -> {
        ctx.database().forceToDisk(c);
        return null;
      });
    } catch (VaultException e) {
      findings.add(AuditRules.warning("durability-sync", "a synced checkpoint of the database failed: " + e.getMessage(),
          "check the disk under " + ctx.layout().database() + " (space, errors) before using the vault"));
    }
    try {
      String type = Files.getFileStore(ctx.layout().database()).type();
      if (VOLATILE.contains(type)) {
        findings.add(AuditRules.warning("durability-volatile", "the database lies on " + type + ", which never writes to a disk: "
            + "a power cut loses the log and the state", "move the vault to a disk-backed file system"));
      }
    } catch (IOException e) {
      findings.add(AuditRules.warning("durability-unchecked", "cannot tell the file system of " + ctx.layout().database() + ": "
          + FileStore.describe(e), "check it by hand: df -T " + ctx.layout().database()));
    }
  }

  /**
   * fsync and full_page_writes as the server runs, and synchronous_commit as a connection gets it
   * by default: Kinko's connections set it on for themselves, so the default is read with SET LOCAL
   * TO DEFAULT, which ends with this transaction.
   */
  private static Map<String, String> postgresSettings(Connection c) throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (Statement s = c.createStatement()) {
      out.put("fsync", show(s, "fsync"));
      out.put("full_page_writes", show(s, "full_page_writes"));
      s.execute("SET LOCAL synchronous_commit TO DEFAULT");
      out.put("synchronous_commit", show(s, "synchronous_commit"));
    }
    return out;
  }

  private static String show(Statement s, String setting) throws SQLException {
    try (ResultSet r = s.executeQuery("SHOW " + setting)) {
      return r.next() ? r.getString(1) : null;
    }
  }

  // ---- the signed result

  /** The audit as canonical JSON (RFC 8785): the bytes that are signed and whose SHA-256 the AUDIT entry records. */
  public static byte[] encode(String vaultId, Contract contract, String auditor, String auditId, Instant at, boolean deep,
      long allowSeq, AuditResult.Checked checked, List<Finding> findings, byte[] publicKey) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("format", "kinko-audit/1");
    o.put("auditId", auditId);
    o.put("at", at.toString());
    o.put("vaultId", vaultId);
    o.put("contract", Map.of("id", contract.id(), "client", contract.client(), "contractor", contract.contractor(),
        "end", contract.end().toString()));
    o.put("auditor", auditor);
    o.put("deep", deep);
    o.put("logSeq", allowSeq);
    o.put("checked", Map.of("logEntries", checked.logEntries(), "blobs", checked.blobs(), "bytesDecrypted", checked.bytesDecrypted(),
        "users", checked.users(), "grants", checked.grants()));
    List<Object> list = new ArrayList<>();
    for (Finding f : findings) {
      list.add(Map.of("id", f.id(), "severity", f.severity().name(), "what", f.what(), "todo", f.todo()));
    }
    o.put("findings", list);
    o.put("result", findings.isEmpty() ? "CLEAN" : findings.stream().anyMatch(f -> f.severity() == AuditResult.Severity.INTEGRITY)
        ? "INTEGRITY" : "WARNING");
    o.put("standards", List.of("個人情報取扱安全管理基準 9", "RFC 8785"));
    o.put(SigningKey.NAMED_KEY, SigningKey.named(publicKey));
    return CanonicalJson.encode(o);
  }
}
