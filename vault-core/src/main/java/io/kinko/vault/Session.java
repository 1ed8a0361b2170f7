package io.kinko.vault;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * One authenticated user's work with a vault. Every operation passes one door: it is decided,
 * its ALLOW or DENY entry is appended to the access log and durable, and only then does it have
 * any effect or return any byte; if the log cannot be written, the operation fails. The session
 * holds the user's unlocked keys until {@link #close()}.
 *
 * <p>Paths are relative and '/'-separated ({@code 申請書/2026/0001.pdf}), normalised to NFC; a
 * malformed path, an absolute one or one with {@code ..} is rejected with {@link
 * IllegalArgumentException}.
 */
public interface Session extends AutoCloseable {
  /** The user this session acts for. */
  String user();

  Role role();

  /** User and grant management; every call needs the ADMIN role and is logged. */
  Administration administration();

  /**
   * A session for a user the calling application authenticated itself (single sign-on). Needs a
   * {@link Role#SERVICE} session; the user must exist and be allowed to log in, their grants
   * apply, and the LOGIN entry records {@code authSource}. The new session shares this session's
   * keys and must be closed before it.
   *
   * @throws AccessDeniedException if this session is not a service's
   * @throws AuthenticationException if the user is unknown, locked, disabled or expired
   */
  Session sessionFor(String userName, String authSource);

  Vault vault();

  /**
   * Stores {@code content} as the next version of {@code path}. Reads the stream to its end;
   * the caller closes it. Memory use does not grow with the content's size.
   *
   * @throws OutcomeUnknownException if the database's answer to the commit was lost, or the
   *     commit could not be forced to disk: the file may be stored, whole, or not at all
   * @throws VaultException if the content cannot be read, the vault cannot be written or the
   *     log cannot record the put; nothing is stored then
   */
  FileInfo put(String path, InputStream content);

  /** Stores a local file at {@code path}, or a folder's files below it; see {@link #put(String, Path, LongConsumer)}. */
  PutReport put(String path, Path source);

  /**
   * Stores a local file at {@code path}, or a folder's files (recursively) below it. Symbolic
   * links are not followed; they, special files and files that cannot be read are listed in the
   * report, and the rest is stored.
   *
   * @param progress told the number of bytes read after each chunk
   * @throws PartlyStoredException if the vault cannot be written after some of a folder's files
   *     were stored (they are stored in batches): those stay stored, and the exception lists them
   * @throws VaultException if the vault cannot be written before anything was stored
   */
  PutReport put(String path, Path source, LongConsumer progress);

  /**
   * Opens the newest version of {@code path}. The GET entry is durable before this returns. The
   * stream yields only bytes that have been verified; a stored file that was altered makes it
   * throw {@link IntegrityException} at the first bad segment, and an INCIDENT entry is logged.
   *
   * @throws NotFoundException if no file is stored at {@code path}
   * @throws IntegrityException if the file's metadata or blob header fails verification
   * @throws VaultException if the log cannot record the read; nothing is read then
   */
  InputStream get(String path);

  /**
   * Reads several files in order, as {@link #get} reads one, for a folder: the GET entries of a
   * batch of them are made durable together, before the first byte of any of them is handed to
   * {@code reader}, instead of one sync per file. A path that is refused, not found or fails
   * verification goes to {@link EachReader#failed} (refusals and INCIDENTs are logged as by
   * {@link #get}), and the other paths go on.
   *
   * @throws VaultException if the log cannot record the reads; nothing of that batch is read then
   */
  void getEach(List<String> paths, EachReader reader);

  /**
   * Opens {@code path} whichever it names, in one entry: a stored file is opened as {@link #get}
   * opens it (one GET entry, durable before this returns); otherwise, if this user may list files
   * below it, they are listed as {@link #list} lists them (one LIST entry), for {@link #getEach};
   * otherwise the GET is refused or not found as {@link #get} would log and throw it. A folder
   * is never logged as an allowed GET, and a file is not listed first.
   *
   * @throws NotFoundException if there is neither a file at {@code path} nor a file below it
   * @throws AccessDeniedException if there is no file this user may read there
   * @throws IntegrityException if the file's metadata or blob header fails verification
   * @throws VaultException if the log cannot record the read; nothing is read then
   */
  Fetched fetch(String path);

  /** What {@link #fetch} found: a file's verified content, or the newest version of each file of a folder. */
  sealed interface Fetched permits FetchedFile, FetchedFolder {}

  /** A stored file: its version, and its verified content, which the caller closes. */
  record FetchedFile(FileInfo info, InputStream content) implements Fetched {
    public FetchedFile {
      java.util.Objects.requireNonNull(info, "info");
      java.util.Objects.requireNonNull(content, "content");
    }
  }

  /** A folder: the newest version of each file below it that this user may read, ordered by path; never empty. */
  record FetchedFolder(List<FileInfo> files) implements Fetched {
    public FetchedFolder {
      files = List.copyOf(files);
    }
  }

  /** What {@link #getEach} hands each file to. */
  interface EachReader {
    /** The verified content of {@code path}; {@code getEach} closes it when this returns. */
    void read(String path, InputStream content) throws java.io.IOException;

    /** {@code path} was refused, not found, or could not be read or written. */
    void failed(String path, Exception failure);
  }

  /**
   * The newest version of {@code path}.
   *
   * @throws NotFoundException if no file is stored at {@code path}
   */
  FileInfo stat(String path);

  /**
   * The newest version of every file at or below {@code prefix} ("" for all) that this user may
   * read, ordered by path.
   *
   * @throws AccessDeniedException for auditors and service credentials, which see no file names
   */
  List<FileInfo> list(String prefix);

  /** Every stored version of {@code path}, oldest first; empty if none. */
  List<FileInfo> versions(String path);

  /**
   * Deletes every stored version of {@code path} (DELETE permission) and returns one signed
   * certificate listing them. Each version's key is destroyed and verified gone, its blob
   * overwritten and removed, its metadata dropped and a DELETE entry appended before the
   * certificate is issued; a crash at any step is finished at the next login.
   *
   * @throws AccessDeniedException without a DELETE grant on the path
   * @throws NotFoundException if nothing is stored at {@code path}
   */
  DeletionCertificate delete(String path);

  /**
   * Deletes every version of every file at or below {@code prefix} with one certificate. The
   * user needs DELETE on each of them; if one is refused, nothing is deleted.
   *
   * @throws AccessDeniedException if any file below the prefix may not be deleted
   * @throws NotFoundException if nothing is stored there
   */
  DeletionCertificate deleteTree(String prefix);

  /**
   * Deletes every version of every file at or below {@code prefix}, as {@link #deleteTree(String)}
   * does, telling {@code filesDone} how many files are done.
   *
   * @param filesDone told the number of files done so far (1 to the number of files listed)
   *     after each file's every version has had its key destroyed and its blob overwritten
   * @throws AccessDeniedException if any file below the prefix may not be deleted
   * @throws NotFoundException if nothing is stored there
   */
  DeletionCertificate deleteTree(String prefix, LongConsumer filesDone);

  /**
   * Wipes plain files outside the vault (a local file or a folder, recursively) and returns a
   * certificate signed with the vault's key that lists every file wiped, the method and its
   * verification, and what the storage medium allows. Symbolic links are never followed; a file
   * with other hard links is left alone unless {@code force}. The wipe is logged.
   *
   * @throws AccessDeniedException for auditors and service credentials
   */
  WipeReport wipe(Path target, WipeMethod method, boolean force);

  /**
   * Wipes plain files outside the vault, as {@link #wipe(Path, WipeMethod, boolean)} does, telling
   * {@code filesDone} how many files are wiped.
   *
   * @param filesDone told the number of files wiped so far (1 to the number the report counts)
   *     after each file is overwritten, read back and removed
   * @throws AccessDeniedException for auditors and service credentials
   */
  WipeReport wipe(Path target, WipeMethod method, boolean force, LongConsumer filesDone);

  /**
   * Disposes of the whole vault (clause 5(11)): exports the access log and every certificate to
   * {@code archive} (the logs outlive the contract), then destroys every key slot, the name key
   * and the signing key (overwritten and removed) and, with {@code overwriteBlobs}, every blob,
   * and returns a final certificate, also written to {@code archive}. Afterwards the vault does
   * not open; the archive and the certificates still verify with the exported public key.
   *
   * @throws AccessDeniedException unless this is an administrator's session
   */
  DeletionCertificate dispose(Path archive, boolean overwriteBlobs);

  /**
   * Disposes of the whole vault as {@link #dispose(Path, boolean)} does, telling {@code blobsDone}
   * how many blobs are overwritten.
   *
   * @param blobsDone told the number of blobs overwritten and removed so far (only with {@code overwriteBlobs})
   */
  DeletionCertificate dispose(Path archive, boolean overwriteBlobs, LongConsumer blobsDone);

  /** Every deletion certificate the vault issued (administrators and auditors). */
  List<DeletionCertificate> certificates();

  /** Access-log entries matching {@code query}; the reading itself is logged first. */
  List<LogEntry> logEntries(LogQuery query);

  /** Signs a checkpoint of the log as it is now and returns the signed note (C2SP). */
  String checkpoint();

  /**
   * Verifies the whole access log: every entry against its leaf and its predecessor, every signed
   * checkpoint against the tree, and, if given, a checkpoint held outside the vault (for example
   * by the city) for consistency.
   *
   * @param witnessNote a signed checkpoint note, or null
   * @throws IntegrityException naming the first bad entry or checkpoint; it is also logged
   */
  LogReport verifyLog(byte[] witnessNote);

  /**
   * Verifies the whole access log as {@link #verifyLog(byte[])} does, telling {@code entriesDone}
   * how far it has come.
   *
   * @param entriesDone told the number of the log's positions checked so far (up to its size), after each page
   */
  LogReport verifyLog(byte[] witnessNote, LongConsumer entriesDone);

  /**
   * Changes this user's own password: the old one must open their key slot first.
   *
   * @throws AuthenticationException if {@code old} is wrong
   * @throws IllegalArgumentException if {@code replacement} is too weak
   */
  void changePassword(Password old, Password replacement);

  /**
   * Enrols a token for {@code user}: an administrator for anyone, any user for themself. Uses the
   * key pair {@code keyId} on the token (null: {@code kinko}), generating an EC P-256 one there
   * when the token holds none of that name. When the user's role is under the two-factor policy,
   * {@code password} is required: the slot then needs token and password together, and the
   * user's password-only slot is destroyed. For oneself it is one's current password; an
   * administrator enrolling someone else sets it as that user's new password. Otherwise
   * {@code password} must be null and the password slot stays.
   *
   * @throws AuthenticationException if the PIN is wrong, or one's own password is wrong
   * @throws AccessDeniedException if a non-administrator enrols someone else
   */
  TokenInfo addToken(String user, TokenCredential token, String keyId, Password password);

  /**
   * Destroys {@code user}'s token slot (overwritten, synced, read back, unlinked). Refused when
   * it is the user's only slot (a two-factor user): set a password first with {@code resetPassword}.
   *
   * @throws AccessDeniedException if a non-administrator removes someone else's token
   */
  void removeToken(String user);

  /**
   * Exports the entries logged in [from, to) to {@code directory} as an archive that verifies
   * offline ({@link LogArchive#verify}). The export is logged.
   *
   * @throws VaultException if no entry lies in the range or the archive cannot be written
   */
  LogArchive exportLog(Instant from, Instant to, Path directory);

  /**
   * Exports the entries logged in [from, to) as {@link #exportLog(Instant, Instant, Path)} does,
   * telling {@code entriesDone} how many are written.
   *
   * @param entriesDone told the number of entries written so far, after each page
   */
  LogArchive exportLog(Instant from, Instant to, Path directory, LongConsumer entriesDone);

  /**
   * The vault's public signing key as PEM, taken from the signing key this login opened with the
   * master key, never from the folder alone: what auditors pin by its {@link KeyFingerprint}.
   * Any user may export it; the export is logged.
   *
   * @throws IntegrityException if {@code keys/signing.pub.pem} no longer holds that key (logged as an INCIDENT)
   */
  String exportPublicKey();

  /**
   * Removes the entries logged before {@code before}. Refused, and the refusal logged, while
   * any of them is within its retention (one year past the contract's end, or the configured
   * minimum) or has not been archived.
   *
   * @return the number of entries removed
   * @throws RetentionException if the pruning is refused
   */
  long pruneLog(Instant before);

  /**
   * Audits the vault (clause 9) and records it: the log verifies from its start; every blob's
   * header verifies (with {@code deep}, every byte, streamed in constant memory), no blob is
   * missing and none belongs to no file; the vault's folders and files are private (0700, 0600);
   * no account is stale (no login for 90 days), expired or disabled while holding grants, and the
   * administrator is not alone; no deletion is left unfinished; every log entry is kept at least a
   * year past the contract's end; the database is durable (H2: the log journal is in place and
   * writes are synced; PostgreSQL: fsync, synchronous_commit and full_page_writes are on).
   * Integrity findings are logged as INCIDENT entries; an AUDIT entry closes the audit with the
   * counts and the result's SHA-256, and the result is signed with the vault's key.
   *
   * @param blobsDone told the number of blobs checked so far
   * @throws AccessDeniedException unless this is an administrator's session
   */
  AuditResult audit(boolean deep, LongConsumer blobsDone);

  /**
   * Makes the monthly handling-status report (clause 10) for {@code month} (administrators only):
   * writes {@code report-YYYY-MM.json} (canonical JSON, see {@link MonthlyReport}), its detached
   * signature {@code .json.sig} and the per-user figures as {@code report-YYYY-MM.csv} to {@code
   * directory}, keeps the JSON and signature in the vault's {@code reports/} folder, and records
   * the JSON's SHA-256 in a REPORT entry. The report carries a checkpoint of the log at the month's
   * end (at the report's time while the month is not over) and the consistency proof from the
   * previous report's checkpoint: {@code previousReportJson} as filed with the city, or, when null,
   * the newest earlier report the vault kept; the first report says it has none.
   *
   * @throws AccessDeniedException unless this is an administrator's session
   * @throws IntegrityException if the previous report is altered or not of this vault, or the log
   *     does not contain its checkpoint (a rolled-back or rewritten vault): no report is made, and
   *     an INCIDENT is logged
   * @throws VaultException if the month has not begun, or the files cannot be written
   */
  MonthlyReport.Issued monthlyReport(java.time.YearMonth month, byte[] previousReportJson, Path directory);

  /** Closes the session: signs a checkpoint if the log grew and lets go of the keys. */
  @Override
  void close();

  /**
   * Requests the certified deletion of every version of {@code path} (with {@code tree}, of every
   * file at or below it) for a second person's approval, as the vault's two-person rule ({@link
   * DeletionApproval#TWO_PERSON}) requires; allowed under either policy. The request is checked
   * and logged like {@link #delete} (DELETE permission on each file) and recorded with a
   * DELETE_REQUEST entry, but nothing is destroyed: the versions stay readable until an
   * administrator other than this user approves it ({@link #approveDeletion}), or someone rejects it.
   *
   * @throws AccessDeniedException without a DELETE grant on a file
   * @throws NotFoundException if nothing is stored there, or a version is already being deleted
   */
  DeletionRequest requestDeletion(String path, boolean tree);

  /**
   * Approves a pending deletion request and runs it: keys destroyed, blobs overwritten, DELETE
   * entries, and one certificate (its id is the request's) naming the requester as operator
   * (作業者) and this user as approver (確認者). Only an administrator may approve, and never the
   * requester; an APPROVE entry records the approval, or the refusal, before anything happens.
   * A crash after the approval is durable is finished at the next login.
   *
   * @throws AccessDeniedException unless this is an administrator other than the requester
   * @throws NotFoundException if no request with this id awaits approval
   * @throws IntegrityException if the request's rows were edited outside Kinko (logged as an INCIDENT)
   */
  DeletionCertificate approveDeletion(String requestId);

  /**
   * Cancels a pending deletion request: nothing is destroyed, and an APPROVE entry records the
   * rejection with {@code note}. The requester may withdraw their own request; otherwise only
   * an administrator may reject.
   *
   * @throws AccessDeniedException unless this is the requester or an administrator
   * @throws NotFoundException if no request with this id awaits approval
   */
  DeletionRequest rejectDeletion(String requestId, String note);

  /**
   * The deletion requests awaiting approval, oldest first: every one for an administrator, a
   * worker's own for a worker. The listing is logged (as a LIST entry: it shows paths).
   *
   * @throws AccessDeniedException for roles that do not handle data (auditor, service)
   */
  List<DeletionRequest> pendingDeletions();

  /**
   * The incidents (clause 6) the log holds, oldest first: each INCIDENT entry with the
   * acknowledgements that name it. Administrators and auditors; the listing is logged as
   * INCIDENT_LIST. Every entry read is checked against a signed checkpoint of the log first.
   *
   * @param openOnly only those nobody has acknowledged
   * @throws AccessDeniedException unless this is an administrator's or an auditor's session
   * @throws IntegrityException if an INCIDENT or INCIDENT_ACK entry was altered (logged as an INCIDENT)
   */
  List<Incident> incidents(boolean openOnly);

  /**
   * Acknowledges incident {@code id} with {@code note} (administrators only): an INCIDENT_ACK entry
   * names the incident and carries the note. The first acknowledgement closes the incident; later
   * ones add follow-up notes.
   *
   * @param note one line of at most {@link Incident#MAX_NOTE} characters, no control characters
   * @return the incident with this acknowledgement
   * @throws IllegalArgumentException if the note is empty, too long or holds a control character
   * @throws AccessDeniedException unless this is an administrator's session (the refusal is logged)
   * @throws NotFoundException if entry {@code id} does not exist or is no INCIDENT (the attempt is logged)
   * @throws IntegrityException if the incident's entries were altered (logged as an INCIDENT)
   */
  Incident acknowledgeIncident(long id, String note);

  /**
   * Writes up incident {@code id} for the city (administrators only): the signed incident report
   * ({@link IncidentReport}) with the INCIDENT entry, its evidence entries and each one's inclusion
   * proof against a checkpoint signed now, and the acknowledgements so far. An INCIDENT_REPORT
   * entry records the request, and a second one the report's id and SHA-256, which the monthly
   * report lists. Nothing is written to disk: the caller files the JSON and its signature.
   *
   * @throws AccessDeniedException unless this is an administrator's session (the refusal is logged)
   * @throws NotFoundException if entry {@code id} does not exist or is no INCIDENT, or an evidence entry was pruned
   * @throws IntegrityException if the incident's entries were altered (logged as an INCIDENT)
   */
  IncidentReport.Signed incidentReport(long id);

  /**
   * Carries files out (clause 7): writes {@code output}, one age file encrypted to {@code to} (the
   * vault's city recipient when null) holding a tar of the files under {@code files/} and the
   * signed waybill ({@code waybill.json}, {@code waybill.json.sig}). EXPORT permission is needed on
   * every path (a folder exports the newest version of each file below it); the EXPORT entry is
   * durable before any byte is written, and an EXPORT_SEALED entry names the package's SHA-256
   * before the file appears under its name. Memory stays constant whatever the size.
   *
   * @throws IllegalArgumentException if {@code output} exists, or there is no recipient and no city recipient
   * @throws AccessDeniedException if a path lacks EXPORT permission (a DENY entry; nothing written)
   * @throws NotFoundException if a path holds no file (the attempt is logged)
   */
  Transport.Exported exportPackage(List<String> paths, Transport.Recipients to, Path output);

  /**
   * Takes a package in below {@code destination} ("" for the root): opens it with {@code
   * identities}, checks the waybill's signature (with {@code senderKeyPem} when given, else the key
   * the waybill names: unpinned), its log proof and every file's size and SHA-256 over a private
   * copy of the package before anything is stored; then logs IMPORT naming the export id, stores
   * each file (WRITE permission, a PUT entry each) and returns the signed receipt.
   *
   * @throws io.kinko.vault.AuthenticationException if no identity opens the package
   * @throws IntegrityException if the package is damaged, not a Kinko package (no waybill), or its
   *     waybill or any file fails its check (a DENY entry; nothing stored)
   * @throws AccessDeniedException if a destination path lacks WRITE permission (nothing stored)
   */
  Transport.Imported importPackage(Path packageFile, Transport.Identities identities, String senderKeyPem, String destination);

  /**
   * Records a receipt for one of this vault's exports (an EXPORT_RECEIPT entry), after verifying
   * its signature with {@code receiverKeyPem}, its IMPORT entry's proof, and that it names a package
   * this vault sealed with the same SHA-256. Administrators only.
   *
   * @throws IntegrityException if the receipt does not verify or names no package this vault sealed
   * @throws AccessDeniedException unless this is an administrator's session
   */
  Transport.ExportRecord recordReceipt(byte[] receiptJson, byte[] signature, String receiverKeyPem);

  /**
   * Every export the log holds, oldest first, with where it stands; each entry read is proved
   * against a checkpoint signed now. Administrators and auditors; the listing is logged as a
   * LOG_SHOW entry.
   *
   * @throws AccessDeniedException unless this is an administrator's or an auditor's session
   */
  List<Transport.ExportRecord> exports();
}
