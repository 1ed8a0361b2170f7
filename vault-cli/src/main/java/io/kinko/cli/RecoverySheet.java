package io.kinko.cli;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import io.kinko.vault.Contract;
import io.kinko.vault.RecoveryKey;
import io.kinko.vault.Vault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The recovery key handed over once, at init and at each rotation: printed as text with its
 * fingerprint, and laid out on one A4 page for the fireproof safe of clause 5(7) (the vault, the
 * contract, the date, the key in large monospace groups, a QR code of its text, the fingerprint,
 * what to do with it in Japanese and English). The sheet is written 0600 and never beside the
 * vault it opens.
 */
final class RecoverySheet {
  /** Key groups per printed line on the sheet. */
  private static final int GROUPS_PER_LINE = 7;

  private RecoverySheet() {}

  /**
   * Refuses a sheet file that cannot be written or would sit inside the vault, before anything is
   * made, so that a mistake costs nothing.
   */
  static void check(Path sheet, Path vault) {
    if (sheet == null) {
      return;
    }
    Path absolute = sheet.toAbsolutePath().normalize();
    if (absolute.startsWith(vault.toAbsolutePath().normalize())) {
      throw new UsageException("--recovery-sheet " + sheet + " is inside the vault folder: the key that opens the vault must not lie beside it");
    }
    if (Files.exists(absolute)) {
      throw new UsageException("--recovery-sheet " + sheet + " exists already; give a new file (an old sheet is not overwritten)");
    }
    if (absolute.getParent() == null || !Files.isDirectory(absolute.getParent())) {
      throw new UsageException("--recovery-sheet " + sheet + ": its folder does not exist");
    }
  }

  /**
   * Hands the key over: the text on standard error (always, also under -q: it is shown this once),
   * or in the --json object on standard output; and the sheet, if asked for. A sheet that cannot be
   * written is a warning, not a failure: the vault exists by now and the text is then the only copy.
   * Wipes the text it was given.
   */
  static void handOver(Output ui, Context context, Vault vault, char[] text, String fingerprint, Path sheet, com.google.gson.JsonObject json) {
    try {
      boolean written = false;
      if (sheet != null) {
        try (AtomicFile pdf = AtomicFile.beside(sheet)) {
          pdf.output().write(render(vault.id(), vault.contract(), Instant.now(), text, fingerprint));
          pdf.commit();
          written = true;
        } catch (IOException | RuntimeException e) {
          ui.warn("kinko: could not write the recovery sheet " + sheet + ": " + Messages.describe(e) + "; copy the key shown here by hand");
        }
      }
      if (json != null) {
        json.addProperty("recoveryKey", new String(text));
        json.addProperty("recoveryFingerprint", fingerprint);
        json.addProperty("recoverySheet", written ? sheet.toAbsolutePath().normalize().toString() : null);
        return;
      }
      java.io.PrintWriter err = context.err();
      err.println();
      err.println("RECOVERY KEY (shown this once; it sets a new administrator password when every one is lost):");
      err.print("  ");
      err.println(text);
      err.println("  fingerprint " + fingerprint);
      err.println(written ? "  sheet " + sheet + " (0600): print it, keep it in the fireproof safe, then destroy the file"
          : "  write it down now and keep it in the fireproof safe; --recovery-sheet FILE writes a printable sheet");
      err.println();
    } finally {
      Arrays.fill(text, '\0');
    }
  }

  /** The one-page PDF. The key passes through Strings here (PDFBox and ZXing take no char[]): see SECURITY.md. */
  static byte[] render(String vaultId, Contract contract, Instant issued, char[] text, String fingerprint) throws IOException {
    try (JapanesePdf pdf = JapanesePdf.create("Kinko recovery key " + vaultId)) {
      pdf.title("復旧鍵", "Recovery key");
      pdf.row("金庫", "Vault", vaultId);
      pdf.row("契約", "Contract", contract.id() + ", 終了日 / ends " + contract.end());
      pdf.row("委託元", "Client", contract.client());
      pdf.row("受託者", "Contractor", contract.contractor());
      pdf.row("作成日時", "Issued at", CertificatePdf.time(issued));
      pdf.row("指紋", "Fingerprint", fingerprint + "  (kinko status / kinko recovery status)");
      pdf.heading("鍵", "Key");
      String[] groups = new String(text).split("-");
      for (int i = 0; i < groups.length; i += GROUPS_PER_LINE) {
        pdf.monospace(18, String.join(" ", Arrays.copyOfRange(groups, i, Math.min(groups.length, i + GROUPS_PER_LINE))));
      }
      pdf.gap(8);
      pdf.modules(qr(new String(text)), 3.2f);
      pdf.panel("使い方", "What to do", List.of(
          "この用紙は耐火金庫に保管してください（第5条(7)）。複製しないこと。",
          "Keep this sheet in the fireproof safe (clause 5(7)). Do not copy it.",
          "管理者のパスワードがすべて失われたとき: kinko recover --user 管理者名 で鍵を入力し、新しいパスワードを設定します。",
          "When every administrator password is lost: kinko recover --user ADMIN, type this key, set a new password.",
          "使用は記録され、インシデントとして通知されます。使用後は kinko recovery rotate で新しい鍵に替えてください。",
          "Its use is logged and alerted as an incident. Afterwards replace it: kinko recovery rotate.",
          "鍵の打ち間違いはチェックサム（最後の4文字）で検出されます。",
          "A typing mistake is caught by the checksum (the last group of four)."));
      byte[] out = pdf.finish("Kinko recovery sheet " + vaultId);
      if (pdf.pages() != 1) {
        throw new IllegalStateException("the recovery sheet took " + pdf.pages() + " pages; it must fit on one");
      }
      return out;
    }
  }

  /** The QR code of {@code text}: its dark modules, row by row. */
  static boolean[][] qr(String text) {
    try {
      BitMatrix m = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
          Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 0));
      boolean[][] dark = new boolean[m.getHeight()][m.getWidth()];
      for (int row = 0; row < dark.length; row++) {
        for (int col = 0; col < dark[row].length; col++) {
          dark[row][col] = m.get(col, row);
        }
      }
      return dark;
    } catch (WriterException e) {
      throw new IllegalStateException("cannot encode the recovery key as a QR code", e);
    }
  }
}
