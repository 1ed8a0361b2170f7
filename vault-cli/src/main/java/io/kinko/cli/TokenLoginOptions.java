package io.kinko.cli;

import io.kinko.vault.Password;
import io.kinko.vault.Session;
import io.kinko.vault.TokenCredential;
import io.kinko.vault.Vault;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Logging in with a hardware token: {@code --token LABEL} (or {@code KINKO_TOKEN}) selects the
 * token by label, the PKCS#11 module comes from {@code --token-module} or
 * {@code KINKO_TOKEN_MODULE}, the PIN from {@code --pin-file}, the file {@code KINKO_TOKEN_PIN_FILE}
 * names, or the terminal, as a {@code char[]} that is wiped after the login. With
 * {@code --and-password} the password is given too (two factors).
 */
final class TokenLoginOptions {
  static final String TOKEN_ENV = "KINKO_TOKEN";
  static final String MODULE_ENV = "KINKO_TOKEN_MODULE";
  static final String PIN_FILE_ENV = "KINKO_TOKEN_PIN_FILE";
  /** Set (to anything) with KINKO_TOKEN: the password is given too, as {@code --and-password} does. */
  static final String AND_PASSWORD_ENV = "KINKO_TOKEN_AND_PASSWORD";

  @Option(names = "--token", paramLabel = "LABEL",
      description = "Log in with the token labelled LABEL (its PIN instead of the password; with --and-password, both). Default: $" + TOKEN_ENV + ".")
  String token;

  @Option(names = "--token-module", paramLabel = "LIB.so",
      description = "The token's PKCS#11 module, e.g. /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so. Default: $" + MODULE_ENV + ".")
  Path module;

  @Option(names = "--pin-file", paramLabel = "FILE",
      description = "Read the token's PIN from the first line of FILE. Without it: the file $" + PIN_FILE_ENV + " names, else a prompt.")
  Path pinFile;

  @Option(names = "--and-password", description = "With --token: the password too (two factors), as --password-file or the prompt gives it. "
      + "Default: whether $" + AND_PASSWORD_ENV + " is set.")
  boolean andPassword;

  /** The token label to log in with, or null for a password login. */
  String label(Context context) {
    return token != null ? token : context.env(TOKEN_ENV);
  }

  /** Logs {@code user} in with the token (and the password when asked), wiping PIN and password right after. */
  Session login(Vault vault, String user, GlobalOptions global, Context context) {
    String label = label(context);
    try (Password pin = readPin(pinFile, context, label);
         Password password = andPassword || context.env(AND_PASSWORD_ENV) != null ? PasswordSource.read(global, context, "Password for " + user + ": ", null) : null) {
      return vault.login(user, password, new TokenCredential(module(module, context), label, pin));
    }
  }

  /** The module from the option, else the environment. */
  static Path module(Path option, Context context) {
    if (option != null) {
      return option;
    }
    String value = context.env(MODULE_ENV);
    if (value == null) {
      throw new UsageException("no PKCS#11 module: give --token-module LIB.so or set " + MODULE_ENV);
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new UsageException(MODULE_ENV + " is not a usable file name: " + e.getReason());
    }
  }

  /** A token's PIN from {@code file}, else the file $KINKO_TOKEN_PIN_FILE names, else the terminal. */
  static Password readPin(Path file, Context context, String label) {
    return PasswordSource.readSecret("--pin-file", file, PIN_FILE_ENV, context, "PIN of token " + (label == null ? "" : "'" + label + "'") + ": ");
  }
}
