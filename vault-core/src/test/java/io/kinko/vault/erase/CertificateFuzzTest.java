package io.kinko.vault.erase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.IntegrityException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What a city's auditor is handed, a certificate's JSON and its signature, is parsed and verified
 * by Kinko with no vault: whatever the bytes, each ends in the certificate or an
 * {@link IntegrityException} that says what failed, never another failure. The seeds are real
 * certificates ({@code certificates/}, see its README), edited, cut and extended by the fuzzer.
 * Plain {@code mvn test} replays the seeds; JAZZER_FUZZ=1 explores.
 */
class CertificateFuzzTest {
  private static final List<String> NAMES = List.of("deletion", "wipe", "disposal", "older-deletion");

  @FuzzTest(maxDuration = "10s")
  void anyEditOfACertificateOrItsSignature_isRefusedAsIntegrity_neverOtherwise(FuzzedDataProvider data) {
    String name = NAMES.get(data.consumeInt(0, NAMES.size() - 1));
    byte[] json = resource(name + ".json");
    byte[] signature = resource(name + ".json.sig");
    String key = new String(resource(name.startsWith("older") ? "older-vault.pub.pem" : "vault.pub.pem"), StandardCharsets.US_ASCII);
    byte[] target = data.consumeBoolean() ? json : signature;
    byte[] edited = Arrays.copyOf(target, data.consumeInt(0, target.length));
    for (int i = data.consumeInt(0, 3); i > 0 && edited.length > 0; i--) {
      edited[data.consumeInt(0, edited.length - 1)] = data.consumeByte();
    }
    byte[] tail = data.consumeRemainingAsBytes();
    edited = Arrays.copyOf(edited, edited.length + tail.length);
    System.arraycopy(tail, 0, edited, edited.length - tail.length, tail.length);
    byte[] candidateJson = target == json ? edited : json;
    byte[] candidateSignature = target == signature ? edited : signature;
    try {
      DeletionCertificate.parse(candidateJson);
    } catch (IntegrityException refused) {
      // a field missing, unknown or malformed, or not canonical JSON
    }
    try {
      DeletionCertificate.Verified verified = DeletionCertificate.verify(candidateJson, candidateSignature, key);
      if (!Arrays.equals(candidateJson, json) || !Arrays.equals(candidateSignature, signature)) {
        fail("an edited certificate verified: " + verified);
      }
      assertEquals(DeletionCertificate.parse(json).header().certificateId(), verified.id());
    } catch (IntegrityException refused) {
      // every edit ends here
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = CertificateFuzzTest.class.getResourceAsStream("certificates/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
