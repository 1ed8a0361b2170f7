package io.kinko.cli;

import io.kinko.vault.Password;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a password comes from, in order: {@code --password-file}, the file named by
 * {@code KINKO_PASSWORD_FILE}, the environment variable {@code KINKO_PASSWORD}, a prompt on the
 * terminal ({@code /dev/tty}, even when standard input or output is redirected). A new password (a new user's, a changed one) comes the
 * same way from {@code --new-password-file} or the terminal, with no environment variable. Never from an argument, which every user of the machine
 * can read in the process list. The characters go from bytes to a {@code char[]} without
 * becoming a {@code String}, and every intermediate buffer is wiped.
 */
final class PasswordSource {
  /** The scripting escape hatch: visible to the process's own user and root, so prefer a file. */
  static final String PASSWORD_ENV = "KINKO_PASSWORD";
  /** A file holding the password, for scripts and services: {@code --password-file} wins over it. */
  static final String PASSWORD_FILE_ENV = "KINKO_PASSWORD_FILE";
  /** Longer first lines are not a password file but a mistake (a binary, a key file). */
  static final int MAX_LINE_BYTES = 4096;

  private PasswordSource() {}

  /**
   * Reads a password. On a terminal, {@code repeatPrompt} (if not null) asks a second time and
   * both entries must match.
   *
   * @throws UsageException if no source is available or the source is unusable
   */
  static Password read(GlobalOptions options, Context context, String prompt, String repeatPrompt) {
    return read("--password-file", options.passwordFile, PASSWORD_FILE_ENV, PASSWORD_ENV, context, prompt, repeatPrompt);
  }

  /**
   * Reads a password from {@code file} (the value of option {@code fileOption}, may be null), else
   * from the environment variable {@code envName} (null for none), else from the terminal. The
   * same mechanism serves the login password and a new one ({@code --new-password-file}).
   *
   * @throws UsageException if no source is available or the source is unusable
   */
  static Password read(String fileOption, Path file, String envName, Context context, String prompt, String repeatPrompt) {
    return read(fileOption, file, null, envName, context, prompt, repeatPrompt);
  }

  /** A secret (a token's PIN) from {@code file}, else the file {@code fileEnvName} names, else the terminal; no plain environment variable. */
  static Password readSecret(String fileOption, Path file, String fileEnvName, Context context, String prompt) {
    return read(fileOption, file, fileEnvName, null, context, prompt, null);
  }

  /**
   * As {@link #read(String, Path, String, Context, String, String)}, with the environment variable
   * {@code fileEnvName} (null for none) naming a password file, looked at after {@code file}.
   */
  private static Password read(String fileOption, Path file, String fileEnvName, String envName, Context context,
      String prompt, String repeatPrompt) {
    if (file == null && fileEnvName != null && context.env(fileEnvName) != null) {
      file = fileFromEnvironment(fileEnvName, context.env(fileEnvName));
    }
    if (file != null) {
      return Password.wrap(fromFile(file, context));
    }
    String fromEnv = envName == null ? null : context.env(envName);
    if (fromEnv != null) {
      return Password.wrap(fromEnv.toCharArray()); // the String is the environment's, not ours to wipe
    }
    Terminal terminal = context.terminal();
    if (terminal == null) {
      throw new UsageException("no " + (envName == null ? "new " : "") + "password: no terminal to ask on, so give " + fileOption + " FILE"
          + (fileEnvName == null ? "" : ", set " + fileEnvName + " to a file's name") + (envName == null ? "" : " or set " + envName));
    }
    char[] first = terminal.readPassword(prompt);
    if (first == null) {
      throw new UsageException("no password entered");
    }
    if (repeatPrompt != null) {
      char[] second = terminal.readPassword(repeatPrompt);
      boolean same = second != null && Arrays.equals(first, second);
      if (second != null) {
        Arrays.fill(second, '\0');
      }
      if (!same) {
        Arrays.fill(first, '\0');
        throw new UsageException("the two passwords do not match");
      }
    }
    return Password.wrap(first);
  }

  private static Path fileFromEnvironment(String name, String value) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new UsageException(name + " is not a usable file name: " + e.getReason());
    }
  }

  private static char[] fromFile(Path file, Context context) {
    boolean stdin = file.toString().equals("-");
    String what = stdin ? "password on standard input" : "password file " + file;
    byte[] line;
    try {
      if (stdin) {
        line = firstLine(context.stdin(), what);
      } else {
        try (InputStream in = Files.newInputStream(file)) {
          line = firstLine(in, what);
        }
      }
    } catch (IOException e) {
      throw new UsageException("cannot read the " + (stdin ? "password on standard input" : "password file") + ": " + Messages.describe(e));
    }
    try {
      if (line.length == 0) {
        throw new UsageException(what + " is empty");
      }
      return decodeUtf8(line, what);
    } finally {
      Arrays.fill(line, (byte) 0);
    }
  }

  /** The bytes before the first line break ({@code \n}, {@code \r\n} or {@code \r}), without a UTF-8 BOM. */
  static byte[] firstLine(InputStream in, String what) throws IOException {
    byte[] buffer = new byte[128];
    int length = 0;
    try {
      int b;
      while ((b = in.read()) >= 0 && b != '\n' && b != '\r') {
        if (length == MAX_LINE_BYTES) {
          throw new UsageException(what + ": the first line is longer than " + MAX_LINE_BYTES + " bytes");
        }
        if (length == buffer.length) {
          byte[] larger = Arrays.copyOf(buffer, buffer.length * 2);
          Arrays.fill(buffer, (byte) 0);
          buffer = larger;
        }
        buffer[length++] = (byte) b;
      }
      int start = length >= 3 && (buffer[0] & 0xff) == 0xEF && (buffer[1] & 0xff) == 0xBB && (buffer[2] & 0xff) == 0xBF ? 3 : 0;
      return Arrays.copyOfRange(buffer, start, length);
    } finally {
      Arrays.fill(buffer, (byte) 0);
    }
  }

  static char[] decodeUtf8(byte[] bytes, String what) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    char[] buffer = new char[bytes.length]; // UTF-8 never yields more chars than bytes
    try {
      CharBuffer out = CharBuffer.wrap(buffer);
      var result = decoder.decode(ByteBuffer.wrap(bytes), out, true);
      if (result.isError()) {
        result.throwException();
      }
      result = decoder.flush(out);
      if (result.isError()) {
        result.throwException();
      }
      return Arrays.copyOf(buffer, out.position());
    } catch (CharacterCodingException e) {
      throw new UsageException(what + " is not UTF-8 text");
    } finally {
      Arrays.fill(buffer, '\0');
    }
  }
}
