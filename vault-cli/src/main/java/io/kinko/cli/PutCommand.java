package io.kinko.cli;

import io.kinko.vault.FileInfo;
import io.kinko.vault.PutReport;
import io.kinko.vault.Session;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kinko put}: stores a file, or a folder's files, as new versions. What cannot be stored
 * (symbolic links, special files, unreadable files) is named on stderr and makes the exit code 1,
 * but does not stop the rest.
 */
@Command(name = "put", mixinStandardHelpOptions = true,
    description = {"Stores a file, or every file below a folder, in the vault.",
        "Symbolic links are not followed: they are reported and skipped, as are special and unreadable files."})
final class PutCommand extends VaultCommand {
  @Parameters(index = "0", paramLabel = "SOURCE", description = "The local file or folder.")
  Path source;

  @Parameters(index = "1", arity = "0..1", paramLabel = "VAULT_PATH",
      description = "Where to store it, '/'-separated (default: SOURCE's name). '.' puts a folder's content at the top.")
  String vaultPath;

  @Override
  int run(Session session, Context context) {
    String target = vaultPath != null ? vaultPath : defaultVaultPath(source);
    PutReport report;
    try (Progress progress = Progress.start(context, "put", context.terminal() == null ? 0 : Progress.sizeOf(source))) {
      report = session.put(target, source, progress);
    }
    for (PutReport.Skipped skipped : report.skipped()) {
      context.err().println("skipped " + skipped.source() + ": " + skipped.reason());
    }
    long bytes = report.stored().stream().mapToLong(FileInfo::size).sum();
    context.out().println("stored " + count(report.stored().size(), "file") + ", " + count(bytes, "byte"));
    return report.complete() ? ExitCodes.OK : ExitCodes.ERROR;
  }

  private static String defaultVaultPath(Path source) {
    Path name = source.toAbsolutePath().normalize().getFileName();
    if (name == null) {
      throw new UsageException("'" + source + "' has no name to store it under: give a VAULT_PATH");
    }
    return name.toString();
  }

  static String count(long n, String unit) {
    return count(n, unit, unit + "s");
  }

  static String count(long n, String singular, String plural) {
    return n + " " + (n == 1 ? singular : plural);
  }
}
