package io.kinko.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options every command takes. Values left out on the command line come from the environment
 * ({@code KINKO_VAULT}, {@code KINKO_USER}), read through the run's {@link Context} rather than
 * picocli's {@code ${env:...}} so that tests can supply their own environment.
 */
final class GlobalOptions {
  static final String VAULT_ENV = "KINKO_VAULT";
  static final String USER_ENV = "KINKO_USER";

  @Option(names = "--vault", paramLabel = "DIR", description = "The vault's folder. Default: $" + VAULT_ENV + ".")
  String vault;

  @Option(names = "--user", paramLabel = "USER", description = "Who you are in the vault. Default: $" + USER_ENV + ".")
  String user;

  @Option(names = "--password-file", paramLabel = "FILE",
      description = "Read the password from the first line of FILE ('-' for standard input); wins over the environment. "
          + "Without it: the file $" + PasswordSource.PASSWORD_FILE_ENV + " names, else $" + PasswordSource.PASSWORD_ENV
          + " (for scripts), else a prompt on the terminal (/dev/tty, also when input or output is redirected).")
  Path passwordFile;

  @Option(names = "--debug", description = "Print stack traces of failures.")
  boolean debug;

  @Option(names = "--json", description = "Print the result as one JSON object on stdout, and a failure as one on stderr "
      + "(schemas: docs/cli-json.md). No progress bar.")
  boolean json;

  @Option(names = {"-q", "--quiet"}, description = "Print only errors and what was asked for (listings, keys); no progress bar.")
  boolean quiet;

  @Option(names = {"-v", "--verbose"}, description = "Also say on stderr what is done, step by step.")
  boolean verbose;

  /** The vault folder from {@code --vault} or {@code KINKO_VAULT}. */
  Path vaultDirectory(Context context) {
    String dir = vault != null ? vault : context.env(VAULT_ENV);
    if (dir == null || dir.isBlank()) {
      throw new UsageException("no vault given: use --vault DIR or set " + VAULT_ENV);
    }
    try {
      return Path.of(dir);
    } catch (InvalidPathException e) {
      throw new UsageException("'" + dir + "' is not a usable folder name: " + e.getReason());
    }
  }

  /** The user from {@code --user} or {@code KINKO_USER}. */
  String user(Context context) {
    String name = user != null ? user : context.env(USER_ENV);
    if (name == null || name.isBlank()) {
      throw new UsageException("no user given: use --user USER or set " + USER_ENV);
    }
    return name;
  }
}
