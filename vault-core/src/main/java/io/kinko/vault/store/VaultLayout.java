package io.kinko.vault.store;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where each part of a vault lives under its folder (see DESIGN.md, "Vault on disk"). Nothing
 * under it is named after a file's name: blobs are named by random ids, slots by user names.
 */
public record VaultLayout(Path root) {
  private static final Pattern FILE_ID = Pattern.compile("[0-9a-f]{32}");

  public VaultLayout {
    root = root.toAbsolutePath().normalize();
  }

  public Path descriptor() {
    return root.resolve("kinko.json");
  }

  public Path keys() {
    return root.resolve("keys");
  }

  public Path userSlot(String user) {
    return keys().resolve("user-" + user + ".slot");
  }

  /** The recovery slot: the master keyset sealed under the recovery key (crypto.RecoverySlot). */
  public Path recoverySlot() {
    return keys().resolve("recovery.slot");
  }

  /** A user's token slot: the master keyset sealed for a key pair on their card (and their password, when two-factor). */
  public Path tokenSlot(String user) {
    return keys().resolve("user-" + user + ".token");
  }

  public Path namesKey() {
    return keys().resolve("names.key");
  }

  public Path signingKey() {
    return keys().resolve("signing.key");
  }

  /** The public half of the signing key, as PEM: what auditors verify with. */
  public Path publicKey() {
    return keys().resolve("signing.pub.pem");
  }

  /** The newest signed log checkpoint, kept outside the database to catch a rolled-back one. */
  public Path checkpoint() {
    return root.resolve("log.checkpoint");
  }

  public Path database() {
    return root.resolve("db");
  }

  public Path blobs() {
    return root.resolve("blobs");
  }

  /** The monthly reports the vault made (JSON and signature), kept to continue the next one from. */
  public Path reports() {
    return root.resolve("reports");
  }

  /** {@code blobs/xx/<id>}: a 256-way fan-out keeps directories small for large vaults. */
  public Path blob(String fileId) {
    if (!FILE_ID.matcher(fileId).matches()) {
      throw new IllegalArgumentException("file id '" + fileId + "' is not 32 lower-case hex digits");
    }
    return blobs().resolve(fileId.substring(0, 2)).resolve(fileId);
  }
}
