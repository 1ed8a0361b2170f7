package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fingerprint auditors pin the vault's key by, and the artefacts that name it (issue #9, attack 3). */
class KeyFingerprintTest extends VaultTest {
  @Test
  void fingerprint_isWhatOpensslAndSha256sumPrintForThePem() throws Exception {
    Path pem = Files.writeString(dir.resolve("vault.pub.pem"), vault.publicKeyPem());
    // The command README gives auditors.
    Process p = new ProcessBuilder("sh", "-c", "openssl pkey -pubin -in \"$1\" -outform DER | sha256sum", "sh", pem.toString())
        .redirectErrorStream(true).start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, printed);

    KeyFingerprint fingerprint = KeyFingerprint.of(vault.publicKeyPem());

    assertEquals(printed.strip().split("\\s+")[0], fingerprint.hex());
    assertEquals(fingerprint, KeyFingerprint.parse(printed), "sha256sum's line is accepted as printed");
  }

  @Test
  void parse_acceptsCaseColonsAndAPrefix_andRefusesAnythingButSha256() {
    KeyFingerprint fingerprint = KeyFingerprint.of(vault.publicKeyPem());
    String colons = String.join(":", fingerprint.hex().toUpperCase().split("(?<=\\G..)"));

    assertEquals(fingerprint, KeyFingerprint.parse(colons));
    assertEquals(fingerprint, KeyFingerprint.parse("SHA256:" + fingerprint.hex()));
    assertThrows(IllegalArgumentException.class, () -> KeyFingerprint.parse(fingerprint.hex().substring(1)));
    // Not replace('a', 'g'): one key in 60 has no 'a' in its fingerprint, and that run passed nothing in.
    assertThrows(IllegalArgumentException.class, () -> KeyFingerprint.parse("g" + fingerprint.hex().substring(1)));
    assertThrows(IllegalArgumentException.class, () -> KeyFingerprint.parse(""));
  }

  @Test
  void check_withAnotherKey_isRefusedNamingBothFingerprints() throws GeneralSecurityException {
    KeyFingerprint pinned = KeyFingerprint.of(vault.publicKeyPem());
    String forged = freshPem();

    IntegrityException e = assertThrows(IntegrityException.class, () -> pinned.check(forged, "vault.pub.pem"));

    assertTrue(e.getMessage().contains(pinned.hex()) && e.getMessage().contains(KeyFingerprint.of(forged).hex())
        && e.getMessage().contains("vault.pub.pem"), e.getMessage());
    pinned.check(vault.publicKeyPem(), "the vault");
  }

  @Test
  void certificate_namesTheFingerprintOfTheKeyThatSignedIt_andTheVerifierReportsIt() {
    TestVaults.put(session, "a.txt", "a".getBytes());
    DeletionCertificate cert = session.delete("a.txt");
    String fingerprint = KeyFingerprint.of(vault.publicKeyPem()).hex();

    JsonObject named = JsonParser.parseString(cert.json()).getAsJsonObject().getAsJsonObject("signingKey");

    assertEquals(fingerprint, named.get("fingerprint").getAsString());
    assertEquals("Ed25519", named.get("algorithm").getAsString());
    assertEquals(fingerprint, DeletionCertificate.verify(cert.bytes(), cert.signature(), vault.publicKeyPem()).keyFingerprint());
  }

  @Test
  void archiveManifest_namesTheFingerprint() throws IOException {
    LogArchive archive = session.exportLog(java.time.Instant.EPOCH, java.time.Instant.now().plusSeconds(1), dir.resolve("archive"));

    JsonObject manifest = JsonParser.parseString(Files.readString(archive.manifest())).getAsJsonObject();

    assertEquals(KeyFingerprint.of(vault.publicKeyPem()).hex(), manifest.getAsJsonObject("signingKey").get("fingerprint").getAsString());
  }

  @Test
  void exportPublicKey_isTheKeyTheMasterKeyOpens_andIsLogged() {
    String pem = session.exportPublicKey();

    assertEquals(vault.publicKeyPem(), pem);
    List<LogEntry> exports = session.logEntries(new LogQuery(null, null, null, "KEY_EXPORT"));
    assertEquals(1, exports.size());
    assertTrue(exports.get(0).reason().contains(KeyFingerprint.of(pem).hex()), exports.get(0)::toString);
  }

  @Test
  void exportPublicKey_afterSigningPubPemWasReplaced_isRefusedAndAnIncident() throws Exception {
    Files.writeString(dir.resolve("vault").resolve("keys").resolve("signing.pub.pem"), freshPem());

    IntegrityException e = assertThrows(IntegrityException.class, () -> session.exportPublicKey());

    assertTrue(e.getMessage().contains("signing.pub.pem"), e.getMessage());
    assertEquals(1, session.logEntries(new LogQuery(null, null, null, "INCIDENT")).size());
    assertEquals(0, session.logEntries(new LogQuery(null, null, null, "KEY_EXPORT")).size(), "no export was logged as done");
  }

  /** A PEM Ed25519 public key that is not the vault's. */
  static String freshPem() throws GeneralSecurityException {
    byte[] der = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
  }
}
