package io.kinko.vault.audit;

import static io.kinko.vault.audit.AuditorArtifacts.KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kinko.vault.IncidentReport;
import io.kinko.vault.IntegrityException;
import org.junit.jupiter.api.Test;

/**
 * An incident report as the city verifies it ({@code kinko incident verify REPORT --key PEM}):
 * whatever the bytes of the report or its signature, the verification ends in the report that
 * was signed or an {@link IntegrityException} that says what failed, never another failure. The
 * seed is the report on the auth.failed-logins incident in {@code artifacts/}. Plain {@code mvn
 * test} replays the seeds; JAZZER_FUZZ=1 explores.
 */
class IncidentReportFuzzTest {
  private static final String NAME = "incident-" + AuditorArtifacts.INCIDENT + ".json";
  private static final byte[] JSON = AuditorArtifacts.read(NAME);
  private static final byte[] SIGNATURE = AuditorArtifacts.read(NAME + ".sig");
  private static final byte[] INSIDER_JSON = InsiderArtifacts.resigned(JSON, null);

  @Test
  void theReportAsHandedOver_verifies_provingTheIncidentAndItsThreeFailedLogins() {
    IncidentReport.Verified verified = IncidentReport.verify(JSON, SIGNATURE, KEY);
    assertEquals(AuditorArtifacts.INCIDENT, verified.report().incident().id());
    assertEquals("auth.failed-logins", verified.report().incident().rule());
    assertEquals(4, verified.entriesProved());
  }

  @FuzzTest(maxDuration = "10s")
  void anyEditOfAnIncidentReportOrItsSignature_isRefusedAsIntegrity_neverOtherwise(FuzzedDataProvider data) {
    boolean report = data.consumeBoolean();
    byte[] json = report ? AuditorArtifacts.edited(data, JSON) : JSON;
    byte[] signature = report ? SIGNATURE : AuditorArtifacts.edited(data, SIGNATURE);
    IncidentReport.Verified verified;
    try {
      verified = IncidentReport.verify(json, signature, KEY);
    } catch (IntegrityException refused) {
      assertFalse(refused.getMessage().isBlank(), "a refusal that says nothing");
      return;
    }
    assertArrayEquals(JSON, IncidentReportCodec.encode(verified.report()), "an incident report verified with content that was not signed");
    assertEquals(1 + verified.report().incident().evidence().size(), verified.entriesProved());
  }

  @Test
  void theReportResignedByAnInsider_verifiesUnderTheInsidersKey() {
    assertEquals(4, IncidentReport.verify(INSIDER_JSON, InsiderArtifacts.sign(INSIDER_JSON), InsiderArtifacts.KEY).entriesProved());
  }

  @FuzzTest(maxDuration = "10s")
  void anyIncidentReportAnInsiderSigns_verifiesAsTheBytesSigned_orIsRefusedAsIntegrity_neverOtherwise(FuzzedDataProvider data) {
    byte[] json = AuditorArtifacts.edited(data, INSIDER_JSON);
    IncidentReport.Verified verified;
    try {
      verified = IncidentReport.verify(json, InsiderArtifacts.sign(json), InsiderArtifacts.KEY);
    } catch (IntegrityException refused) {
      assertFalse(refused.getMessage().isBlank(), "a refusal that says nothing");
      return;
    }
    assertArrayEquals(json, IncidentReportCodec.encode(verified.report()), "an incident report verified as other bytes than were signed");
  }
}
