package io.kinko.cli;

import io.kinko.vault.CertificateBody;
import io.kinko.vault.IncidentReport;
import java.io.IOException;
import java.io.OutputStream;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The draft of an incident report for the city (事故報告書, clause 6), laid on {@link JapanesePdf}:
 * what happened and when it was detected, the log entries involved (by sequence, with the proof
 * that they are in the signed log), the actions taken so far, empty sections the privacy manager
 * fills in by hand (cause, impact, prevention of recurrence), and signature boxes. It renders the
 * {@link IncidentReport} the signed JSON was made from, which alone is authoritative.
 */
final class IncidentPdf {
  private static final int BLANK_LINES = 5;

  private final JapanesePdf pdf;

  private IncidentPdf(JapanesePdf pdf) {
    this.pdf = pdf;
  }

  /** Renders {@code report}, whose signed JSON is {@code jsonName}, to {@code out}. */
  static ReportPdf.Rendered render(IncidentReport report, String jsonName, String sha256, OutputStream out) throws IOException {
    long id = report.incident().id();
    try (JapanesePdf document = JapanesePdf.create("事故報告書 " + id)) {
      new IncidentPdf(document).write(report, jsonName, sha256);
      out.write(document.finish("Kinko incident report " + id + " - draft, not authoritative / 下書き (正本ではありません)"));
      return new ReportPdf.Rendered(document.pages(), document.missingNote());
    }
  }

  private void write(IncidentReport r, String jsonName, String sha256) throws IOException {
    IncidentReport.Summary i = r.incident();
    pdf.title("事故報告書 (案)", "Incident report (draft)");
    pdf.paragraph(JapanesePdf.BODY - 1, "この PDF は保護管理者が記入して提出する下書きです。正本は署名付きの JSON ファイル (" + jsonName + ") です。 / "
        + "This PDF is a draft for the privacy manager to complete; the signed JSON file is the authoritative record.");

    pdf.heading("基本情報", "Particulars");
    pdf.row("報告書番号", "Report id", r.reportId());
    pdf.signedBy(r.contract(), r.vault(), r.issuedAt(), r.issuedBy(), r.tool(), r.signingKey());

    pdf.heading("事故の内容", "What happened");
    pdf.row("事故番号", "Incident id", i.id() + " (ログの番号 / log sequence)");
    pdf.row("規則", "Rule", i.rule() + " (重大度 / severity " + i.severity() + ", RFC 5424)");
    pdf.row("内容", "Meaning", i.meaningJa() + "\n" + i.meaningEn());
    pdf.row("検知日時", "Detected at", time(i.detectedAt()));
    pdf.row("操作者", "Actor", i.actor());
    pdf.row("詳細", "Detail", i.detail().isEmpty() ? "なし / none" : i.detail());
    pdf.row("状態", "Status", i.status() == io.kinko.vault.Incident.Status.OPEN ? "未対応 / OPEN" : "確認済み / ACKNOWLEDGED");

    pdf.heading("関係するログ記録", "Log entries involved");
    List<List<String>> rows = new ArrayList<>();
    rows.add(entryRow(r.entry(), "事故 / incident"));
    for (CertificateBody.LogProof e : r.evidence()) {
      rows.add(entryRow(e, "証拠 / evidence"));
    }
    pdf.table(List.of(new JapanesePdf.Column("番号", "Seq", 1), new JapanesePdf.Column("役割", "Role", 1.6f),
        new JapanesePdf.Column("葉ハッシュ", "Leaf hash (SHA-256)", 5), new JapanesePdf.Column("証明", "Proof", 1)), rows);

    pdf.heading("これまでの対応", "Actions taken so far");
    if (r.actions().isEmpty()) {
      pdf.paragraph(JapanesePdf.BODY, "なし / none");
    } else {
      pdf.table(List.of(new JapanesePdf.Column("番号", "Seq", 1), new JapanesePdf.Column("日時", "Time", 2.6f),
          new JapanesePdf.Column("対応者", "By", 1.6f), new JapanesePdf.Column("内容", "Note", 5)),
          r.actions().stream().map(a -> List.of(Long.toString(a.seq()), time(a.at()), a.by(), a.note())).toList());
    }

    blank("原因", "Cause", r.cause());
    blank("影響範囲", "Impact", r.impact());
    blank("再発防止策", "Prevention of recurrence", r.prevention());

    pdf.heading("チェックポイント", "Checkpoint");
    List<String> lines = new ArrayList<>();
    lines.add("木のサイズ / tree size: " + r.checkpoint().treeSize());
    String[] note = r.checkpoint().checkpoint().split("\n");
    if (note.length >= 3) {
      lines.add("起点 / origin: " + note[0]);
      lines.add("根 / root (base64): " + note[2]);
    }
    lines.add("報告書 / report: " + jsonName + ", SHA-256 " + sha256);
    lines.add("検証 / verify: kinko incident verify " + jsonName + " --key " + CertificateFiles.DEFAULT_KEY_FILE);
    lines.add("(または / or: " + CertificateFiles.opensslCommand(CertificateFiles.DEFAULT_KEY_FILE, jsonName, jsonName + ".sig") + ")");
    pdf.panel("チェックポイント", "Checkpoint", lines);

    pdf.heading("確認", "Signatures");
    pdf.signatureBoxes(List.of(new JapanesePdf.Signer("作成者", "Prepared by", r.issuedBy()),
        new JapanesePdf.Signer("保護管理者", "Privacy manager", null), new JapanesePdf.Signer("確認者", "Checked by", null)));
  }

  /** A section for the manager to write in: what the report holds (empty when issued), then room. */
  private void blank(String ja, String en, String text) throws IOException {
    pdf.heading(ja, en);
    List<String> lines = new ArrayList<>();
    lines.add(text.isEmpty() ? "（保護管理者が記入 / to be filled in by the privacy manager）" : text);
    for (int k = 0; k < BLANK_LINES; k++) {
      lines.add(" ");
    }
    pdf.panel(ja, en, lines);
  }

  private static List<String> entryRow(CertificateBody.LogProof e, String role) {
    return List.of(Long.toString(e.seq()), role, e.leafHash(), PutCommand.count(e.inclusionProof().size(), "hash", "hashes"));
  }

  private static String time(OffsetDateTime t) {
    return CertificatePdf.time(t.toInstant());
  }
}
