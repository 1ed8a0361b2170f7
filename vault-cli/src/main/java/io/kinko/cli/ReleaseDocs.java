package io.kinko.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build-time only (vault-cli's {@code release-archive} profile runs it before packaging): writes
 * the AsciiDoc sources of a man page per command and the shell completion script, both from the
 * command tree the {@code kinko} command itself parses with, so they cannot drift from it.
 * picocli-codegen is a {@code provided} dependency: this class is in the jar but never run from it.
 */
public final class ReleaseDocs {
  private ReleaseDocs() {}

  /** Arguments: the AsciiDoc folder, the completion script's file, the version to print. */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: ReleaseDocs ADOC_DIR COMPLETION_FILE VERSION");
    }
    PrintStream discard = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Context context = new Context(Map.of(), new ByteArrayInputStream(new byte[0]), discard, discard,
        null);
    CommandLine kinko = Kinko.commandLine(context, new String[0]);
    kinko.getCommandSpec().version("kinko " + args[2]);

    File adoc = new File(args[0]);
    Files.createDirectories(adoc.toPath());
    int status = ManPageGenerator.generateManPage(adoc, null, new boolean[0], true, kinko.getCommandSpec());
    if (status != 0) {
      throw new IOException("the man page generator failed with status " + status);
    }
    Path completion = Path.of(args[1]);
    Files.createDirectories(completion.toAbsolutePath().getParent());
    Files.writeString(completion, AutoComplete.bash("kinko", kinko), StandardCharsets.UTF_8);
  }
}
