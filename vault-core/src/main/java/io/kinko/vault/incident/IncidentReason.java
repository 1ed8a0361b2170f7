package io.kinko.vault.incident;

import io.kinko.vault.IncidentRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The reason text of an INCIDENT entry, one grammar for writer and readers:
 * {@code rule <id>; evidence <seq>,<seq>,...; <detail>}, with {@code evidence -} when no entry is
 * named. The detail never names a file or holds a secret: file ids and counts only. Entries
 * written before rules existed ({@code integrity failure: ...}) read as {@link IncidentRule#INTEGRITY_OTHER}.
 *
 * @param evidence sequences of the log entries that make the case, ascending
 */
public record IncidentReason(IncidentRule rule, List<Long> evidence, String detail) {
  private static final String LEGACY = "integrity failure: ";

  public IncidentReason {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(detail, "detail");
    evidence = List.copyOf(evidence);
    for (int i = 0; i < evidence.size(); i++) {
      if (evidence.get(i) < 0 || i > 0 && evidence.get(i) <= evidence.get(i - 1)) {
        throw new IllegalArgumentException("evidence " + evidence + " is not ascending sequences");
      }
    }
    if (detail.indexOf('\n') >= 0 || detail.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("an incident's detail is one line");
    }
  }

  /** The entry's reason text. */
  public String format() {
    StringBuilder out = new StringBuilder("rule ").append(rule.id()).append("; evidence ");
    if (evidence.isEmpty()) {
      out.append('-');
    }
    for (int i = 0; i < evidence.size(); i++) {
      out.append(i == 0 ? "" : ",").append(evidence.get(i));
    }
    return out.append("; ").append(detail).toString();
  }

  /**
   * Reads an INCIDENT entry's reason.
   *
   * @throws IllegalArgumentException if it follows neither this grammar nor the one before rules
   */
  public static IncidentReason parse(String reason) {
    Objects.requireNonNull(reason, "reason");
    if (reason.startsWith(LEGACY)) {
      return new IncidentReason(IncidentRule.INTEGRITY_OTHER, List.of(), reason.substring(LEGACY.length()));
    }
    if (!reason.startsWith("rule ")) {
      throw new IllegalArgumentException("an incident's reason starts with 'rule '");
    }
    int ruleEnd = reason.indexOf("; evidence ");
    int evidenceEnd = ruleEnd < 0 ? -1 : reason.indexOf("; ", ruleEnd + 11);
    if (evidenceEnd < 0) {
      throw new IllegalArgumentException("an incident's reason is 'rule ID; evidence SEQS; DETAIL'");
    }
    IncidentRule rule = IncidentRule.of(reason.substring(5, ruleEnd));
    String seqs = reason.substring(ruleEnd + 11, evidenceEnd);
    List<Long> evidence = new ArrayList<>();
    if (!seqs.equals("-")) {
      for (String seq : seqs.split(",", -1)) {
        if (seq.isEmpty() || !seq.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new IllegalArgumentException("evidence '" + seqs + "' is not a list of sequences");
        }
        evidence.add(Long.parseLong(seq)); // a NumberFormatException past Long.MAX_VALUE is an IllegalArgumentException
      }
    }
    return new IncidentReason(rule, evidence, reason.substring(evidenceEnd + 2));
  }
}
