package io.kinko.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kinko cert pdf}: a readable copy of a certificate for people who file paper. No vault or
 * password needed. With {@code --key} or {@code --key-fingerprint} the certificate is verified
 * first, so a forged one is not dressed up as a tidy PDF.
 */
@Command(name = "pdf", mixinStandardHelpOptions = true,
    description = {"Renders a certificate as a readable PDF (Japanese and English labels when a Japanese font is found, "
        + "English otherwise). The PDF says that the JSON is the authoritative copy and prints its SHA-256 and the command "
        + "that verifies it.",
        "Japanese font: --font FILE, else $" + CertPdfCommand.FONT_ENV + ", else a system font (IPAGothic, "
            + "fonts-japanese-gothic, MS Gothic, ...)."})
final class CertPdfCommand implements Callable<Integer> {
  static final String FONT_ENV = "KINKO_PDF_FONT";

  /**
   * Where Japanese fonts are installed on common systems, best first. PDFBox embeds TrueType
   * outlines only, so IPA fonts come before Noto Sans CJK, whose CFF outlines are tried and
   * reported but cannot be used.
   */
  static final List<String> SYSTEM_FONTS = List.of(
      "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
      "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
      "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
      "/usr/share/fonts/truetype/ipafont/ipag.ttf",
      "/usr/share/fonts/ipa-gothic/ipag.ttf",
      "/usr/share/fonts/truetype/takao-gothic/TakaoGothic.ttf",
      "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
      "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
      "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
      "C:\\Windows\\Fonts\\msgothic.ttc",
      "C:\\Windows\\Fonts\\YuGothR.ttc",
      "/Library/Fonts/Arial Unicode.ttf",
      "/System/Library/Fonts/Supplemental/Arial Unicode.ttf");

  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Parameters(index = "0", paramLabel = "CERT", description = "The certificate's JSON file.")
  Path cert;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.pdf", description = "The PDF to write (replaced if present).")
  Path output;

  @Option(names = "--font", paramLabel = "FILE", description = "A Japanese font with TrueType outlines (.ttf, .ttc) to embed, such as IPAGothic; "
          + "fonts with PostScript (CFF) outlines, such as Noto Sans CJK, cannot be embedded.")
  Path fontFile;

  @Option(names = "--sig", paramLabel = "FILE", description = "The signature, as named in the PDF's verify command. Default: CERT.sig.")
  Path sig;

  /** Given, the certificate is verified first (exit 5 if it fails) and the key's file name is used in the verify command. */
  @Mixin
  AuditorKey key;

  @Override
  public Integer call() throws IOException {
    Context context = VaultCommand.context(spec);
    Output ui = Output.of(spec, global);
    if (output.getFileName() == null || Files.isDirectory(output)) {
      throw new UsageException(output + " is a folder; give a file name for the PDF");
    }
    AuditorKey.Pinned pinned = null;
    if (key.given()) {
      pinned = key.resolve(List.of(CertVerifyCommand.folderOf(cert)));
      CertVerifyCommand.verify(cert, sig, pinned.pem());
    }
    byte[] json = Files.readAllBytes(cert);
    Path signature = sig != null ? sig : CertVerifyCommand.signatureOf(cert);
    CertificatePdf.Names names = new CertificatePdf.Names(cert.getFileName().toString(), signature.getFileName().toString(),
        pinned != null ? pinned.source().getFileName().toString() : CertificateFiles.DEFAULT_KEY_FILE);
    List<Path> fonts = fonts(context);
    CertificatePdf.Rendered rendered;
    try (AtomicFile pdf = AtomicFile.beside(output)) {
      rendered = CertificatePdf.render(json, names, fonts, fontFile != null, pdf.output(), context.err());
      pdf.commit();
    }
    ui.say("wrote " + output + " (" + PutCommand.count(rendered.pages(), "page") + ", "
        + (rendered.font() != null ? "Japanese and English labels, font " + rendered.font() : "English labels only") + ")");
    ui.say("SHA-256 of " + cert.getFileName() + ": " + rendered.sha256());
    if (ui.json()) {
      com.google.gson.JsonObject o = ui.object();
      o.addProperty("output", output.toString());
      o.addProperty("pages", rendered.pages());
      o.add("font", Json.text(rendered.font()));
      o.addProperty("sha256", rendered.sha256());
      o.addProperty("verified", pinned != null);
      ui.print(o);
    }
    if (rendered.font() == null) {
      ui.warn("kinko: no usable Japanese font found: give --font FILE or set " + FONT_ENV
          + " (for example to IPAGothic, ipag.ttf) for Japanese labels");
    }
    return ExitCodes.OK;
  }

  /** --font alone if given; else $KINKO_PDF_FONT, then the system fonts that exist. */
  private List<Path> fonts(Context context) {
    List<Path> fonts = new ArrayList<>();
    if (fontFile != null) {
      fonts.add(fontFile);
      return fonts;
    }
    String fromEnv = context.env(FONT_ENV);
    if (fromEnv != null) {
      fonts.add(Path.of(fromEnv));
    }
    for (String candidate : SYSTEM_FONTS) {
      try {
        Path p = Path.of(candidate);
        if (Files.isRegularFile(p)) {
          fonts.add(p);
        }
      } catch (java.nio.file.InvalidPathException e) {
        // a Windows path on Unix, or the other way round
      }
    }
    return fonts;
  }
}
