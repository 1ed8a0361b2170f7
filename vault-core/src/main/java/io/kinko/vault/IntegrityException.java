package io.kinko.vault;

import java.util.List;
import java.util.Objects;

/**
 * Stored data failed verification: a flipped byte, a truncated or swapped blob, an edited descriptor, a broken log. No unverified byte is handed out.
 *
 * <p>It names the {@link IncidentRule} it breaks (an {@code integrity.*} rule; {@link
 * IncidentRule#INTEGRITY_OTHER} when the thrower did not say) and, when known, the log entries
 * that make the case (the PUT entry of a damaged file version), which its INCIDENT entry carries.
 */
public class IntegrityException extends VaultException {
  private static final long serialVersionUID = 1L;

  private final IncidentRule rule;
  private final List<Long> evidence;

  public IntegrityException(String message) {
    this(IncidentRule.INTEGRITY_OTHER, message);
  }

  public IntegrityException(String message, Throwable cause) {
    this(IncidentRule.INTEGRITY_OTHER, message, cause);
  }

  /** A failure of {@code rule} (one of the {@code integrity.*} rules). */
  public IntegrityException(IncidentRule rule, String message) {
    this(rule, List.of(), message, null);
  }

  public IntegrityException(IncidentRule rule, String message, Throwable cause) {
    this(rule, List.of(), message, cause);
  }

  /**
   * A failure of {@code rule} that the log entries {@code evidence} (ascending sequences) make the case for.
   *
   * @throws IllegalArgumentException if {@code rule} is not an integrity rule
   */
  public IntegrityException(IncidentRule rule, List<Long> evidence, String message, Throwable cause) {
    super(message, cause);
    this.rule = Objects.requireNonNull(rule, "rule");
    if (!rule.id().startsWith("integrity.")) {
      throw new IllegalArgumentException("an integrity failure breaks an integrity rule, not " + rule.id());
    }
    this.evidence = List.copyOf(evidence);
  }

  /** The rule this failure breaks: its INCIDENT entry's rule. */
  public IncidentRule rule() {
    return rule;
  }

  /** Sequences of the log entries that make the case, ascending; empty when none is known. */
  public List<Long> evidence() {
    return evidence;
  }
}
