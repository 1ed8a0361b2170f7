package io.kinko.vault.alert;

import io.kinko.vault.Contract;
import io.kinko.vault.IncidentRule;
import io.kinko.vault.LogEntry;
import io.kinko.vault.incident.IncidentReason;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What every sink says about one INCIDENT entry, and nothing more: the rule, its severity, the
 * time, the actor, the entry's sequence and its evidence, the vault id, and the rule's fixed text.
 * The entry's free-text detail is left out on purpose, so that no file name, content or secret can
 * reach a mail server or a chat tool. {@link #id} ({@code <vault id>:<seq>}) is stable, so a
 * receiver drops the duplicates that at-least-once delivery may bring.
 */
public record Alert(String vaultId, long seq, IncidentRule rule, Instant time, String actor, List<Long> evidence, boolean test) {
  private static final DateTimeFormatter JST = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'JST'").withZone(Contract.ZONE);

  public Alert {
    Objects.requireNonNull(vaultId, "vaultId");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(actor, "actor");
    evidence = List.copyOf(evidence);
  }

  /** The alert for an INCIDENT entry. An unreadable reason reports as {@link IncidentRule#INTEGRITY_OTHER}. */
  public static Alert of(String vaultId, LogEntry entry) {
    IncidentReason reason;
    try {
      reason = IncidentReason.parse(entry.reason() == null ? "" : entry.reason());
    } catch (IllegalArgumentException unreadable) {
      reason = new IncidentReason(IncidentRule.INTEGRITY_OTHER, List.of(), "");
    }
    return new Alert(vaultId, entry.seq(), reason.rule(), entry.time(), entry.actor(), reason.evidence(), false);
  }

  /** The alert {@code kinko alert test} sends: marked as a test everywhere it is shown. */
  public static Alert test(String vaultId, long seq, String actor, Instant time) {
    return new Alert(vaultId, seq, IncidentRule.INTEGRITY_OTHER, time, actor, List.of(), true);
  }

  /** {@code <vault id>:<seq>}: the same for every delivery of this alert to any sink. */
  public String id() {
    return vaultId + ":" + seq + (test ? ":test" : "");
  }

  /** The incident's entry and its evidence, ascending. */
  public List<Long> sequences() {
    List<Long> out = new ArrayList<>(evidence);
    if (!out.contains(seq)) {
      out.add(seq);
    }
    out.sort(null);
    return out;
  }

  public String utc() {
    return time.truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC).toString();
  }

  public String jst() {
    return JST.format(time);
  }

  public String severityName() {
    return switch (rule.severity()) {
      case 0 -> "emergency";
      case 1 -> "alert";
      case 2 -> "critical";
      case 3 -> "error";
      case 4 -> "warning";
      case 5 -> "notice";
      case 6 -> "informational";
      default -> "debug";
    };
  }

  /** One line: the subject of a mail, the first line of a chat message. */
  public String subject() {
    return (test ? "[TEST] " : "") + "[Kinko " + severityName() + "] " + rule.id() + " — " + AlertTexts.title(rule, false)
        + " / " + AlertTexts.title(rule, true) + " (vault " + vaultId + ", entry " + seq + ")";
  }

  /** The body in one language: facts, then what it means and what to do. */
  public String body(boolean japanese) {
    StringBuilder b = new StringBuilder();
    if (test) {
      b.append(japanese ? "これは kinko alert test による試験通知です。インシデントではありません。\n\n"
          : "This is a test sent by kinko alert test. It is not an incident.\n\n");
    }
    b.append(japanese ? "事象: " : "Incident: ").append(AlertTexts.title(rule, japanese)).append('\n');
    b.append(japanese ? "規則: " : "Rule: ").append(rule.id()).append(" (").append(japanese ? "重大度 " : "severity ")
        .append(rule.severity()).append(' ').append(severityName()).append(")\n");
    b.append(japanese ? "日時: " : "Time: ").append(jst()).append(" / ").append(utc()).append('\n');
    b.append(japanese ? "操作者: " : "Actor: ").append(actor).append('\n');
    b.append(japanese ? "ログ番号: " : "Log entries: ").append(seq).append(japanese ? " (証跡 " : " (evidence ")
        .append(evidence.isEmpty() ? "-" : join(evidence)).append(")\n");
    b.append(japanese ? "金庫ID: " : "Vault: ").append(vaultId).append('\n');
    b.append(japanese ? "通知ID: " : "Alert id: ").append(id()).append("\n\n");
    b.append(AlertTexts.meaning(rule, japanese)).append("\n\n");
    b.append(japanese ? "対応: " : "What to do: ").append(AlertTexts.todo(rule, japanese)).append('\n');
    return b.toString();
  }

  static String join(List<Long> seqs) {
    StringBuilder out = new StringBuilder();
    for (Long s : seqs) {
      out.append(out.length() == 0 ? "" : ",").append(s);
    }
    return out.toString();
  }
}
