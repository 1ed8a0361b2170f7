package io.kinko.vault.erase;

import io.kinko.vault.Action;
import io.kinko.vault.CertificateBody;
import io.kinko.vault.CertificateNames;
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
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.function.LongConsumer;

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

  public WipeReport wipe(Path target, WipeMethod method, boolean force, String operator, LongConsumer filesDone) {
    String id = Bytes.hex(Bytes.random(16));
    Instant started = ctx.clock().instant();
    ctx.log().append(AccessLog.Event.allow(operator, Action.WIPE_REQUEST, "wipe requested, certificate " + id, null, null));
    CertificateBody.Media media = MediaFacts.of(target.toAbsolutePath().getParent()).toMedia();
    FolderWiper.Outcome outcome = FolderWiper.wipe(target, method, force, filesDone);
    LogEntry entry = ctx.log().append(AccessLog.Event.allow(operator, Action.WIPE, "wiped " + outcome.wiped().size() + " files ("
        + outcome.skipped().size() + " left), certificate " + id, null, null));
    LogCheckpoints.Signed checkpoint = ctx.signCheckpoint().get();
    CertificateBody cert = new CertificateBody(Certificates.header(CertificateBody.Kind.WIPE, id, operator, ctx),
        new CertificateBody.Method("Clear", List.of(method.name()),
            "overwrite, sync, read back the last pass, rename to a random name, truncate, unlink, sync the folder"),
        media, outcome.wiped().stream().map(w -> (CertificateBody.Item) named(w)).toList(), Certificates.checkpoint(checkpoint),
        entry.keepUntil(), Certificates.logRef(entry, ctx.checkpoints(), checkpoint), (long) outcome.skipped().size(), null, null,
        Certificates.erasure(started, outcome.skipped().isEmpty(), ctx));
    DeletionCertificate certificate = Certificates.signAndStore(ctx, cert);
    return new WipeReport(certificate, outcome.wiped().size(), outcome.skipped());
  }

  /**
   * A wiped file as the vault's naming policy allows: always by a keyed tag of its absolute path,
   * by the path itself only under {@link CertificateNames#PLAIN}, and sealed to the city under
   * {@link CertificateNames#SEALED}.
   */
  private CertificateBody.WipedFile named(FolderWiper.Wiped w) {
    String path = w.path().toString();
    String tag = Bytes.hex(ctx.keys().tag("wiped-path", path.getBytes(StandardCharsets.UTF_8)));
    return new CertificateBody.WipedFile(ctx.names() == CertificateNames.PLAIN ? path : null, w.size(), w.method(), w.verification(), tag,
        ctx.sealedName(path));
  }

  /** @param blobsDone told the number of blobs overwritten so far */
  public DeletionCertificate dispose(Path archive, boolean overwriteBlobs, String operator, LongConsumer blobsDone) {
    String id = Bytes.hex(Bytes.random(16));
    Instant started = ctx.clock().instant();
    LogEntry entry = ctx.log().append(AccessLog.Event.allow(operator, Action.DISPOSE, "vault disposal " + id
        + (overwriteBlobs ? ", blobs overwritten" : ", blobs crypto-erased with the keys"), null, null));
    LogCheckpoints.Signed checkpoint = ctx.signCheckpoint().get();
    // The log and the certificates must outlive the keys: export them first.
    new LogArchiver(ctx.database(), ctx.vaultId(), ctx.clock()).export(Instant.EPOCH, ctx.clock().instant().plusSeconds(1),
        archive, ctx.signer(), entries -> {});
    for (DeletionCertificate c : Deleter.all(ctx.database(), ctx.signer().publicKey())) {
      c.write(archive.resolve("certificates"), c.id());
    }
    List<CertificateBody.Item> destroyed = new ArrayList<>();
    long blobs = 0;
    try {
      Durable.write(archive.resolve("vault.pub.pem"), SigningKey.toPem(ctx.signer().publicKey()).getBytes(StandardCharsets.US_ASCII));
      archiveThenOverwrite(ctx.layout().reports(), archive.resolve("reports"));
      try (Stream<Path> keyFiles = Files.list(ctx.layout().keys())) {
        for (Path key : keyFiles.filter(p -> !p.getFileName().toString().endsWith(".pem")).sorted().toList()) {
          // A link someone planted in keys/ is removed, not followed: what it names is not the vault's.
          String how = Durable.destroy(key) ? "overwritten, synced, removed" : "a link, not the vault's file: removed, not overwritten";
          destroyed.add(new CertificateBody.DestroyedKeyFile("keys/" + key.getFileName(), how));
        }
      }
      if (overwriteBlobs) {
        try (Stream<Path> files = Files.walk(ctx.layout().blobs())) {
          for (Path blob : files.filter(f -> !Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
            BlobEraser.overwriteAndUnlink(blob);
            blobsDone.accept(++blobs);
          }
        }
      }
    } catch (IOException e) {
      throw new VaultException("disposal of vault " + ctx.vaultId() + " failed part way: " + e.getMessage()
          + "; the archive in " + archive + " is complete", e);
    }
    CertificateBody cert = new CertificateBody(Certificates.header(CertificateBody.Kind.DISPOSAL, id, operator, ctx),
        new CertificateBody.Method("Purge", List.of(
            "cryptographic erase: every key slot, the name key and the signing key destroyed; no file key can be unwrapped",
            overwriteBlobs ? "overwrite: every blob, 1 pass of random data, then unlink" : "blobs left as ciphertext without keys"), null),
        MediaFacts.of(ctx.layout().keys()).toMedia(), destroyed, Certificates.checkpoint(checkpoint), entry.keepUntil(),
        Certificates.logRef(entry, ctx.checkpoints(), checkpoint), null, blobs,
        "log archive, certificates and public key exported before the keys were destroyed", Certificates.erasure(started, true, ctx));
    DeletionCertificate certificate = Certificates.signAndStore(ctx, cert);
    certificate.write(archive, "disposal-certificate");
    return certificate;
  }

  /**
   * The monthly reports the vault kept go into the archive beside the log they are checkpoints of,
   * then are overwritten in the vault: they name the staff and their grants' folders in plain text,
   * which must not outlive the keys there (5(11)).
   */
  private static void archiveThenOverwrite(Path reports, Path archived) throws IOException {
    if (!Files.isDirectory(reports)) {
      return;
    }
    try (Stream<Path> files = Files.list(reports)) {
      for (Path report : files.filter(f -> !Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
        if (!io.kinko.vault.store.Durable.soleName(report)) {
          Files.delete(report); // a link someone planted: what it names is neither archived nor overwritten
          continue;
        }
        Files.createDirectories(archived);
        Durable.write(archived.resolve(report.getFileName()), Files.readAllBytes(report));
        BlobEraser.overwriteAndUnlink(report);
      }
    }
  }
}
