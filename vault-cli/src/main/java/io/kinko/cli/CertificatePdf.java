package io.kinko.cli;

import io.kinko.vault.CertificateBody;
import io.kinko.vault.Contract;
import io.kinko.vault.DeletionCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The readable copy of a certificate, in Japanese with English labels, laid out on {@link
 * JapanesePdf}: who erased what, when (in the contract's zone), with which result (a stamp), with
 * boxes for 作業者 / 確認者 / 立会者 to sign. It is never the authoritative copy and says so, with
 * the JSON's SHA-256 and the command that verifies the JSON.
 *
 * <p>Public for applications that offer the certificate as a download beside its JSON and
 * signature (vault-examples' intake-web): the one renderer, not a copy.
 */
public final class CertificatePdf {
  /** Items listed one by one; the rest are counted ("and 120 more"): the JSON has them all. */
  static final int MAX_ITEMS = 20;

  /** Times as the contract counts them, with the offset: {@code 2026-12-02 15:04:05 +09:00}. */
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx", Locale.ROOT).withZone(Contract.ZONE);

  /** The Japanese of the English values Kinko writes into certificates; a value not here is printed as it is. */
  private static final Map<String, String> JAPANESE = Map.ofEntries(
      Map.entry("Purge", "パージ (Purge)"),
      Map.entry("Clear", "クリア (Clear)"),
      Map.entry("Destroy", "破壊 (Destroy)"),
      Map.entry("DELETE", "削除 (DELETE)"),
      Map.entry("WIPE", "消去 (WIPE)"),
      Map.entry("DISPOSE", "廃棄 (DISPOSE)"),
      Map.entry("pass", "合格 (pass)"),
      Map.entry("fail", "不合格 (fail)"),
      Map.entry("true", "回転式 (HDD)"),
      Map.entry("false", "非回転式 (SSD 等)"),
      Map.entry("unknown", "不明 (unknown)"),
      Map.entry("cryptographic erase: the per-file key was destroyed", "暗号化消去: ファイルごとの鍵を破棄"),
      Map.entry("overwrite: 1 pass of random data over the whole blob, then unlink", "上書き: 暗号文全体を乱数で 1 回上書きし、削除"),
      Map.entry("cryptographic erase: every key slot, the name key and the signing key destroyed; no file key can be unwrapped",
          "暗号化消去: すべての鍵スロット、名前鍵、署名鍵を破棄 (どのファイル鍵も復号できない)"),
      Map.entry("overwrite: every blob, 1 pass of random data, then unlink", "上書き: すべての暗号文を乱数で 1 回上書きし、削除"),
      Map.entry("blobs left as ciphertext without keys", "暗号文は鍵のない状態で残置"),
      Map.entry("overwrite, sync, read back the last pass, rename to a random name, truncate, unlink, sync the folder",
          "上書き、同期、最終パスの読み戻し確認、無作為な名前への変更、切り詰め、削除、フォルダの同期"),
      Map.entry("last pass read back and matched (SHA-256)", "最終パスを読み戻し一致を確認 (SHA-256)"),
      Map.entry("header read back after overwrite; the blob no longer opens with the vault's keys",
          "上書き後にヘッダを読み戻し、金庫の鍵で開けないことを確認"),
      Map.entry("overwritten, synced, removed", "上書き、同期、削除済み"),
      Map.entry("HMAC-SHA256, per-file key destroyed with the file", "HMAC-SHA256 (鍵はファイルと共に破棄)"),
      Map.entry("Overwrite reaches the blocks the file system reported; journals and backups are outside it.",
          "上書きはファイルシステムが示したブロックに及ぶ。ジャーナルとバックアップは対象外。"),
      Map.entry("On solid-state or unknown storage the controller may keep copies that overwriting cannot reach "
          + "(wear levelling, spare blocks). The file key was destroyed, which is what still holds.",
          "SSD 等ではコントローラが上書きの届かない複製を保持しうる (ウェアレベリング、予備ブロック)。ファイル鍵は破棄済みであり、これが消去を保証する。"),
      Map.entry("log archive, certificates and public key exported before the keys were destroyed",
          "鍵の破棄前にアクセスログ、証明書、公開鍵を書き出し済み"));

  /** The files the PDF refers to, by the names an auditor will have them under. */
  public record Names(String json, String signature, String publicKey) {}

  /**
   * How a PDF was made.
   *
   * @param missing what the command must say on stderr about characters the font lacks, or null
   */
  public record Rendered(String sha256, int pages, String missing) {}

  private final JapanesePdf pdf;

  private CertificatePdf(JapanesePdf pdf) {
    this.pdf = pdf;
  }

  /** Renders the certificate {@code json} to {@code out}; writes nothing if it cannot be read. */
  public static Rendered render(byte[] json, Names names, OutputStream out) throws IOException {
    CertificateBody cert = DeletionCertificate.parse(json);
    String sha256 = sha256(json);
    try (JapanesePdf document = JapanesePdf.create("Certificate " + cert.header().certificateId())) {
      new CertificatePdf(document).write(cert, names, sha256);
      byte[] bytes = document.finish("Kinko " + cert.header().kind().shortName() + " certificate " + cert.header().certificateId()
          + " - readable copy, not authoritative / 写し (正本ではありません)");
      out.write(bytes);
      return new Rendered(sha256, document.pages(), document.missingNote());
    }
  }

  // --- content

  private void write(CertificateBody cert, Names names, String sha256) throws IOException {
    CertificateBody.Header h = cert.header();
    String[] title = title(h.kind());
    pdf.title(title[0], title[1]);
    pdf.paragraph(JapanesePdf.BODY - 1, "この PDF は読みやすい写しです。正本は署名付きの JSON ファイルです。 / "
        + "This PDF is a readable copy. The signed JSON file is the authoritative copy: it alone is signed.");
    boolean completed = completed(cert);
    pdf.stamp(completed ? "完了" : "失敗", completed ? "COMPLETED" : "FAILED", completed);

    pdf.heading("基本情報", "Particulars");
    pdf.row("証明書番号", "Certificate ID", h.certificateId());
    pdf.row("発行日時", "Issued at", time(h.issuedAt()));
    pdf.row("契約", "Contract", join(h.contract().id(), "終了日 / ends " + h.contract().end()));
    pdf.row("委託元", "Client", h.contract().client());
    pdf.row("受託者", "Contractor", h.contract().contractor());
    pdf.row("金庫", "Vault", h.vault());
    pdf.row("作業者", "Operator", h.operator() + " (金庫の利用者 / vault user)");
    if (!h.approver().equals(h.operator())) {
      pdf.row("確認者", "Approver", h.approver() + " (金庫の利用者 / vault user)");
    }
    pdf.row("作業場所", "Work location", join(h.workLocation().host(), h.workLocation().application()));
    pdf.row("ツール", "Tool", join(h.tool().name(), h.tool().version()));
    String fingerprint = h.signingKey() == null ? null : h.signingKey().fingerprint();
    pdf.row("署名鍵", "Signing key", fingerprint == null ? null : h.signingKey().algorithm() + ", SHA-256 " + fingerprint);

    pdf.heading("作業", "Erasure");
    CertificateBody.Erasure erasure = cert.erasure();
    if (erasure != null) {
      pdf.table(List.of(new JapanesePdf.Column("開始", "Started", 3), new JapanesePdf.Column("終了", "Finished", 3),
              new JapanesePdf.Column("所要時間", "Duration", 2.4f), new JapanesePdf.Column("結果", "Result", 1.6f)),
          List.of(List.of(time(erasure.startedAt()), time(erasure.finishedAt()), duration(erasure.duration()),
              completed ? "完了 / COMPLETED" : "失敗 / FAILED")));
    } else {
      pdf.row("開始・終了", "Started, finished", "記録なし (この証明書の形式以前) / not recorded in certificates of this age");
    }
    pdf.row("操作", "Action", ja(h.kind().action()));
    CertificateBody.Method method = cert.method();
    List<String> how = new ArrayList<>();
    how.add(ja(method.type()));
    method.techniques().forEach(t -> how.add(ja(t)));
    if (method.steps() != null) {
      how.add(ja(method.steps()));
    }
    pdf.row("方法", "Method", String.join("\n", how));
    CertificateBody.Media media = cert.media();
    pdf.row("媒体", "Media", String.join("\n", "ファイルシステム / file system: " + media.fileSystem(),
        "記憶装置 / storage: " + ja(media.rotational()),
        "コピーオンライト / copy-on-write: " + (media.copyOnWrite() ? "あり / yes" : "なし / no"), ja(media.caveat())));
    pdf.row("準拠", "Standards", String.join("\n", h.standards()));

    pdf.heading("対象", "What was erased");
    items(cert);
    pdf.row("検証", "Verification", verification(cert));
    pdf.row("アクセスログ", "Access log", logSummary(cert));
    pdf.row("保存期限", "Keep until", time(cert.keepUntil()));

    pdf.heading("署名", "Signatures");
    String approver = h.approver().equals(h.operator()) ? null : h.approver();
    pdf.signatureBoxes(List.of(new JapanesePdf.Signer("作業者", "Operator", h.operator()),
        new JapanesePdf.Signer("確認者", "Checker", approver), new JapanesePdf.Signer("立会者", "Witness", null)));

    pdf.heading("正本と検証", "Authoritative copy and verification");
    List<String> panel = new ArrayList<>();
    panel.add("正本 / Authoritative copy: " + names.json() + " + " + names.signature() + " (this PDF carries no signature)");
    panel.add("SHA-256 of " + names.json() + ":");
    panel.add(sha256);
    panel.add("検証方法 / Verify with the vault's public key (Ed25519):");
    panel.add(CertificateFiles.opensslCommand(names.publicKey(), names.json(), names.signature()));
    panel.add("or: kinko cert verify " + CertificateFiles.quoted(names.json()) + " --key " + CertificateFiles.quoted(names.publicKey())
        + (fingerprint == null ? "" : " " + AuditorKey.FINGERPRINT_OPTION + " " + fingerprint));
    panel.add("鍵の指紋は契約開始時に記録したものと一致すること / The key's fingerprint must be the one recorded at the contract's start: "
        + "openssl pkey -pubin -in " + CertificateFiles.quoted(names.publicKey()) + " -outform DER | sha256sum");
    pdf.panel("検証", "Verification", panel);
  }

  private static String[] title(CertificateBody.Kind kind) {
    return switch (kind) {
      case WIPE -> new String[] {"消去証明書", "Certificate of Erasure"};
      case DISPOSAL -> new String[] {"廃棄証明書", "Certificate of Disposal"};
      case DELETION -> new String[] {"削除証明書", "Certificate of Deletion"};
    };
  }

  /** The recorded result; certificates written before it was recorded are judged by their items. */
  static boolean completed(CertificateBody cert) {
    if (cert.erasure() != null) {
      return cert.erasure().result() == CertificateBody.Result.COMPLETED;
    }
    if (cert.notWiped() != null && cert.notWiped() > 0) {
      return false;
    }
    return cert.items().stream().noneMatch(i -> i instanceof CertificateBody.DeletedFile f && !"pass".equals(f.verification().result()));
  }

  private void items(CertificateBody cert) throws IOException {
    List<CertificateBody.Item> items = cert.items();
    List<String> lines = new ArrayList<>();
    lines.add(items.size() + " 件 / " + PutCommand.count(items.size(), "item") + (cert.notWiped() != null && cert.notWiped() > 0
        ? "; 未消去 / not wiped: " + cert.notWiped() + " (see the JSON)" : ""));
    boolean byTag = items.stream().anyMatch(i -> i instanceof CertificateBody.DeletedFile f && f.path() == null
        || i instanceof CertificateBody.WipedFile w && w.path() == null);
    if (byTag) {
      lines.add("名称は金庫の鍵によるタグ (HMAC-SHA256) で記載 / Named by a keyed tag (HMAC-SHA256 under the vault's name key), "
          + "as the vault's policy says; the contractor can recompute it for a path it is asked about.");
    }
    boolean sealed = items.stream().anyMatch(i -> i instanceof CertificateBody.DeletedFile f && f.sealedPath() != null
        || i instanceof CertificateBody.WipedFile w && w.sealedPath() != null);
    if (sealed) {
      lines.add("名称は市の age 鍵宛てに封印 (JSON の sealedPath を base64 -d | age -d -i 市の鍵 で開封) / Names sealed to the city's "
          + "age recipient: open a JSON item's sealedPath with base64 -d | age -d -i CITY_KEY; the contractor cannot.");
    }
    for (int i = 0; i < Math.min(MAX_ITEMS, items.size()); i++) {
      lines.add((i + 1) + ". " + item(items.get(i)));
    }
    if (items.size() > MAX_ITEMS) {
      lines.add("... ほか " + (items.size() - MAX_ITEMS) + " 件 / and " + (items.size() - MAX_ITEMS) + " more: the JSON lists every item");
    }
    pdf.row("対象", "Items", String.join("\n", lines));
  }

  /** One item, in the fields an auditor compares with their records. */
  private static String item(CertificateBody.Item item) {
    if (item instanceof CertificateBody.DeletedFile file) {
      // Certificates issued before content commitments carry contentSha256; print what is there.
      String commitment = file.contentCommitment();
      String method = file.commitmentMethod();
      return join(file.path() != null ? "パス / path " + file.path() : "タグ / tag " + file.nameTag(), "file " + file.fileId(),
          "版 / version " + file.version(), file.size() + " bytes",
          commitment != null ? "content commitment " + commitment + ifPresent(" (", ja(method), ")")
              : ifPresent("content commitment: ", method),
          ifPresent("SHA-256 ", file.contentSha256()),
          "保管開始 / stored since " + time(file.storedSince()));
    }
    if (item instanceof CertificateBody.WipedFile wiped) {
      return join(wiped.path() != null ? "パス / path " + wiped.path() : "タグ / tag " + wiped.nameTag(), wiped.size() + " bytes",
          wiped.method(), ja(wiped.verification()));
    }
    CertificateBody.DestroyedKeyFile key = (CertificateBody.DestroyedKeyFile) item;
    return join(key.object(), ja(key.result()));
  }

  private static String verification(CertificateBody cert) {
    int pass = 0;
    int total = 0;
    String method = null;
    for (CertificateBody.Item item : cert.items()) {
      if (item instanceof CertificateBody.DeletedFile file) {
        total++;
        method = file.verification().method();
        pass += "pass".equals(file.verification().result()) ? 1 : 0;
      } else if (item instanceof CertificateBody.WipedFile wiped) {
        total++;
        method = wiped.verification();
        pass++;
      }
    }
    if (total == 0) {
      return cert.blobsOverwritten() == null ? "JSON を参照 / see the JSON"
          : "鍵ファイルを上書き・削除、暗号文 " + cert.blobsOverwritten() + " 個を上書き / key files overwritten and removed; "
              + cert.blobsOverwritten() + " blobs overwritten";
    }
    return total + " 件中 " + pass + " 件合格 / " + pass + " of " + total + " items passed" + (method == null ? "" : ": " + ja(method));
  }

  private static String logSummary(CertificateBody cert) {
    String action = cert.header().kind().action();
    return join(ja(action) + " の記録 / entries in the vault's access log" + (cert.logEntry() == null ? "" : ", seq " + cert.logEntry().seq()),
        "署名付きチェックポイント (木のサイズ " + cert.log().treeSize() + ") への包含を証明 / proved included in the signed checkpoint of tree size "
            + cert.log().treeSize());
  }

  // --- values

  /** The Japanese of a value Kinko writes, or the value itself. */
  static String ja(String english) {
    return english == null ? null : JAPANESE.getOrDefault(english, english);
  }

  static String time(Instant instant) {
    return TIME.format(instant);
  }

  /** {@code 1 分 5.234 秒 (1 min 5.234 s)}. */
  static String duration(Duration d) {
    long h = d.toHours();
    int m = d.toMinutesPart();
    String s = String.format(Locale.ROOT, "%d.%03d", d.toSecondsPart(), d.toMillisPart());
    String ja = (h > 0 ? h + " 時間 " : "") + (h > 0 || m > 0 ? m + " 分 " : "") + s + " 秒";
    String en = (h > 0 ? h + " h " : "") + (h > 0 || m > 0 ? m + " min " : "") + s + " s";
    return ja + " (" + en + ")";
  }

  /** The non-empty parts, joined by ", ". */
  private static String join(String... parts) {
    List<String> present = new ArrayList<>();
    for (String p : parts) {
      if (p != null && !p.isBlank()) {
        present.add(p);
      }
    }
    return present.isEmpty() ? null : String.join(", ", present);
  }

  private static String ifPresent(String prefix, String value) {
    return ifPresent(prefix, value, "");
  }

  private static String ifPresent(String prefix, String value, String suffix) {
    return value == null ? null : prefix + value + suffix;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java", e);
    }
  }
}
