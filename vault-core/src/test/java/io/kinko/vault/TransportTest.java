package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.kinko.vault.audit.Checkpoint;
import io.kinko.vault.audit.EntryCodec;
import io.kinko.vault.audit.FailAtCheckpointStep;
import io.kinko.vault.engine.ImportSteps;
import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.audit.Merkle;
import io.kinko.vault.audit.NoteSigner;
import io.kinko.vault.audit.SignedNote;
import io.kinko.vault.crypto.Bytes;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.transport.AgeFile;
import io.kinko.vault.transport.AgeIdentity;
import io.kinko.vault.transport.AgeKeys;
import io.kinko.vault.transport.AgeRecipient;
import io.kinko.vault.transport.PackageFile;
import io.kinko.vault.transport.Receipt;
import io.kinko.vault.transport.Waybill;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.text.Normalizer;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transport packages through the library (issue #14): the order of the log entries around a
 * package, a refused export, the receipt's round trip, an export's entries edited in the
 * database, and constant memory for a file larger than the heap.
 */
class TransportTest {
  @TempDir Path dir;
  private Vault sender;
  private Vault receiver;
  private Session out;
  private Session in;
  private Path identity;

  @BeforeEach
  void twoVaults() throws Exception {
    sender = TestVaults.create(dir.resolve("sender"));
    receiver = TestVaults.create(dir.resolve("receiver"));
    out = TestVaults.login(sender);
    in = TestVaults.login(receiver);
    identity = Files.writeString(dir.resolve("key.txt"), AgeKeys.IDENTITY + "\n");
  }

  @AfterEach
  void close() {
    out.close();
    in.close();
    sender.close();
    receiver.close();
  }

  private Transport.Exported export(String... paths) {
    return out.exportPackage(List.of(paths), Transport.Recipients.of(List.of(AgeKeys.RECIPIENT)), dir.resolve("p" + System.nanoTime() + ".age"));
  }

  @Test
  void export_logsExportBeforeSealedBeforeTheFileHasItsName_andImportStoresTheSameBytes() {
    byte[] a = TestVaults.randomBytes(1, 200_000);
    TestVaults.put(out, "申請書/a.bin", a);
    TestVaults.put(out, "申請書/b.txt", "b".getBytes());
    Transport.Exported e = export("申請書");
    assertTrue(e.exportSeq() < e.sealedSeq());
    assertEquals(2, e.files().size());
    List<LogEntry> sealed = out.logEntries(new LogQuery(null, null, null, Action.EXPORT_SEALED.name()));
    assertEquals(1, sealed.size());
    assertTrue(sealed.get(0).reason().contains(e.sha256()), sealed.get(0)::reason);
    assertTrue(out.logEntries(new LogQuery(null, null, null, Action.EXPORT.name())).get(0).reason().startsWith("export " + e.exportId()));

    Transport.Imported got = in.importPackage(e.file(), new Transport.Identities(List.of(identity), null), out.exportPublicKey(), "in");
    assertEquals(e.exportId(), got.exportId());
    assertEquals(e.sha256(), got.packageSha256());
    assertTrue(got.senderPinned());
    assertArrayEquals(a, TestVaults.readAll(in, "in/申請書/a.bin"));
    List<LogEntry> imports = in.logEntries(new LogQuery(null, null, null, Action.IMPORT.name()));
    assertTrue(imports.get(0).reason().startsWith("import " + e.exportId() + ";"), imports.get(0)::reason);
  }

  static Stream<Arguments> renames() {
    return Stream.of(
        Arguments.of("'.': the folder it is imported to", (UnaryOperator<String>) first -> "."),
        Arguments.of("the first file's name in NFD", (UnaryOperator<String>) first -> Normalizer.normalize(first, Normalizer.Form.NFD)),
        Arguments.of("the first file's name", (UnaryOperator<String>) first -> first));
  }

  /**
   * Under the tag policy the waybill leaves the names out, so a recipient may rename the tar's
   * members (SECURITY.md); a name that puts two files in one place, or a file on the folder it is
   * imported to, must not store one file over another, nor half the package.
   */
  @ParameterizedTest(name = "second file renamed to {0}")
  @MethodSource("renames")
  void aPackageRetarredWithItsSecondFileRenamed_toAPlaceNoExportNames_isRefused_andNothingIsStored(String as, UnaryOperator<String> rename)
      throws Exception {
    TestVaults.put(out, "届/é1.txt", "one".getBytes(StandardCharsets.UTF_8));
    TestVaults.put(out, "届/é2.txt", "two".getBytes(StandardCharsets.UTF_8));
    Path renamed = retarred(export("届").file(), rename);
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    assertThrows(IntegrityException.class, () -> in.importPackage(renamed, ids, out.exportPublicKey(), ""));
    assertEquals(List.of(), in.list(""));
    assertEquals(List.of("DENY"), in.logEntries(new LogQuery(null, null, null, Action.IMPORT.name())).stream().map(LogEntry::decision).toList());
  }

  /** {@code pkg} as its recipient can remake it: opened, its second file renamed by {@code rename} of the first's name, re-encrypted. */
  private Path retarred(Path pkg, UnaryOperator<String> rename) throws IOException {
    Path remade = dir.resolve("retarred-" + System.nanoTime() + ".age");
    List<AgeIdentity> ids = AgeIdentity.parse(AgeKeys.IDENTITY.getBytes(StandardCharsets.US_ASCII), "test identity");
    try (InputStream payload = AgeFile.decrypt(Files.newInputStream(pkg), ids);
        AgeFile.Writer age = AgeFile.encrypt(Files.newOutputStream(remade), List.of(AgeRecipient.x25519(AgeKeys.RECIPIENT)))) {
      TarArchiveInputStream from = new TarArchiveInputStream(payload, StandardCharsets.UTF_8.name());
      TarArchiveOutputStream to = new TarArchiveOutputStream(age, StandardCharsets.UTF_8.name());
      to.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      to.setAddPaxHeadersForNonAsciiNames(true);
      List<String> files = new java.util.ArrayList<>();
      for (TarArchiveEntry e; (e = from.getNextEntry()) != null; ) {
        String name = e.getName();
        if (name.startsWith("files/")) {
          files.add(name.substring("files/".length()));
          name = files.size() == 2 ? "files/" + rename.apply(files.get(0)) : name;
        }
        TarArchiveEntry copy = new TarArchiveEntry(name, true);
        copy.setSize(e.getSize());
        to.putArchiveEntry(copy);
        from.transferTo(to);
        to.closeArchiveEntry();
      }
      to.finish();
      age.finish();
    }
    return remade;
  }

  /**
   * The private copy the import checks and stores from is 0600 while the package is read into it.
   * The package is a FIFO here, so the copy can be looked at mid-way: once more than the pipe's
   * buffer has been written, the import is reading into its copy.
   */
  @Test
  void theImportsCopyOfThePackage_isPrivateToItsOwner() throws Exception {
    TestVaults.put(out, "a.bin", TestVaults.randomBytes(3, 1 << 20));
    byte[] pkg = Files.readAllBytes(export("a.bin").file());
    Path fifo = dir.resolve("package.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    List<Path> before = copies(tmp);
    java.util.concurrent.ExecutorService importer = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<Transport.Imported> imported = importer.submit(
          () -> in.importPackage(fifo, new Transport.Identities(List.of(identity), null), out.exportPublicKey(), ""));
      List<String> modes;
      try (java.io.OutputStream writer = Files.newOutputStream(fifo)) {
        writer.write(pkg); // returns once the reader took all but a pipe's buffer of it: the copy exists
        modes = copies(tmp).stream().filter(p -> !before.contains(p)).map(TransportTest::mode).toList();
      }
      assertEquals(1, imported.get(1, TimeUnit.MINUTES).stored().size());
      assertEquals(List.of("rw-------"), modes);
    } finally {
      importer.shutdownNow();
    }
  }

  private static List<Path> copies(Path tmp) throws IOException {
    try (Stream<Path> files = Files.list(tmp)) {
      return files.filter(p -> p.getFileName().toString().startsWith("kinko-import-")).toList();
    }
  }

  /**
   * Imports through {@code importIt} a package whose private copy, {@code pkg}'s bytes, is replaced
   * by {@code other} between the import's two passes (at its first signed checkpoint, after the
   * first pass, which proves its earlier IMPORT entries against it): the import fails its check
   * while it stores the files.
   */
  private static void failsWhileStored(Path pkg, byte[] other, org.junit.jupiter.api.function.Executable importIt) throws IOException {
    FailAtCheckpointStep.install("checkpoint.signed", 1, replacesTheCopyOf(pkg, other));
    try {
      assertThrows(IntegrityException.class, importIt);
    } finally {
      FailAtCheckpointStep.clear();
    }
  }

  /**
   * Replaces, when run, the one private copy of {@code pkg} an import made since this was called
   * with {@code other}: only this import's copy, since another process's import (a benchmark's,
   * another build's tests) has its own there.
   */
  private static Runnable replacesTheCopyOf(Path pkg, byte[] other) throws IOException {
    Path temp = Path.of(System.getProperty("java.io.tmpdir"));
    byte[] copied = Files.readAllBytes(pkg);
    List<Path> before = copies(temp);
    return () -> {
      try {
        List<Path> ours = new ArrayList<>();
        for (Path copy : copies(temp)) {
          if (!before.contains(copy) && Files.size(copy) == copied.length && java.util.Arrays.equals(Files.readAllBytes(copy), copied)) {
            ours.add(copy);
          }
        }
        assertEquals(1, ours.size(), "the import's private copy");
        Files.write(ours.get(0), other);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  /** The export ids of the receiving vault's rows of packages taken in, checked against its state. */
  private List<String> rowsOfImports() {
    return io.kinko.vault.engine.EngineInternals.readState(in,
        c -> io.kinko.vault.store.Imports.all(io.kinko.vault.engine.EngineInternals.state(in), c)).stream()
        .map(io.kinko.vault.store.Imports.Taken::exportId).toList();
  }


  private static String mode(Path file) {
    try {
      return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /**
   * A recipient can open a package and encrypt the same tar to someone else, whose vault would take
   * it in as from the sender (SECURITY.md, "A forwarded package"): the identity that opens it must be
   * one the signed waybill names.
   */
  @Test
  void aPackageForwardedToAThirdIdentity_isRefused_aDenyNamingTheExport_andNothingIsStored() throws Exception {
    TestVaults.put(out, "申請書/a.txt", "for B only".getBytes(StandardCharsets.UTF_8));
    Transport.Exported e = export("申請書");
    Path forwarded = reencrypted(e.file(), AgeRecipient.x25519(AgeKeys.OTHER_RECIPIENT));
    Path third = identityFile("third.txt", AgeKeys.OTHER_IDENTITY);
    Transport.Identities ids = new Transport.Identities(List.of(third), null);

    IntegrityException refused = assertThrows(IntegrityException.class, () -> in.importPackage(forwarded, ids, out.exportPublicKey(), ""));

    assertTrue(refused.getMessage().contains("export " + e.exportId()) && refused.getMessage().contains("not among the waybill's recipients"),
        refused::getMessage);
    assertFalse(refused.getMessage().contains("AGE-SECRET-KEY"), refused::getMessage);
    assertEquals(List.of(), in.list(""));
    List<LogEntry> imports = in.logEntries(new LogQuery(null, null, null, Action.IMPORT.name()));
    assertEquals(List.of("DENY"), imports.stream().map(LogEntry::decision).toList());
    assertTrue(imports.get(0).reason().contains("export " + e.exportId()), imports.get(0)::reason);
  }

  /** The same check lets in a package opened by any identity the waybill names, not only the first. */
  @Test
  void aPackageToTwoRecipients_importsWithTheSecondOnesIdentity() {
    TestVaults.put(out, "a.txt", "to both".getBytes(StandardCharsets.UTF_8));
    Transport.Exported e = out.exportPackage(List.of("a.txt"), Transport.Recipients.of(List.of(AgeKeys.RECIPIENT, AgeKeys.OTHER_RECIPIENT)),
        dir.resolve("both.age"));
    Path second = identityFile("second.txt", AgeKeys.OTHER_IDENTITY);
    Transport.Imported got = in.importPackage(e.file(), new Transport.Identities(List.of(second), null), out.exportPublicKey(), "");
    assertEquals(e.exportId(), got.exportId());
    assertArrayEquals("to both".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(in, "a.txt"));
  }

  /**
   * The verdict must not hang on the order of the identity files: a package whose header also has a
   * stanza for a key the waybill does not name opens with whichever identity comes first, and was
   * refused when that was the unnamed one, though the importer holds the named key and it opens
   * the package too.
   */
  @Test
  void aPackageAlsoForAnUnnamedKey_importsWithTheNamedKeysIdentity_whateverTheOrderOfTheIdentityFiles() throws Exception {
    TestVaults.put(out, "a.txt", "to B".getBytes(StandardCharsets.UTF_8));
    Transport.Exported e = export("a.txt");
    Path rewrapped = reencrypted(e.file(), AgeRecipient.x25519(AgeKeys.OTHER_RECIPIENT), AgeRecipient.x25519(AgeKeys.RECIPIENT));
    Path unnamed = identityFile("unnamed.txt", AgeKeys.OTHER_IDENTITY);

    Transport.Imported got = in.importPackage(rewrapped, new Transport.Identities(List.of(unnamed, identity), null), out.exportPublicKey(), "");

    assertEquals(e.exportId(), got.exportId());
    assertArrayEquals("to B".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(in, "a.txt"));
  }

  /**
   * A passphrase names no one: the waybill says "passphrase", and only a passphrase may open such a
   * package; a package sent to a key and forwarded under a passphrase is refused.
   */
  @Test
  void aPassphrasePackage_importsWithThePassphrase_butAKeysPackageForwardedUnderAPassphraseIsRefused() throws Exception {
    TestVaults.put(out, "a.txt", "sealed".getBytes(StandardCharsets.UTF_8));
    try (Password p = Password.copyOf("a long transport passphrase 7".toCharArray())) {
      Transport.Exported byPassphrase = out.exportPackage(List.of("a.txt"), Transport.Recipients.passphrase(p), dir.resolve("pw.age"));
      assertEquals(List.of("passphrase"), byPassphrase.recipients());
      Transport.Identities withPassphrase = new Transport.Identities(List.of(), p);
      Transport.Exported toKey = export("a.txt");
      Path forwarded = reencrypted(toKey.file(), AgeRecipient.passphrase(p));

      IntegrityException refused = assertThrows(IntegrityException.class,
          () -> in.importPackage(forwarded, withPassphrase, out.exportPublicKey(), ""));

      assertTrue(refused.getMessage().contains("export " + toKey.exportId()), refused::getMessage);
      assertEquals(List.of(), in.list(""));
      in.importPackage(byPassphrase.file(), withPassphrase, out.exportPublicKey(), "");
      assertArrayEquals("sealed".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(in, "a.txt"));
    }
  }

  private Path identityFile(String name, String identity) {
    try {
      return Files.writeString(dir.resolve(name), identity + "\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code pkg} as its recipient (AgeKeys.IDENTITY) can forward it: opened and the same tar encrypted to {@code to}. */
  private Path reencrypted(Path pkg, AgeRecipient... to) throws IOException {
    Path remade = dir.resolve("forwarded-" + System.nanoTime() + ".age");
    List<AgeIdentity> ids = AgeIdentity.parse(AgeKeys.IDENTITY.getBytes(StandardCharsets.US_ASCII), "test identity");
    try (InputStream payload = AgeFile.decrypt(Files.newInputStream(pkg), ids);
        AgeFile.Writer age = AgeFile.encrypt(Files.newOutputStream(remade), List.of(to))) {
      payload.transferTo(age);
      age.finish();
    }
    return remade;
  }

  /** Whoever can write the folder packages land in can put last month's package there again. */
  @Test
  void aPackageImportedBefore_againAfterANewerOne_isRefused_andTheNewerVersionStays() {
    TestVaults.put(out, "a.txt", "old".getBytes(StandardCharsets.UTF_8));
    Transport.Exported old = export("a.txt");
    TestVaults.put(out, "a.txt", "new".getBytes(StandardCharsets.UTF_8));
    Transport.Exported fresh = export("a.txt");
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    in.importPackage(old.file(), ids, out.exportPublicKey(), "");
    in.importPackage(fresh.file(), ids, out.exportPublicKey(), "");
    IntegrityException e = assertThrows(IntegrityException.class, () -> in.importPackage(old.file(), ids, out.exportPublicKey(), ""));
    assertTrue(e.getMessage().contains("export " + old.exportId() + " was imported into this vault before"), e::getMessage);
    assertArrayEquals("new".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(in, "a.txt"));
  }

  /**
   * An unpinned import trusts the key a waybill embeds. Someone who learns a sender's vault id (it is
   * in every receipt and waybill) can make a package in its name, signed by a key of their own and
   * consistent in itself. Once this vault took a package in from that vault, a package naming it
   * must be signed by the same key, unless the key is pinned.
   */
  @Test
  void aPackageInTheNameOfAKnownSender_signedByAnotherKey_isRefusedUnpinned_aDenyAndNothingStored() throws Exception {
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    TestVaults.put(out, "a.txt", "first".getBytes(StandardCharsets.UTF_8));
    Transport.Imported first = in.importPackage(export("a.txt").file(), ids, null, "");
    assertFalse(first.senderPinned());
    Forged forged = forged(sender.id(), "b.txt", "forged".getBytes(StandardCharsets.UTF_8));

    IntegrityException e = assertThrows(IntegrityException.class, () -> in.importPackage(forged.file(), ids, null, ""));

    assertTrue(e.getMessage().contains("vault " + sender.id() + " as its sender"), e::getMessage);
    assertTrue(e.getMessage().contains(first.senderKeyFingerprint()) && e.getMessage().contains(forged.keyFingerprint()), e::getMessage);
    assertEquals(List.of("a.txt"), in.list("").stream().map(FileInfo::path).toList(), "the forged package stored a file");
    List<LogEntry> imports = in.logEntries(new LogQuery(null, null, null, Action.IMPORT.name()));
    assertEquals(List.of("ALLOW", "DENY"), imports.stream().map(LogEntry::decision).toList());
    assertTrue(imports.get(1).reason().contains("export " + forged.exportId()), imports.get(1)::reason);

    // The sender's own next package is still taken in unpinned.
    TestVaults.put(out, "a.txt", "second".getBytes(StandardCharsets.UTF_8));
    in.importPackage(export("a.txt").file(), ids, null, "");
    assertArrayEquals("second".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(in, "a.txt"));
  }

  /**
   * The first package from a vault is trusted on first use when unpinned, forged or not. A forger
   * who came first does not lock the sender out: the sender's package is refused unpinned, taken in
   * pinned, and from then on the sender's key is the one an unpinned package must carry.
   */
  @Test
  void aForgedFirstPackage_isOutrankedByPinningTheSendersKey_andThenUnpinnedPackagesMustCarryThatKey() throws Exception {
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    in.importPackage(forged(sender.id(), "b.txt", "forged".getBytes(StandardCharsets.UTF_8)).file(), ids, null, "");
    TestVaults.put(out, "a.txt", "genuine".getBytes(StandardCharsets.UTF_8));
    Transport.Exported genuine = export("a.txt");

    assertThrows(IntegrityException.class, () -> in.importPackage(genuine.file(), ids, null, ""));
    Transport.Imported pinned = in.importPackage(genuine.file(), ids, out.exportPublicKey(), "");
    assertTrue(pinned.senderPinned());

    TestVaults.put(out, "a.txt", "later".getBytes(StandardCharsets.UTF_8));
    in.importPackage(export("a.txt").file(), ids, null, "");
    assertArrayEquals("later".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(in, "a.txt"));
    Forged again = forged(sender.id(), "c.txt", "forged again".getBytes(StandardCharsets.UTF_8));
    assertThrows(IntegrityException.class, () -> in.importPackage(again.file(), ids, null, ""));
    assertFalse(in.list("").stream().anyMatch(f -> f.path().equals("c.txt")));
  }

  /**
   * A vault knows one key for certain, its own, and may take in a package it exported itself (a
   * folder moved back). A package in this vault's own name signed by another key is forged whether
   * or not this vault imported from itself before.
   */
  @Test
  void aPackageInThisVaultsOwnName_signedByAnotherKey_isRefusedUnpinned_andItsOwnPackageIsTakenIn() throws Exception {
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    Forged forged = forged(receiver.id(), "b.txt", "forged".getBytes(StandardCharsets.UTF_8));

    refusedAsForged(in, forged, ids, receiver.id());

    assertEquals(List.of(), in.list(""), "the forged package stored a file");
    genuineTakenIn(in, in, "a.txt", "own", ids, "back");
  }

  /**
   * A vault that recorded a receipt knows the receiving vault's key: the receipt verified with the
   * key the user gave. A package that comes back in that vault's name, signed by another key, is
   * refused unpinned as one after a package taken in from it is.
   */
  @Test
  void aPackageInTheNameOfAVaultWhoseReceiptWasRecorded_signedByAnotherKey_isRefusedUnpinned_itsOwnIsTakenIn() throws Exception {
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    TestVaults.put(out, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    Transport.Imported got = in.importPackage(export("a.txt").file(), ids, null, "");
    out.recordReceipt(got.receiptJson(), got.receiptSignature(), in.exportPublicKey());
    Forged forged = forged(receiver.id(), "b.txt", "forged".getBytes(StandardCharsets.UTF_8));

    refusedAsForged(out, forged, ids, receiver.id());

    assertFalse(out.list("").stream().anyMatch(f -> f.path().equals("b.txt")), "the forged package stored a file");
    genuineTakenIn(in, out, "c.txt", "back", ids, "");
  }

  /** A genuine package after a forged one: {@code from} exports {@code path} holding {@code content}, and {@code to} takes it in unpinned into {@code dest}. */
  private void genuineTakenIn(Session from, Session to, String path, String content, Transport.Identities ids, String dest) {
    TestVaults.put(from, path, content.getBytes(StandardCharsets.UTF_8));
    Transport.Exported genuine = from.exportPackage(List.of(path), Transport.Recipients.of(List.of(AgeKeys.RECIPIENT)), dir.resolve(content + ".age"));
    to.importPackage(genuine.file(), ids, null, dest);
    assertArrayEquals(content.getBytes(StandardCharsets.UTF_8), TestVaults.readAll(to, dest.isEmpty() ? path : dest + "/" + path));
  }

  /**
   * A receipt is checked with the key the user gives, but its signer chooses the vault id it names:
   * a recipient who signs one naming a sender this vault took packages from does not make its own
   * key that sender's.
   */
  @Test
  void aReceiptNamingASenderThisVaultTookPackagesFrom_doesNotMakeTheReceiptsKeyThatSenders() throws Exception {
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    TestVaults.put(out, "a.txt", "genuine".getBytes(StandardCharsets.UTF_8));
    in.importPackage(export("a.txt").file(), ids, null, "");
    Transport.Exported mine = in.exportPackage(List.of("a.txt"), Transport.Recipients.of(List.of(AgeKeys.RECIPIENT)), dir.resolve("mine.age"));
    SigningKey lying = forgersKey(sender.id());
    byte[] receipt = receipt(lying, sender.id(), mine);
    in.recordReceipt(receipt, lying.sign(receipt), SigningKey.toPem(lying.publicKey()));
    Forged forged = forged(sender.id(), lying, "b.txt", "forged".getBytes(StandardCharsets.UTF_8), java.time.Instant.now());

    assertThrows(IntegrityException.class, () -> in.importPackage(forged.file(), ids, null, ""));

    assertFalse(in.list("").stream().anyMatch(f -> f.path().equals("b.txt")), "the forged package stored a file");
  }

  /** A receipt for {@code export} signed with {@code key}, naming vault {@code claimed}: a one-entry log of its own. */
  private byte[] receipt(SigningKey key, String claimed, Transport.Exported export) {
    java.time.Instant now = java.time.Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String receiverKey = SigningKey.fingerprint(SigningKey.fromPem(in.exportPublicKey()));
    OneEntryLog log = oneEntryLog(key, claimed, Action.IMPORT,
        Receipt.importReason(export.exportId(), receiver.id(), receiverKey, false, export.sha256(), 1), null, now);
    return new Receipt(export.exportId(), export.sha256(), receiver.id(), receiverKey, false, claimed, SigningKey.fingerprint(key.publicKey()),
        now, TestVaults.ADMIN, List.of(), log.entry(), log.checkpoint()).encode();
  }

  /** A log of one ALLOW entry in the name of vault {@code claimed}, and a checkpoint of it signed with {@code key}. */
  private record OneEntryLog(CertificateBody.LogProof entry, CertificateBody.SignedCheckpoint checkpoint) {}

  private static OneEntryLog oneEntryLog(SigningKey key, String claimed, Action action, String reason, String nameTag, java.time.Instant now) {
    LogEntry entry = EntryCodec.encode(new EntryCodec.Fields(0, now, claimed, TestVaults.ADMIN, action.name(), "ALLOW", reason, null, nameTag,
        ClientInfo.of("forger"), now.plus(java.time.Duration.ofDays(800)), "0".repeat(64)));
    byte[] leaf = Merkle.leafHash(entry.json().getBytes(StandardCharsets.UTF_8));
    String origin = LogCheckpoints.origin(claimed);
    byte[] note;
    try {
      note = SignedNote.sign(new Checkpoint(origin, 1, leaf).text(), NoteSigner.ed25519(origin, key.publicKey(), key.signer())).toBytes();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return new OneEntryLog(new CertificateBody.LogProof(0, entry.json(), HexFormat.of().formatHex(leaf), List.of()),
        new CertificateBody.SignedCheckpoint(1, new String(note, StandardCharsets.UTF_8)));
  }

  /**
   * An import can fail after its files are stored: the receipt it signs needs a checkpoint, and here
   * that checkpoint's file cannot be written. The files are stored, so the failure says so and logs
   * no failed import: the IMPORT entry stands, the package is still taken in once, and its sender's
   * key stays known. (Before, the failure was logged as "failed after approval", which let the same
   * package in again.)
   */
  @Test
  void anImportWhoseReceiptCannotBeMade_afterItsFilesAreStored_isNotLoggedAsFailed_andIsNotTakenInAgain() {
    TestVaults.put(out, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    Transport.Exported e = export("a.txt");
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    // The import signs three times: a checkpoint to prove its earlier IMPORT entries against, one naming the state with its row, then the receipt's.
    FailAtCheckpointStep.install("checkpoint.signed", 3);
    VaultException failed;
    try {
      failed = assertThrows(VaultException.class, () -> in.importPackage(e.file(), ids, null, ""));
    } finally {
      FailAtCheckpointStep.clear();
    }

    assertTrue(failed.getMessage().contains("files are stored") && failed.getMessage().contains("receipt"), failed::getMessage);
    assertArrayEquals("a".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(in, "a.txt"));
    assertEquals(List.of("ALLOW"), in.logEntries(new LogQuery(null, null, null, Action.IMPORT.name())).stream().map(LogEntry::decision).toList());
    refusedAsAReplay(in, e, ids);
  }

  /**
   * An import whose files fail their check while they are stored (its private copy was replaced by
   * another package between the two passes, by someone who can write the temporary folder) stores
   * nothing, and its IMPORT entry is followed by the failure: the log must not say the package was
   * taken in, and the genuine package is taken in when it is imported again. (Before, the IMPORT
   * entry stood alone, and the retry was refused as a replay.)
   */
  @Test
  void anImportWhoseFilesFailTheirCheckWhileStored_logsTheFailure_andTheGenuinePackageIsTakenInAfter() throws Exception {
    TestVaults.put(out, "a.txt", "genuine".getBytes(StandardCharsets.UTF_8));
    Transport.Exported genuine = export("a.txt");
    TestVaults.put(out, "a.txt", "other".getBytes(StandardCharsets.UTF_8));
    byte[] other = Files.readAllBytes(export("a.txt").file());
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    failsWhileStored(genuine.file(), other, () -> in.importPackage(genuine.file(), ids, null, ""));

    assertEquals(List.of(), in.list(""), "a file was stored");
    List<LogEntry> imports = in.logEntries(new LogQuery(null, null, null, Action.IMPORT.name()));
    assertEquals(List.of("ALLOW", "DENY"), imports.stream().map(LogEntry::decision).toList());
    assertTrue(imports.get(1).reason().startsWith("import " + genuine.exportId() + " failed after approval: "), imports.get(1)::reason);
    in.importPackage(genuine.file(), ids, null, "");
    assertArrayEquals("genuine".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(in, "a.txt"));
  }

  /**
   * Two imports of one package at once (two threads of an application, or two hosts of a
   * PostgreSQL vault) each checked the log for an IMPORT entry of it before either had logged its
   * own, and both took it in (session 32's review). The first is held after its check until the
   * second waits for it (or, without the lock, has run to its end): the package is taken in once,
   * and the second import is refused as a replay. The second comes through another session of the
   * same handle (it waits for the handle's lock), or through another handle of the vault, as from
   * another host (it waits for the database's).
   */
  @ParameterizedTest(name = "the second through {0}")
  @ValueSource(strings = {"another session", "another handle"})
  void twoImportsOfOnePackageAtOnce_takeItInOnce_andTheSecondIsRefusedAsAReplay(String through) throws Exception {
    TestVaults.put(out, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    Transport.Exported e = export("a.txt");
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    TwoImports both = twoImports(() -> in.importPackage(e.file(), ids, null, ""), () -> {
      try (Vault handle = through.equals("another handle") ? TestVaults.open(receiver.directory()) : null;
          Session other = TestVaults.login(handle != null ? handle : receiver)) {
        return other.importPackage(e.file(), ids, null, "");
      }
    }, () -> {}, () -> {});

    assertEquals(e.exportId(), both.first().exportId());
    refusedAsAReplay(both.second());
    assertEquals(List.of("ALLOW", "DENY"), in.logEntries(new LogQuery(null, null, null, Action.IMPORT.name())).stream().map(LogEntry::decision).toList());
    assertArrayEquals("a".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(in, "a.txt"));
  }

  /**
   * An import through another handle of the vault finds the database's import lock held, and an
   * Error (not an exception: a StackOverflowError, an OutOfMemoryError) stops it there. It must let
   * go of its handle's lock and its pooled connection as it would after an exception: else the
   * handle's next import waits for the lock forever (ReentrantLock.lock is not interruptible).
   */
  @Test
  void anErrorWhileAnImportWaitsForTheLock_letsGoOfItsHandlesLock_andTheNextImportRuns() throws Exception {
    TestVaults.put(out, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    Transport.Exported e = export("a.txt");
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    try (Vault other = TestVaults.open(receiver.directory())) {
      TwoImports both = twoImports(() -> in.importPackage(e.file(), ids, null, ""), () -> {
        try (Session s = TestVaults.login(other)) {
          return s.importPackage(e.file(), ids, null, "");
        }
      }, () -> {
        throw new StackOverflowError("thrown by the test as the second import starts to wait for the lock");
      }, () -> {});
      assertEquals(e.exportId(), both.first().exportId());
      java.util.concurrent.ExecutionException stopped = assertThrows(java.util.concurrent.ExecutionException.class, both.second()::get);
      assertTrue(stopped.getCause() instanceof StackOverflowError, stopped.getCause()::toString);
      assertFalse(ImportSteps.held(other), "the import that the Error stopped still holds its handle's import lock");
      try (Session s = TestVaults.login(other)) {
        refusedAsAReplay(s, e, ids);
      }
    }
  }

  /**
   * An import through another handle, interrupted as it starts to wait for the database's import
   * lock (a request's timeout, a cancelled task): like every other wait of the vault for a lock of
   * the database, it waits with the interrupt held back and gives it back. H2 gives up a wait of a
   * thread whose interrupt is set, and clears it: the import failed as if the lock had timed out,
   * and the application's interrupt was lost.
   */
  @Test
  void anImportInterruptedAsItStartsToWaitForTheLock_waits_andKeepsItsInterrupt() throws Exception {
    TestVaults.put(out, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    Transport.Exported e = export("a.txt");
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    try (Vault other = TestVaults.open(receiver.directory())) {
      java.util.concurrent.atomic.AtomicBoolean stillInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
      TwoImports both = twoImports(() -> in.importPackage(e.file(), ids, null, ""), () -> {
        try (Session s = TestVaults.login(other)) {
          try {
            return s.importPackage(e.file(), ids, null, "");
          } finally {
            stillInterrupted.set(Thread.interrupted()); // before the session's close, and cleared for it
          }
        }
      }, () -> Thread.currentThread().interrupt(), () -> {});
      assertEquals(e.exportId(), both.first().exportId());
      refusedAsAReplay(both.second());
      assertTrue(stillInterrupted.get(), "the import lost its thread's interrupt");
      assertEquals(List.of("ALLOW", "DENY"), in.logEntries(new LogQuery(null, null, null, Action.IMPORT.name())).stream().map(LogEntry::decision).toList());
    }
  }

  /**
   * The replay check has two parts: the package must be sealed after the oldest entry the log
   * keeps, and no IMPORT entry of it may be in the log. An import read the first before it took the
   * import lock, and the second under it: a prune between the two (here while the import waits for
   * the lock) took away the old IMPORT entry of a package the stale oldest entry still let through,
   * and the package was taken in again. Read after the IMPORT entries, the oldest entry the log
   * keeps reflects every prune they missed.
   */
  @Test
  void aPruneWhileAnImportWaitsForTheLock_doesNotLetAPackageTakenInBeforeBeTakenInAgain() throws Exception {
    TestVaults.put(out, "a.txt", "old".getBytes(StandardCharsets.UTF_8));
    Transport.Exported old = export("a.txt");
    TestVaults.put(out, "b.txt", "b".getBytes(StandardCharsets.UTF_8));
    Transport.Exported other = export("b.txt");
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    MovableClock clock = new MovableClock();
    try (Vault vault = endedVault(clock)) {
      try (Session s = TestVaults.login(vault); Session pruner = TestVaults.login(vault)) {
        s.importPackage(old.file(), ids, out.exportPublicKey(), "");
        s.checkpoint();
        clock.plus(java.time.Duration.ofMinutes(1));
        java.time.Instant cut = clock.instant();
        s.exportLog(java.time.Instant.EPOCH, cut, dir.resolve("archive"));
        clock.plus(java.time.Duration.ofMinutes(1));

        java.util.concurrent.atomic.AtomicLong pruned = new java.util.concurrent.atomic.AtomicLong(-1);
        // An import of another package holds the lock; the replay, having read the IMPORT entries or not, waits for it.
        java.util.concurrent.CompletableFuture<Transport.Imported> replay = twoImports(() -> s.importPackage(other.file(), ids, out.exportPublicKey(), ""),
            () -> {
              try (Session r = TestVaults.login(vault)) {
                return r.importPackage(old.file(), ids, out.exportPublicKey(), "");
              }
            }, () -> {}, () -> pruned.set(pruner.pruneLog(cut))).second();

        assertTrue(pruned.get() > 0, "nothing was pruned");
        refusedAsAReplay(replay); // its row outlived the prune
        assertEquals(1, s.versions("a.txt").size(), "the replay stored a version");
      }
    }
  }

  /**
   * A refusal under the import lock, the door's DENY for want of WRITE, lets go of it (in the
   * import's finally, on its own thread): the handle's lock is free, and its next import, with
   * WRITE granted again, waits for nothing and takes the package in.
   */
  @Test
  void anImportDeniedUnderTheImportLock_letsGoOfIt_andTheNextImportTakesThePackageIn() {
    TestVaults.put(out, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    Transport.Exported e = export("a.txt");
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    in.administration().revoke(TestVaults.ADMIN, "", EnumSet.of(Permission.WRITE));
    assertThrows(AccessDeniedException.class, () -> in.importPackage(e.file(), ids, null, ""));
    assertFalse(ImportSteps.held(receiver), "the denied import still holds the handle's import lock");
    in.administration().grant(TestVaults.ADMIN, "", EnumSet.of(Permission.WRITE));
    assertEquals(e.exportId(), in.importPackage(e.file(), ids, null, "").exportId());
    assertEquals(List.of("DENY", "ALLOW"), in.logEntries(new LogQuery(null, null, null, Action.IMPORT.name())).stream().map(LogEntry::decision).toList());
  }

  /**
   * A vault whose contract ended in 2001, so that its log may be pruned, opened on {@code clock} set
   * an hour ahead of now, its administrator granted everything.
   */
  private Vault endedVault(MovableClock clock) {
    Path ended = dir.resolve("ended");
    try (Password pw = Password.copyOf(TestVaults.PASSWORD)) {
      TestVaults.builder(ended).contract(new Contract("OLD-1", "横浜市", "Kinko", java.time.LocalDate.of(2001, 3, 31)))
          .admin(TestVaults.ADMIN, pw).passwordCost(PasswordCost.MINIMUM)
          .logPolicy(new LogPolicy(java.time.Period.ZERO, 1000, java.time.Duration.ofMinutes(5))).create().close();
    }
    clock.plus(java.time.Duration.between(java.time.Instant.EPOCH, java.time.Instant.now().plus(java.time.Duration.ofHours(1))));
    Vault vault = TestVaults.open(ended, clock);
    TestVaults.grantAll(vault, TestVaults.ADMIN);
    return vault;
  }

  /** Two imports at once: the first's result, and the second's (failed with its exception). */
  private record TwoImports(Transport.Imported first, java.util.concurrent.CompletableFuture<Transport.Imported> second) {}

  /**
   * Runs {@code first} on this thread. Once it has passed its checks under the import lock, it
   * starts {@code second} on a thread of its own and is held until the second waits for the lock
   * ({@code atWait} runs then, on the second's thread) or has ended; then {@code meanwhile} runs,
   * and the first goes on. Returns when both have ended.
   */
  private static TwoImports twoImports(java.util.concurrent.Callable<Transport.Imported> first, java.util.concurrent.Callable<Transport.Imported> second,
      Runnable atWait, Runnable meanwhile) throws Exception {
    java.util.concurrent.CompletableFuture<Transport.Imported> result = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CountDownLatch waitsOrEnded = new java.util.concurrent.CountDownLatch(1);
    Thread secondThread = new Thread(() -> {
      try {
        result.complete(second.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      } finally {
        waitsOrEnded.countDown();
      }
    });
    java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    ImportSteps.install(step -> {
      if (step.equals("import.waits") && Thread.currentThread() == secondThread) {
        atWait.run();
        waitsOrEnded.countDown();
      } else if (step.equals("import.checked") && started.compareAndSet(false, true)) {
        secondThread.start(); // the first import, checked and not yet logged
        try {
          waitsOrEnded.await();
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
        meanwhile.run();
      }
    });
    try {
      Transport.Imported firstResult = first.call();
      secondThread.join();
      return new TwoImports(firstResult, result);
    } finally {
      ImportSteps.clear();
    }
  }

  /** An import through {@code session} of package {@code e}, which this vault took in before: refused as a replay. */
  private static void refusedAsAReplay(Session session, Transport.Exported e, Transport.Identities ids) {
    IntegrityException again = assertThrows(IntegrityException.class, () -> session.importPackage(e.file(), ids, null, ""));
    assertTrue(again.getMessage().contains("was imported into this vault before"), again::getMessage);
  }

  /** The second of two imports of one package at once: refused as a replay of the first. */
  private static void refusedAsAReplay(java.util.concurrent.CompletableFuture<Transport.Imported> second) {
    java.util.concurrent.ExecutionException refused = assertThrows(java.util.concurrent.ExecutionException.class, second::get,
        "the package was taken in twice");
    assertTrue(refused.getCause() instanceof IntegrityException && refused.getCause().getMessage().contains("was imported into this vault before"),
        refused.getCause()::toString);
  }

  /** Imports {@code forged} unpinned into {@code session}: refused, naming vault {@code claimed} as its sender and the forger's key. */
  private static void refusedAsForged(Session session, Forged forged, Transport.Identities ids, String claimed) {
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.importPackage(forged.file(), ids, null, ""));
    assertTrue(e.getMessage().contains("vault " + claimed + " as its sender") && e.getMessage().contains(forged.keyFingerprint()),
        e::getMessage);
  }

  private record Forged(Path file, String exportId, String keyFingerprint) {}

  /**
   * A package made outside Kinko in the name of vault {@code claimed}: a key of the forger's own, a
   * one-entry log holding its EXPORT entry, a checkpoint of that log signed with the key, and a
   * waybill that names {@code claimed}, embeds the key and is signed with it. Everything in it
   * checks against the key it embeds.
   */
  private Forged forged(String claimed, String path, byte[] content) throws Exception {
    return forged(claimed, path, content, java.time.Instant.now());
  }

  /** {@link #forged(String, String, byte[])}, sealed at {@code at}: the forger dates the waybill. */
  private Forged forged(String claimed, String path, byte[] content, java.time.Instant at) throws Exception {
    return forged(claimed, forgersKey(claimed), path, content, at);
  }

  /** A key of the forger's own, in the name of vault {@code claimed}. */
  private static SigningKey forgersKey(String claimed) throws Exception {
    AeadConfig.register();
    Aead master = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM).getPrimitive(RegistryConfiguration.get(), Aead.class);
    return SigningKey.unlock(claimed, master, SigningKey.generate(claimed, master).sealedPrivate());
  }

  private Forged forged(String claimed, SigningKey key, String path, byte[] content, java.time.Instant at) throws Exception {
    return forged(claimed, key, Bytes.hex(Bytes.random(16)), path, content, at);
  }

  /** {@link #forged(String, SigningKey, String, byte[], java.time.Instant)} with an export id of the forger's choosing. */
  private Forged forged(String claimed, SigningKey key, String exportId, String path, byte[] content, java.time.Instant at) throws Exception {
    String fileId = Bytes.hex(Bytes.random(16));
    String nameTag = Bytes.hex(Bytes.random(32));
    List<String> recipients = List.of(AgeKeys.RECIPIENT);
    java.time.Instant now = at.truncatedTo(ChronoUnit.MILLIS);
    String listSha256 = Waybill.fileListSha256(List.of(fileId), List.of(nameTag), List.of((long) content.length));
    OneEntryLog log = oneEntryLog(key, claimed, Action.EXPORT, Waybill.exportReason(exportId, 1, content.length, listSha256, recipients), nameTag,
        now);
    Path file = dir.resolve("forged-" + exportId + ".age");
    PackageFile.write(file, List.of(AgeRecipient.x25519(AgeKeys.RECIPIENT)),
        List.of(new PackageFile.Member(path, content.length, () -> new ByteArrayInputStream(content))), now,
        digests -> {
          Waybill w = new Waybill(exportId, claimed, SigningKey.fingerprint(key.publicKey()), SigningKey.toPem(key.publicKey()), recipients,
              now, TestVaults.ADMIN, "plain", List.of(new Waybill.File(fileId, nameTag, path, null, content.length, digests.get(0))),
              log.entry(), log.checkpoint());
          byte[] json = w.encode();
          return new PackageFile.Signed(json, key.sign(json));
        });
    return new Forged(file, exportId, SigningKey.fingerprint(key.publicKey()));
  }

  /**
   * Once the log's oldest entries are pruned (a year past the contract's end), an import among them
   * is no longer there to refuse a replay by. A package taken in is still refused by its row, which
   * outlives the prune; any other package sealed before the oldest kept entry is refused too (it may
   * have been taken in before this vault kept rows), and one sealed after it is taken in.
   */
  @Test
  void aPackageSealedBeforeTheOldestEntryTheLogKeeps_isRefused_oneSealedAfterIsTakenIn() {
    TestVaults.put(out, "a.txt", "old".getBytes(StandardCharsets.UTF_8));
    Transport.Exported old = export("a.txt");
    Transport.Exported neverTaken = export("a.txt");
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    MovableClock clock = new MovableClock();
    try (Vault vault = endedVault(clock)) {
      try (Session s = TestVaults.login(vault)) {
        s.importPackage(old.file(), ids, out.exportPublicKey(), "");
        s.checkpoint();
        clock.plus(java.time.Duration.ofMinutes(1));
        java.time.Instant cut = clock.instant();
        s.exportLog(java.time.Instant.EPOCH, cut, dir.resolve("archive"));
        s.pruneLog(cut);
        assertEquals(List.of(), s.logEntries(new LogQuery(null, null, null, Action.IMPORT.name())), "the import was not pruned");

        refusedAsAReplay(s, old, ids);
        IntegrityException e = assertThrows(IntegrityException.class, () -> s.importPackage(neverTaken.file(), ids, out.exportPublicKey(), ""));

        assertTrue(e.getMessage().contains("export " + neverTaken.exportId() + " was sealed at") && e.getMessage().contains("older entries were pruned"),
            e::getMessage);
        List<LogEntry> imports = s.logEntries(new LogQuery(null, null, null, Action.IMPORT.name()));
        assertEquals(List.of("DENY", "DENY"), imports.stream().map(LogEntry::decision).toList());
        assertEquals(1, s.versions("a.txt").size(), "the replay stored a version");

        // A package the sender seals after the oldest kept entry (its clock an hour past this one's).
        out.close();
        sender.close();
        MovableClock later = new MovableClock();
        later.plus(java.time.Duration.between(java.time.Instant.EPOCH, clock.instant().plus(java.time.Duration.ofHours(1))));
        sender = TestVaults.open(dir.resolve("sender"), later);
        out = TestVaults.login(sender);
        TestVaults.put(out, "a.txt", "new".getBytes(StandardCharsets.UTF_8));
        s.importPackage(export("a.txt").file(), ids, out.exportPublicKey(), "");
        assertArrayEquals("new".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(s, "a.txt"));
      }
    }
  }

  /**
   * A prune removes the IMPORT entries that said which key a sender's packages carry, as it removes
   * those that said a package was taken in: a package in the name of a sender whose imports were
   * pruned, signed by another key and sealed after the oldest kept entry, must not be first contact.
   * The sender's rows outlive the prune, so it is refused as signed by a key other than the one they
   * record.
   */
  @Test
  void aPackageInTheNameOfASenderWhoseImportsWerePruned_signedByAnotherKey_isRefusedUnpinned_andNothingIsStored() throws Exception {
    TestVaults.put(out, "a.txt", "genuine".getBytes(StandardCharsets.UTF_8));
    Transport.Exported genuine = export("a.txt");
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    MovableClock clock = new MovableClock();
    try (Vault vault = endedVault(clock)) {
      try (Session s = TestVaults.login(vault)) {
        s.importPackage(genuine.file(), ids, null, "");
        s.checkpoint();
        clock.plus(java.time.Duration.ofMinutes(1));
        java.time.Instant cut = clock.instant();
        s.exportLog(java.time.Instant.EPOCH, cut, dir.resolve("archive"));
        s.pruneLog(cut);
        Forged forged = forged(sender.id(), "b.txt", "forged".getBytes(StandardCharsets.UTF_8), cut.plus(java.time.Duration.ofHours(1)));

        refusedAsForged(s, forged, ids, sender.id());
        assertFalse(s.list("").stream().anyMatch(f -> f.path().equals("b.txt")), "the forged package stored a file");
        // A vault with no row here may still have sent packages before this vault kept rows: not first contact either.
        Forged stranger = forged(Bytes.hex(Bytes.random(16)), "c.txt", "stranger".getBytes(StandardCharsets.UTF_8), cut.plus(java.time.Duration.ofHours(1)));
        IntegrityException e = assertThrows(IntegrityException.class, () -> s.importPackage(stranger.file(), ids, null, ""));
        assertTrue(e.getMessage().contains("older entries were pruned") && e.getMessage().contains("--sender-key"), e::getMessage);
        // Pinned, the sender's own next package is taken in, and the next unpinned one must carry its key.
        out.close();
        sender.close();
        MovableClock later = new MovableClock();
        later.plus(java.time.Duration.between(java.time.Instant.EPOCH, cut.plus(java.time.Duration.ofHours(1))));
        sender = TestVaults.open(dir.resolve("sender"), later);
        out = TestVaults.login(sender);
        TestVaults.put(out, "a.txt", "pinned".getBytes(StandardCharsets.UTF_8));
        s.importPackage(export("a.txt").file(), ids, out.exportPublicKey(), "");
        assertArrayEquals("pinned".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(s, "a.txt"));
        assertThrows(IntegrityException.class, () -> s.importPackage(forged.file(), ids, null, ""));
      }
    }
  }

  @Test
  void anExport_raisesTransferExport_withItsEntryAsEvidence_anExportThatFoundNothingDoesNot() {
    TestVaults.put(out, "a.txt", "a".getBytes());
    assertThrows(NotFoundException.class,
        () -> out.exportPackage(List.of("none.txt"), Transport.Recipients.of(List.of(AgeKeys.RECIPIENT)), dir.resolve("none.age")));
    Transport.Exported e = export("a.txt");
    out.close(); // waits for the incident watch
    out = TestVaults.login(sender);
    List<io.kinko.vault.incident.IncidentReason> raised = out.logEntries(new LogQuery(null, null, null, Action.INCIDENT.name())).stream()
        .map(x -> io.kinko.vault.incident.IncidentReason.parse(x.reason())).filter(r -> r.rule() == IncidentRule.TRANSFER_EXPORT).toList();
    assertEquals(1, raised.size(), raised::toString);
    assertEquals(List.of(e.exportSeq()), raised.get(0).evidence());
  }

  @Test
  void export_withoutExportGrant_isDenied_aDenyEntry_andNoFile() {
    TestVaults.put(out, "a.txt", "a".getBytes());
    out.administration().revoke(TestVaults.ADMIN, "", EnumSet.of(Permission.EXPORT));
    Path pkg = dir.resolve("denied.age");
    assertThrows(AccessDeniedException.class,
        () -> out.exportPackage(List.of("a.txt"), Transport.Recipients.of(List.of(AgeKeys.RECIPIENT)), pkg));
    assertFalse(Files.exists(pkg));
    List<LogEntry> entries = out.logEntries(new LogQuery(null, null, null, Action.EXPORT.name()));
    assertEquals("DENY", entries.get(entries.size() - 1).decision());
  }

  @Test
  void aReceipt_isRecorded_andTheListShowsReceived_aVaultThatSealedNothingRefusesIt() {
    TestVaults.put(out, "a.txt", "a".getBytes());
    Transport.Exported e = export("a.txt");
    assertEquals(Transport.Status.IN_TRANSIT, out.exports().get(0).status());
    Transport.Imported got = in.importPackage(e.file(), new Transport.Identities(List.of(identity), null), null, "");
    assertFalse(got.senderPinned());
    Transport.ExportRecord r = out.recordReceipt(got.receiptJson(), got.receiptSignature(), in.exportPublicKey());
    assertEquals(Transport.Status.RECEIVED, r.status());
    assertEquals(receiver.id(), r.receivedByVault());

    // A receipt from the receiver for an export the sender never made: the sender's vault answers for its own exports only.
    Transport.Exported second = export("a.txt");
    Transport.Imported other = in.importPackage(second.file(), new Transport.Identities(List.of(identity), null), null, "again");
    try (Session s = TestVaults.login(receiver)) {
      // The receiver itself sealed nothing: recording the receipt there is refused.
      assertThrows(IntegrityException.class, () -> s.recordReceipt(other.receiptJson(), other.receiptSignature(), in.exportPublicKey()));
    }
    assertEquals(List.of(Transport.Status.RECEIVED, Transport.Status.IN_TRANSIT), out.exports().stream().map(Transport.ExportRecord::status).toList());
  }

  @Test
  void theMonthlyReport_listsThePackagesReceivedAndInTransit_andVerifies() throws Exception {
    TestVaults.put(out, "a.txt", "a".getBytes());
    Transport.Exported received = export("a.txt");
    Transport.Exported inTransit = export("a.txt");
    Transport.Imported got = in.importPackage(received.file(), new Transport.Identities(List.of(identity), null), null, "");
    out.recordReceipt(got.receiptJson(), got.receiptSignature(), in.exportPublicKey());
    MonthlyReport.Issued issued = out.monthlyReport(java.time.YearMonth.now(Contract.ZONE), null, dir.resolve("reports"));
    MonthlyReport r = issued.report();
    assertEquals(MonthlyReport.VERSION, r.version());
    assertEquals(List.of(received.exportId(), inTransit.exportId()),
        r.transportPackages().stream().map(MonthlyReport.TransportPackage::exportId).toList());
    assertEquals(List.of("RECEIVED", "IN_TRANSIT"), r.transportPackages().stream().map(MonthlyReport.TransportPackage::status).toList());
    assertEquals(receiver.id(), r.transportPackages().get(0).receivedBy());
    io.kinko.vault.audit.ReportVerifier.verify(Files.readAllBytes(issued.json()), Files.readAllBytes(issued.signature()), out.exportPublicKey(), null);
  }

  @Test
  void anExportSealedEntryEditedInTheDatabase_isRefusedByTheList_andIsAnIncident() throws Exception {
    TestVaults.put(out, "a.txt", "a".getBytes());
    Transport.Exported e = export("a.txt");
    out.close();
    sender.close();
    try (Connection c = TestDatabase.connect(dir.resolve("sender"))) {
      assertEquals(1, TestDatabase.editEntry(c, e.sealedSeq(), text -> text.replace(e.sha256(), "0".repeat(64))));
    }
    sender = TestVaults.open(dir.resolve("sender"));
    out = TestVaults.login(sender);
    assertThrows(IntegrityException.class, () -> out.exports());
    assertFalse(out.logEntries(new LogQuery(null, null, null, Action.INCIDENT.name())).isEmpty());
  }

  /** Closes the receiving vault, runs {@code sql} on its database with the database's own tools, opens it again; the rows changed. */
  private int receiverEdited(String sql) throws Exception {
    in.close();
    receiver.close();
    int changed;
    try (Connection c = TestDatabase.connect(dir.resolve("receiver"))) {
      changed = c.createStatement().executeUpdate(sql);
    }
    receiver = TestVaults.open(dir.resolve("receiver"));
    in = TestVaults.login(receiver);
    return changed;
  }

  /** The import lock's row deleted with the database's tools: an import is refused with an INCIDENT, and stores nothing. */
  @Test
  void theImportLocksRowDeletedInTheDatabase_refusesAnImport_andIsAnIncident() throws Exception {
    TestVaults.put(out, "a.txt", "a".getBytes());
    Transport.Exported e = export("a.txt");
    assertEquals(1, receiverEdited("DELETE FROM import_lock"));
    IntegrityException refused = assertThrows(IntegrityException.class,
        () -> in.importPackage(e.file(), new Transport.Identities(List.of(identity), null), null, ""));
    assertTrue(refused.getMessage().contains("import lock"), refused::getMessage);
    assertEquals(List.of(), in.list(""), "a file was stored");
    assertEquals(1, in.logEntries(new LogQuery(null, null, null, Action.INCIDENT.name())).size());
  }

  /** The import lock's table dropped: an import is refused saying that the schema is not what Kinko expects (not that another import holds it), and stores nothing. */
  @Test
  void theImportLocksTableDroppedInTheDatabase_refusesAnImport_sayingTheSchemaIsNotKinkos() throws Exception {
    TestVaults.put(out, "a.txt", "a".getBytes());
    Transport.Exported e = export("a.txt");
    receiverEdited("DROP TABLE import_lock");
    VaultException refused = assertThrows(VaultException.class,
        () -> in.importPackage(e.file(), new Transport.Identities(List.of(identity), null), null, ""));
    assertTrue(refused.getMessage().startsWith("cannot take the vault's import lock: SQLSTATE 42")
        && refused.getMessage().contains("the schema does not match what this version of Kinko expects"), refused::getMessage);
    assertEquals(List.of(), in.list(""), "a file was stored");
  }

  /**
   * The log's IMPORT entries are read through the (action, seq) index, which someone with the
   * database's tools can make miss an entry by re-filing its row under another action. The package
   * taken in is also a state row, checked against the state commitment, so its replay is still
   * refused, and so is a package in its sender's name signed by another key.
   */
  @Test
  void anImportEntryRefiledInTheDatabase_doesNotLetItsPackageBeTakenInAgain_norAForgeryInItsSendersName() throws Exception {
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    TestVaults.put(out, "a.txt", "old".getBytes(StandardCharsets.UTF_8));
    Transport.Exported old = export("a.txt");
    in.importPackage(old.file(), ids, null, "");
    TestVaults.put(out, "a.txt", "new".getBytes(StandardCharsets.UTF_8));
    in.importPackage(export("a.txt").file(), ids, null, "");
    Forged forged = forged(sender.id(), "b.txt", "forged".getBytes(StandardCharsets.UTF_8));

    assertEquals(2, receiverEdited("UPDATE log_entries SET action = 'LIST' WHERE action = 'IMPORT'"));

    refusedAsAReplay(in, old, ids);
    refusedAsForged(in, forged, ids, sender.id());
    assertEquals(List.of("a.txt"), in.list("").stream().map(FileInfo::path).toList());
    assertArrayEquals("new".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(in, "a.txt"));
  }

  /**
   * A package taken in before rows were kept (V20) has only its IMPORT entry, staged here by removing
   * its row with the vault's own hands. The next import gives it its row, so re-filing its entry
   * afterwards no longer lets it in again.
   */
  @Test
  void aPackageTakenInBeforeRowsWereKept_getsItsRowAtTheNextImport_andRefilingItsEntryThenLetsNothingIn() throws Exception {
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    TestVaults.put(out, "a.txt", "old".getBytes(StandardCharsets.UTF_8));
    Transport.Exported old = export("a.txt");
    in.importPackage(old.file(), ids, null, "");
    boolean removed = io.kinko.vault.engine.EngineInternals.changeState(in,
        (c, changes) -> io.kinko.vault.store.Imports.remove(c, changes, sender.id(), old.exportId()));
    assertTrue(removed);
    TestVaults.put(out, "b.txt", "b".getBytes(StandardCharsets.UTF_8));

    in.importPackage(export("b.txt").file(), ids, null, "");

    List<String> rows = rowsOfImports();
    assertTrue(rows.contains(old.exportId()), "no row for the package taken in before: " + rows);
    assertEquals(2, receiverEdited("UPDATE log_entries SET action = 'LIST' WHERE action = 'IMPORT'"));
    refusedAsAReplay(in, old, ids);
    assertArrayEquals("old".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(in, "a.txt"));
    assertEquals(1, in.versions("a.txt").size(), "the replay stored a version");
  }

  /**
   * A failing import lets go of the import lock once its IMPORT entry and its row are written, then
   * logs its failure and removes its row. An import through another handle (as from another host),
   * which took the lock meanwhile, proved the IMPORT entries against a checkpoint signed before that
   * failure and read the rows after the row had gone: the entry stood alone, the fill-in of packages
   * taken in before V20 gave the failing package a row, and its retry was refused as a replay for
   * good. Here the second import is held just after it signed that checkpoint until the failing
   * import has ended. Read before the entries, the rows still hold the failing package's row, and
   * no row is added.
   */
  @Test
  void anImportFailingWhileAnotherHandlesImportReadsTheLog_isGivenNoRowByIt_andItsRetryIsTakenIn() throws Exception {
    TestVaults.put(out, "a.txt", "genuine".getBytes(StandardCharsets.UTF_8));
    Transport.Exported failing = export("a.txt");
    TestVaults.put(out, "a.txt", "other".getBytes(StandardCharsets.UTF_8));
    byte[] other = Files.readAllBytes(export("a.txt").file());
    TestVaults.put(out, "b.txt", "b".getBytes(StandardCharsets.UTF_8));
    Transport.Exported meanwhile = export("b.txt");
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    Runnable replaceTheCopy = replacesTheCopyOf(failing.file(), other);
    Thread failingThread = Thread.currentThread();
    java.util.concurrent.CountDownLatch secondWaitsOrEnded = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch failingEnded = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CompletableFuture<Transport.Imported> second = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean replaced = new java.util.concurrent.atomic.AtomicBoolean();
    try (Vault handle = TestVaults.open(receiver.directory())) {
      Thread secondThread = new Thread(() -> {
        try (Session s = TestVaults.login(handle)) {
          second.complete(s.importPackage(meanwhile.file(), ids, null, ""));
        } catch (Throwable t) {
          second.completeExceptionally(t);
        } finally {
          secondWaitsOrEnded.countDown();
        }
      });
      FailAtCheckpointStep.listen(step -> {
        if (!step.equals("checkpoint.signed")) {
          return;
        }
        if (Thread.currentThread() == failingThread && replaced.compareAndSet(false, true)) {
          // The failing import's first signing, after its first pass: its private copy is replaced, so its second pass fails.
          replaceTheCopy.run();
        } else if (Thread.currentThread() == secondThread && held.compareAndSet(false, true)) {
          // The second import, under the lock, has signed the checkpoint it proves the IMPORT entries against.
          try {
            assertTrue(failingEnded.await(60, TimeUnit.SECONDS), "the failing import did not end");
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
          }
        }
      });
      ImportSteps.install(step -> {
        if (step.equals("import.waits") && Thread.currentThread() == secondThread) {
          secondWaitsOrEnded.countDown();
        } else if (step.equals("import.checked") && Thread.currentThread() == failingThread && !secondThread.isAlive()) {
          secondThread.start(); // the failing import holds the lock, checked and not yet logged
          try {
            assertTrue(secondWaitsOrEnded.await(60, TimeUnit.SECONDS), "the second import neither waited nor ended");
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
          }
        }
      });
      try {
        assertThrows(IntegrityException.class, () -> in.importPackage(failing.file(), ids, null, ""));
        failingEnded.countDown();
        secondThread.join();
      } finally {
        failingEnded.countDown();
        FailAtCheckpointStep.clear();
        ImportSteps.clear();
      }
      assertTrue(held.get(), "the second import was not held after it signed its checkpoint");
      assertEquals(meanwhile.exportId(), second.get().exportId());
    }

    List<String> rows = rowsOfImports();
    assertEquals(List.of(meanwhile.exportId()), rows, "the failed package was given a row");
    in.importPackage(failing.file(), ids, null, "");
    assertArrayEquals("genuine".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(in, "a.txt"));
    LogReport report = in.verifyLog(null);
    assertEquals(report.treeSize(), report.entriesChecked());
  }

  /**
   * The failure of an import, re-filed under another action with the database's tools, is not read
   * through the (action, seq) index: the next import's fill-in of packages taken in before V20 gave
   * the failed package a row, and once the failure was filed back `log verify` found nothing wrong
   * while the package's retry was refused as a replay for good. The fill-in now verifies the log
   * first: the edit is an INCIDENT and a refusal, the failed package gets no row, and once the edit
   * is undone its retry is taken in.
   */
  @Test
  void aFailedImportsFailureRefiledInTheDatabase_isAnIncidentAtTheNextImport_andGivesThePackageNoRow() throws Exception {
    TestVaults.put(out, "a.txt", "genuine".getBytes(StandardCharsets.UTF_8));
    Transport.Exported failing = export("a.txt");
    TestVaults.put(out, "a.txt", "other".getBytes(StandardCharsets.UTF_8));
    byte[] other = Files.readAllBytes(export("a.txt").file());
    TestVaults.put(out, "b.txt", "b".getBytes(StandardCharsets.UTF_8));
    Transport.Exported next = export("b.txt");
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    failsWhileStored(failing.file(), other, () -> in.importPackage(failing.file(), ids, null, ""));
    List<LogEntry> imports = in.logEntries(new LogQuery(null, null, null, Action.IMPORT.name()));
    LogEntry failure = imports.get(imports.size() - 1);
    assertTrue(failure.reason().startsWith("import " + failing.exportId() + " failed after approval: "), failure::reason);
    int incidents = in.logEntries(new LogQuery(null, null, null, Action.INCIDENT.name())).size();

    assertEquals(1, receiverEdited("UPDATE log_entries SET action = 'LIST' WHERE seq = " + failure.seq()));
    assertThrows(IntegrityException.class, () -> in.importPackage(next.file(), ids, null, ""));
    assertTrue(in.logEntries(new LogQuery(null, null, null, Action.INCIDENT.name())).size() > incidents, "no INCIDENT");
    assertEquals(1, receiverEdited("UPDATE log_entries SET action = 'IMPORT' WHERE seq = " + failure.seq()));

    List<String> rows = rowsOfImports();
    assertFalse(rows.contains(failing.exportId()), "the failed package was given a row: " + rows);
    in.importPackage(failing.file(), ids, null, "");
    assertArrayEquals("genuine".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(in, "a.txt"));
    in.importPackage(next.file(), ids, null, "");
    LogReport report = in.verifyLog(null);
    assertEquals(report.treeSize(), report.entriesChecked());
  }

  /**
   * The export id is chosen by a package's maker, so two vaults' packages can carry the same one (a
   * co-recipient of the sender's package learns it). A package of the forger's own vault with the
   * sender's export id, taken in first and failing after approval, then the sender's genuine one:
   * with the sender's IMPORT entry and the forger's failure re-filed under another action, the
   * forger's entry stood for that export id, and merged by export id alone it hid the sender's row,
   * so the sender's key was unknown and a forged package in the sender's name was taken in as first
   * contact. Rows and entries are now held apart: the forged package is refused with an INCIDENT.
   */
  @Test
  void aPackageOfAnotherVaultWithTheSendersExportId_doesNotHideTheSendersRow_aForgeryInTheSendersNameIsRefused() throws Exception {
    TestVaults.put(out, "a.txt", "genuine".getBytes(StandardCharsets.UTF_8));
    Transport.Exported genuine = export("a.txt");
    byte[] other = Files.readAllBytes(export("a.txt").file());
    String forgersVault = Bytes.hex(Bytes.random(16));
    Forged same = forged(forgersVault, forgersKey(forgersVault), genuine.exportId(), "x.txt", "x".getBytes(StandardCharsets.UTF_8),
        java.time.Instant.now());
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    failsWhileStored(same.file(), other, () -> in.importPackage(same.file(), ids, null, ""));
    in.importPackage(genuine.file(), ids, null, "");
    List<LogEntry> imports = in.logEntries(new LogQuery(null, null, null, Action.IMPORT.name()));
    assertEquals(List.of("ALLOW", "DENY", "ALLOW"), imports.stream().map(LogEntry::decision).toList());
    Forged forged = forged(sender.id(), "b.txt", "forged".getBytes(StandardCharsets.UTF_8));
    int incidents = in.logEntries(new LogQuery(null, null, null, Action.INCIDENT.name())).size();

    assertEquals(2, receiverEdited("UPDATE log_entries SET action = 'LIST' WHERE seq IN (" + imports.get(1).seq() + ", " + imports.get(2).seq() + ")"));

    assertThrows(IntegrityException.class, () -> in.importPackage(forged.file(), ids, null, ""));
    assertFalse(in.list("").stream().anyMatch(f -> f.path().equals("b.txt")), "the forged package stored a file");
    assertTrue(in.logEntries(new LogQuery(null, null, null, Action.INCIDENT.name())).size() > incidents, "no INCIDENT");
  }

  /** A package's row names its IMPORT entry, and the log's verification holds the row to what that entry says. */
  @Test
  void aPackageTakenIn_isARowItsImportEntrySets_whichTheLogsVerificationChecks() throws Exception {
    TestVaults.put(out, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    Transport.Imported got = in.importPackage(export("a.txt").file(), new Transport.Identities(List.of(identity), null), null, "");
    LogReport report = in.verifyLog(null);
    assertEquals(report.treeSize(), report.entriesChecked());
    in.close();
    receiver.close();
    try (Connection c = TestDatabase.connect(dir.resolve("receiver"));
        java.sql.ResultSet r = c.createStatement().executeQuery("SELECT export_id, sender_vault, key_fingerprint, log_seq FROM imports")) {
      assertTrue(r.next(), "no row for the package taken in");
      List<String> row = new ArrayList<>(List.of(r.getString(1), r.getString(2), r.getString(3), String.valueOf(r.getLong(4))));
      assertFalse(r.next());
      assertEquals(List.of(got.exportId(), sender.id(), got.senderKeyFingerprint()), row.subList(0, 3));
      io.kinko.vault.audit.StateLogCheck.check(c, java.util.Map.of(io.kinko.vault.state.StateKind.IMPORT, List.of(row)));
      row.set(2, "0".repeat(64));
      IntegrityException e = assertThrows(IntegrityException.class,
          () -> io.kinko.vault.audit.StateLogCheck.check(c, java.util.Map.of(io.kinko.vault.state.StateKind.IMPORT, List.of(row))));
      assertTrue(e.getMessage().contains("another package"), e::getMessage);
    } finally {
      receiver = TestVaults.open(dir.resolve("receiver"));
      in = TestVaults.login(receiver);
    }
  }

  /** The row that records a package taken in, deleted or given another key with the database's tools: an import is refused with an INCIDENT, and stores nothing. */
  @ParameterizedTest
  @ValueSource(strings = {"DELETE FROM imports", "UPDATE imports SET key_fingerprint = '%s'"})
  void theRowOfAPackageTakenIn_editedInTheDatabase_refusesAnImport_andIsAnIncident(String edit) throws Exception {
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    TestVaults.put(out, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    Transport.Exported first = export("a.txt");
    in.importPackage(first.file(), ids, null, "");
    Forged forged = forged(sender.id(), "b.txt", "forged".getBytes(StandardCharsets.UTF_8));

    assertEquals(1, receiverEdited(String.format(edit, forged.keyFingerprint())));

    for (Path p : List.of(first.file(), forged.file())) {
      IntegrityException refused = assertThrows(IntegrityException.class, () -> in.importPackage(p, ids, null, ""));
      assertTrue(refused.getMessage().contains("the imports rows"), refused::getMessage);
    }
    assertEquals(List.of("a.txt"), in.list("").stream().map(FileInfo::path).toList(), "a file was stored");
    assertFalse(in.logEntries(new LogQuery(null, null, null, Action.INCIDENT.name())).isEmpty());
  }

  @Test
  void aFileLargerThanTheHeap_exportsAndImportsIn64MiB() throws Exception {
    Process p = TestVaults.java(List.of("-Xmx64m"), TransportMemoryTarget.class, dir.resolve("memory").toString(), String.valueOf(96L << 20))
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(5, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), output);
    assertTrue(output.contains("OK "), output);
  }
}
