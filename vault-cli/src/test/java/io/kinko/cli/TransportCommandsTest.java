package io.kinko.cli;

import static io.kinko.cli.CertifiedDeletionTest.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kinko export}, {@code import}, {@code export receipt|list} against the real {@code age},
 * {@code tar} and {@code openssl} (tag age: .ci/run installs age): a package opens with the stock
 * tools and its waybill verifies with openssl; a plain tar in age, any tampered byte, a forged
 * waybill or receipt are refused with exit 5 and store nothing; a wrong identity is exit 3.
 */
@Tag("age")
class TransportCommandsTest {
  private static final ExternalTool SH = new ExternalTool("sh", "dash");
  /** Three 64 KiB age chunks and a bit, so that "first chunk" and "last chunk" are different chunks. */
  private static final byte[] BIG = new byte[3 * 64 * 1024 + 777];

  static {
    new Random(14).nextBytes(BIG);
  }

  @TempDir Path dir;
  private Path key;
  private String recipient;
  private Cli sender;
  private Cli receiver;

  @BeforeEach
  void twoVaultsAndAnAgeKey() throws Exception {
    key = dir.resolve("key.txt");
    ExternalTool.Run keygen = ExternalTool.AGE_KEYGEN.run(dir, "-o", key.toString());
    assertEquals(0, keygen.exit(), keygen.output());
    recipient = recipientOf(key);
    sender = Cli.forVault(dir.resolve("sender")).init();
    receiver = Cli.forVault(dir.resolve("receiver")).init();
    ok(sender.run("put", Files.write(dir.resolve("big.bin"), BIG).toString(), "申請書/2026/山田太郎.bin"));
    ok(sender.run("put", Files.writeString(dir.resolve("note.txt"), "鈴木花子 様\n").toString(), "申請書/送付メモ.txt"));
  }

  private String recipientOf(Path identity) throws Exception {
    return Files.readAllLines(identity).stream().filter(l -> l.startsWith("# public key: ")).findFirst().orElseThrow()
        .substring("# public key: ".length());
  }

  private Path export(String to) {
    Path pkg = dir.resolve("package-" + System.nanoTime() + ".age");
    ok(sender.run("export", "申請書", "--to", to, "-o", pkg.toString()));
    return pkg;
  }

  @Test
  void aPackage_opensWithAgeAndTar_givesTheSameBytes_andItsWaybillVerifiesWithOpenssl() throws Exception {
    Path pkg = export(recipient);
    Path out = Files.createDirectories(dir.resolve("opened"));
    ExternalTool.Run opened = SH.run(out, "-c", "age -d -i " + key + " " + pkg + " | tar x");
    assertEquals(0, opened.exit(), opened.output());
    assertArrayEquals(BIG, Files.readAllBytes(out.resolve("files/申請書/2026/山田太郎.bin")));
    assertEquals("鈴木花子 様\n", Files.readString(out.resolve("files/申請書/送付メモ.txt")));

    Path pem = dir.resolve("sender.pub.pem");
    ok(sender.run("key", "export", "-o", pem.toString()));
    assertEquals(0, Cli.openssl("pkeyutl", "-verify", "-pubin", "-inkey", pem.toString(), "-rawin", "-in",
        out.resolve("waybill.json").toString(), "-sigfile", out.resolve("waybill.json.sig").toString()));
    JsonObject waybill = JsonParser.parseString(Files.readString(out.resolve("waybill.json"))).getAsJsonObject();
    assertEquals(List.of(recipient), List.of(waybill.getAsJsonArray("recipients").get(0).getAsString()));
    JsonArray files = waybill.getAsJsonArray("files");
    assertEquals(2, files.size());
    assertFalse(Files.readString(out.resolve("waybill.json")).contains("山田太郎"), "the tag policy: no path in the waybill");
    Files.writeString(out.resolve("waybill.json"), Files.readString(out.resolve("waybill.json")).replace("\"size\":1", "\"size\":2"));
    assertTrue(Cli.openssl("pkeyutl", "-verify", "-pubin", "-inkey", pem.toString(), "-rawin", "-in",
        out.resolve("waybill.json").toString(), "-sigfile", out.resolve("waybill.json.sig").toString()) != 0, "an edited waybill fails");
  }

  @Test
  void importStoresTheFiles_writesAReceipt_andTheSenderRecordsIt_thenListsTheExportAsReceived() throws Exception {
    Path pkg = export(recipient);
    Path senderPem = dir.resolve("sender.pub.pem");
    ok(sender.run("key", "export", "-o", senderPem.toString()));
    Path receipts = dir.resolve("receipts");
    Cli.Result imported = ok(receiver.run("import", "--json", pkg.toString(), "受入", "--identity", key.toString(), "--sender-key",
        senderPem.toString(), "--receipt-dir", receipts.toString()));
    JsonObject result = JsonParser.parseString(imported.out()).getAsJsonObject();
    assertTrue(result.get("senderPinned").getAsBoolean());
    Path got = dir.resolve("got.bin");
    ok(receiver.run("get", "受入/申請書/2026/山田太郎.bin", "-o", got.toString()));
    assertArrayEquals(BIG, Files.readAllBytes(got));

    Cli.Result before = ok(sender.run("export", "list", "--json"));
    assertEquals("IN_TRANSIT", status(before));

    Path receipt = Path.of(result.get("receipt").getAsString());
    Path receiverPem = dir.resolve("receiver.pub.pem");
    ok(receiver.run("key", "export", "-o", receiverPem.toString()));
    // A receipt checked with the sending vault's key (not the signer's) is refused and recorded as refused.
    assertEquals(ExitCodes.INTEGRITY, sender.run("export", "receipt", receipt.toString(), "--key", senderPem.toString()).exit());
    // An edited receipt is refused.
    Path edited = dir.resolve("edited.json");
    Files.writeString(edited, Files.readString(receipt).replace("\"receivedBy\":\"admin\"", "\"receivedBy\":\"admim\""));
    Files.copy(Path.of(receipt + ".sig"), Path.of(edited + ".sig"));
    assertEquals(ExitCodes.INTEGRITY, sender.run("export", "receipt", edited.toString(), "--key", receiverPem.toString()).exit());
    assertEquals("IN_TRANSIT", status(ok(sender.run("export", "list", "--json"))));

    ok(sender.run("export", "receipt", receipt.toString(), "--key", receiverPem.toString()));
    Cli.Result after = ok(sender.run("export", "list", "--json"));
    assertEquals("RECEIVED", status(after));
    String receiverId = JsonParser.parseString(Files.readString(receipt)).getAsJsonObject().get("vault").getAsString();
    assertEquals(receiverId, export(after).get("receivedBy").getAsString());
  }

  @Test
  void withoutSenderKey_theImportSaysItIsUnpinned() throws Exception {
    Path pkg = export(recipient);
    Cli.Result imported = ok(receiver.run("import", pkg.toString(), "--identity", key.toString(), "--receipt-dir", dir.toString()));
    assertTrue(imported.out().contains("UNPINNED"), imported::toString);
  }

  @Test
  void aReceiptDirThatCannotHoldTheReceipt_isAUsageError_beforeAnythingIsStored() throws Exception {
    Path pkg = export(recipient);
    Path notAFolder = Files.writeString(dir.resolve("receipts"), "a file where the folder should be");
    Cli.Result r = receiver.run("import", pkg.toString(), "--identity", key.toString(), "--receipt-dir", notAFolder.toString());
    assertEquals(ExitCodes.USAGE, r.exit(), r::toString);
    assertNothingStored();
    assertFalse(ok(receiver.run("log", "show", "--json", "--action", "IMPORT")).out().contains("\"ALLOW\""), "no IMPORT logged");
  }

  @Test
  void aSenderKeyFileThatHoldsNoKey_isAUsageError_notAPackageLoggedAsRefused() throws Exception {
    Path pkg = export(recipient);
    Cli.Result r = receiver.run("import", pkg.toString(), "--identity", key.toString(), "--sender-key", key.toString());
    assertEquals(ExitCodes.USAGE, r.exit(), r::toString);
    assertFalse(r.err().contains("AGE-SECRET-KEY"), r::toString);
    assertNothingStored();
    assertFalse(ok(receiver.run("log", "show", "--json", "--action", "IMPORT")).out().contains("\"DENY\""), "an intact package logged as refused");
  }

  @Test
  void aPlainTarInAge_withNoWaybill_isRefused_exit5_nothingStored() throws Exception {
    Files.createDirectories(dir.resolve("plain/files"));
    Files.writeString(dir.resolve("plain/files/a.txt"), "no waybill");
    ExternalTool.Run made = SH.run(dir.resolve("plain"), "-c", "tar c files | age -r " + recipient + " > ../plain.age");
    assertEquals(0, made.exit(), made.output());
    Cli.Result refused = receiver.run("import", dir.resolve("plain.age").toString(), "--identity", key.toString());
    assertEquals(ExitCodes.INTEGRITY, refused.exit(), refused::toString);
    assertTrue(refused.err().contains("no waybill.json"), refused::toString);
    assertNothingStored();
    Cli.Result log = ok(receiver.run("log", "show", "--json", "--action", "IMPORT"));
    assertTrue(log.out().contains("\"DENY\"") && !log.out().contains("\"ALLOW\""), log::toString);
  }

  @Test
  void tamperingAnyByte_header_firstChunk_lastChunk_isRefused_exit5_nothingStored() throws Exception {
    Path pkg = export(recipient);
    byte[] original = Files.readAllBytes(pkg);
    int header = new String(original, StandardCharsets.ISO_8859_1).indexOf("\n---") + 1;
    int payload = new String(original, StandardCharsets.ISO_8859_1).indexOf('\n', header) + 1 + 16; // after the nonce
    for (int at : new int[] {header + 5, payload + 100, payload + 64 * 1024 + 10, original.length - 10}) {
      byte[] bytes = original.clone();
      bytes[at] ^= 0x01;
      Path bad = Files.write(dir.resolve("bad-" + at + ".age"), bytes);
      Cli.Result r = receiver.run("import", bad.toString(), "--identity", key.toString());
      assertEquals(ExitCodes.INTEGRITY, r.exit(), "byte " + at + ": " + r);
    }
    // A byte of a recipient stanza (its type, share or wrapped key) makes a stanza that no identity
    // opens: age itself says "no identity matched". Exit 3, and still nothing stored.
    for (int at = 22; at < header; at += 7) {
      byte[] bytes = original.clone();
      bytes[at] ^= 0x01;
      Path bad = Files.write(dir.resolve("stanza-" + at + ".age"), bytes);
      int exit = receiver.run("import", bad.toString(), "--identity", key.toString()).exit();
      assertTrue(exit == ExitCodes.AUTHENTICATION || exit == ExitCodes.INTEGRITY, "stanza byte " + at + ": exit " + exit);
    }
    assertNothingStored();
  }

  @Test
  void aWaybillOrFileChangedAndReencrypted_isRefused_exit5_nothingStored() throws Exception {
    Path pkg = export(recipient);
    Path pem = dir.resolve("sender.pub.pem");
    ok(sender.run("key", "export", "-o", pem.toString()));
    Path out = Files.createDirectories(dir.resolve("opened"));
    assertEquals(0, SH.run(out, "-c", "age -d -i " + key + " " + pkg + " | tar x").exit());
    // Each change, re-tarred in the package's order and re-encrypted with age: the recipient's key is public.
    String retar = "tar c files/申請書/2026/山田太郎.bin files/申請書/送付メモ.txt waybill.json waybill.json.sig | age -r " + recipient + " > ";
    Files.writeString(out.resolve("files/申請書/送付メモ.txt"), "鈴木花子 様!\n");
    assertEquals(0, SH.run(out, "-c", retar + "../file-changed.age").exit());
    Files.writeString(out.resolve("files/申請書/送付メモ.txt"), "鈴木花子 様\n");
    String waybill = Files.readString(out.resolve("waybill.json"));
    Files.writeString(out.resolve("waybill.json"), waybill.replace("\"createdBy\":\"admin\"", "\"createdBy\":\"admix\""));
    assertEquals(0, SH.run(out, "-c", retar + "../waybill-changed.age").exit());
    for (String name : List.of("file-changed.age", "waybill-changed.age")) {
      Cli.Result r = receiver.run("import", dir.resolve(name).toString(), "--identity", key.toString(), "--sender-key", pem.toString());
      assertEquals(ExitCodes.INTEGRITY, r.exit(), name + ": " + r);
    }
    Files.writeString(out.resolve("waybill.json"), waybill);
    assertEquals(0, SH.run(out, "-c", retar + "../same.age").exit());
    ok(receiver.run("import", dir.resolve("same.age").toString(), "--identity", key.toString(), "--sender-key", pem.toString(),
        "--receipt-dir", dir.toString()));
  }

  /**
   * A recipient passes the package on with age itself, to a key the sender never named: the third
   * party's vault refuses it (SECURITY.md, "A forwarded package"). Passed back to the recipient's
   * own key it still imports (aWaybillOrFileChangedAndReencrypted_..., "same.age").
   */
  @Test
  void aPackageForwardedWithAgeToAThirdKey_isRefused_exit5_aDenyNamingTheExport_nothingStored() throws Exception {
    Path pkg = export(recipient);
    String exportId = export(ok(sender.run("export", "list", "--json"))).get("exportId").getAsString();
    Path third = dir.resolve("third.txt");
    ExternalTool.Run keygen = ExternalTool.AGE_KEYGEN.run(dir, "-o", third.toString());
    assertEquals(0, keygen.exit(), keygen.output());
    ExternalTool.Run forwarded = SH.run(dir, "-c", "age -d -i " + key + " " + pkg + " | age -r " + recipientOf(third) + " > forwarded.age");
    assertEquals(0, forwarded.exit(), forwarded.output());

    Cli.Result r = receiver.run("import", dir.resolve("forwarded.age").toString(), "--identity", third.toString());

    assertEquals(ExitCodes.INTEGRITY, r.exit(), r::toString);
    assertTrue(r.err().contains("export " + exportId) && r.err().contains("not among the waybill's recipients"), r::toString);
    assertFalse(r.err().contains("AGE-SECRET-KEY"), r::toString);
    assertNothingStored();
    Cli.Result log = ok(receiver.run("log", "show", "--json", "--action", "IMPORT"));
    assertTrue(log.out().contains("\"DENY\"") && !log.out().contains("\"ALLOW\"") && log.out().contains("export " + exportId), log::toString);
  }

  @Test
  void aWrongIdentity_isExit3_nothingStored() throws Exception {
    Path pkg = export(recipient);
    Path other = dir.resolve("other.txt");
    ExternalTool.AGE_KEYGEN.run(dir, "-o", other.toString());
    Cli.Result r = receiver.run("import", pkg.toString(), "--identity", other.toString());
    assertEquals(ExitCodes.AUTHENTICATION, r.exit(), r::toString);
    assertNothingStored();
  }

  @Test
  void anExportWithoutExportPermission_isDenied_logged_andWritesNoFile() throws Exception {
    Path pw = Files.writeString(dir.resolve("worker.pw"), "a long enough passphrase 2026\n");
    ok(sender.run("user", "add", "worker", "--role", "worker", "--new-password-file", pw.toString()));
    Cli worker = Cli.forVault(dir.resolve("sender")).env("KINKO_USER", "worker").env("KINKO_PASSWORD", "a long enough passphrase 2026");
    ok(sender.run("grant", "worker", "申請書", "read"));
    Path pkg = dir.resolve("denied.age");
    Cli.Result r = worker.run("export", "申請書", "--to", recipient, "-o", pkg.toString());
    assertEquals(ExitCodes.ACCESS_DENIED, r.exit(), r::toString);
    assertFalse(Files.exists(pkg));
    try (Stream<Path> left = Files.list(dir)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no temporary file left");
    }
    Cli.Result log = ok(sender.run("log", "show", "--json", "--action", "EXPORT"));
    assertTrue(log.out().contains("\"DENY\""), log::toString);
  }

  @Test
  void anExportIntoAFolderThatDoesNotExist_isAUsageError_beforeAnythingIsLogged() throws Exception {
    Cli.Result r = sender.run("export", "申請書", "--to", recipient, "-o", dir.resolve("no-such-folder/p.age").toString());
    assertEquals(ExitCodes.USAGE, r.exit(), r::toString);
    Cli.Result log = ok(sender.run("log", "show", "--json", "--action", "EXPORT"));
    assertFalse(log.out().contains("\"ALLOW\""), "an EXPORT logged (and a transfer.export incident raised) for a package never written");
  }

  @Test
  void withoutTo_theCitysRecipientIsUsed_andAnAdministratorCanChangeIt() throws Exception {
    Cli.Result none = sender.run("export", "申請書", "-o", dir.resolve("none.age").toString());
    assertEquals(ExitCodes.USAGE, none.exit(), none::toString);
    ok(sender.run("policy", "set", "city-recipient", recipient));
    Path pkg = dir.resolve("city.age");
    ok(sender.run("export", "申請書", "-o", pkg.toString()));
    assertEquals(0, SH.run(dir, "-c", "age -d -i " + key + " " + pkg + " | tar t").exit());
    Cli.Result log = ok(sender.run("log", "show", "--json", "--action", "POLICY"));
    assertTrue(log.out().contains("city recipient none -> " + recipient), log::toString);
  }

  @Test
  void aCityRecipientSetLater_isWhatSealedCertificateNamesUse() throws Exception {
    Path first = dir.resolve("first.txt");
    ExternalTool.AGE_KEYGEN.run(dir, "-o", first.toString());
    Cli sealed = Cli.forVault(dir.resolve("sealed"));
    ok(sealed.run("init", "--contract-id", "R8-0042", "--client", "横浜市", "--contractor", "金庫株式会社", "--contract-end", "2027-03-31",
        "--admin", Cli.USER, "--password-cost", "minimum", "--cert-names", "sealed", "--city-recipient", recipientOf(first)));
    ok(sealed.run("grant", Cli.USER, ".", "read,write,delete,export"));
    ok(sealed.run("policy", "set", "city-recipient", recipient));
    ok(sealed.run("put", Files.writeString(dir.resolve("n.txt"), "x").toString(), "名簿/山田.txt"));
    Path certs = dir.resolve("certs");
    ok(sealed.run("rm", "--yes", "名簿/山田.txt", "--cert-out", certs.toString()));
    Path json;
    try (Stream<Path> files = Files.list(certs)) {
      json = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
    }
    String sealedPath = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("items").get(0).getAsJsonObject()
        .get("sealedPath").getAsString();
    Path age = Files.write(dir.resolve("name.age"), java.util.Base64.getDecoder().decode(sealedPath));
    ExternalTool.Run opened = ExternalTool.AGE.run(dir, "-d", "-i", key.toString(), age.toString());
    assertEquals(0, opened.exit(), "sealed to the recipient set later: " + opened.output());
    assertTrue(opened.output().contains("名簿/山田.txt"), opened.output());
  }

  private void assertNothingStored() {
    Cli.Result ls = receiver.run("ls", "--json");
    assertEquals(0, ls.exit(), ls::toString);
    assertFalse(ls.out().contains("申請書") || ls.out().contains("a.txt"), ls::toString);
  }

  private static JsonObject export(Cli.Result list) {
    JsonArray exports = JsonParser.parseString(list.out()).getAsJsonObject().getAsJsonArray("exports");
    assertEquals(1, exports.size(), list::toString);
    return exports.get(0).getAsJsonObject();
  }

  private static String status(Cli.Result list) {
    return export(list).get("status").getAsString();
  }
}
