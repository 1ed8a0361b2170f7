package io.kinko.vault.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import io.kinko.vault.AlertDelivery;
import io.kinko.vault.AlertSink;
import io.kinko.vault.IncidentRule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of alerting: what an alert says, how a sink is stored and judged, the backoff. */
class AlertFormatTest {
  private static final Instant T = Instant.parse("2026-12-02T03:04:05.678Z");

  @Test
  void backoff_doublesFromTwoSeconds_andStopsAtFiveMinutes() {
    assertEquals(Duration.ZERO, Dispatcher.backoff(0));
    assertEquals(Duration.ofSeconds(2), Dispatcher.backoff(1));
    assertEquals(Duration.ofSeconds(4), Dispatcher.backoff(2));
    assertEquals(Duration.ofSeconds(128), Dispatcher.backoff(7));
    assertEquals(Duration.ofMinutes(5), Dispatcher.backoff(9));
    qt().forAll(integers().between(1, 1_000_000)).checkAssert(n -> {
      assertTrue(Dispatcher.backoff(n).compareTo(Duration.ofMinutes(5)) <= 0);
      assertTrue(Dispatcher.backoff(n + 1).compareTo(Dispatcher.backoff(n)) >= 0);
    });
  }

  @Test
  void describe_isOneShortLine() {
    String d = Dispatcher.describe(new java.io.IOException("first line\nsecond line " + "x".repeat(1000)));
    assertEquals("IOException: first line", d);
    assertTrue(Dispatcher.describe(new RuntimeException("y".repeat(1000))).length() <= 300);
  }

  @Test
  void everyRule_hasTextInBothLanguages() {
    for (IncidentRule rule : IncidentRule.values()) {
      for (boolean ja : new boolean[] {true, false}) {
        assertFalse(AlertTexts.title(rule, ja).isBlank());
        assertFalse(AlertTexts.meaning(rule, ja).isBlank());
        assertFalse(AlertTexts.todo(rule, ja).isBlank());
      }
      assertTrue(AlertTexts.title(rule, true).chars().anyMatch(c -> c > 0x3000), rule + ": the Japanese title is Japanese");
    }
  }

  @Test
  void theAlert_namesItsEntryAndEvidence_andTellsBothTimes() {
    Alert a = new Alert("v1", 42, IncidentRule.AUTH_LOCKOUT, T, "tanaka", List.of(40L, 41L), false);
    assertEquals("v1:42", a.id());
    assertEquals(List.of(40L, 41L, 42L), a.sequences());
    assertEquals("2026-12-02T03:04:05.678Z", a.utc());
    assertEquals("2026-12-02 12:04:05 JST", a.jst());
    assertTrue(a.body(true).contains("操作者: tanaka") && a.body(false).contains("Actor: tanaka"));
    assertTrue(Alert.test("v1", 7, "sato", T).id().endsWith(":test"));
  }

  @Test
  void syslog_priIsFacilityFourAndTheRulesSeverity() {
    Alert a = new Alert("v1", 3, IncidentRule.ACCESS_MASS_READ, T, "a\"b]c", List.of(), false);
    String m = new String(SyslogSender.format(a, "host", 12), StandardCharsets.UTF_8);
    assertTrue(m.startsWith("<" + (4 * 8 + 3) + ">1 2026-12-02T03:04:05.678Z host kinko 12 access.mass-read [kinko@32473 "), m);
    assertTrue(m.contains("actor=\"a\\\"b\\]c\""), "SD-PARAM values escape '\"', '\\\\' and ']': " + m);
  }

  @Test
  void aStoredSink_readsBackAsWritten() {
    qt().forAll(lists().of(strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 12)).ofSizeBetween(1, 4), longs().between(0, Long.MAX_VALUE),
        integers().between(1, 65535)).checkAssert((locals, from, port) -> {
          List<String> to = locals.stream().map(l -> l + "@example.jp").toList();
          SinkConfig s = new SinkConfig(AlertSink.Kind.SMTP, "smtp://127.0.0.1:" + port, to, null, true, "u", "c2VhbGVk", null, from);
          assertEquals(s, SinkConfig.parse(s.toJson()));
        });
  }

  @Test
  void sinks_areChecked() {
    assertThrows(IllegalArgumentException.class, () -> SinkConfig.check(AlertSink.Kind.WEBHOOK, "http://10.0.0.1/x", List.of(), null, null, false));
    assertThrows(IllegalArgumentException.class, () -> SinkConfig.check(AlertSink.Kind.WEBHOOK, "https://u:p@host/x", List.of(), null, null, false));
    assertThrows(IllegalArgumentException.class, () -> SinkConfig.check(AlertSink.Kind.SYSLOG, "udp://h:514/path", List.of(), null, null, false));
    assertThrows(IllegalArgumentException.class,
        () -> SinkConfig.check(AlertSink.Kind.SMTP, "smtp://h:25", List.of("a@b.jp"), null, null, true), "a password without a user");
    SinkConfig.check(AlertSink.Kind.WEBHOOK, "http://[::1]:8080/x", List.of(), null, null, false);
    SinkConfig.check(AlertSink.Kind.WEBHOOK, "http://localhost:8080/x", List.of(), null, null, false);
    assertEquals("https://hooks.example.com/…", SinkConfig.shown(AlertSink.Kind.WEBHOOK, "https://hooks.example.com/services/T0/B0/SECRET"));
  }

  @Test
  void health_failsOnAFailedAttempt_orAnAlertWaitingPastTheBound() {
    SinkConfig s = new SinkConfig(AlertSink.Kind.SYSLOG, "udp://h:514", List.of(), null, false, null, null, null, 0);
    assertTrue(Dispatcher.health("s1", s, null, 0, null, T).healthy());
    AlertDelivery failed = new AlertDelivery("s1", 5, false, 1, T, "FAILED", "IOException");
    assertFalse(Dispatcher.health("s1", s, failed, 1, T, T).healthy());
    AlertDelivery ok = new AlertDelivery("s1", 5, false, 1, T, "DELIVERED", null);
    assertTrue(Dispatcher.health("s1", s, ok, 1, T.minus(Duration.ofMinutes(14)), T).healthy());
    assertFalse(Dispatcher.health("s1", s, ok, 1, T.minus(Duration.ofMinutes(16)), T).healthy());
    AlertDelivery cut = new AlertDelivery("s1", 5, false, 1, T.minus(Duration.ofMinutes(2)), "STARTED", null);
    assertFalse(Dispatcher.health("s1", s, cut, 1, T, T).healthy(), "an attempt cut short counts as failed");
  }
}
