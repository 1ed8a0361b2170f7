package io.kinko.vault.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import org.junit.jupiter.api.Test;

/** The INCIDENT_ACK reason's grammar: what is written reads back, and nothing else reads as an acknowledgement. */
class IncidentAckTest {
  @Test
  void anyAck_formatsAndParsesBackToItself() {
    qt().forAll(longs().between(0, Long.MAX_VALUE), strings().basicMultilingualPlaneAlphabet().ofLengthBetween(1, 500))
        .assuming((seq, note) -> !note.isBlank() && note.chars().noneMatch(Character::isISOControl))
        .checkAssert((seq, note) -> {
          IncidentAck ack = new IncidentAck(seq, note);
          assertEquals(ack, IncidentAck.parse(ack.format()));
        });
  }

  @Test
  void parse_ofAnythingElse_isRefused() {
    for (String reason : new String[] {"", "incident ; note x", "incident -1; note x", "incident 1; note ", "incident 1 note x",
        "incident 1x; note y", "incident 01; note y", "rule integrity.blob; evidence -; x", "incident 1; note  padded "}) {
      assertThrows(IllegalArgumentException.class, () -> IncidentAck.parse(reason), reason);
    }
    assertThrows(IllegalArgumentException.class, () -> new IncidentAck(1, "two\nlines"));
    assertThrows(IllegalArgumentException.class, () -> new IncidentAck(1, "x".repeat(501)));
  }
}
