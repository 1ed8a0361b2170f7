package io.kinko.vault.erase;

import io.kinko.vault.Action;

import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.LogEntry;
import io.kinko.vault.VaultException;
import io.kinko.vault.WipeMethod;
import io.kinko.vault.WipeReport;
import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.audit.LogArchiver;
import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.crypto.Bytes;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.store.Durable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Wiping plain folders and disposing of a whole vault, each ending in a signed certificate tied
 * to the log. The session checks the role first; this class logs the request before it changes
 * anything, does the work, and issues the certificate.
 */
public final class Erasures {
  private final Deleter.Context ctx;

  public Erasures(Deleter.Context ctx) {
    this.ctx = ctx;
  }

  /** True when {@code target} is, contains or lies inside the vault: such a wipe is refused. */
  public static boolean touchesVault(Path target, Path vaultRoot) {
    Path real;
    Path root = vaultRoot;
    try {
      real = target.toRealPath(LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new VaultException("cannot wipe " + target + ": " + e.getMessage(), e);
    }
    try {
      root = vaultRoot.toRealPath();
    } catch (IOException e) {
      // The vault is open, so its folder exists; keep the absolute path if it cannot be resolved.
    }
    return real.startsWith(root) || root.startsWith(real);
  }

  public WipeReport wipe(Path target, WipeMethod method, boolean force, String operator) {
    String id = Bytes.hex(Bytes.random(16));
    ctx.log().append(AccessLog.Event.allow(operator, Action.WIPE_REQUEST, "wipe requested, certificate " + id, null, null));
    Map<String, Object> media = MediaFacts.of(target.toAbsolutePath().getParent()).toMap();
    FolderWiper.Outcome outcome = FolderWiper.wipe(target, method, force);
    LogEntry entry = ctx.log().append(AccessLog.Event.allow(operator, Action.WIPE, "wiped " + outcome.wiped().size() + " files ("
        + outcome.skipped().size() + " left), certificate " + id, null, null));
    LogCheckpoints.Signed checkpoint = ctx.signCheckpoint().get();
    Map<String, Object> cert = Certificates.header("wipe-certificate", id, "WIPE", ctx.contract(), ctx.vaultId(), operator,
        ctx.host(), ctx.application(), ctx.clock());
    cert.put("method", Map.of("type", "Clear", "techniques", List.of(method.name()),
        "steps", "overwrite, sync, read back the last pass, rename to a random name, truncate, unlink, sync the folder"));
    cert.put("media", media);
    cert.put("items", outcome.wiped().stream().map(w -> (Object) w.toMap()).toList());
    cert.put("notWiped", (long) outcome.skipped().size());
    cert.put("logEntry", Certificates.logRef(entry, ctx.checkpoints(), checkpoint.size()));
    cert.put("log", Certificates.checkpoint(checkpoint));
    cert.put("keepUntil", entry.keepUntil().toString());
    DeletionCertificate certificate = Certificates.signAndStore(ctx.database(), ctx.signer(), id, "wipe", cert, ctx.clock());
    return new WipeReport(certificate, outcome.wiped().size(), outcome.skipped());
  }

  public DeletionCertificate dispose(Path archive, boolean overwriteBlobs, String operator) {
    String id = Bytes.hex(Bytes.random(16));
    LogEntry entry = ctx.log().append(AccessLog.Event.allow(operator, Action.DISPOSE, "vault disposal " + id
        + (overwriteBlobs ? ", blobs overwritten" : ", blobs crypto-erased with the keys"), null, null));
    LogCheckpoints.Signed checkpoint = ctx.signCheckpoint().get();
    // The log and the certificates must outlive the keys: export them first.
    new LogArchiver(ctx.database(), ctx.vaultId(), ctx.clock()).export(Instant.EPOCH, ctx.clock().instant().plusSeconds(1),
        archive, ctx.signer());
    for (DeletionCertificate c : Deleter.all(ctx.database())) {
      c.write(archive.resolve("certificates"), c.id());
    }
    List<Object> destroyed = new ArrayList<>();
    long blobs = 0;
    try {
      Durable.write(archive.resolve("vault.pub.pem"), SigningKey.toPem(ctx.signer().publicKey()).getBytes(StandardCharsets.US_ASCII));
      try (Stream<Path> keyFiles = Files.list(ctx.layout().keys())) {
        for (Path key : keyFiles.filter(p -> !p.getFileName().toString().endsWith(".pem")).sorted().toList()) {
          Durable.destroy(key);
          destroyed.add(Map.of("object", "keys/" + key.getFileName(), "result", "overwritten, synced, removed"));
        }
      }
      if (overwriteBlobs) {
        try (Stream<Path> files = Files.walk(ctx.layout().blobs())) {
          for (Path blob : files.filter(Files::isRegularFile).toList()) {
            BlobEraser.overwriteAndUnlink(blob);
            blobs++;
          }
        }
      }
    } catch (IOException e) {
      throw new VaultException("disposal of vault " + ctx.vaultId() + " failed part way: " + e.getMessage()
          + "; the archive in " + archive + " is complete", e);
    }
    Map<String, Object> cert = Certificates.header("disposal-certificate", id, "DISPOSE", ctx.contract(), ctx.vaultId(), operator,
        ctx.host(), ctx.application(), ctx.clock());
    cert.put("method", Map.of("type", "Purge", "techniques", List.of(
        "cryptographic erase: every key slot, the name key and the signing key destroyed; no file key can be unwrapped",
        overwriteBlobs ? "overwrite: every blob, 1 pass of random data, then unlink" : "blobs left as ciphertext without keys")));
    cert.put("media", MediaFacts.of(ctx.layout().keys()).toMap());
    cert.put("items", destroyed);
    cert.put("blobsOverwritten", blobs);
    cert.put("archive", "log archive, certificates and public key exported before the keys were destroyed");
    cert.put("logEntry", Certificates.logRef(entry, ctx.checkpoints(), checkpoint.size()));
    cert.put("log", Certificates.checkpoint(checkpoint));
    cert.put("keepUntil", entry.keepUntil().toString());
    DeletionCertificate certificate = Certificates.signAndStore(ctx.database(), ctx.signer(), id, "disposal", cert, ctx.clock());
    certificate.write(archive, "disposal-certificate");
    return certificate;
  }
}
