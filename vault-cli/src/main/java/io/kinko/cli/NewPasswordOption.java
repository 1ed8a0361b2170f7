package io.kinko.cli;

import io.kinko.vault.Password;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a new password (a new user's first one, a changed or reset one) comes from: the first
 * line of {@code --new-password-file}, else the terminal, asked twice. Never an argument, and
 * never {@code KINKO_PASSWORD}, which stays the password of whoever runs the command. Read by
 * {@link PasswordSource}, like the login password.
 */
final class NewPasswordOption {
  static final String OPTION = "--new-password-file";

  @Option(names = OPTION, paramLabel = "FILE",
      description = "Read the new password from the first line of FILE ('-' for standard input). "
          + "Without it: a prompt on the terminal, twice. (--password-file and $" + PasswordSource.PASSWORD_ENV
          + " give your own password, to log in.)")
  Path file;

  /** Refuses what cannot work before any password is read, so a mistake costs no login. */
  void check(GlobalOptions global, Context context) {
    if (isStdin(file) && isStdin(global.passwordFile)) {
      throw new UsageException("--password-file and " + OPTION + " cannot both read standard input");
    }
    if (file == null && context.terminal() == null) {
      throw new UsageException("no new password: not on a terminal, so give " + OPTION + " FILE");
    }
  }

  /** Reads the new password; on a terminal, it is asked twice and both entries must match. */
  Password read(Context context, String prompt) {
    return PasswordSource.read(OPTION, file, null, context, prompt, "Repeat it: ");
  }

  private static boolean isStdin(Path path) {
    return path != null && path.toString().equals("-");
  }
}
