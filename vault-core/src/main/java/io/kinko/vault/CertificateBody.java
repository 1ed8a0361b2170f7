package io.kinko.vault;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a signed certificate says, field by field: the one type that the writer fills, the offline
 * verifier checks and the PDF prints ({@link DeletionCertificate} holds the signed bytes). Plain
 * data: the RFC 8785 encoder and the strict parser that refuses unknown or missing fields live in
 * the library, and {@link DeletionCertificate#parse} reads one. Components a certificate of an
 * older version or of another kind does not carry are null.
 *
 * @param logEntry the WIPE or DISPOSE entry with its proof; null in a deletion certificate, whose items carry theirs
 * @param notWiped files a wipe left (wipe only)
 * @param blobsOverwritten blobs overwritten by a disposal (disposal only)
 * @param archive what a disposal exported before destroying the keys (disposal only)
 * @param erasure when the erasure ran and how it ended; null in certificates written before it was recorded
 */
public record CertificateBody(Header header, Method method, Media media, List<Item> items, SignedCheckpoint log, Instant keepUntil,
    LogProof logEntry, Long notWiped, Long blobsOverwritten, String archive, Erasure erasure) {
  public CertificateBody {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(media, "media");
    items = List.copyOf(items);
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(keepUntil, "keepUntil");
  }

  /** A certificate without an {@link Erasure} record, as written before it was added. */
  public CertificateBody(Header header, Method method, Media media, List<Item> items, SignedCheckpoint log, Instant keepUntil,
      LogProof logEntry, Long notWiped, Long blobsOverwritten, String archive) {
    this(header, method, media, items, log, keepUntil, logEntry, notWiped, blobsOverwritten, archive, null);
  }

  /** How an erasure ended: every item erased and verified, or not. */
  public enum Result {
    COMPLETED, FAILED
  }

  /**
   * When the erasure started (the request) and finished (the last item erased and logged), and its
   * result. The JSON also carries the duration, which must equal {@code finishedAt - startedAt}.
   */
  public record Erasure(Instant startedAt, Instant finishedAt, Result result) {
    public Erasure {
      Objects.requireNonNull(startedAt, "startedAt");
      Objects.requireNonNull(finishedAt, "finishedAt");
      Objects.requireNonNull(result, "result");
      if (finishedAt.isBefore(startedAt)) {
        throw new IllegalArgumentException("an erasure cannot finish (" + finishedAt + ") before it started (" + startedAt + ")");
      }
    }

    public java.time.Duration duration() {
      return java.time.Duration.between(startedAt, finishedAt);
    }
  }

  /** The three certificates Kinko issues: the JSON's {@code kinko} value, the short name, the log action certified. */
  public enum Kind {
    DELETION("deletion-certificate", "deletion", "DELETE"),
    WIPE("wipe-certificate", "wipe", "WIPE"),
    DISPOSAL("disposal-certificate", "disposal", "DISPOSE");

    private final String label;
    private final String shortName;
    private final String action;

    Kind(String label, String shortName, String action) {
      this.label = label;
      this.shortName = shortName;
      this.action = action;
    }

    /** The {@code kinko} field: "deletion-certificate". */
    public String label() {
      return label;
    }

    /** "deletion", "wipe", "disposal": the certificate files' and table's name for it. */
    public String shortName() {
      return shortName;
    }

    /** The log action each of its entries must be: "DELETE", "WIPE", "DISPOSE". */
    public String action() {
      return action;
    }
  }

  /**
   * Who, what, for whom, where and with what: the fields that open every certificate.
   *
   * @param signingKey the key that signed it; null in certificates written before fingerprints were recorded
   */
  public record Header(Kind kind, String certificateId, Instant issuedAt, Contract contract, String vault, String operator,
      String approver, WorkLocation workLocation, Tool tool, List<String> standards, KeyName signingKey) {
    public Header {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(certificateId, "certificateId");
      Objects.requireNonNull(issuedAt, "issuedAt");
      Objects.requireNonNull(contract, "contract");
      Objects.requireNonNull(vault, "vault");
      Objects.requireNonNull(operator, "operator");
      Objects.requireNonNull(approver, "approver");
      Objects.requireNonNull(workLocation, "workLocation");
      Objects.requireNonNull(tool, "tool");
      standards = List.copyOf(standards);
    }
  }

  public record WorkLocation(String host, String application) {
    public WorkLocation {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(application, "application");
    }
  }

  public record Tool(String name, String version) {
    public Tool {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
    }

    private static final Tool KINKO = new Tool("Kinko", releaseVersion());

    /** This Kinko, by the release version the build writes into the jar ("unknown" only if that file is missing). */
    public static Tool kinko() {
      return KINKO;
    }

    private static String releaseVersion() {
      try (java.io.InputStream in = CertificateBody.class.getResourceAsStream("kinko-version.properties")) {
        if (in == null) {
          return "unknown";
        }
        java.util.Properties p = new java.util.Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      } catch (java.io.IOException e) {
        return "unknown";
      }
    }
  }

  /** The key that signed a certificate, by fingerprint ({@link KeyFingerprint}). */
  public record KeyName(String algorithm, String fingerprint, String fingerprintOf) {
    public KeyName {
      Objects.requireNonNull(algorithm, "algorithm");
      Objects.requireNonNull(fingerprint, "fingerprint");
      Objects.requireNonNull(fingerprintOf, "fingerprintOf");
    }
  }

  /** NIST SP 800-88 method type (Clear, Purge), its techniques, and for a wipe the steps taken; {@code steps} may be null. */
  public record Method(String type, List<String> techniques, String steps) {
    public Method {
      Objects.requireNonNull(type, "type");
      techniques = List.copyOf(techniques);
    }
  }

  /** What the storage allows: the file system, rotational ("true", "false", "unknown"), copy-on-write, and the caveat. */
  public record Media(String fileSystem, String rotational, boolean copyOnWrite, String caveat) {
    public Media {
      Objects.requireNonNull(fileSystem, "fileSystem");
      Objects.requireNonNull(rotational, "rotational");
      Objects.requireNonNull(caveat, "caveat");
    }
  }

  /** The signed checkpoint (a C2SP signed note) that every proof in the certificate leads to. */
  public record SignedCheckpoint(long treeSize, String checkpoint) {
    public SignedCheckpoint {
      Objects.requireNonNull(checkpoint, "checkpoint");
    }
  }

  /** One log entry (its exact canonical JSON), its RFC 6962 leaf hash and its inclusion proof, in hex. */
  public record LogProof(long seq, String entry, String leafHash, List<String> inclusionProof) {
    public LogProof {
      Objects.requireNonNull(entry, "entry");
      Objects.requireNonNull(leafHash, "leafHash");
      inclusionProof = List.copyOf(inclusionProof);
    }
  }

  /** One thing a certificate says was destroyed; which kind of item depends on the certificate's {@link Kind}. */
  public sealed interface Item permits DeletedFile, WipedFile, DestroyedKeyFile {}

  /**
   * A vault file version deleted with its key (deletion certificates). Of the content, a current
   * certificate carries {@code commitmentMethod} and, when the version had one, a keyed
   * {@code contentCommitment}; older ones carry {@code contentSha256} instead. Absent ones are null.
   * {@code path} is the file's path in plain text, present only when the vault's policy names
   * files plainly ({@link CertificateNames#PLAIN}); else the keyed {@code nameTag} alone names it.
   */
  public record DeletedFile(String fileId, String nameTag, long version, long size, String contentCommitment, String commitmentMethod,
      String contentSha256, Instant storedSince, KeyDestroyed keyDestroyed, Verification verification, LogProof log, String path,
      String sealedPath) implements Item {
    public DeletedFile {
      Objects.requireNonNull(fileId, "fileId");
      Objects.requireNonNull(nameTag, "nameTag");
      Objects.requireNonNull(storedSince, "storedSince");
      Objects.requireNonNull(keyDestroyed, "keyDestroyed");
      Objects.requireNonNull(verification, "verification");
      Objects.requireNonNull(log, "log");
    }

    /** A deleted file named by its tag, and by its path under the plain policy. */
    public DeletedFile(String fileId, String nameTag, long version, long size, String contentCommitment, String commitmentMethod,
        String contentSha256, Instant storedSince, KeyDestroyed keyDestroyed, Verification verification, LogProof log, String path) {
      this(fileId, nameTag, version, size, contentCommitment, commitmentMethod, contentSha256, storedSince, keyDestroyed, verification,
          log, path, null);
    }

    /** A deleted file named by its tag only. */
    public DeletedFile(String fileId, String nameTag, long version, long size, String contentCommitment, String commitmentMethod,
        String contentSha256, Instant storedSince, KeyDestroyed keyDestroyed, Verification verification, LogProof log) {
      this(fileId, nameTag, version, size, contentCommitment, commitmentMethod, contentSha256, storedSince, keyDestroyed, verification,
          log, null);
    }
  }

  public record KeyDestroyed(String keyId, String heldIn, long copiesDestroyed) {
    public KeyDestroyed {
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(heldIn, "heldIn");
    }
  }

  public record Verification(String method, String result, String notes) {
    public Verification {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(result, "result");
      Objects.requireNonNull(notes, "notes");
    }
  }

  /**
   * A plain file wiped outside the vault (wipe certificates), named by its absolute path when the
   * vault's policy names files plainly, else by {@code nameTag}, a keyed tag of that path (older
   * certificates always carry the path and no tag). One of the two is present.
   */
  public record WipedFile(String path, long size, String method, String verification, String nameTag, String sealedPath) implements Item {
    public WipedFile {
      if (path == null && nameTag == null) {
        throw new NullPointerException("a wiped file needs its path or its name tag");
      }
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(verification, "verification");
    }

    /** A wiped file named by its path or its tag, with no sealed name. */
    public WipedFile(String path, long size, String method, String verification, String nameTag) {
      this(path, size, method, verification, nameTag, null);
    }

    /** A wiped file named by its path, as every wipe certificate did before the naming policy. */
    public WipedFile(String path, long size, String method, String verification) {
      this(path, size, method, verification, null);
    }
  }

  /** A key file of the vault destroyed by a disposal, by its place in the vault folder. */
  public record DestroyedKeyFile(String object, String result) implements Item {
    public DestroyedKeyFile {
      Objects.requireNonNull(object, "object");
      Objects.requireNonNull(result, "result");
    }
  }
}
