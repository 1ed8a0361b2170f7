package io.kinko.cli;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * A small builder of Japanese A4 documents with English labels, in the one font Kinko ships
 * (IPAGothic, embedded as a subset), so a PDF reads the same on every machine. It knows headings,
 * label-value rows, tables that repeat their column headers after a page break, a boxed panel, a
 * stamp-like result box and signature boxes; the documents (certificates, the monthly report) say
 * what goes in them. A character the font lacks is drawn as {@link #PLACEHOLDER} and listed by
 * {@link #missing()}, so the command can say so: text is never silently escaped or dropped.
 *
 * <pre>
 * try (JapanesePdf pdf = JapanesePdf.create("個人情報取扱状況報告書")) {
 *   pdf.title("個人情報取扱状況報告書", "Monthly handling report");
 *   pdf.row("契約", "Contract", contract.id());
 *   pdf.table(List.of(new JapanesePdf.Column("利用者", "User", 2), new JapanesePdf.Column("件数", "Count", 1)), rows);
 *   pdf.panel("チェックポイント", "Checkpoint", List.of("root " + root, "size " + size, "key " + fingerprint));
 *   byte[] bytes = pdf.finish("Kinko report 2026-11");
 * }
 * </pre>
 */
final class JapanesePdf implements AutoCloseable {
  /** The bundled font and its licence, as resources of this jar. */
  static final String FONT = "io/kinko/cli/fonts/ipag.ttf";
  static final String FONT_LICENCE = "io/kinko/cli/fonts/IPA_Font_License_Agreement_v1.0.txt";
  /** What stands for a character the font has no glyph for: the geta mark, as Japanese typesetting does. */
  static final String PLACEHOLDER = "〓";

  static final float MARGIN = 50;
  static final float BODY = 9.5f;
  private static final float LEADING = 1.35f;
  private static final float LABEL_WIDTH = 150;
  private static final float PAD = 4;
  private static final Color STAMP = new Color(0xC8, 0x1E, 0x1E); // 朱色, the colour of a seal
  private static final Color FAILED = new Color(0x33, 0x33, 0x33);
  private static final Color HEADER_FILL = new Color(0xE8, 0xE8, 0xE8);
  private static byte[] fontBytes;

  /** A table column: its ja / en header and its share of the width. */
  record Column(String ja, String en, float share) {}

  /** A signature box: who signs (ja / en) and the name printed in it, or null for a blank line. */
  record Signer(String ja, String en, String name) {}

  private final PDDocument document;
  private final PDFont font;
  private final Map<Integer, Boolean> glyphs = new HashMap<>();
  private final SortedSet<Integer> missing = new TreeSet<>();
  private PDPageContentStream stream;
  private float y;

  private JapanesePdf(PDDocument document, PDFont font) {
    this.document = document;
    this.font = font;
  }

  /** A new document titled {@code title}, with the bundled font loaded for subset embedding. */
  static JapanesePdf create(String title) throws IOException {
    PDDocument document = new PDDocument();
    try {
      PDFont font = PDType0Font.load(document, new java.io.ByteArrayInputStream(font()), true);
      PDDocumentInformation info = document.getDocumentInformation();
      info.setTitle(title);
      info.setCreator("Kinko");
      return new JapanesePdf(document, font);
    } catch (IOException | RuntimeException e) {
      document.close();
      throw e;
    }
  }

  /** The bundled font's bytes, read from the jar once. */
  private static synchronized byte[] font() throws IOException {
    if (fontBytes == null) {
      try (InputStream in = JapanesePdf.class.getClassLoader().getResourceAsStream(FONT)) {
        if (in == null) {
          throw new IOException("the bundled font " + FONT + " is missing from Kinko's jar");
        }
        fontBytes = in.readAllBytes();
      }
    }
    return fontBytes;
  }

  /** Code points that were drawn as {@link #PLACEHOLDER} because the font lacks them. */
  SortedSet<Integer> missing() {
    return java.util.Collections.unmodifiableSortedSet(missing);
  }

  /** How a command reports {@link #missing()} on stderr, or null when nothing was replaced. */
  String missingNote() {
    if (missing.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (int cp : missing) {
      b.append(b.length() == 0 ? "" : " ").append(String.format(java.util.Locale.ROOT, "U+%04X", cp));
    }
    return missing.size() + " character(s) the bundled font (IPAGothic) lacks are printed as " + PLACEHOLDER + ": " + b
        + "; the JSON holds the exact text";
  }

  // --- blocks

  /** The document's title, Japanese first: {@code 削除証明書  Certificate of Deletion}. */
  void title(String ja, String en) throws IOException {
    line(18, ja + "  " + en, MARGIN);
    y -= 18 * 0.4f;
  }

  /** A section heading with a rule under it. */
  void heading(String ja, String en) throws IOException {
    gap(6);
    ensureRoom((BODY + 2) * LEADING + 4);
    line(BODY + 2, label(ja, en), MARGIN);
    y -= 2;
    stream.setLineWidth(0.6f);
    stream.moveTo(MARGIN, y);
    stream.lineTo(MARGIN + width(), y);
    stream.stroke();
    y -= 3;
  }

  /** Running text, wrapped to the page's width. */
  void paragraph(float size, String text) throws IOException {
    for (String l : wrap(size, shown(text), width())) {
      line(size, l, MARGIN);
    }
  }

  /** One label-value row: the ja / en label in a left column, the value (which may hold line breaks) beside it. */
  /**
   * The rows every signed report opens with, after its own first ones: the contract and its
   * parties, the vault, when and by whom it was issued, the tool and the key that signed it.
   */
  void signedBy(io.kinko.vault.Contract contract, String vault, java.time.OffsetDateTime issuedAt, String issuedBy,
      io.kinko.vault.CertificateBody.Tool tool, io.kinko.vault.CertificateBody.KeyName signingKey) throws IOException {
    row("契約", "Contract", contract.id() + ", 終了日 / ends " + contract.end());
    row("委託元", "Client", contract.client());
    row("受託者", "Contractor", contract.contractor());
    row("金庫", "Vault", vault);
    row("作成日時", "Issued at", CertificatePdf.time(issuedAt.toInstant()));
    row("作成者", "Issued by", issuedBy + " (金庫の利用者 / vault user)");
    row("ツール", "Tool", tool.name() + " " + tool.version());
    row("署名鍵", "Signing key", signingKey.algorithm() + ", SHA-256 " + signingKey.fingerprint());
  }

  void row(String ja, String en, String value) throws IOException {
    String shown = value == null || value.isBlank() ? "-" : value;
    List<String> valueLines = new ArrayList<>();
    for (String part : shown.split("\n", -1)) {
      valueLines.addAll(wrap(BODY, shown(part), width() - LABEL_WIDTH));
    }
    List<String> labelLines = wrap(BODY, shown(label(ja, en)), LABEL_WIDTH - 8);
    int count = Math.max(valueLines.size(), labelLines.size());
    for (int i = 0; i < count; i++) {
      ensureRoom(BODY * LEADING);
      y -= BODY * LEADING;
      if (i < labelLines.size()) {
        text(BODY, labelLines.get(i), MARGIN);
      }
      if (i < valueLines.size()) {
        text(BODY, valueLines.get(i), MARGIN + LABEL_WIDTH);
      }
    }
    y -= 3;
  }

  /** A ruled table; its header row is drawn again at the top of each page it continues on. */
  void table(List<Column> columns, List<List<String>> rows) throws IOException {
    float total = (float) columns.stream().mapToDouble(Column::share).sum();
    float[] widths = new float[columns.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = width() * columns.get(i).share() / total;
    }
    List<String> header = columns.stream().map(c -> label(c.ja(), c.en())).toList();
    tableRow(widths, header, true);
    for (List<String> row : rows) {
      if (!tableRow(widths, row, false)) {
        tableRow(widths, header, true);
        tableRow(widths, row, false);
      }
    }
    y -= 4;
  }

  /** Draws one row; false (and nothing drawn) when it needs a new page, which this starts. */
  private boolean tableRow(float[] widths, List<String> cells, boolean header) throws IOException {
    List<List<String>> lines = new ArrayList<>();
    int height = 1;
    for (int i = 0; i < widths.length; i++) {
      String cell = i < cells.size() && cells.get(i) != null ? cells.get(i) : "";
      List<String> wrapped = new ArrayList<>();
      for (String part : cell.split("\n", -1)) {
        wrapped.addAll(wrap(BODY, shown(part), widths[i] - 2 * PAD));
      }
      lines.add(wrapped);
      height = Math.max(height, wrapped.size());
    }
    float h = height * BODY * LEADING + 2 * PAD;
    if (y - h < MARGIN + 20) {
      newPageAfter();
      if (!header) {
        return false;
      }
    }
    float top = y;
    if (header) {
      stream.setNonStrokingColor(HEADER_FILL);
      stream.addRect(MARGIN, top - h, width(), h);
      stream.fill();
      stream.setNonStrokingColor(Color.BLACK);
    }
    float x = MARGIN;
    stream.setLineWidth(0.5f);
    for (int i = 0; i < widths.length; i++) {
      stream.addRect(x, top - h, widths[i], h);
      float ty = top - PAD;
      for (String l : lines.get(i)) {
        ty -= BODY * LEADING;
        y = ty + BODY * 0.3f;
        text(BODY, l, x + PAD);
      }
      x += widths[i];
    }
    stream.stroke();
    y = top - h;
    return true;
  }

  /** A boxed panel: a ja / en caption, then lines, kept on one page (a city files it as it is). */
  void panel(String ja, String en, List<String> lines) throws IOException {
    List<String> wrapped = new ArrayList<>();
    for (String l : lines) {
      wrapped.addAll(wrap(BODY, shown(l), width() - 2 * PAD - 4));
    }
    float h = (wrapped.size() + 1) * BODY * LEADING + 2 * PAD + 4;
    gap(4);
    ensureRoom(h);
    float top = y;
    stream.setLineWidth(1.2f);
    stream.addRect(MARGIN, top - h, width(), h);
    stream.stroke();
    y = top - PAD;
    line(BODY + 0.5f, label(ja, en), MARGIN + PAD + 2);
    y -= 4;
    for (String l : wrapped) {
      line(BODY, l, MARGIN + PAD + 2);
    }
    y = top - h - 4;
  }

  /**
   * A stamp-like result box: a double red frame around the Japanese word, the English under it
   * ({@code 完了 / COMPLETED}); a failure is framed in black, so the two cannot be mistaken.
   */
  void stamp(String ja, String en, boolean success) throws IOException {
    float w = 150;
    float h = 58;
    gap(6);
    ensureRoom(h);
    float top = y;
    float x = MARGIN;
    Color colour = success ? STAMP : FAILED;
    stream.setStrokingColor(colour);
    stream.setNonStrokingColor(colour);
    stream.setLineWidth(2.2f);
    stream.addRect(x, top - h, w, h);
    stream.stroke();
    stream.setLineWidth(0.8f);
    stream.addRect(x + 4, top - h + 4, w - 8, h - 8);
    stream.stroke();
    float big = 22;
    String jaShown = shown(ja);
    y = top - 8 - big;
    text(big, jaShown, x + (w - font.getStringWidth(jaShown) / 1000 * big) / 2);
    String enShown = shown(en);
    y = top - h + 11;
    text(BODY, enShown, x + (w - font.getStringWidth(enShown) / 1000 * BODY) / 2);
    stream.setStrokingColor(Color.BLACK);
    stream.setNonStrokingColor(Color.BLACK);
    y = top - h - 4;
  }

  /** Boxes side by side for people to sign or seal, each with its role and the name printed when known. */
  void signatureBoxes(List<Signer> signers) throws IOException {
    float h = 86;
    float gapBetween = 8;
    float w = (width() - gapBetween * (signers.size() - 1)) / signers.size();
    gap(6);
    ensureRoom(h);
    float top = y;
    for (int i = 0; i < signers.size(); i++) {
      Signer s = signers.get(i);
      float x = MARGIN + i * (w + gapBetween);
      stream.setLineWidth(0.8f);
      stream.addRect(x, top - h, w, h);
      stream.moveTo(x, top - BODY * LEADING - 2 * PAD);
      stream.lineTo(x + w, top - BODY * LEADING - 2 * PAD);
      stream.stroke();
      y = top - PAD;
      line(BODY, label(s.ja(), s.en()), x + PAD);
      y = top - h + PAD + BODY * LEADING;
      text(BODY - 1, shown("日付 / Date:"), x + PAD);
      y += BODY * LEADING;
      List<String> name = wrap(BODY - 1, shown("氏名 / Name: " + (s.name() == null ? "" : s.name())), w - 2 * PAD);
      text(BODY - 1, name.get(0), x + PAD);
    }
    y = top - h - 4;
  }

  void gap(float points) {
    y -= points;
  }

  /**
   * A line in a large monospace face (Courier Bold, one of PDF's standard fonts: nothing embedded),
   * for text a person copies by hand character by character. ASCII only.
   */
  void monospace(float size, String text) throws IOException {
    ensureRoom(size * LEADING);
    y -= size * LEADING;
    stream.beginText();
    stream.setFont(new org.apache.pdfbox.pdmodel.font.PDType1Font(org.apache.pdfbox.pdmodel.font.Standard14Fonts.FontName.COURIER_BOLD), size);
    stream.newLineAtOffset(MARGIN, y);
    stream.showText(text);
    stream.endText();
  }

  /**
   * A square of dark modules (a QR code), {@code module} points each, with a quiet zone of four
   * modules around it on white, drawn as filled rectangles so any renderer shows it sharp.
   */
  void modules(boolean[][] dark, float module) throws IOException {
    int n = dark.length;
    float side = (n + 8) * module;
    ensureRoom(side);
    float left = MARGIN;
    float top = y;
    stream.setNonStrokingColor(Color.WHITE);
    stream.addRect(left, top - side, side, side);
    stream.fill();
    stream.setNonStrokingColor(Color.BLACK);
    for (int row = 0; row < n; row++) {
      for (int col = 0; col < n; col++) {
        if (dark[row][col]) {
          stream.addRect(left + (col + 4) * module, top - (row + 5) * module, module, module);
        }
      }
    }
    stream.fill();
    y -= side;
  }

  /**
   * Ends the document: a footer on every page ({@code footer - page n of m}) and the bytes.
   * Before this, {@link #missing()} is not complete.
   */
  byte[] finish(String footer) throws IOException {
    if (stream != null) {
      stream.close();
      stream = null;
    }
    int n = document.getNumberOfPages();
    for (int i = 0; i < n; i++) {
      PDPage page = document.getPage(i);
      try (PDPageContentStream s = new PDPageContentStream(document, page, PDPageContentStream.AppendMode.APPEND, true, true)) {
        s.beginText();
        s.setFont(font, 7.5f);
        s.newLineAtOffset(MARGIN, MARGIN - 10);
        s.showText(shown(footer + " - page " + (i + 1) + " of " + n));
        s.endText();
      }
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    document.save(buffer);
    return buffer.toByteArray();
  }

  int pages() {
    return document.getNumberOfPages();
  }

  @Override
  public void close() throws IOException {
    if (stream != null) {
      stream.close();
    }
    document.close();
  }

  // --- lines and pages

  static String label(String ja, String en) {
    return en == null || en.isEmpty() ? ja : ja + " / " + en;
  }

  private void line(float size, String text, float x) throws IOException {
    ensureRoom(size * LEADING);
    y -= size * LEADING;
    text(size, shown(text), x);
  }

  private void text(float size, String shown, float x) throws IOException {
    stream.beginText();
    stream.setFont(font, size);
    stream.newLineAtOffset(x, y);
    stream.showText(shown);
    stream.endText();
  }

  private void ensureRoom(float height) throws IOException {
    if (stream == null) {
      newPage();
    }
    if (y - height < MARGIN + 20) {
      newPageAfter();
    }
  }

  private void newPageAfter() throws IOException {
    stream.close();
    newPage();
  }

  private void newPage() throws IOException {
    PDPage page = new PDPage(PDRectangle.A4);
    document.addPage(page);
    stream = new PDPageContentStream(document, page);
    y = page.getMediaBox().getHeight() - MARGIN;
  }

  private static float width() {
    return PDRectangle.A4.getWidth() - 2 * MARGIN;
  }

  /** {@code text} as drawn: controls as spaces, characters the font lacks as {@link #PLACEHOLDER} (and remembered). */
  String shown(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      int type = Character.getType(c);
      if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR) {
        b.append(' ');
      } else if (glyphs.computeIfAbsent(c, this::canShow)) {
        b.appendCodePoint(c);
      } else {
        missing.add(c);
        b.append(PLACEHOLDER);
      }
    });
    return b.toString();
  }

  private boolean canShow(int codePoint) {
    try {
      String s = new String(Character.toChars(codePoint));
      font.encode(s);
      return font.getStringWidth(s) > 0 || Character.isWhitespace(codePoint);
    } catch (IllegalArgumentException | IOException e) {
      return false;
    }
  }

  /** Lines of at most {@code max} points: broken at the last space that fits, else between any two characters. */
  private List<String> wrap(float size, String text, float max) {
    try {
      List<String> lines = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      int lastSpace = -1;
      for (int cp : text.codePoints().toArray()) {
        current.appendCodePoint(cp);
        if (cp == ' ') {
          lastSpace = current.length() - 1;
        }
        if (current.length() > 1 && font.getStringWidth(current.toString()) / 1000 * size > max) {
          int cut = lastSpace > 0 ? lastSpace : current.length() - Character.charCount(cp);
          lines.add(current.substring(0, cut).stripTrailing());
          String rest = current.substring(lastSpace > 0 ? cut + 1 : cut);
          current.setLength(0);
          current.append(rest);
          lastSpace = current.lastIndexOf(" ");
        }
      }
      if (current.length() > 0 || lines.isEmpty()) {
        lines.add(current.toString());
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
