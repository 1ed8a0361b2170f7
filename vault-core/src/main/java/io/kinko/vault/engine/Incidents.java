package io.kinko.vault.engine;

import io.kinko.vault.Action;
import io.kinko.vault.CertificateBody;
import io.kinko.vault.Incident;
import io.kinko.vault.IncidentReport;
import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogEntry;
import io.kinko.vault.LogQuery;
import io.kinko.vault.audit.Checkpoint;
import io.kinko.vault.audit.FormatException;
import io.kinko.vault.audit.IncidentReportCodec;
import io.kinko.vault.audit.LogCheckpoints;
import io.kinko.vault.audit.LogProofs;
import io.kinko.vault.audit.MonthlyReports;
import io.kinko.vault.audit.ReportVerifier;
import io.kinko.vault.audit.VerificationException;
import io.kinko.vault.crypto.Bytes;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.erase.Certificates;
import io.kinko.vault.incident.IncidentAck;
import io.kinko.vault.incident.IncidentReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Incidents as the log holds them: INCIDENT entries and the INCIDENT_ACK entries naming them, read
 * through the (action, seq) index and each checked against a checkpoint signed for the purpose
 * before it is believed, so an entry edited in the database is an {@link IntegrityException},
 * never a changed status. There is no table of incidents to edit instead. Also writes an incident
 * up for the city ({@link IncidentReport}).
 */
final class Incidents {
  private final DefaultVault vault;
  private final SigningKey signing;

  Incidents(DefaultVault vault, SigningKey signing) {
    this.vault = vault;
    this.signing = signing;
  }

  /** Every incident, oldest first, with its acknowledgements; each entry read is proved against a checkpoint signed now. */
  List<Incident> all() {
    Proved proved = prove();
    Map<Long, List<Incident.Acknowledgement>> acks = new LinkedHashMap<>();
    for (LogEntry e : proved.of(Action.INCIDENT_ACK)) {
      IncidentAck ack = ack(e);
      if (ack == null) {
        continue;
      }
      acks.computeIfAbsent(ack.incident(), k -> new ArrayList<>()).add(new Incident.Acknowledgement(e.seq(), e.actor(), e.time(), ack.note()));
    }
    List<Incident> out = new ArrayList<>();
    for (LogEntry e : proved.of(Action.INCIDENT)) {
      out.add(incident(e, acks.getOrDefault(e.seq(), List.of())));
    }
    return out;
  }

  /** Incident {@code id}, if entry {@code id} is an INCIDENT; else why not, for a "not found". */
  Lookup find(long id) {
    List<Incident> all = all(); // proves every INCIDENT entry first, the one asked for included
    Optional<LogEntry> entry = id < 0 ? Optional.empty() : vault.log().entryAt(id);
    if (entry.isEmpty()) {
      return new Lookup(null, "no incident " + id + ": the log holds no entry " + id
          + (id >= 0 && id < vault.log().head().size() ? " any more (pruned)" : ""));
    }
    if (!entry.get().action().equals(Action.INCIDENT.name())) {
      return new Lookup(null, "no incident " + id + ": entry " + id + " is a " + entry.get().action() + " entry, not an INCIDENT");
    }
    return all.stream().filter(i -> i.id() == id).findFirst().map(i -> new Lookup(i, null))
        // The entry says INCIDENT but the action index does not: its row was edited.
        .orElseThrow(() -> new IntegrityException("log entry " + id + " is an INCIDENT, but the log's action column does not say so: "
            + "the row was edited outside Kinko"));
  }

  /** An incident, or the reason there is none. */
  record Lookup(Incident incident, String missing) {}

  /** Entries of some actions, each proved included in one checkpoint (the incidents', the exports'). */
  record Proved(Map<Action, List<LogEntry>> entries, LogCheckpoints.Signed signed, Checkpoint checkpoint) {
    List<LogEntry> of(Action action) {
      return entries.get(action);
    }
  }

  private Proved prove() {
    return prove(List.of(Action.INCIDENT, Action.INCIDENT_ACK));
  }

  /** Every entry of {@code actions} the log holds, read through the (action, seq) index, each proved against a checkpoint signed now. */
  Proved prove(List<Action> actions) {
    LogCheckpoints.Signed signed = vault.signCheckpoint(signing);
    Checkpoint checkpoint = open(signed);
    Map<Action, List<LogEntry>> entries = new LinkedHashMap<>();
    for (Action action : actions) {
      List<LogEntry> read = vault.log().entries(new LogQuery(null, null, null, action.name())).stream()
          .filter(e -> e.seq() < signed.size()).toList();
      for (LogEntry e : read) {
        if (!e.action().equals(action.name())) {
          throw new IntegrityException("log entry " + e.seq() + " is filed as " + action + " but is a " + e.action()
              + " entry: the row was edited outside Kinko");
        }
        proof(e, signed, checkpoint);
      }
      entries.put(action, read);
    }
    return new Proved(entries, signed, checkpoint);
  }

  /** The entry with its inclusion proof in the tree {@code signed} signs, checked against {@code checkpoint} (the same, opened). */
  private CertificateBody.LogProof proof(LogEntry e, LogCheckpoints.Signed signed, Checkpoint checkpoint) {
    CertificateBody.LogProof proof = Certificates.logRef(e, vault.checkpoints(), signed);
    try {
      LogProofs.verify(proof, checkpoint, vault.id(), "log entry " + e.seq());
    } catch (VerificationException | FormatException | IllegalArgumentException failure) {
      throw new IntegrityException("log entry " + e.seq() + " (" + e.action() + ") is not the entry the signed log holds at " + e.seq()
          + ": it was altered (" + failure.getMessage() + ")");
    }
    return proof;
  }

  private Checkpoint open(LogCheckpoints.Signed signed) {
    try {
      return signed.checkpoint(vault.checkpoints().verifier());
    } catch (FormatException | VerificationException e) {
      throw new IntegrityException("the checkpoint just signed does not verify: " + e.getMessage());
    }
  }

  /**
   * The acknowledgement an INCIDENT_ACK entry records, or null for an attempt that acknowledged
   * nothing (refused, or "not found"). The entry was proved against the signed log, so Kinko wrote it.
   */
  private static IncidentAck ack(LogEntry e) {
    if (!"ALLOW".equals(e.decision())) {
      return null;
    }
    try {
      return IncidentAck.parse(e.reason());
    } catch (IllegalArgumentException notAnAck) {
      return null;
    }
  }

  private static Incident incident(LogEntry e, List<Incident.Acknowledgement> acks) {
    IncidentReason reason;
    try {
      reason = IncidentReason.parse(e.reason() == null ? "" : e.reason());
    } catch (IllegalArgumentException bad) {
      // An INCIDENT entry in no grammar Kinko wrote is still an incident: shown whole, as integrity.other.
      reason = new IncidentReason(IncidentRule.INTEGRITY_OTHER, List.of(), oneLine(e.reason()));
    }
    return new Incident(e.seq(), e.time(), reason.rule(), e.actor(), reason.evidence(), reason.detail(), acks);
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replace('\n', ' ').replace('\r', ' ');
  }

  /**
   * The signed report on {@code incident}: its entry and evidence entries with inclusion proofs
   * against one checkpoint signed now, and the acknowledgements so far.
   *
   * @throws io.kinko.vault.NotFoundException if an evidence entry is no longer stored
   */
  IncidentReport.Signed report(Incident incident, String issuer) {
    Proved proved = prove();
    LogEntry entry = vault.log().entryAt(incident.id()).orElseThrow();
    CertificateBody.LogProof entryProof = proof(entry, proved.signed(), proved.checkpoint());
    List<CertificateBody.LogProof> evidence = new ArrayList<>();
    for (long seq : incident.evidence()) {
      LogEntry e = vault.log().entryAt(seq).orElseThrow(() -> new io.kinko.vault.NotFoundException("evidence entry " + seq
          + " of incident " + incident.id() + " is no longer stored (pruned); its archive holds it"));
      evidence.add(proof(e, proved.signed(), proved.checkpoint()));
    }
    Map<String, Object> named = SigningKey.named(signing.publicKey());
    String[] meaning = meaning(incident.rule());
    IncidentReport report = new IncidentReport(IncidentReport.TYPE, IncidentReport.VERSION, Bytes.hex(Bytes.random(16)),
        MonthlyReports.zoned(vault.clock().instant()), issuer, vault.id(), vault.contract(),
        new CertificateBody.KeyName((String) named.get("algorithm"), (String) named.get("fingerprint"), (String) named.get("fingerprintOf")),
        CertificateBody.Tool.kinko(),
        new IncidentReport.Summary(incident.id(), incident.rule().id(), incident.severity(), meaning[0], meaning[1],
            MonthlyReports.zoned(incident.time()), incident.actor(), incident.evidence(), incident.detail(), incident.status()),
        entryProof, evidence, Certificates.checkpoint(proved.signed()),
        incident.acknowledgements().stream().map(a -> new IncidentReport.Taken(a.seq(), a.by(), MonthlyReports.zoned(a.at()), a.note()))
            .toList(), "", "", "");
    byte[] json = IncidentReportCodec.encode(report);
    return new IncidentReport.Signed(report, json, signing.sign(json), ReportVerifier.sha256(json));
  }

  /** What a rule means, in Japanese and in English, for the city's reader. */
  static String[] meaning(IncidentRule rule) {
    return switch (rule) {
      case INTEGRITY_BLOB -> new String[] {"保存ファイルの暗号データが改ざん・破損・欠落していました。",
          "A stored file's encrypted data was altered, damaged or missing."};
      case INTEGRITY_DESCRIPTOR -> new String[] {"金庫の設定ファイル (kinko.json) が封印と一致しませんでした。",
          "The vault's descriptor (kinko.json) no longer matched its seal."};
      case INTEGRITY_STATE -> new String[] {"利用者・権限・ファイルの記録がデータベース上で改ざん・削除・差し戻しされていました。",
          "A record of users, grants or files was edited, deleted or replayed in the database."};
      case INTEGRITY_LOG -> new String[] {"アクセスログの連鎖・木・ジャーナルが検証できませんでした。",
          "The access log's chain, tree or journal failed to verify."};
      case INTEGRITY_CHECKPOINT -> new String[] {"署名済みチェックポイントまたは証人とログが一致しませんでした。",
          "A signed checkpoint or a witness was inconsistent with the log."};
      case INTEGRITY_ROLLBACK -> new String[] {"データベースが署名済みチェックポイントより古い状態に戻されていました。",
          "The database was rolled back behind a checkpoint the vault had signed."};
      case INTEGRITY_OTHER -> new String[] {"その他の完全性の検証に失敗しました。", "Another integrity check failed."};
      case INTEGRITY_KEYS -> new String[] {"鍵スロット（利用者のパスワード・トークン、または復旧鍵のもの）が壊れているか、偽造されています。",
          "A key slot (a user's password or token slot, or the recovery slot) is damaged or crafted."};
      case AUTH_LOCKOUT -> new String[] {"ログインの失敗が続いたため、利用者がロックされました。",
          "An account was locked after repeated failed logins."};
      case AUTH_FAILED_LOGINS -> new String[] {"一人の利用者について、短時間に多数のログイン失敗がありました。",
          "Many failed logins for one user within the policy's window."};
      case AUTH_UNKNOWN_USERS -> new String[] {"存在しない利用者名でのログイン失敗が多数ありました。",
          "Many failed logins for names that are no user, within the policy's window."};
      case ACCESS_DENIED_BURST -> new String[] {"一人の利用者の操作が短時間に多数拒否されました。",
          "A burst of denied operations by one user within the policy's window."};
      case ACCESS_MASS_READ -> new String[] {"一人の利用者が短時間に規定を超える件数または量のファイルを読み出しました。",
          "One user read more files or bytes within the policy's window than the policy allows."};
      case ACCESS_OFF_HOURS -> new String[] {"規定の業務時間外に操作がありました。", "An operation outside the policy's working hours."};
      case TRANSFER_EXPORT -> new String[] {"データが搬送用パッケージとして金庫から持ち出されました。",
          "Data left the vault in a transport package."};
      case DISPOSAL -> new String[] {"金庫全体が廃棄されました。", "The whole vault was disposed of."};
      case RECOVERY -> new String[] {"回復鍵を使って管理者のパスワードが設定されました。",
          "A recovery key was used to set an administrator's password."};
      // A rule added later without words here still reads, by its id.
      default -> new String[] {"規則 " + rule.id() + " に該当しました。", "Rule " + rule.id() + " fired."};
    };
  }
}
