package io.kinko.vault.engine;

import io.kinko.vault.AccessDeniedException;
import io.kinko.vault.Action;
import io.kinko.vault.CertificateNames;
import io.kinko.vault.FileInfo;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogEntry;
import io.kinko.vault.Permission;
import io.kinko.vault.Transport;
import io.kinko.vault.VaultException;
import io.kinko.vault.acl.AccessRules;
import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.crypto.Bytes;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.erase.Certificates;
import io.kinko.vault.store.Durable;
import io.kinko.vault.store.FileStore;
import io.kinko.vault.store.Imports;
import io.kinko.vault.store.VaultPath;
import io.kinko.vault.transport.AgeFile;
import io.kinko.vault.transport.AgeIdentity;
import io.kinko.vault.transport.AgeRecipient;
import io.kinko.vault.transport.ExportLedger;
import io.kinko.vault.transport.NoMatchingIdentityException;
import io.kinko.vault.transport.NotAgeException;
import io.kinko.vault.transport.PackageFile;
import io.kinko.vault.transport.Receipt;
import io.kinko.vault.transport.Waybill;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Export and import of transport packages (clause 7) for one session, through its door.
 *
 * <p>Export: the door decides EXPORT on every path and logs the EXPORT entry (export id, file count,
 * bytes, SHA-256 of the file list) before any byte is read; the package is written to a private
 * temporary file beside the output and synced; an EXPORT_SEALED entry names its SHA-256 and size;
 * only then is it renamed into place. Import: the package is copied to a private file and checked
 * in full there (age, tar, waybill signature and log proof, the identity that opened it among the
 * waybill's recipients, every file's size and SHA-256; then that it was not imported before, nor
 * sealed before the oldest entry the log keeps) before the IMPORT entry and any PUT; the
 * second pass reads the same private copy, so what is stored is what was checked.
 */
final class Transports {
  private final DefaultSession session;
  private final DefaultVault vault;
  private final SigningKey signing;
  private final Door door;

  Transports(DefaultSession session, DefaultVault vault, SigningKey signing) {
    this.session = session;
    this.vault = vault;
    this.signing = signing;
    this.door = session.door();
  }

  /** A file chosen for export: the version, and its name tag. */
  private record Chosen(FileInfo info, String nameTag) {}

  Transport.Exported export(List<String> paths, Transport.Recipients to, Path output) {
    Objects.requireNonNull(paths, "paths");
    Objects.requireNonNull(output, "output");
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("name at least one vault path to export");
    }
    Path target = output.toAbsolutePath().normalize();
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(target + " exists; an export never overwrites a file");
    }
    Transport.Recipients recipients = to;
    if (recipients == null) {
      String city = session.cityRecipient();
      if (city == null) {
        throw new IllegalArgumentException("no recipient given and the vault has no city recipient (kinko policy set city-recipient age1...)");
      }
      recipients = Transport.Recipients.of(List.of(city));
    }
    List<AgeRecipient> age = recipients.passphrase() != null ? List.of(AgeRecipient.passphrase(recipients.passphrase()))
        : recipients.ageRecipients().stream().map(AgeRecipient::x25519).toList();
    List<VaultPath> wanted = paths.stream().map(VaultPath::of).toList();
    String exportId = Bytes.hex(Bytes.random(16));
    List<String> named = recipients.named();
    return door.pass(Action.EXPORT, () -> choose(wanted, exportId, named),
        (chosen, entry) -> write(exportId, chosen, age, named, target, entry));
  }

  /** The check: EXPORT on each path (a folder: on it, then on each file below), the newest version of each file. */
  private Door.Verdict<List<Chosen>> choose(List<VaultPath> wanted, String exportId, List<String> recipients) {
    FileStore files = session.files();
    Map<String, Chosen> chosen = new LinkedHashMap<>();
    for (VaultPath p : wanted) {
      AccessRules.Decision d = session.decide(Permission.EXPORT, p);
      if (!d.allowed()) {
        return Door.Verdict.deny(d.reason(), files.pathTag(p));
      }
      var file = p.isRoot() ? java.util.Optional.<FileStore.Located>empty() : files.locate(p);
      if (file.isPresent()) {
        chosen.putIfAbsent(file.get().info().fileId(), new Chosen(file.get().info(), file.get().pathTag()));
        continue;
      }
      List<FileInfo> below = files.list(p);
      if (below.isEmpty()) {
        return Door.Verdict.notFound(files.pathTag(p), "no file at or below '" + p + "'");
      }
      for (FileInfo f : below) {
        VaultPath each = VaultPath.of(f.path());
        AccessRules.Decision one = session.decide(Permission.EXPORT, each);
        if (!one.allowed()) {
          return Door.Verdict.deny(one.reason(), files.pathTag(each));
        }
        chosen.putIfAbsent(f.fileId(), new Chosen(f, files.pathTag(each)));
      }
    }
    List<Chosen> list = List.copyOf(chosen.values());
    String listSha256 = Waybill.fileListSha256(list.stream().map(c -> c.info().fileId()).toList(),
        list.stream().map(Chosen::nameTag).toList(), list.stream().map(c -> c.info().size()).toList());
    long bytes = list.stream().mapToLong(c -> c.info().size()).sum();
    return Door.Verdict.allow(Waybill.exportReason(exportId, list.size(), bytes, listSha256, recipients), null,
        wanted.size() == 1 ? files.pathTag(wanted.get(0)) : null, list);
  }

  private Transport.Exported write(String exportId, List<Chosen> chosen, List<AgeRecipient> age, List<String> recipients, Path target,
      Door.Entry entry) {
    LogEntry exportEntry = vault.log().entryAt(entry.seq()).orElseThrow();
    LogCheckpoints.Signed signed = vault.signCheckpoint(signing);
    var proof = Certificates.logRef(exportEntry, vault.checkpoints(), signed);
    CertificateNames names = vault.certificateNames();
    String city = names == CertificateNames.SEALED ? session.cityRecipient() : null;
    java.time.Instant now = vault.clock().instant();
    List<PackageFile.Member> members = chosen.stream()
        .map(c -> new PackageFile.Member(c.info().path(), c.info().size(), () -> session.verifiedRead(c.info()))).toList();
    byte[][] waybill = new byte[2][];
    List<Waybill.File> listed = new ArrayList<>();
    Path temp = target.resolveSibling("." + target.getFileName() + "." + exportId.substring(0, 12) + ".part");
    boolean done = false;
    try {
      PackageFile.Written written = PackageFile.write(temp, age, members, now, digests -> {
        for (int i = 0; i < chosen.size(); i++) {
          Chosen c = chosen.get(i);
          listed.add(new Waybill.File(c.info().fileId(), c.nameTag(), names == CertificateNames.PLAIN ? c.info().path() : null,
              city == null ? null : sealed(city, c.info().path()), c.info().size(), digests.get(i)));
        }
        Waybill w = new Waybill(exportId, vault.id(), SigningKey.fingerprint(signing.publicKey()), SigningKey.toPem(signing.publicKey()),
            recipients, now, exportEntry.actor(), names.label(), listed, proof, Certificates.checkpoint(signed));
        waybill[0] = w.encode();
        waybill[1] = signing.sign(waybill[0]);
        return new PackageFile.Signed(waybill[0], waybill[1]);
      });
      long sealedSeq = door.note(Action.EXPORT_SEALED, ExportLedger.sealedReason(exportId, written.sha256(), written.size()));
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new VaultException(target + " appeared while the package was written; it is left untouched, the package not kept");
      }
      Durable.move(temp, target);
      Durable.syncDirectory(target.getParent());
      done = true;
      return new Transport.Exported(exportId, target, written.sha256(), written.size(), recipients,
          listed.stream().map(Waybill.File::item).toList(), entry.seq(), sealedSeq, waybill[0], waybill[1]);
    } catch (IOException e) {
      throw new VaultException("cannot write the package " + target + ": " + FileStore.describe(e), e);
    } finally {
      if (!done) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the .part file is ciphertext; a later export uses another name
        }
      }
    }
  }

  private static String sealed(String city, String path) {
    return java.util.Base64.getEncoder().encodeToString(io.kinko.vault.crypto.AgeSeal.seal(city, path.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A package checked in full: its waybill, whether the sender's key was pinned, where each file
   * goes, and the identities that open it (the first that did first; the waybill must name one).
   */
  private record Checked(Waybill waybill, boolean pinned, List<VaultPath> targets, List<AgeIdentity> openedBy) {}

  Transport.Imported importPackage(Path packageFile, Transport.Identities identities, String senderKeyPem, String destination) {
    Objects.requireNonNull(packageFile, "packageFile");
    Objects.requireNonNull(identities, "identities");
    VaultPath dest = VaultPath.of(destination == null ? "" : destination);
    List<AgeIdentity> ids = new ArrayList<>();
    for (Path f : identities.identityFiles()) {
      ids.addAll(AgeIdentity.readFile(f));
    }
    if (identities.passphrase() != null) {
      ids.add(AgeIdentity.passphrase(identities.passphrase()));
    }
    Path copy = null;
    ImportLock lock = null;
    try {
      copy = Files.createTempFile("kinko-import-", ".age", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      MessageDigest d = Waybill.digest();
      // Into the 0600 file itself: Files.copy(REPLACE_EXISTING) deletes it and creates another under the umask (0644).
      try (InputStream in = new DigestInputStream(Files.newInputStream(packageFile), d);
          java.io.OutputStream to = Files.newOutputStream(copy, java.nio.file.StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        in.transferTo(to);
      }
      String sha256 = Bytes.hex(d.digest());
      Checked checked;
      try {
        checked = check(copy, ids, senderKeyPem, dest);
      } catch (NoMatchingIdentityException e) {
        throw door.refuse(Action.IMPORT, "package sha256 " + sha256 + ": no identity given opens it", null, e);
      } catch (NotAgeException e) {
        throw door.refuse(Action.IMPORT, "package sha256 " + sha256 + " refused: not an age file", null,
            new IntegrityException(packageFile + " is not a transport package: " + e.getMessage(), e));
      } catch (IntegrityException e) {
        throw door.refuse(Action.IMPORT, "package sha256 " + sha256 + " refused: it failed its integrity check", null,
            new IntegrityException("package " + packageFile + " refused, nothing stored: " + e.getMessage(), e));
      }
      Waybill w = checked.waybill();
      if (checked.openedBy().stream().noneMatch(id -> id.isAmong(w.recipients()))) {
        throw door.refuse(Action.IMPORT, "package sha256 " + sha256 + " refused: export " + w.exportId()
            + " was opened by an identity its waybill does not name", null, new IntegrityException("package " + packageFile
                + " refused, nothing stored: export " + w.exportId() + " was opened by "
                + String.join(" and ", checked.openedBy().stream().map(AgeIdentity::recipient).toList())
                + ", which is not among the waybill's recipients (" + String.join(", ", w.recipients()) + "); a package is taken in"
                + " only with an identity the sender sent it to, not by someone a recipient passed it on to"));
      }
      // From the check of the log's IMPORT entries to this import's own: two imports of one package cannot both pass.
      lock = door.guarded(() -> ImportLock.take(vault.importLock, vault.database()));
      History history = history(w.exportId(), w.vault());
      Long earlier = history.importedAt();
      if (earlier != null) {
        throw door.refuse(Action.IMPORT, "package sha256 " + sha256 + " refused: export " + w.exportId() + " was imported at entry " + earlier,
            null, new IntegrityException("package " + packageFile + " refused, nothing stored: export " + w.exportId()
                + " was imported into this vault before (IMPORT entry " + earlier + "); a package is taken in once, and an old one "
                + "again would put its files back over newer versions"));
      }
      // Read after the IMPORT entries: a prune that took away one they lack has moved the oldest kept entry by then.
      java.util.Optional<java.time.Instant> keptSince = vault.log().keptSince();
      if (keptSince.isPresent() && w.createdAt().isBefore(keptSince.get().plus(CLOCK_SKEW))) {
        throw door.refuse(Action.IMPORT, "package sha256 " + sha256 + " refused: export " + w.exportId() + " was sealed before the"
            + " oldest entry this vault's log keeps", null, new IntegrityException("package " + packageFile + " refused, nothing stored:"
                + " export " + w.exportId() + " was sealed at " + w.createdAt() + ", and this vault's log keeps only what happened since "
                + keptSince.get() + " (older entries were pruned), so whether it was imported before cannot be checked; ask the sender"
                + " for a new package"));
      }
      if (!checked.pinned()) {
        requireSendersKey(w, history, keptSince, sha256, packageFile);
      }
      lock.checked();
      Path source = copy;
      ImportLock importing = lock;
      return door.pass(Action.IMPORT, () -> {
        for (VaultPath t : checked.targets()) {
          AccessRules.Decision ok = session.decide(Permission.WRITE, t);
          if (!ok.allowed()) {
            return Door.Verdict.deny(ok.reason(), session.files().pathTag(t));
          }
        }
        return Door.Verdict.allow(Receipt.importReason(w.exportId(), w.vault(), w.keyFingerprint(), checked.pinned(), sha256, w.files().size()),
            session.files().pathTag(dest), (Void) null);
      }, (none, entry) -> {
        Imports.Taken taken = new Imports.Taken(w.exportId(), w.vault(), w.keyFingerprint(), entry.seq());
        List<Transport.Item> stored;
        boolean rowed = false;
        try {
          session.changeState((c, changes) -> {
            Imports.add(c, changes, taken);
            return null;
          });
          rowed = true;
          importing.close(); // its IMPORT entry and its row are there: another import of this package finds them
          stored = store(source, ids, checked);
        } catch (io.kinko.vault.OutcomeUnknownException e) {
          if (!rowed) {
            throw failed(taken, e); // nothing of it was stored: whether its row was, it goes
          }
          // Its files may be stored under its IMPORT entry: no failure is logged and its row stays, or the package
          // would be taken in again, its files put back over any newer versions.
          throw new io.kinko.vault.OutcomeUnknownException("the package's files may be stored (IMPORT entry " + entry.seq() + "): "
              + e.getMessage() + "; the package is not taken in again: list " + (dest.isRoot() ? "the vault" : dest.value())
              + ", and if its files are not there, ask the sender for a new package", e);
        } catch (RuntimeException e) {
          throw failed(taken, e);
        }
        try {
          return receipt(checked, sha256, stored, entry);
        } catch (IntegrityException e) {
          throw e;
        } catch (RuntimeException e) {
          // Not a failed import: its files are stored under its IMPORT entry, which must keep it from being taken in again.
          throw new VaultException("the package's " + stored.size() + " files are stored (IMPORT entry " + entry.seq() + "), but its receipt"
              + " could not be made: " + e.getMessage(), e);
        }
      });
    } catch (IOException e) {
      throw new VaultException("cannot read the package " + packageFile + ": " + FileStore.describe(e), e);
    } finally {
      if (lock != null) {
        lock.close();
      }
      if (copy != null) {
        try {
          Files.deleteIfExists(copy);
        } catch (IOException ignored) {
          // ciphertext in a private temporary file
        }
      }
    }
  }

  /**
   * An import that failed after its entry with nothing of it stored (one batch), whatever failed:
   * the failure is named and its row goes, so that it can be imported again. In this order: an
   * import that finds the row gone also finds the failure, and gives the package no row again
   * ({@link #history}).
   */
  private RuntimeException failed(Imports.Taken taken, RuntimeException e) {
    RuntimeException refused = door.refuse(Action.IMPORT, failedReason(taken.exportId()) + e.getMessage(), null, e);
    forget(taken, refused);
    return refused;
  }

  /** Removes the row of an import that failed after its entry; a removal that fails too is kept beside the failure, and the package then stays refused as a replay. */
  private void forget(Imports.Taken taken, RuntimeException failure) {
    try {
      session.changeState((c, changes) -> Imports.remove(c, changes, taken.senderVault(), taken.exportId()));
    } catch (RuntimeException alsoFailed) {
      failure.addSuppressed(alsoFailed);
    }
  }

  /**
   * The key an unpinned waybill embeds must be the one this vault knows for the vault it names: its
   * own key for a package in its own name; else the key of the last package taken in from that
   * vault, or of its last receipt recorded here; and with none known, the log must not have been
   * pruned, since the pruned entries may have named one. Otherwise the package may be forged, and it
   * is refused (a DENY, then {@link IntegrityException}) before anything is stored.
   */
  private void requireSendersKey(Waybill w, History history, java.util.Optional<java.time.Instant> keptSince, String sha256,
      Path packageFile) {
    String own = SigningKey.fingerprint(signing.publicKey());
    if (w.vault().equals(vault.id()) && !own.equals(w.keyFingerprint())) {
      // The one key a vault knows for certain is its own, imported from itself or not.
      throw door.refuse(Action.IMPORT, "package sha256 " + sha256 + " refused: export " + w.exportId() + " names this vault and is signed"
          + " by key " + w.keyFingerprint() + ", not by its key " + own, null, new IntegrityException("package " + packageFile
              + " refused, nothing stored: it names vault " + w.vault() + " as its sender, which is this vault, and is signed by key "
              + w.keyFingerprint() + ", not by this vault's key " + own + "; it is forged"));
    }
    if (history.senderKey() != null && !history.senderKey().equals(w.keyFingerprint())) {
      throw door.refuse(Action.IMPORT, "package sha256 " + sha256 + " refused: export " + w.exportId() + " names vault " + w.vault()
          + " and is signed by key " + w.keyFingerprint() + ", not by key " + history.senderKey() + " entry " + history.senderKeyEntry()
          + " records for it", null, new IntegrityException("package " + packageFile + " refused, nothing stored: it names"
              + " vault " + w.vault() + " as its sender and is signed by key " + w.keyFingerprint() + ", but the last package this"
              + " vault took in from " + w.vault() + ", or its last receipt recorded here, was signed by key " + history.senderKey()
              + " (entry " + history.senderKeyEntry() + "). A vault keeps its key, so this package may be forged; if the sender confirms"
              + " the new key's fingerprint, pin it (--sender-key) to import"));
    }
    if (history.senderKey() == null && keptSince.isPresent() && !w.vault().equals(vault.id())) {
      // The pruned entries may have named the sender's key: first contact cannot be told from a forgery.
      throw door.refuse(Action.IMPORT, "package sha256 " + sha256 + " refused: export " + w.exportId() + " names vault " + w.vault()
          + " unpinned, and the log keeps no package from it (older entries were pruned)", null, new IntegrityException("package "
              + packageFile + " refused, nothing stored: it names vault " + w.vault() + " as its sender, and this vault's log keeps only"
              + " what happened since " + keptSince.get() + " (older entries were pruned), so which key that vault's packages carried"
              + " cannot be checked; if the sender confirms its key's fingerprint (" + w.keyFingerprint() + "), pin it (--sender-key)"
              + " to import"));
    }
  }

  /**
   * How far the sender's clock, which dates a waybill, may be ahead of the receiver's, which dates
   * the log: a package sealed less than this after the oldest kept entry is refused as possibly
   * imported before it.
   */
  private static final java.time.Duration CLOCK_SKEW = java.time.Duration.ofMinutes(5);

  private static String failedReason(String exportId) {
    return "import " + exportId + " " + io.kinko.vault.incident.IncidentRules.FAILED_AFTER_APPROVAL; // FAILED reads it back
  }

  /**
   * What this vault's packages taken in say of a package: the entry that took export {@code
   * exportId} in, if one did and no failure followed it; and the key that signed the last package
   * taken in from vault {@code sender}, or its last receipt recorded here, with its entry, if any
   * was. Packages come from the {@code imports} rows, checked against the state commitment, and from
   * the IMPORT entries (proved against a checkpoint); a package only the entries name, taken in
   * before the rows were kept (V20), is given its row here.
   */
  private record History(Long importedAt, String senderKey, Long senderKeyEntry) {}

  /** An IMPORT entry's reason up to the sender's key (see {@link Receipt#importReason}), and that of a failure after it. */
  private static final java.util.regex.Pattern IMPORTED = java.util.regex.Pattern.compile(
      "import ([0-9a-f]{32}); from vault (\\S+) key ([0-9a-f]{64}) \\((?:un)?pinned\\);");
  /** An EXPORT_RECEIPT entry's reason up to the receiving vault's key (see {@link ExportLedger#receiptReason}). */
  private static final java.util.regex.Pattern RECEIPT = java.util.regex.Pattern.compile(
      "receipt for export ([0-9a-f]{32}); by vault (\\S+) key ([0-9a-f]{64}); ");
  private static final java.util.regex.Pattern FAILED = java.util.regex.Pattern.compile("import ([0-9a-f]{32}) failed after approval: ");

  private History history(String exportId, String sender) {
    // The rows, checked against the state, read BEFORE the entries: a failing import (of another handle or host, which let
    // go of the lock before storing) logs its failure before it removes its row, so a row missing here has its failure in
    // the entries proved after. Read after them, the row could be gone while the failure was not yet in the checkpoint
    // the entries were proved against, and the fill-in below gave the failing package a row, refusing its retry for good.
    List<Imports.Taken> rows = session.readState(c -> Imports.all(session.state(), c));
    Incidents.Proved proved = door.guarded(() -> new Incidents(vault, signing).prove(List.of(Action.IMPORT, Action.EXPORT_RECEIPT)));
    java.util.Map<String, Imports.Taken> taken = taken(proved.of(Action.IMPORT)); // by export id, while no failure followed
    // A recorded receipt verified with the key the user gave, so its vault's key is known too; but the
    // receipt's signer chose the vault id it names, so it counts only for a vault no package came from
    // (kept apart from the map: its export id is this vault's own).
    List<Imports.Taken> receipts = new ArrayList<>();
    for (LogEntry e : proved.of(Action.EXPORT_RECEIPT)) {
      java.util.regex.Matcher receipt = RECEIPT.matcher(e.reason() == null ? "" : e.reason());
      if ("ALLOW".equals(e.decision()) && receipt.lookingAt()) {
        receipts.add(new Imports.Taken(receipt.group(1), receipt.group(2), receipt.group(3), e.seq()));
      }
    }
    // The rows (read above): the index the entries were read through misses an entry whose row was re-filed under another action.
    // A package the proved entries say was taken in, with no row, was taken in before rows were kept (V20): it gets
    // its row now, under the import lock, so that re-filing its entry later lets nothing in again.
    // By sender and export id, as the rows are keyed: a package from another vault that carried the same export id (its
    // maker chose it) is another package, and a row of one must not stand for the other.
    java.util.Set<List<String>> rowed = new java.util.HashSet<>();
    rows.forEach(row -> rowed.add(List.of(row.senderVault(), row.exportId())));
    List<Imports.Taken> missing = taken.values().stream().filter(t -> !rowed.contains(List.of(t.senderVault(), t.exportId())))
        .sorted(java.util.Comparator.comparingLong(Imports.Taken::logSeq)).toList();
    if (!missing.isEmpty()) {
      giveRows(missing);
    }
    // Entries and rows side by side, none dropped for another with the same export id: merged by export id alone, an
    // entry of another vault's package with the sender's export id hid the sender's row, and with it the sender's key.
    List<Imports.Taken> known = new ArrayList<>(taken.values());
    known.addAll(rows);
    java.util.Comparator<Imports.Taken> bySeq = java.util.Comparator.comparingLong(Imports.Taken::logSeq);
    Imports.Taken mine = known.stream().filter(t -> t.exportId().equals(exportId)).min(bySeq).orElse(null);
    Imports.Taken last = known.stream().filter(t -> t.senderVault().equals(sender)).max(bySeq)
        .orElseGet(() -> receipts.stream().filter(t -> t.senderVault().equals(sender)).max(bySeq).orElse(null));
    return new History(mine == null ? null : mine.logSeq(), last == null ? null : last.keyFingerprint(), last == null ? null : last.logSeq());
  }

  /** Gives each of {@code missing} (packages the proved entries name and no row does) its row, once the whole log verifies. */
  private void giveRows(List<Imports.Taken> missing) {
    // A row written here is never taken back, and the index the entries were read through misses an entry re-filed under
    // another action: the failure of a package taken in since V20, hidden so, and then filed back, left that package a
    // row (its retry refused for good) that nothing would ever find wrong. So the whole log is verified first, as `log
    // verify` does (an edited row is an INCIDENT and a refusal), and the entries are read again: a package is given a
    // row only if both reads say it was taken in. This happens once after the upgrade; after that, only under an edit, or
    // after a crash between an IMPORT entry and its row.
    door.guarded(() -> io.kinko.vault.audit.LogVerifier.verify(vault.database(), vault.id(), vault.checkpoints(),
        java.util.Optional.empty(), vault.retention().firstRemoval(), vault.clock().instant(), done -> {}));
    java.util.Map<String, Imports.Taken> again = taken(door.guarded(() -> new Incidents(vault, signing).prove(List.of(Action.IMPORT)))
        .of(Action.IMPORT));
    List<Imports.Taken> fill = missing.stream().filter(t -> t.equals(again.get(t.exportId()))).toList();
    if (!fill.isEmpty()) {
      session.changeState((c, changes) -> {
        for (Imports.Taken t : fill) {
          Imports.add(c, changes, t);
        }
        return null;
      });
    }
  }

  /** The packages {@code entries} (IMPORT entries) say were taken in, by export id: each ALLOW with no failure after it. */
  private static java.util.Map<String, Imports.Taken> taken(List<LogEntry> entries) {
    List<LogEntry> imports = new ArrayList<>(entries);
    imports.sort(java.util.Comparator.comparingLong(LogEntry::seq));
    java.util.Map<String, Imports.Taken> taken = new java.util.HashMap<>();
    for (LogEntry e : imports) {
      String reason = e.reason() == null ? "" : e.reason();
      java.util.regex.Matcher allowed = IMPORTED.matcher(reason);
      java.util.regex.Matcher failed = FAILED.matcher(reason);
      if ("ALLOW".equals(e.decision()) && allowed.lookingAt()) {
        taken.put(allowed.group(1), new Imports.Taken(allowed.group(1), allowed.group(2), allowed.group(3), e.seq()));
      } else if ("DENY".equals(e.decision()) && failed.lookingAt()) {
        taken.remove(failed.group(1));
      }
    }
    return taken;
  }

  /** The first pass: opens the private copy, reads every member, checks the waybill and each file against it. */
  private static Checked check(Path copy, List<AgeIdentity> ids, String senderKeyPem, VaultPath dest) throws IOException {
    PackageFile.Contents contents;
    List<AgeIdentity> openedBy;
    try (AgeFile.Opened opened = AgeFile.open(Files.newInputStream(copy), ids)) {
      contents = PackageFile.read(opened.payload(), null);
      openedBy = opened.identities();
    }
    if (contents.waybill() == null || contents.signature() == null) {
      throw new IntegrityException("it is not a Kinko transport package: its tar holds no " + Waybill.JSON + " and " + Waybill.SIGNATURE
          + " (an age file of a plain tar, made by tar | age?)");
    }
    Waybill w = Waybill.verify(contents.waybill(), contents.signature(), senderKeyPem);
    if (w.files().size() != contents.paths().size()) {
      throw new IntegrityException("the waybill lists " + w.files().size() + " files, the package holds " + contents.paths().size());
    }
    List<VaultPath> targets = new ArrayList<>();
    for (int i = 0; i < w.files().size(); i++) {
      Waybill.File f = w.files().get(i);
      String path = contents.paths().get(i);
      if (f.size() != contents.sizes().get(i) || !f.sha256().equals(contents.sha256().get(i))) {
        throw new IntegrityException("file " + (i + 1) + " of the package (" + f.fileId() + ") is not the bytes its waybill lists: size "
            + contents.sizes().get(i) + ", SHA-256 " + contents.sha256().get(i));
      }
      if (f.path() != null && !f.path().equals(path)) {
        throw new IntegrityException("file " + (i + 1) + " of the package (" + f.fileId() + ") is not named as its waybill names it");
      }
      try {
        targets.add(dest.resolve(path));
      } catch (IllegalArgumentException e) {
        throw new IntegrityException("file " + (i + 1) + " of the package has a name that is no vault path: " + e.getMessage());
      }
    }
    return new Checked(w, senderKeyPem != null, targets, openedBy);
  }

  /** The second pass: stores each file (a PUT entry each) from the checked private copy, in one batch. */
  private List<Transport.Item> store(Path copy, List<AgeIdentity> ids, Checked checked) {
    Waybill w = checked.waybill();
    List<Transport.Item> stored = new ArrayList<>();
    CertificateNames names = vault.certificateNames();
    String city = names == CertificateNames.SEALED ? session.cityRecipient() : null;
    // One batch: a failure half way (a full disk) stores none of the package, not its first files.
    List<FileInfo> infos;
    try (InputStream payload = AgeFile.decrypt(Files.newInputStream(copy), ids)) {
      int[] at = {0};
      infos = session.files().putAll(add -> PackageFile.read(payload, (path, length, content) -> {
        int i = at[0]++;
        add.add(checked.targets().get(i), expecting(content, w.files().get(i).sha256()));
      }));
    } catch (IOException e) {
      throw new VaultException("cannot read the package's private copy: " + FileStore.describe(e), e);
    }
    for (int i = 0; i < infos.size(); i++) {
      VaultPath t = checked.targets().get(i);
      stored.add(new Transport.Item(names == CertificateNames.PLAIN ? t.value() : null, session.files().pathTag(t),
          city == null ? null : sealed(city, t.value()), infos.get(i).size(), w.files().get(i).sha256()));
    }
    return stored;
  }

  /**
   * The receipt of an import whose files are stored, signed over a checkpoint that holds its IMPORT
   * entry and names the state the files are part of.
   */
  private Transport.Imported receipt(Checked checked, String sha256, List<Transport.Item> stored, Door.Entry entry) {
    Waybill w = checked.waybill();
    LogEntry importEntry = vault.log().entryAt(entry.seq()).orElseThrow();
    LogCheckpoints.Signed signed = vault.signCheckpoint(signing); // what DefaultSession.stateChanged does after any other write
    Receipt receipt = new Receipt(w.exportId(), sha256, w.vault(), w.keyFingerprint(), checked.pinned(), vault.id(),
        SigningKey.fingerprint(signing.publicKey()), vault.clock().instant(), importEntry.actor(), stored,
        Certificates.logRef(importEntry, vault.checkpoints(), signed), Certificates.checkpoint(signed));
    byte[] json = receipt.encode();
    return new Transport.Imported(w.exportId(), w.vault(), w.keyFingerprint(), checked.pinned(), sha256, stored, entry.seq(), json,
        signing.sign(json));
  }

  /** {@code content}, failing at its end if its SHA-256 is not {@code expected}: a put then stores nothing. */
  private static InputStream expecting(InputStream content, String expected) {
    MessageDigest d = Waybill.digest();
    return new FilterInputStream(new DigestInputStream(content, d)) {
      private boolean ended;

      @Override
      public int read() throws IOException {
        return check(super.read());
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return check(super.read(b, off, len));
      }

      private int check(int n) throws IOException {
        if (n < 0 && !ended) {
          ended = true;
          if (!Bytes.hex(d.digest()).equals(expected)) {
            throw new IOException("the package's private copy changed between its check and its storing");
          }
        }
        return n;
      }
    };
  }

  Transport.ExportRecord recordReceipt(byte[] receiptJson, byte[] signature, String receiverKeyPem) {
    Objects.requireNonNull(receiptJson, "receiptJson");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(receiverKeyPem, "receiverKeyPem");
    door.check(Action.EXPORT_RECEIPT, AccessRules.administer(session.roleOf()), null);
    Receipt.Verified verified;
    try {
      verified = Receipt.verify(receiptJson, signature, receiverKeyPem);
    } catch (IntegrityException e) {
      throw door.refuse(Action.EXPORT_RECEIPT, "receipt refused: it does not verify", null, e);
    }
    Receipt r = verified.receipt();
    Transport.ExportRecord export = ledger().stream().filter(x -> x.exportId().equals(r.exportId())).findFirst().orElse(null);
    if (export == null || export.packageSha256() == null || !export.packageSha256().equals(r.packageSha256())) {
      throw door.refuse(Action.EXPORT_RECEIPT, "receipt refused: it names no package this vault sealed", null,
          new IntegrityException("the receipt names export " + r.exportId() + " with package SHA-256 " + r.packageSha256()
              + ", which this vault did not seal"));
    }
    String reason = ExportLedger.receiptReason(verified);
    door.pass(Action.EXPORT_RECEIPT, () -> Door.Verdict.allow(reason, null, (Void) null), (none, entry) -> null);
    return ledger().stream().filter(x -> x.exportId().equals(r.exportId())).findFirst().orElseThrow();
  }

  List<Transport.ExportRecord> list() {
    return door.pass(Action.LOG_SHOW, () -> {
      AccessRules.Decision d = AccessRules.audit(session.roleOf());
      return d.allowed() ? Door.Verdict.allow(d.reason() + ": export list", null, (Void) null) : Door.Verdict.<Void>deny(d.reason(), null);
    }, (none, entry) -> ledger());
  }

  /** Every export as a monthly report lists it (the report picks those of its period). */
  List<io.kinko.vault.MonthlyReport.TransportPackage> ledgerForReport() {
    return ledger().stream().map(e -> new io.kinko.vault.MonthlyReport.TransportPackage(e.exportId(), e.exportSeq(),
        io.kinko.vault.audit.MonthlyReports.zoned(e.at()), e.by(), e.files(), e.packageSha256(), e.status().name(),
        e.receivedAt() == null ? null : io.kinko.vault.audit.MonthlyReports.zoned(e.receivedAt()), e.receivedByVault())).toList();
  }

  /** The exports, from their entries, each proved against a checkpoint signed now. */
  private List<Transport.ExportRecord> ledger() {
    Incidents.Proved proved = door.guarded(() -> new Incidents(vault, signing)
        .prove(List.of(Action.EXPORT, Action.EXPORT_SEALED, Action.EXPORT_RECEIPT)));
    List<LogEntry> all = new ArrayList<>();
    proved.entries().values().forEach(all::addAll);
    return ExportLedger.exports(all);
  }
}
