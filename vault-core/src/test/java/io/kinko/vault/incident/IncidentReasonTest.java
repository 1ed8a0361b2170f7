package io.kinko.vault.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import io.kinko.vault.IncidentRule;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class IncidentReasonTest {
  @Test
  void format_thenParse_givesTheSameReason() {
    qt().forAll(integers().between(0, IncidentRule.values().length - 1),
            lists().of(longs().between(0, Long.MAX_VALUE / 2)).ofSizeBetween(0, 20),
            strings().basicMultilingualPlaneAlphabet().ofLengthBetween(0, 80))
        .assuming((r, seqs, detail) -> detail.indexOf('\n') < 0 && detail.indexOf('\r') < 0)
        .checkAssert((r, seqs, detail) -> {
          IncidentReason reason = new IncidentReason(IncidentRule.values()[r], List.copyOf(new TreeSet<>(seqs)), detail);
          assertEquals(reason, IncidentReason.parse(reason.format()));
        });
  }

  @Test
  void format_isTheDocumentedGrammar() {
    assertEquals("rule auth.lockout; evidence 7,9; 5 consecutive failed logins",
        new IncidentReason(IncidentRule.AUTH_LOCKOUT, List.of(7L, 9L), "5 consecutive failed logins").format());
    assertEquals("rule disposal; evidence -; ", new IncidentReason(IncidentRule.DISPOSAL, List.of(), "").format());
  }

  @Test
  void parse_readsEntriesWrittenBeforeRules() {
    IncidentReason old = IncidentReason.parse("integrity failure: blob 3f9c failed at segment 2");
    assertEquals(IncidentRule.INTEGRITY_OTHER, old.rule());
    assertEquals("blob 3f9c failed at segment 2", old.detail());
  }

  @Test
  void parse_refusesWhatIsNotAReason() {
    for (String bad : List.of("", "rule", "rule auth.lockout", "rule nope; evidence -; x", "rule auth.lockout; evidence 3,2; x",
        "rule auth.lockout; evidence 1,,2; x", "rule auth.lockout; evidence -1; x", "rule auth.lockout; evidence 99999999999999999999; x")) {
      assertThrows(IllegalArgumentException.class, () -> IncidentReason.parse(bad), bad);
    }
  }

  @Test
  void aDetail_isOneLine() {
    assertThrows(IllegalArgumentException.class, () -> new IncidentReason(IncidentRule.DISPOSAL, List.of(), "a\nb"));
  }
}
