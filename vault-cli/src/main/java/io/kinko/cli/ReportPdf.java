package io.kinko.cli;

import io.kinko.vault.MonthlyReport;
import io.kinko.vault.Permission;
import java.io.IOException;
import java.io.OutputStream;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The readable copy of a monthly handling report (個人情報取扱状況報告書, clause 10), laid on {@link
 * JapanesePdf}: a cover with the contract and the period, the report's tables, the log checkpoint
 * in a box the city can file, and the command that verifies the signed JSON, which alone is
 * authoritative. It renders the {@link MonthlyReport} the JSON was made from, so the two cannot
 * disagree on a figure.
 */
final class ReportPdf {
  /** How a PDF was made: its pages, and a note on characters the font lacks (null when none). */
  record Rendered(int pages, String missing) {}

  private static final JapanesePdf.Column SEQ = new JapanesePdf.Column("番号", "Seq", 1);
  private static final JapanesePdf.Column TIME = new JapanesePdf.Column("日時", "Time", 2.6f);
  private static final JapanesePdf.Column USER = new JapanesePdf.Column("利用者", "User", 1.6f);

  /** Japanese for the actions and decisions a report counts; others are shown as the log names them. */
  private static final Map<String, String> JAPANESE = Map.ofEntries(Map.entry("PUT", "保存"), Map.entry("GET", "読出し"),
      Map.entry("LIST", "一覧"), Map.entry("STAT", "参照"), Map.entry("VERSIONS", "版の一覧"), Map.entry("DELETE", "削除"),
      Map.entry("DELETE_REQUEST", "削除の依頼"), Map.entry("WIPE", "消去"), Map.entry("WIPE_REQUEST", "消去の依頼"),
      Map.entry("DISPOSE", "廃棄"), Map.entry("EXPORT", "持ち出し"),
      Map.entry("EXPORT_SEALED", "持ち出しの封緘"), Map.entry("EXPORT_RECEIPT", "受領書の記録"), Map.entry("IMPORT", "受入れ"), Map.entry("LOG_EXPORT", "ログの書出し"),
      Map.entry("LOGIN", "ログイン"), Map.entry("LOCKOUT", "ロック"), Map.entry("INCIDENT", "事故"), Map.entry("INCIDENT_ACK", "事故の確認"),
      Map.entry("INCIDENT_LIST", "事故の一覧"), Map.entry("INCIDENT_REPORT", "事故報告書の作成"), Map.entry("USER_ADD", "利用者の追加"),
      Map.entry("USER_PASSWD", "パスワード再設定"), Map.entry("USER_LOCK", "利用者のロック"), Map.entry("USER_UNLOCK", "ロック解除"),
      Map.entry("USER_DISABLE", "利用者の無効化"), Map.entry("GRANT", "権限の付与"), Map.entry("REVOKE", "権限の取消し"),
      Map.entry("PASSWD", "パスワード変更"), Map.entry("RECOVER", "復旧鍵による再設定"), Map.entry("RECOVERY_ROTATE", "復旧鍵の更新"),
      Map.entry("TOKEN_ADD", "ICカードの登録"), Map.entry("TOKEN_REMOVE", "ICカードの登録削除"),
      Map.entry("ALLOW", "許可"), Map.entry("DENY", "拒否"));

  private final JapanesePdf pdf;

  private ReportPdf(JapanesePdf pdf) {
    this.pdf = pdf;
  }

  /** Renders {@code report}, whose signed JSON is {@code jsonName}, to {@code out}. */
  static Rendered render(MonthlyReport report, String jsonName, String sha256, OutputStream out) throws IOException {
    String month = report.period().month().toString();
    try (JapanesePdf document = JapanesePdf.create("個人情報取扱状況報告書 " + month)) {
      new ReportPdf(document).write(report, jsonName, sha256);
      out.write(document.finish("Kinko monthly report " + month + " - readable copy, not authoritative / 写し (正本ではありません)"));
      return new Rendered(document.pages(), document.missingNote());
    }
  }

  private void write(MonthlyReport r, String jsonName, String sha256) throws IOException {
    pdf.title("個人情報取扱状況報告書", "Monthly handling report");
    pdf.paragraph(JapanesePdf.BODY - 1, "この PDF は読みやすい写しです。正本は署名付きの JSON ファイル (" + jsonName + ") です。 / "
        + "This PDF is a readable copy; the signed JSON file is the authoritative report.");

    pdf.heading("基本情報", "Particulars");
    pdf.row("対象期間", "Period", r.period().month() + " (" + time(r.period().from()) + " – " + time(r.period().to()) + ")");
    pdf.signedBy(r.contract(), r.vault(), r.issuedAt(), r.issuedBy(), r.tool(), r.signingKey());

    pdf.heading("取扱者 (権限を持つ利用者)", "Designated staff (users with a grant)");
    table(List.of(USER, new JapanesePdf.Column("役割", "Role", 1.2f), new JapanesePdf.Column("状態", "Status", 1.2f),
        new JapanesePdf.Column("権限", "Grants", 4)), r.staff().stream().map(s -> List.of(s.user(), s.role().name().toLowerCase(Locale.ROOT),
            s.status().name().toLowerCase(Locale.ROOT), grants(s))).toList());

    pdf.heading("利用者・権限の変更", "Changes to users and grants");
    events(r.changes());

    pdf.heading("ログイン", "Logins");
    table(List.of(USER, new JapanesePdf.Column("成功", "Logins", 1), new JapanesePdf.Column("失敗", "Failed", 1),
        new JapanesePdf.Column("ロック", "Lockouts", 1)), r.users().stream()
            .map(u -> List.of(u.user(), Long.toString(u.logins()), Long.toString(u.failedLogins()), Long.toString(u.lockouts()))).toList());

    pdf.heading("操作 (利用者・種類ごと)", "Operations per user and action");
    List<List<String>> operations = new ArrayList<>();
    for (MonthlyReport.UserFigures u : r.users()) {
      for (MonthlyReport.Operation o : u.operations()) {
        operations.add(List.of(u.user(), ja(o.action()),
            Long.toString(o.allowed()), Long.toString(o.denied())));
      }
    }
    table(List.of(USER, new JapanesePdf.Column("操作", "Action", 2.4f), new JapanesePdf.Column("許可", "Allowed", 1),
        new JapanesePdf.Column("拒否", "Denied", 1)), operations);

    pdf.heading("削除・消去・廃棄と証明書", "Deletions, wipes and disposals, with their certificates");
    table(List.of(new JapanesePdf.Column("証明書番号", "Certificate", 3), new JapanesePdf.Column("種類", "Kind", 1.2f), TIME,
        new JapanesePdf.Column("作業者", "Operator", 1.4f), new JapanesePdf.Column("件数", "Items", 0.8f)),
        r.certificates().stream().map(c -> List.of(c.id(), c.kind(), time(c.issuedAt()), c.operator(), Long.toString(c.items()))).toList());

    pdf.heading("持ち出し", "Exports");
    events(r.exports());
    pdf.heading("事故・インシデント", "Incidents");
    events(r.incidents());
    if (r.version() >= 2) {
      pdf.heading("事故の対応状況 (報告時点)", "Incidents of the month and their status (at the report's time)");
      table(List.of(SEQ, TIME, new JapanesePdf.Column("規則", "Rule", 2.2f), new JapanesePdf.Column("重大度", "Severity", 0.9f), USER,
          new JapanesePdf.Column("状態", "Status", 2.6f)), r.incidentStatus().stream().map(i -> List.of(Long.toString(i.id()),
              time(i.detectedAt()), i.rule(), Long.toString(i.severity()), i.actor(), i.acknowledgedBy() == null ? "未対応 / OPEN"
                  : "確認済み / ACKNOWLEDGED\n" + i.acknowledgedBy() + ", " + time(i.acknowledgedAt()))).toList());
      pdf.heading("事故報告書", "Incident reports issued");
      table(List.of(new JapanesePdf.Column("報告書番号", "Report id", 3), new JapanesePdf.Column("事故番号", "Incident", 1),
          new JapanesePdf.Column("規則", "Rule", 2), TIME, new JapanesePdf.Column("SHA-256", "SHA-256", 4)),
          r.incidentReports().stream().map(x -> List.of(x.reportId(), Long.toString(x.incident()), x.rule(), time(x.issuedAt()),
              x.sha256())).toList());
    }
    if (r.version() >= 3) {
      pdf.heading("搬送パッケージ (報告時点)", "Transport packages: received or in transit (at the report's time)");
      table(List.of(SEQ, TIME, USER, new JapanesePdf.Column("件数", "Files", 0.8f), new JapanesePdf.Column("状態", "Status", 3.2f),
          new JapanesePdf.Column("パッケージ SHA-256", "Package SHA-256", 4)), r.transportPackages().stream().map(t -> List.of(
              Long.toString(t.exportSeq()), time(t.exportedAt()), t.exportedBy(), Long.toString(t.files()),
              switch (t.status()) {
                case "RECEIVED" -> "受領済み / RECEIVED\n" + time(t.receivedAt()) + "\n" + t.receivedBy();
                case "IN_TRANSIT" -> "搬送中 / IN TRANSIT";
                default -> "未作成 / NOT WRITTEN";
              }, t.packageSha256() == null ? "-" : t.packageSha256())).toList());
    }

    MonthlyReport.RetentionStatus retention = r.retention();
    pdf.heading("アクセスログの保存", "Access log retention");
    pdf.row("契約終了日", "Contract ends", retention.contractEnd().toString());
    pdf.row("保存期限", "Kept until", time(retention.keepUntil()));
    pdf.row("最古の記録", "Oldest entry kept", "seq " + retention.oldestSeq() + ", " + time(retention.oldestTime()));
    pdf.row("期間中の記録", "Entries in the period", Long.toString(retention.entriesInPeriod()));

    pdf.heading("チェックポイント (市で保管してください)", "Checkpoint (for the city to file)");
    pdf.panel("チェックポイント", "Checkpoint", checkpoint(r, jsonName, sha256));

    pdf.heading("確認", "Signatures");
    pdf.signatureBoxes(List.of(new JapanesePdf.Signer("作成者", "Prepared by", r.issuedBy()),
        new JapanesePdf.Signer("保護管理者", "Privacy manager", null), new JapanesePdf.Signer("確認者", "Checked by", null)));
  }

  private List<String> checkpoint(MonthlyReport r, String jsonName, String sha256) {
    List<String> lines = new ArrayList<>();
    MonthlyReport.LogCheckpoint c = r.checkpoint();
    lines.add("時点 / as of: " + (MonthlyReport.LogCheckpoint.PERIOD_END.equals(c.at()) ? "期間の終わり / the period's end"
        : "報告の作成時 (期間中) / the report's time (the month is not over)"));
    lines.add("木のサイズ / tree size: " + c.treeSize());
    String[] note = c.note().split("\n");
    if (note.length >= 3) {
      lines.add("起点 / origin: " + note[0]);
      lines.add("根 / root (base64): " + note[2]);
    }
    lines.add("署名鍵 / key: SHA-256 " + r.signingKey().fingerprint());
    lines.add("報告書 / report: " + jsonName + ", SHA-256 " + sha256);
    MonthlyReport.Previous p = r.previous();
    lines.add(p == null ? "前回の報告 / previous report: なし (最初の報告) / none (the first report)"
        : "前回の報告 / previous report: " + p.month() + ", SHA-256 " + p.sha256() + ", 木のサイズ / tree size " + p.treeSize()
            + ", 整合性証明 / consistency proof of " + p.consistencyProof().size() + " hashes");
    String previous = p == null ? "" : " --previous report-" + p.month() + ".json";
    lines.add("検証 / verify: kinko report verify " + jsonName + " --key " + CertificateFiles.DEFAULT_KEY_FILE + previous);
    lines.add("(または / or: kinko-verify.html)");
    return lines;
  }

  private void events(List<MonthlyReport.Event> events) throws IOException {
    table(List.of(SEQ, TIME, USER, new JapanesePdf.Column("操作", "Action", 1.6f), new JapanesePdf.Column("結果", "Result", 1),
        new JapanesePdf.Column("理由", "Reason", 3)), events.stream().map(e -> List.of(Long.toString(e.seq()), time(e.time()), e.actor(),
            ja(e.action()), ja(e.decision()), e.reason())).toList());
  }

  private void table(List<JapanesePdf.Column> columns, List<List<String>> rows) throws IOException {
    if (rows.isEmpty()) {
      pdf.paragraph(JapanesePdf.BODY, "なし / none");
    } else {
      pdf.table(columns, rows);
    }
  }

  private static String grants(MonthlyReport.Staff s) {
    return s.grants().stream().map(g -> g.prefix() + ": " + g.permissions().stream().map(Permission::name)
        .map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))).collect(Collectors.joining("\n"));
  }

  /** {@code 保存 / PUT}: the Japanese beside the name the log uses. */
  static String ja(String value) {
    String ja = JAPANESE.get(value.toUpperCase(Locale.ROOT));
    return ja == null ? value : ja + " / " + value;
  }

  private static String time(OffsetDateTime t) {
    return CertificatePdf.time(t.toInstant());
  }
}
