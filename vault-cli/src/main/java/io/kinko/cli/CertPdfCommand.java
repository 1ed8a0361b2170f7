package io.kinko.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    description = {"Renders a certificate as a readable PDF in Japanese with English labels, in the font Kinko ships "
        + "(IPAGothic, embedded). The PDF says that the JSON is the authoritative copy and prints its SHA-256 and the command "
        + "that verifies it.",
        "A character the font lacks is printed as " + JapanesePdf.PLACEHOLDER + " and named on stderr."})
final class CertPdfCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Parameters(index = "0", paramLabel = "CERT", description = "The certificate's JSON file.")
  Path cert;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.pdf", description = "The PDF to write (replaced if present).")
  Path output;

  @Option(names = "--sig", paramLabel = "FILE", description = "The signature, as named in the PDF's verify command. Default: CERT.sig.")
  Path sig;

  /** Given, the certificate is verified first (exit 5 if it fails) and the key's file name is used in the verify command. */
  @Mixin
  AuditorKey key;

  @Override
  public Integer call() throws IOException {
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
    CertificatePdf.Rendered rendered;
    try (AtomicFile pdf = AtomicFile.beside(output)) {
      rendered = CertificatePdf.render(json, names, pdf.output());
      pdf.commit();
    }
    ui.say("wrote " + output + " (" + PutCommand.count(rendered.pages(), "page") + ", Japanese with English labels)");
    ui.say("SHA-256 of " + cert.getFileName() + ": " + rendered.sha256());
    if (ui.json()) {
      com.google.gson.JsonObject o = ui.object();
      o.addProperty("output", output.toString());
      o.addProperty("pages", rendered.pages());
      o.addProperty("font", "IPAGothic");
      o.addProperty("sha256", rendered.sha256());
      o.addProperty("verified", pinned != null);
      o.addProperty("placeholders", rendered.missing() != null);
      ui.print(o);
    }
    if (rendered.missing() != null) {
      ui.warn("kinko: " + rendered.missing());
    }
    return ExitCodes.OK;
  }
}
