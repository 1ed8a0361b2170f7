package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.LuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.kinko.vault.Contract;
import io.kinko.vault.RecoveryKey;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Random;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

/** The recovery sheet: one A4 page whose QR code, rendered and decoded, is the key's text, and whose text shows it in groups. */
class RecoverySheetTest {
  /** A BufferedImage's pixels as luminance, for ZXing's decoder. */
  private static final class ImageLuminance extends LuminanceSource {
    private final byte[] pixels;

    ImageLuminance(BufferedImage image) {
      super(image.getWidth(), image.getHeight());
      pixels = new byte[image.getWidth() * image.getHeight()];
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          int rgb = image.getRGB(x, y);
          pixels[y * image.getWidth() + x] = (byte) (((rgb >> 16 & 0xFF) + (rgb >> 8 & 0xFF) + (rgb & 0xFF)) / 3);
        }
      }
    }

    @Override
    public byte[] getRow(int y, byte[] row) {
      byte[] out = row != null && row.length >= getWidth() ? row : new byte[getWidth()];
      System.arraycopy(pixels, y * getWidth(), out, 0, getWidth());
      return out;
    }

    @Override
    public byte[] getMatrix() {
      return pixels;
    }
  }

  @Test
  void theQrCode_onTheRenderedPage_decodesToTheKey_andThePageShowsItsGroupsAndFingerprint() throws Exception {
    byte[] raw = new byte[RecoveryKey.BYTES];
    new Random(5).nextBytes(raw);
    String text;
    String fingerprint;
    byte[] pdf;
    try (RecoveryKey key = RecoveryKey.wrap(raw.clone())) {
      text = new String(key.text());
      fingerprint = key.fingerprint();
      pdf = RecoverySheet.render("0123456789abcdef0123456789abcdef", new Contract("R8-情報-0042", "横浜市", "Kinko 株式会社",
          LocalDate.of(2027, 3, 31)), Instant.parse("2026-04-01T00:00:00Z"), key.text(), fingerprint);
    }
    try (PDDocument document = Loader.loadPDF(pdf)) {
      assertEquals(1, document.getNumberOfPages());
      BufferedImage page = new PDFRenderer(document).renderImageWithDPI(0, 150);
      String decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new ImageLuminance(page)))).getText();
      assertEquals(text, decoded);
      String shown = new PDFTextStripper().getText(document);
      assertTrue(shown.contains(text.substring(0, 34).replace('-', ' ')), shown);
      assertTrue(shown.contains(fingerprint) && shown.contains("横浜市") && shown.contains("0123456789abcdef0123456789abcdef"), shown);
    }
    try (RecoveryKey back = RecoveryKey.parse(text.toCharArray())) {
      assertArrayEquals(raw, back.bytes(), "the decoded text reads back to the key");
    }
  }
}
