package io.kinko.cli;

import io.kinko.vault.CertificateBody;
import io.kinko.vault.DeletionCertificate;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.fontbox.ttf.OpenTypeFont;
import org.apache.fontbox.ttf.TrueTypeCollection;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * The readable copy of a certificate: one to a few A4 pages with Japanese and English labels when
 * a Japanese font can be embedded, English with Helvetica otherwise. It is never the authoritative
 * copy and says so, with the JSON's SHA-256 and the command that verifies the JSON. Text the font
 * cannot show is written as {@code \}{@code uXXXX} escapes, so no value can make rendering fail.
 */
final class CertificatePdf {
  /** Items listed one by one; the rest are counted ("and 120 more"): the JSON has them all. */
  static final int MAX_ITEMS = 20;

  private static final float MARGIN = 50;
  private static final float LABEL_WIDTH = 150;
  private static final float BODY = 9.5f;
  private static final float LEADING = 1.35f;
  private static final String POSTSCRIPT_OUTLINES = "its glyphs are PostScript (CFF) outlines, which PDFBox cannot embed; "
      + "use a TrueType font such as IPAGothic (package fonts-ipafont-gothic)";
  private static final DateTimeFormatter JST = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'JST'", Locale.ROOT)
      .withZone(TimeArgument.ZONE);

  /** The files the PDF refers to, by the names an auditor will have them under. */
  record Names(String json, String signature, String publicKey) {}

  /** How a PDF was made: with which font file, or null for English only. */
  record Rendered(Path font, String sha256, int pages) {}

  private final PDDocument document;
  private final PDFont font;
  private final PDFont bold;
  private final PDFont mono;
  private final boolean japanese;
  private final Map<PDFont, Map<Integer, Boolean>> glyphs = new HashMap<>();
  private PDPageContentStream stream;
  private float y;

  private CertificatePdf(PDDocument document, PDFont font, boolean japanese) {
    this.document = document;
    this.japanese = japanese;
    this.font = font;
    this.bold = japanese ? font : new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
    this.mono = new PDType1Font(Standard14Fonts.FontName.COURIER);
  }

  /**
   * Renders the certificate {@code json} to {@code out}. Tries each font in {@code fonts} in
   * order and uses the first that loads; a failure of the first is an error when
   * {@code firstRequired} (a font the user named), a note to {@code warnings} otherwise.
   */
  static Rendered render(byte[] json, Names names, List<Path> fonts, boolean firstRequired, OutputStream out,
      java.io.PrintWriter warnings) throws IOException {
    CertificateBody cert = DeletionCertificate.parse(json);
    String sha256 = sha256(json);
    // Each font gets a whole rendering: some fail only when the document is saved (subsetting).
    for (int i = 0; i < fonts.size(); i++) {
      Path candidate = fonts.get(i);
      try {
        Rendered rendered = renderWith(cert, names, sha256, candidate, out);
        if (rendered != null) {
          return rendered;
        }
      } catch (IOException | RuntimeException e) {
        if (i == 0 && firstRequired) {
          throw new UsageException("cannot use the font " + candidate + ": " + Messages.describe(e));
        }
        warnings.println("kinko: font " + candidate + " not usable (" + Messages.describe(e) + "); trying the next");
      }
    }
    return renderWith(cert, names, sha256, null, out);
  }

  /** Renders with the Japanese {@code fontFile}, or with Helvetica if it is null; writes {@code out} only on success. */
  private static Rendered renderWith(CertificateBody cert, Names names, String sha256, Path fontFile, OutputStream out) throws IOException {
    List<Closeable> open = new ArrayList<>();
    try (PDDocument document = new PDDocument()) {
      PDFont japaneseFont = fontFile == null ? null : loadFont(document, fontFile, open);
      CertificatePdf pdf = new CertificatePdf(document, japaneseFont != null ? japaneseFont
          : new PDType1Font(Standard14Fonts.FontName.HELVETICA), japaneseFont != null);
      pdf.write(cert, names, sha256);
      PDDocumentInformation info = document.getDocumentInformation();
      info.setTitle("Certificate " + cert.header().certificateId());
      info.setCreator("Kinko");
      int pages = document.getNumberOfPages();
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      document.save(buffer);
      buffer.writeTo(out);
      return new Rendered(fontFile, sha256, pages);
    } finally {
      for (Closeable c : open) {
        c.close();
      }
    }
  }

  /** A TrueType font, or the Japanese member of a collection (.ttc), embedded as a subset. */
  private static PDFont loadFont(PDDocument document, Path file, List<Closeable> open) throws IOException {
    byte[] magic = new byte[4];
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      if (in.readNBytes(magic, 0, 4) < 4) {
        throw new IOException("not a font file");
      }
    }
    String tag = new String(magic, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (tag.equals("OTTO")) {
      throw new IOException(POSTSCRIPT_OUTLINES);
    }
    if (tag.equals("ttcf")) {
      TrueTypeCollection collection = new TrueTypeCollection(file.toFile());
      open.add(collection); // the subset is read from it when the document is saved
      TrueTypeFont[] chosen = new TrueTypeFont[1];
      collection.processAllFonts(ttf -> {
        if (!(ttf instanceof OpenTypeFont otf && otf.isPostScript()) && (chosen[0] == null || preference(ttf) > preference(chosen[0]))) {
          chosen[0] = ttf;
        }
      });
      if (chosen[0] == null) {
        throw new IOException(POSTSCRIPT_OUTLINES);
      }
      return requireJapanese(PDType0Font.load(document, chosen[0], true));
    }
    return requireJapanese(PDType0Font.load(document, file.toFile()));
  }

  /** In a collection: the Japanese proportional member first (NotoSansCJKjp-Regular, MS-Gothic), monospaced ones last. */
  private static int preference(TrueTypeFont ttf) {
    String n;
    try {
      n = ttf.getName() == null ? "" : ttf.getName().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      return -1;
    }
    int score = n.contains("jp") || n.contains("japan") || n.contains("gothic") || n.contains("mincho") ? 2 : 0;
    return n.contains("mono") ? score - 1 : score;
  }

  /** A font that cannot write 削除証明書 is no use for the Japanese labels. */
  private static PDFont requireJapanese(PDFont font) throws IOException {
    try {
      font.encode("削除証明書契約委託元受託者");
      font.getStringWidth("削除");
      return font;
    } catch (IllegalArgumentException e) {
      throw new IOException("it has no Japanese glyphs");
    }
  }

  // --- content

  private void write(CertificateBody cert, Names names, String sha256) throws IOException {
    CertificateBody.Header h = cert.header();
    newPage();
    title(h.kind());
    gap(4);
    paragraph(font, BODY - 1, label("この PDF は読みやすい写しです。正本は署名付きの JSON ファイルです。",
        "This PDF is a readable copy. The signed JSON file is the authoritative copy: it alone is signed."));
    gap(8);

    row("証明書番号", "Certificate ID", h.certificateId());
    row("発行日時", "Issued at", time(h.issuedAt()));
    row("契約", "Contract", join(h.contract().id(), "ends " + h.contract().end()));
    row("委託元", "Client", h.contract().client());
    row("受託者", "Contractor", h.contract().contractor());
    row("金庫", "Vault", h.vault());
    row("作業者", "Operator", h.operator());
    row("承認者", "Approver", h.approver());
    row("作業場所", "Work location", join(h.workLocation().host(), h.workLocation().application()));
    row("ツール", "Tool", join(h.tool().name(), h.tool().version()));
    CertificateBody.Method method = cert.method();
    row("方法", "Method", join(method.type(), String.join("; ", method.techniques()), method.steps()));
    CertificateBody.Media media = cert.media();
    row("媒体", "Media", join("file system " + media.fileSystem(), "rotational: " + media.rotational(),
        "copy-on-write: " + media.copyOnWrite(), media.caveat()));
    items(cert);
    row("検証", "Verification", verification(cert));
    row("アクセスログ", "Access log", logSummary(cert));
    row("保存期限", "Keep until", cert.keepUntil().toString());
    row("準拠", "Standards", String.join("; ", h.standards()));
    String fingerprint = h.signingKey() == null ? null : h.signingKey().fingerprint();
    row("署名鍵", "Signing key", fingerprint == null ? null : "SHA-256 " + fingerprint);

    gap(10);
    heading(label("正本と検証", "Authoritative copy and verification"));
    paragraph(font, BODY, label("正本: ", "") + "The JSON file " + names.json() + " with its detached signature " + names.signature()
        + " is the authoritative copy of this certificate; this PDF is not authoritative and carries no signature.");
    gap(2);
    paragraph(font, BODY, "SHA-256 of " + names.json() + ":");
    paragraph(mono, BODY, sha256);
    gap(2);
    paragraph(font, BODY, label("検証方法 (Ed25519, 金庫の公開鍵): ", "Verify it with the vault's public key (Ed25519): "));
    paragraph(mono, BODY - 1, CertificateFiles.opensslCommand(names.publicKey(), names.json(), names.signature()));
    paragraph(font, BODY - 1, "or: kinko cert verify " + CertificateFiles.quoted(names.json()) + " --key " + CertificateFiles.quoted(names.publicKey())
        + (fingerprint == null ? "" : " " + AuditorKey.FINGERPRINT_OPTION + " " + fingerprint));
    paragraph(font, BODY - 1, "The key's fingerprint must be the one recorded at the contract's start "
        + "(openssl pkey -pubin -in " + CertificateFiles.quoted(names.publicKey()) + " -outform DER | sha256sum).");
    finishPage();
    footers(h.certificateId());
  }

  private void title(CertificateBody.Kind kind) throws IOException {
    String ja;
    String en;
    switch (kind) {
      case WIPE -> {
        ja = "消去証明書";
        en = "Certificate of Erasure";
      }
      case DISPOSAL -> {
        ja = "廃棄証明書";
        en = "Certificate of Disposal";
      }
      default -> {
        ja = "削除証明書";
        en = "Certificate of Deletion";
      }
    }
    line(bold, 18, japanese ? ja + "  " + en : en, MARGIN);
    y -= 18 * 0.4f;
  }

  private void items(CertificateBody cert) throws IOException {
    List<CertificateBody.Item> items = cert.items();
    List<String> lines = new ArrayList<>();
    lines.add(PutCommand.count(items.size(), "item") + (cert.notWiped() != null ? ", " + cert.notWiped()
        + " entries not wiped (see the JSON)" : ""));
    for (int i = 0; i < Math.min(MAX_ITEMS, items.size()); i++) {
      lines.add((i + 1) + ". " + item(items.get(i)));
    }
    if (items.size() > MAX_ITEMS) {
      lines.add("... and " + (items.size() - MAX_ITEMS) + " more: the JSON lists every item");
    }
    row("対象", "Items", String.join("\n", lines));
  }

  /** One item, in the fields an auditor compares with their records. */
  private static String item(CertificateBody.Item item) {
    if (item instanceof CertificateBody.DeletedFile file) {
      // Certificates issued before content commitments carry contentSha256; print what is there.
      String commitment = file.contentCommitment();
      String method = file.commitmentMethod();
      return join("file " + file.fileId(), "version " + file.version(), file.size() + " bytes",
          commitment != null ? "content commitment " + commitment + ifPresent(" (", method, ")")
              : ifPresent("content commitment: ", method),
          ifPresent("SHA-256 ", file.contentSha256()),
          "stored since " + file.storedSince());
    }
    if (item instanceof CertificateBody.WipedFile wiped) {
      return join(wiped.path(), wiped.size() + " bytes", wiped.method(), wiped.verification());
    }
    CertificateBody.DestroyedKeyFile key = (CertificateBody.DestroyedKeyFile) item;
    return join(key.object(), key.result());
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
      return cert.blobsOverwritten() == null ? "see the JSON"
          : "key files overwritten and removed; " + cert.blobsOverwritten() + " blobs overwritten";
    }
    return pass + " of " + total + " items passed" + (method == null ? "" : ": " + method);
  }

  private static String logSummary(CertificateBody cert) {
    String action = cert.header().kind().action();
    return join(action + " entries in the vault's access log" + (cert.logEntry() == null ? "" : ", seq " + cert.logEntry().seq()),
        "proved included in the signed checkpoint of tree size " + cert.log().treeSize());
  }

  // --- layout

  private void row(String ja, String en, String value) throws IOException {
    String shown = value == null || value.isBlank() ? "-" : value;
    float size = BODY;
    List<String> valueLines = new ArrayList<>();
    for (String part : shown.split("\n", -1)) {
      valueLines.addAll(wrap(font, size, plain(font, part), width() - LABEL_WIDTH));
    }
    List<String> labelLines = wrap(bold, size, label(ja + " / " + en, en), LABEL_WIDTH - 8);
    int count = Math.max(valueLines.size(), labelLines.size());
    for (int i = 0; i < count; i++) {
      ensureRoom(size * LEADING);
      y -= size * LEADING;
      if (i < labelLines.size()) {
        text(bold, size, labelLines.get(i), MARGIN);
      }
      if (i < valueLines.size()) {
        text(font, size, valueLines.get(i), MARGIN + LABEL_WIDTH);
      }
    }
    y -= 3;
  }

  private void heading(String text) throws IOException {
    line(bold, BODY + 2, text, MARGIN);
    y -= 2;
  }

  private void paragraph(PDFont with, float size, String text) throws IOException {
    for (String l : wrap(with, size, plain(with, text), width())) {
      line(with, size, l, MARGIN);
    }
  }

  private void line(PDFont with, float size, String text, float x) throws IOException {
    ensureRoom(size * LEADING);
    y -= size * LEADING;
    text(with, size, plain(with, text), x);
  }

  private void text(PDFont with, float size, String shown, float x) throws IOException {
    stream.beginText();
    stream.setFont(with, size);
    stream.newLineAtOffset(x, y);
    stream.showText(shown);
    stream.endText();
  }

  private void gap(float points) {
    y -= points;
  }

  private void ensureRoom(float height) throws IOException {
    if (y - height < MARGIN + 20) {
      finishPage();
      newPage();
    }
  }

  private void newPage() throws IOException {
    PDPage page = new PDPage(PDRectangle.A4);
    document.addPage(page);
    stream = new PDPageContentStream(document, page);
    y = page.getMediaBox().getHeight() - MARGIN;
  }

  private void finishPage() throws IOException {
    stream.close();
    stream = null;
  }

  private void footers(String id) throws IOException {
    int n = document.getNumberOfPages();
    for (int i = 0; i < n; i++) {
      PDPage page = document.getPage(i);
      try (PDPageContentStream s = new PDPageContentStream(document, page, PDPageContentStream.AppendMode.APPEND, true, true)) {
        s.beginText();
        s.setFont(font, 7.5f);
        s.newLineAtOffset(MARGIN, MARGIN - 10);
        s.showText(plain(font, "Kinko certificate " + id + " - readable copy, not authoritative - page " + (i + 1) + " of " + n));
        s.endText();
      }
    }
  }

  private float width() {
    return PDRectangle.A4.getWidth() - 2 * MARGIN;
  }

  private String label(String ja, String en) {
    return japanese ? ja : en;
  }

  /**
   * {@code text} with every character {@code with} cannot show replaced: line breaks and other
   * controls by a space, the rest by its {@code \}{@code uXXXX} escape (UTF-16 units, as in Java).
   */
  String plain(PDFont with, String text) {
    if (text == null) {
      return "";
    }
    Map<Integer, Boolean> known = glyphs.computeIfAbsent(with, f -> new HashMap<>());
    StringBuilder b = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.LINE_SEPARATOR
          || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
        b.append(' ');
      } else if (known.computeIfAbsent(c, cp -> canShow(with, cp))) {
        b.appendCodePoint(c);
      } else {
        for (char unit : Character.toChars(c)) {
          b.append(String.format(Locale.ROOT, "\\u%04x", (int) unit));
        }
      }
    });
    return b.toString();
  }

  private static boolean canShow(PDFont with, int codePoint) {
    try {
      String s = new String(Character.toChars(codePoint));
      with.encode(s);
      with.getStringWidth(s);
      return true;
    } catch (IllegalArgumentException | IOException e) {
      return false;
    }
  }

  /** Lines of at most {@code max} points: broken at the last space that fits, else between any two characters. */
  static List<String> wrap(PDFont with, float size, String text, float max) throws IOException {
    List<String> lines = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int[] points = text.codePoints().toArray();
    int lastSpace = -1;
    for (int cp : points) {
      current.appendCodePoint(cp);
      if (cp == ' ') {
        lastSpace = current.length() - 1;
      }
      if (current.length() > 1 && with.getStringWidth(current.toString()) / 1000 * size > max) {
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
  }

  // --- values

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

  private static String time(Instant instant) {
    return instant + " (" + JST.format(instant) + ")";
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java", e);
    }
  }
}
