package io.kinko.cli;

import static io.kinko.cli.CertifiedDeletionTest.jsonFiles;
import static io.kinko.cli.CertifiedDeletionTest.ok;
import static io.kinko.cli.CertifiedDeletionTest.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9, attack 3: a certificate edited and re-signed (checkpoint included) with a fresh
 * Ed25519 key, and that key written over {@code keys/signing.pub.pem}. Only the fingerprint the
 * city recorded at the contract's start tells the two keys apart, so every verifier demands it.
 */
class ForgedKeyTest {
  @TempDir Path dir;
  Path vault;
  Path certs;
  Path pem;
  Cli cli;
  String fingerprint;
  Path json;

  @BeforeEach
  void vaultWithACertificate_andTheFingerprintRecorded() throws IOException {
    vault = dir.resolve("vault");
    certs = dir.resolve("certs");
    pem = dir.resolve("vault.pub.pem"); // beside the certs folder, as the rm output suggests
    cli = Cli.forVault(vault).init();
    Path source = Files.writeString(dir.resolve("名簿.txt"), "山田太郎\n", StandardCharsets.UTF_8);
    ok(cli.run("put", source.toString(), "名簿.txt"));
    Cli.Result export = ok(cli.run("key", "export", "-o", pem.toString()));
    Matcher m = Pattern.compile("fingerprint: ([0-9a-f]{64}) ").matcher(export.out());
    assertTrue(m.find(), export::toString);
    fingerprint = m.group(1);
    ok(cli.run("rm", "--yes", "名簿.txt", "--cert-out", certs.toString()));
    json = only(jsonFiles(certs));
  }

  @Test
  void genuineCertificate_withTheRecordedFingerprint_isAccepted_byTheKeyBesideIt_orTheKeyGiven() throws Exception {
    Cli.Result beside = ok(new Cli().run("cert", "verify", json.toString(), "--key-fingerprint", fingerprint));
    Cli.Result given = ok(new Cli().run("cert", "verify", json.toString(), "--key", pem.toString(),
        "--key-fingerprint", fingerprint.toUpperCase()));

    assertTrue(beside.out().contains(" verified: deletion-certificate, 1 item, "), beside::toString);
    assertTrue(beside.out().contains("signing key " + fingerprint + " (matches the fingerprint given)"), beside::toString);
    assertTrue(given.out().contains("signing key " + fingerprint + " (matches"), given::toString);
    assertEquals(fingerprint, JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonObject("signingKey")
        .get("fingerprint").getAsString(), "the certificate names the key that signed it");
    assertEquals(fingerprint, sha256sumOfDer(pem), "the fingerprint is what openssl and sha256sum print");
  }

  @Test
  void certVerify_withAWrongFingerprint_isRefused() {
    String wrong = (fingerprint.charAt(0) == '0' ? "1" : "0") + fingerprint.substring(1);

    Cli.Result result = new Cli().run("cert", "verify", json.toString(), "--key", pem.toString(), "--key-fingerprint", wrong);
    Cli.Result beside = new Cli().run("cert", "verify", json.toString(), "--key-fingerprint", wrong);

    assertEquals(5, result.exit(), result::toString);
    assertTrue(result.err().contains(fingerprint) && result.err().contains(wrong), result::toString);
    assertEquals(5, beside.exit(), beside::toString);
    assertFalse(beside.out().contains("verified"), beside::toString);
    assertEquals(2, new Cli().run("cert", "verify", json.toString(), "--key-fingerprint", "not-hex").exit());
  }

  @Test
  void certVerify_withoutAKey_isRefusedAndSaysWhy_evenWithTheVaultAtHand() {
    Cli.Result result = Cli.forVault(vault).run("cert", "verify", json.toString());

    assertEquals(2, result.exit(), result::toString);
    assertTrue(result.err().contains("--key-fingerprint") && result.err().contains("proves nothing")
        && result.err().contains("contract's start"), result::toString);
  }

  @Test
  void attack3_reSignedCertificate_andForgedSigningPubPem_isRefusedByEveryVerifierPath() throws Exception {
    // The city keeps its copy of the genuine key elsewhere; beside the certificate lies only the forger's.
    pem = Files.move(pem, Files.createDirectory(dir.resolve("city")).resolve("vault.pub.pem"));
    KeyPair forger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String forgedPem = pemOf(forger);
    String forgedFingerprint = keyFingerprintOf(forgedPem);
    byte[] edited = reSign(Files.readString(json, StandardCharsets.UTF_8)
        .replace("\"approver\":\"" + Cli.USER + "\"", "\"approver\":\"chief\"")
        .replace(fingerprint, forgedFingerprint), forger);
    Files.write(json, edited);
    Files.write(Path.of(json + ".sig"), sign(forger, edited));
    Path forgedKey = Files.writeString(vault.resolve("keys").resolve("signing.pub.pem"), forgedPem);
    Path checkpoint = vault.resolve("log.checkpoint"); // re-signed too, so that the vault still opens under the forged key
    String genuineCheckpoint = Files.readString(checkpoint, StandardCharsets.UTF_8);
    Files.writeString(checkpoint, reSignNote(genuineCheckpoint, forger), StandardCharsets.UTF_8);
    Files.writeString(certs.resolve("vault.pub.pem"), forgedPem); // the forger's key beside the certificate, too

    // The forgery is sound under the forged key: only pinning the key stops it.
    Path forgedCopy = Files.writeString(dir.resolve("forged.pem"), forgedPem);
    ok(new Cli().run("cert", "verify", json.toString(), "--key", forgedCopy.toString()));
    assertEquals(0, openssl("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", forgedCopy.toString(), "-in", json.toString(),
        "-sigfile", json + ".sig"));

    Cli.Result noKey = Cli.forVault(vault).run("cert", "verify", json.toString());
    assertEquals(2, noKey.exit(), noKey::toString);
    Cli.Result pinnedBeside = new Cli().run("cert", "verify", json.toString(), "--key-fingerprint", fingerprint);
    assertEquals(5, pinnedBeside.exit(), pinnedBeside::toString);
    assertTrue(pinnedBeside.err().contains(forgedFingerprint) && pinnedBeside.err().contains("not the pinned " + fingerprint),
        pinnedBeside::toString);
    Cli.Result pinnedVaultKey = new Cli().run("cert", "verify", json.toString(), "--key", forgedKey.toString(),
        "--key-fingerprint", fingerprint);
    assertEquals(5, pinnedVaultKey.exit(), pinnedVaultKey::toString);
    Cli.Result genuineKey = new Cli().run("cert", "verify", json.toString(), "--key", pem.toString());
    assertEquals(5, genuineKey.exit(), genuineKey::toString);
    Path pdf = dir.resolve("forged.pdf");
    Cli.Result pdfRun = new Cli().run("cert", "pdf", json.toString(), "-o", pdf.toString(), "--key-fingerprint", fingerprint);
    assertEquals(5, pdfRun.exit(), pdfRun::toString);
    assertFalse(Files.exists(pdf), "a forged certificate was rendered");
    assertNotEquals(0, openssl("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem.toString(), "-in", json.toString(),
        "-sigfile", json + ".sig"), "openssl with the genuine key accepted the forgery");

    // kinko key export does not hand out the forged key: the login checks it against the signing key.
    Cli.Result export = cli.run("key", "export");
    assertEquals(5, export.exit(), export::toString);
    assertFalse(export.out().contains("BEGIN PUBLIC KEY"), export::toString);
    assertTrue(export.err().contains("signing.pub.pem"), export::toString);
    Files.copy(pem, forgedKey, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // to read the log again
    Files.writeString(checkpoint, genuineCheckpoint, StandardCharsets.UTF_8);
    Cli.Result incidents = ok(cli.run("log", "show", "--action", "INCIDENT"));
    assertTrue(incidents.out().contains("signing.pub.pem"), incidents::toString);
  }

  @Test
  void keyExport_logsIn_printsTheFingerprint_andIsLogged() throws Exception {
    assertEquals(2, new Cli().env("KINKO_VAULT", vault.toString()).run("key", "export").exit(), "no user, no password");

    Cli.Result result = ok(cli.run("key", "export"));

    assertTrue(result.out().startsWith(Files.readString(pem)), result::toString);
    assertTrue(result.out().endsWith(KeyExportCommand.FINGERPRINT_HEADING + "\n" + fingerprint + "\n"), result::toString);
    Cli.Result logged = ok(cli.run("log", "show", "--action", "KEY_EXPORT"));
    assertEquals(2 + 1, logged.outLines().size(), "a heading and the two exports: " + logged);
    assertTrue(logged.out().contains(fingerprint.substring(0, 16)), logged::toString);
  }

  /** Replaces the checkpoint's signature in the certificate with one by {@code forger}, under the vault's key name. */
  private static byte[] reSign(String certificate, KeyPair forger) throws Exception {
    String note = JsonParser.parseString(certificate).getAsJsonObject().getAsJsonObject("log").get("checkpoint").getAsString();
    String[] signatures = {signatureOf(note), signatureOf(reSignNote(note, forger))};
    assertTrue(certificate.contains(signatures[0]), "the note's signature appears as is in the JSON");
    return certificate.replace(signatures[0], signatures[1]).getBytes(StandardCharsets.UTF_8);
  }

  /** A C2SP signed note with its text kept and its one signature made by {@code forger} under the same key name. */
  private static String reSignNote(String note, KeyPair forger) throws Exception {
    String text = note.substring(0, note.indexOf("\n\n") + 1);
    Matcher line = Pattern.compile("\u2014 (\\S+) (\\S+)\n").matcher(note.substring(text.length() + 1));
    assertTrue(line.find(), note);
    String name = line.group(1);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update((name + "\n").getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0x01);
    byte[] keyId = Arrays.copyOf(md.digest(rawKey(forger)), 4);
    byte[] signature = sign(forger, text.getBytes(StandardCharsets.UTF_8));
    return text + "\n\u2014 " + name + " "
        + Base64.getEncoder().encodeToString(ByteBuffer.allocate(4 + signature.length).put(keyId).put(signature).array()) + "\n";
  }

  private static String signatureOf(String note) {
    return note.substring(note.lastIndexOf(' ') + 1).strip();
  }

  private static byte[] sign(KeyPair key, byte[] message) throws Exception {
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(key.getPrivate());
    s.update(message);
    return s.sign();
  }

  private static byte[] rawKey(KeyPair key) {
    byte[] der = key.getPublic().getEncoded();
    return Arrays.copyOfRange(der, der.length - 32, der.length);
  }

  private static String pemOf(KeyPair key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(key.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }

  private static String keyFingerprintOf(String pem) {
    return io.kinko.vault.KeyFingerprint.of(pem).hex();
  }

  private String sha256sumOfDer(Path key) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", "openssl pkey -pubin -in \"$1\" -outform DER | sha256sum", "sh", key.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    return out.strip().split("\\s+")[0];
  }

  private int openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "openssl did not finish");
    return p.exitValue();
  }
}
