package io.kinko.vault;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An incident (clause 6) as the access log holds it: an INCIDENT entry, whose sequence is the
 * incident's id, and the INCIDENT_ACK entries that name it. Nothing else records an incident, so
 * its status is only as changeable as the log: an acknowledgement is an entry, never a flag.
 *
 * @param id the INCIDENT entry's sequence
 * @param time when the incident was detected (the entry's time)
 * @param actor the user whose operation raised it ({@code ?} for an unknown name)
 * @param evidence sequences of the entries that make the case, ascending; empty when none is named
 * @param detail what the rule found, one line; file ids and counts only, never a file's name
 * @param acknowledgements the INCIDENT_ACK entries naming this incident, oldest first
 */
public record Incident(long id, Instant time, IncidentRule rule, String actor, List<Long> evidence, String detail,
    List<Acknowledgement> acknowledgements) {
  public Incident {
    if (id < 0) {
      throw new IllegalArgumentException("incident id " + id + " is negative");
    }
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(actor, "actor");
    evidence = List.copyOf(evidence);
    Objects.requireNonNull(detail, "detail");
    acknowledgements = List.copyOf(acknowledgements);
  }

  /** Whether anyone has acknowledged it yet. */
  public enum Status {
    OPEN, ACKNOWLEDGED
  }

  /**
   * One INCIDENT_ACK entry: who acknowledged, when, and their note. The first closes the incident;
   * later ones are follow-up notes.
   *
   * @param seq the INCIDENT_ACK entry's sequence
   */
  public record Acknowledgement(long seq, String by, Instant at, String note) {
    public Acknowledgement {
      Objects.requireNonNull(by, "by");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(note, "note");
    }
  }

  /** OPEN until the first acknowledgement, ACKNOWLEDGED from then on. */
  public Status status() {
    return acknowledgements.isEmpty() ? Status.OPEN : Status.ACKNOWLEDGED;
  }

  /** The rule's RFC 5424 severity: 2 critical, 3 error, 4 warning, 5 notice. */
  public int severity() {
    return rule.severity();
  }

  /** The longest note an acknowledgement may carry, in characters. */
  public static final int MAX_NOTE = 500;
}
