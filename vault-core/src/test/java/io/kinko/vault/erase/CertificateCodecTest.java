package io.kinko.vault.erase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.CertificateBody;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.IntegrityException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The typed certificate against certificates the untyped writer produced (test resources
 * {@code certificates/}, see its README): each reads, encodes back to the very bytes that were
 * signed, and still verifies, with Kinko and with openssl.
 */
class CertificateCodecTest {
  @ParameterizedTest
  @ValueSource(strings = {"deletion", "wipe", "disposal", "older-deletion"})
  void aCertificateOfTheUntypedWriter_encodesBackToItsSignedBytes_andVerifies(String name) throws Exception {
    byte[] json = Files.readAllBytes(fixture(name + ".json"));
    Path key = fixture(name.startsWith("older") ? "older-vault.pub.pem" : "vault.pub.pem");

    CertificateBody body = CertificateCodec.parse(json);

    assertArrayEquals(json, CertificateCodec.encode(body), "the typed encoder changed the signed bytes of " + name);
    DeletionCertificate.Verified verified = CertificateVerifier.verify(json, Files.readAllBytes(fixture(name + ".json.sig")),
        Files.readString(key));
    assertEquals(body.header().certificateId(), verified.id());
    assertEquals(body.items().size(), verified.items());
    assertEquals(0, openssl(key, fixture(name + ".json"), fixture(name + ".json.sig")), "openssl refused " + name);
  }

  @Test
  void anOlderCertificate_readsWithoutSigningKeyOrCommitment_andKeepsItsSha256() throws Exception {
    CertificateBody body = CertificateCodec.parse(Files.readAllBytes(fixture("older-deletion.json")));

    assertNull(body.header().signingKey());
    CertificateBody.DeletedFile file = (CertificateBody.DeletedFile) body.items().get(0);
    assertNull(file.contentCommitment());
    assertNull(file.commitmentMethod());
    assertEquals(64, file.contentSha256().length());
  }

  @Test
  void eachKind_readsItsOwnItems_andCarriesItsOwnFields() throws Exception {
    CertificateBody wipe = CertificateCodec.parse(Files.readAllBytes(fixture("wipe.json")));
    CertificateBody disposal = CertificateCodec.parse(Files.readAllBytes(fixture("disposal.json")));

    assertEquals(CertificateBody.Kind.WIPE, wipe.header().kind());
    assertTrue(wipe.items().stream().allMatch(i -> i instanceof CertificateBody.WipedFile), wipe.items().toString());
    assertEquals(0L, wipe.notWiped());
    assertEquals(CertificateBody.Kind.DISPOSAL, disposal.header().kind());
    assertTrue(disposal.items().stream().allMatch(i -> i instanceof CertificateBody.DestroyedKeyFile), disposal.items().toString());
    assertEquals(1L, disposal.blobsOverwritten());
  }

  @Test
  void aCertificateWhoseActionIsNotItsKinds_isRefusedAndSaysWhy() throws Exception {
    String json = Files.readString(fixture("wipe.json")).replace("\"action\":\"WIPE\"", "\"action\":\"DELETE\"");

    IntegrityException e = assertThrows(IntegrityException.class, () -> CertificateCodec.parse(json.getBytes(StandardCharsets.UTF_8)));

    assertTrue(e.getMessage().contains("'action'") && e.getMessage().contains("certifies WIPE"), e.getMessage());
  }

  @Test
  void aCertificateThatIsNotCanonical_isRefusedAndSaysWhy() throws Exception {
    String json = Files.readString(fixture("deletion.json")).replaceFirst("\\{", "{ ");

    IntegrityException e = assertThrows(IntegrityException.class, () -> CertificateCodec.parse(json.getBytes(StandardCharsets.UTF_8)));

    assertTrue(e.getMessage().contains("not canonical JSON"), e.getMessage());
  }

  @Test
  void anErasureWhoseDurationIsNotItsEndMinusItsStart_isRefusedAndSaysWhy() throws Exception {
    CertificateBody old = CertificateCodec.parse(Files.readAllBytes(fixture("deletion.json")));
    java.time.Instant start = java.time.Instant.parse("2026-12-02T06:04:05Z");
    CertificateBody body = new CertificateBody(old.header(), old.method(), old.media(), old.items(), old.log(), old.keepUntil(),
        old.logEntry(), old.notWiped(), old.blobsOverwritten(), old.archive(),
        new CertificateBody.Erasure(start, start.plusMillis(65_234), CertificateBody.Result.COMPLETED));
    String json = new String(CertificateCodec.encode(body), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"duration\":\"PT1M5.234S\""), json);
    assertEquals(body, CertificateCodec.parse(json.getBytes(StandardCharsets.UTF_8)));

    byte[] edited = json.replace("PT1M5.234S", "PT5.234S").getBytes(StandardCharsets.UTF_8);

    IntegrityException e = assertThrows(IntegrityException.class, () -> CertificateCodec.parse(edited));
    assertTrue(e.getMessage().contains("'erasure.duration'"), e.getMessage());
  }

  @Test
  void aWipedFileNamedByNeitherPathNorTag_isRefused_asLackingItsPath() throws Exception {
    String json = Files.readString(fixture("wipe.json")).replaceFirst("\"path\":\"[^\"]*\",", "");

    IntegrityException e = assertThrows(IntegrityException.class, () -> CertificateCodec.parse(json.getBytes(StandardCharsets.UTF_8)));

    assertTrue(e.getMessage().contains("lacks the required field 'items[0].path'"), e.getMessage());
  }

  @Test
  void aTimeNotInTheFormKinkoWrites_isRefused() throws Exception {
    String json = Files.readString(fixture("wipe.json"));
    String keepUntil = "\"keepUntil\":\"2028-03-31T15:00:00Z\"";
    assertTrue(json.contains(keepUntil), "fixture changed");
    byte[] edited = json.replace(keepUntil, "\"keepUntil\":\"2028-03-31T15:00:00.000Z\"").getBytes(StandardCharsets.UTF_8);

    IntegrityException e = assertThrows(IntegrityException.class, () -> CertificateCodec.parse(edited));

    assertTrue(e.getMessage().contains("form Kinko does not write"), e.getMessage());
  }

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(CertificateCodecTest.class.getResource("certificates/" + name).toURI());
  }

  private static int openssl(Path pem, Path json, Path sig) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem.toString(),
        "-in", json.toString(), "-sigfile", sig.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }
}
