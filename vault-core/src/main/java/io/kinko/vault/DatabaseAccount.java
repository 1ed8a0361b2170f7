package io.kinko.vault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * The account a vault uses on its PostgreSQL database. It is never written to {@code kinko.json}:
 * each process brings its own, by default from the environment.
 *
 * <ul>
 *   <li>{@value #USER_VARIABLE}: the database user;
 *   <li>{@value #PASSWORD_FILE_VARIABLE}: a file holding the password (one line), preferred;
 *   <li>{@value #PASSWORD_VARIABLE}: the password itself, when a file is not practical;
 *   <li>{@value #URL_VARIABLE}, optional: the one database URL this host connects to. The URL in
 *       {@code kinko.json} comes from the shared folder; with a pin, a descriptor edited to name
 *       another server is refused before any credential is sent.
 * </ul>
 *
 * <p>Without a password the driver's own means apply (a client certificate named in the URL,
 * {@code ~/.pgpass}, or the server's trust rules). Embedded H2 vaults need no account.
 */
public final class DatabaseAccount implements AutoCloseable {
  public static final String USER_VARIABLE = "KINKO_DB_USER";
  public static final String PASSWORD_FILE_VARIABLE = "KINKO_DB_PASSWORD_FILE";
  public static final String PASSWORD_VARIABLE = "KINKO_DB_PASSWORD";
  public static final String URL_VARIABLE = "KINKO_DB_URL";
  private static final int MAX_PASSWORD_FILE_BYTES = 4096;

  private final String user;
  private final Password password;
  private String pinnedUrl;

  private DatabaseAccount(String user, Password password) {
    this.user = user;
    this.password = password;
  }

  /** An account with a password; this account owns {@code password} and closes it. */
  public static DatabaseAccount of(String user, Password password) {
    return new DatabaseAccount(requireUser(user), Objects.requireNonNull(password, "password"));
  }

  /** An account that authenticates by the driver's own means (certificate, pgpass, trust). */
  public static DatabaseAccount withoutPassword(String user) {
    return new DatabaseAccount(requireUser(user), null);
  }

  /**
   * The account the process environment names; see the class description.
   *
   * @throws VaultException if no user is set, or the password file cannot be read
   */
  public static DatabaseAccount fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** The account {@code env} names, for callers that hold their own copy of the environment. */
  public static DatabaseAccount fromEnvironment(Map<String, String> env) {
    String user = env.get(USER_VARIABLE);
    if (user == null || user.isBlank()) {
      throw new VaultException("this vault's metadata is on PostgreSQL: set " + USER_VARIABLE + " to the database user and "
          + PASSWORD_FILE_VARIABLE + " to a file holding its password");
    }
    String file = env.get(PASSWORD_FILE_VARIABLE);
    String inline = env.get(PASSWORD_VARIABLE);
    DatabaseAccount account;
    if (file != null && !file.isEmpty()) {
      account = of(user, readPasswordFile(Path.of(file)));
    } else if (inline != null && !inline.isEmpty()) {
      account = of(user, Password.wrap(inline.toCharArray()));
    } else {
      account = withoutPassword(user);
    }
    String pin = env.get(URL_VARIABLE);
    return pin == null || pin.isEmpty() ? account : account.pinnedTo(pin);
  }

  /**
   * Connects only to the database at {@code url}: a vault whose {@code kinko.json} names another
   * is refused before connecting.
   *
   * @throws IllegalArgumentException if {@code url} is not a PostgreSQL URL without credentials
   */
  public DatabaseAccount pinnedTo(String url) {
    this.pinnedUrl = requireSharedUrl(url);
    return this;
  }

  /** The URL this account is pinned to, or null. */
  public String pinnedUrl() {
    return pinnedUrl;
  }

  private static Password readPasswordFile(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_PASSWORD_FILE_BYTES) {
        throw new VaultException(PASSWORD_FILE_VARIABLE + " names " + file + ", which is too large to be a password file");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new VaultException(PASSWORD_FILE_VARIABLE + " names " + file + ", which cannot be read: " + e.getClass().getSimpleName(), e);
    }
    try {
      CharBuffer decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      int end = decoded.limit();
      while (end > 0 && (decoded.get(end - 1) == '\n' || decoded.get(end - 1) == '\r')) {
        end--;
      }
      char[] chars = new char[end];
      decoded.get(chars, 0, end);
      Arrays.fill(decoded.array(), '\0');
      if (chars.length == 0) {
        throw new VaultException(PASSWORD_FILE_VARIABLE + " names " + file + ", which is empty");
      }
      return Password.wrap(chars);
    } catch (CharacterCodingException e) {
      throw new VaultException(PASSWORD_FILE_VARIABLE + " names " + file + ", which is not UTF-8 text");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static String requireUser(String user) {
    if (user == null || user.isBlank() || user.length() > 63) {
      throw new IllegalArgumentException("a database user name is 1 to 63 characters");
    }
    return user;
  }

  public String user() {
    return user;
  }

  /** The password's characters, or null when the account has none. Callers must not keep the array. */
  public char[] passwordChars() {
    return password == null ? null : password.chars();
  }

  @Override
  public void close() {
    if (password != null) {
      password.close();
    }
  }

  @Override
  public String toString() {
    return "DatabaseAccount[" + user + (password == null ? ", no password]" : ", password hidden]");
  }

  private static final String POSTGRES_PREFIX = "jdbc:postgresql://";
  private static final java.util.regex.Pattern SECRET_PARAMETER =
      java.util.regex.Pattern.compile("[?&](user|password|sslpassword)=", java.util.regex.Pattern.CASE_INSENSITIVE);

  /**
   * Checks that {@code url} names a PostgreSQL database and carries no credential: the URL goes
   * into {@code kinko.json} on the shared folder, which is not a place for credentials.
   *
   * @throws IllegalArgumentException if it does not
   */
  public static String requireSharedUrl(String url) {
    if (url == null || !url.startsWith(POSTGRES_PREFIX) || url.length() == POSTGRES_PREFIX.length()) {
      throw new IllegalArgumentException("a shared vault database is named by a jdbc:postgresql://HOST[:PORT]/DATABASE URL");
    }
    if (url.length() > 1000 || url.chars().anyMatch(ch -> ch < 0x21 || ch == 0x7f)) {
      throw new IllegalArgumentException("the database URL is too long or contains spaces or control characters");
    }
    if (SECRET_PARAMETER.matcher(url).find()) {
      throw new IllegalArgumentException("the database URL must not carry user or password parameters: kinko.json is not a place for "
          + "credentials; set " + USER_VARIABLE + " and " + PASSWORD_FILE_VARIABLE + " instead");
    }
    return url;
  }
}
