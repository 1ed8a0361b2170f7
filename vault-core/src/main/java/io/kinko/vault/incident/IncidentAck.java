package io.kinko.vault.incident;

import io.kinko.vault.Contract;
import io.kinko.vault.Incident;

/**
 * The reason text of an INCIDENT_ACK entry, one grammar for writer and readers:
 * {@code incident <seq>; note <note>}. The note is one line of at most {@link Incident#MAX_NOTE}
 * characters without control characters, so an entry cannot forge a second clause.
 *
 * @param incident the INCIDENT entry's sequence
 */
public record IncidentAck(long incident, String note) {
  private static final String PREFIX = "incident ";
  private static final String NOTE = "; note ";

  /** @throws IllegalArgumentException if the sequence is negative or the note is empty, too long or holds a control character */
  public IncidentAck {
    if (incident < 0) {
      throw new IllegalArgumentException("incident " + incident + " is negative");
    }
    note = Contract.requireText("an acknowledgement's note", note, Incident.MAX_NOTE);
  }

  /** The entry's reason text. */
  public String format() {
    return PREFIX + incident + NOTE + note;
  }

  /**
   * Reads an INCIDENT_ACK entry's reason.
   *
   * @throws IllegalArgumentException if it does not follow this grammar
   */
  public static IncidentAck parse(String reason) {
    int end = reason == null ? -1 : reason.indexOf(NOTE);
    if (end <= PREFIX.length() || !reason.startsWith(PREFIX)) {
      throw new IllegalArgumentException("an acknowledgement's reason is 'incident SEQ; note TEXT'");
    }
    String seq = reason.substring(PREFIX.length(), end);
    if (!seq.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("an acknowledgement names incident '" + seq + "', not a sequence");
    }
    IncidentAck ack = new IncidentAck(Long.parseLong(seq), reason.substring(end + NOTE.length()));
    if (!ack.format().equals(reason)) {
      throw new IllegalArgumentException("an acknowledgement's reason is not in the form Kinko writes");
    }
    return ack;
  }
}
