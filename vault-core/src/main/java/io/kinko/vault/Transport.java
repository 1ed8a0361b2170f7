package io.kinko.vault;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Transport packages (clause 7, issue #14): what {@link Session#exportPackage} and {@link
 * Session#importPackage} take and return. A package is one age file (age-encryption.org/v1) that
 * the recipient opens with the stock {@code age -d}, holding a tar of the files under {@code
 * files/} and a waybill (送付状) signed with the sending vault's key; the receiving vault answers
 * with a signed receipt (受領書).
 */
public interface Transport {
  /**
   * Whom a package is encrypted to: age X25519 recipients ({@code age1...}), or one passphrase
   * (age's scrypt recipient, alone as age requires). The passphrase stays the caller's to close,
   * after the export has returned.
   */
  record Recipients(List<String> ageRecipients, Password passphrase) {
    /** How a waybill names a passphrase recipient, which has no key to name. */
    public static final String PASSPHRASE = "passphrase";

    public Recipients {
      ageRecipients = List.copyOf(Objects.requireNonNull(ageRecipients, "ageRecipients"));
      if (ageRecipients.isEmpty() && passphrase == null) {
        throw new IllegalArgumentException("a package needs a recipient (age1...) or a passphrase");
      }
      if (!ageRecipients.isEmpty() && passphrase != null) {
        throw new IllegalArgumentException("a passphrase must be a package's only recipient (age's scrypt rule)");
      }
    }

    /** X25519 recipients. */
    public static Recipients of(List<String> ageRecipients) {
      return new Recipients(ageRecipients, null);
    }

    /** One passphrase. */
    public static Recipients passphrase(Password passphrase) {
      return new Recipients(List.of(), Objects.requireNonNull(passphrase, "passphrase"));
    }

    /** How the waybill names them: each {@code age1...}, or "passphrase". */
    public List<String> named() {
      return passphrase == null ? ageRecipients : List.of(PASSPHRASE);
    }
  }

  /** What opens a package: age identity files ({@code AGE-SECRET-KEY-1...}), or a passphrase. */
  record Identities(List<Path> identityFiles, Password passphrase) {
    public Identities {
      identityFiles = List.copyOf(Objects.requireNonNull(identityFiles, "identityFiles"));
      if (identityFiles.isEmpty() && passphrase == null) {
        throw new IllegalArgumentException("opening a package needs an identity file or a passphrase");
      }
    }
  }

  /** One file a waybill or receipt lists: its name as the vault's naming policy allows, size and SHA-256. */
  record Item(String path, String nameTag, String sealedPath, long size, String sha256) {
    public Item {
      Objects.requireNonNull(sha256, "sha256");
      if (size < 0) {
        throw new IllegalArgumentException("size " + size + " is negative");
      }
    }
  }

  /**
   * A package written: the EXPORT entry (before any byte) names the export id and the SHA-256 of
   * the file list; the EXPORT_SEALED entry (before the file got its name) the package's SHA-256.
   */
  record Exported(String exportId, Path file, String sha256, long size, List<String> recipients, List<Item> files,
      long exportSeq, long sealedSeq, byte[] waybillJson, byte[] waybillSignature) {
    public Exported {
      Objects.requireNonNull(exportId, "exportId");
      files = List.copyOf(files);
      recipients = List.copyOf(recipients);
    }
  }

  /**
   * A package taken in: the sender as its waybill names it, whether its key was pinned by the
   * caller, what was stored, the IMPORT entry, and the signed receipt to send back.
   */
  record Imported(String exportId, String senderVault, String senderKeyFingerprint, boolean senderPinned,
      String packageSha256, List<Item> stored, long importSeq, byte[] receiptJson, byte[] receiptSignature) {
    public Imported {
      Objects.requireNonNull(exportId, "exportId");
      stored = List.copyOf(stored);
    }
  }

  /** Where an export stands, derived from the log's EXPORT, EXPORT_SEALED and EXPORT_RECEIPT entries. */
  enum Status {
    /** Logged, but no package was sealed: the export failed or was interrupted; no file was named. */
    NOT_WRITTEN,
    /** Sealed and written; no receipt recorded yet. */
    IN_TRANSIT,
    /** A receipt from the receiving vault, verified, is recorded against it. */
    RECEIVED
  }

  /** One export as {@code kinko export list} shows it. */
  record ExportRecord(String exportId, long exportSeq, Instant at, String by, int files, String packageSha256, long packageSize,
      Status status, Instant receivedAt, String receivedByVault, long receiptSeq) {
    public ExportRecord {
      Objects.requireNonNull(exportId, "exportId");
      Objects.requireNonNull(status, "status");
    }
  }
}
