package io.kinko.vault.audit;

import static io.kinko.vault.audit.AuditorArtifacts.KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.MonthlyReport;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A monthly report as the city verifies it ({@code kinko report verify REPORT --previous PREV
 * --key PEM}): whatever the bytes of the report, its signature or the previous report, the
 * verification ends in the report that was signed or an {@link IntegrityException} that says what
 * failed, never another failure. The seeds are the January and February 2027 reports in {@code
 * artifacts/}. Plain {@code mvn test} replays the seeds; JAZZER_FUZZ=1 explores.
 */
class MonthlyReportFuzzTest {
  private record Filed(byte[] json, byte[] signature, byte[] csv) {
    static Filed of(String month) {
      String name = "report-" + month;
      return new Filed(AuditorArtifacts.read(name + ".json"), AuditorArtifacts.read(name + ".json.sig"),
          AuditorArtifacts.read(name + ".csv"));
    }
  }

  private static final Filed JANUARY = Filed.of("2027-01");
  private static final Filed FEBRUARY = Filed.of("2027-02");
  private static final byte[] INSIDER_JANUARY = InsiderArtifacts.resigned(JANUARY.json(), null);
  private static final byte[] INSIDER_FEBRUARY = InsiderArtifacts.resigned(FEBRUARY.json(), ReportVerifier.sha256(INSIDER_JANUARY));

  @Test
  void theReportsAsFiled_verify_februaryAsTheContinuationOfJanuary() {
    assertFalse(MonthlyReport.verify(JANUARY.json(), JANUARY.signature(), KEY, null).previousChecked());
    MonthlyReport.Verified february = MonthlyReport.verify(FEBRUARY.json(), FEBRUARY.signature(), KEY, JANUARY.json());
    assertTrue(february.previousChecked());
    assertEquals(java.time.YearMonth.of(2027, 1), february.report().previous().month());
  }

  @FuzzTest(maxDuration = "10s")
  void anyEditOfAReportItsSignatureOrThePreviousReport_isRefusedAsIntegrity_neverOtherwise(FuzzedDataProvider data) {
    Filed filed = data.consumeBoolean() ? JANUARY : FEBRUARY;
    byte[] previous = data.pickValue(Arrays.asList(null, JANUARY.json(), FEBRUARY.json()));
    byte[] json = filed.json();
    byte[] signature = filed.signature();
    byte[] given = previous;
    switch (data.consumeInt(0, previous == null ? 1 : 2)) {
      case 0 -> json = AuditorArtifacts.edited(data, json);
      case 1 -> signature = AuditorArtifacts.edited(data, signature);
      default -> given = AuditorArtifacts.edited(data, previous);
    }
    MonthlyReport.Verified verified;
    try {
      verified = MonthlyReport.verify(json, signature, KEY, given);
    } catch (IntegrityException refused) {
      assertFalse(refused.getMessage().isBlank(), "a refusal that says nothing");
      return;
    }
    assertArrayEquals(filed.json(), ReportCodec.encode(verified.report()), "a report verified with content that was not signed");
    assertEquals(given != null, verified.previousChecked());
    if (given != null) {
      assertArrayEquals(previous, given, "a previous report checked that is not the one filed");
    }
    assertArrayEquals(filed.csv(), ReportCsv.of(verified.report()), "the verified report's figures are not the CSV handed over with it");
  }

  @Test
  void theReportsResignedByAnInsider_verifyUnderTheInsidersKey() {
    byte[] signature = InsiderArtifacts.sign(INSIDER_FEBRUARY);
    assertTrue(MonthlyReport.verify(INSIDER_FEBRUARY, signature, InsiderArtifacts.KEY, INSIDER_JANUARY).previousChecked());
  }

  @FuzzTest(maxDuration = "10s")
  void anyReportAnInsiderSigns_verifiesAsTheBytesSigned_orIsRefusedAsIntegrity_neverOtherwise(FuzzedDataProvider data) {
    boolean january = data.consumeBoolean();
    byte[] previous = january || data.consumeBoolean() ? null : INSIDER_JANUARY;
    byte[] json = AuditorArtifacts.edited(data, january ? INSIDER_JANUARY : INSIDER_FEBRUARY);
    MonthlyReport.Verified verified;
    try {
      verified = MonthlyReport.verify(json, InsiderArtifacts.sign(json), InsiderArtifacts.KEY, previous);
    } catch (IntegrityException refused) {
      assertFalse(refused.getMessage().isBlank(), "a refusal that says nothing");
      return;
    }
    assertArrayEquals(json, ReportCodec.encode(verified.report()), "a report verified as other bytes than were signed");
    assertTrue(ReportCsv.of(verified.report()).length > 0);
  }
}
