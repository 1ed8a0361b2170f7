package io.kinko.vault;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Vaults for tests: the cheapest password cost the library accepts, one admin, on the backend
 * {@link TestDatabase} names. Tests open and create vaults through here, never {@code Vault}
 * directly, so that one suite runs on H2 and on PostgreSQL.
 */
final class TestVaults {
  static final String ADMIN = "sato";
  static final char[] PASSWORD = "correct horse battery staple".toCharArray();
  static final Contract CONTRACT = new Contract("R8-情報-0042", "横浜市", "Kinko 株式会社", LocalDate.of(2027, 3, 31));

  private TestVaults() {}

  /** A new vault whose administrator holds every permission on the whole vault. */
  static Vault create(Path dir) {
    Vault vault;
    try (Password password = Password.copyOf(PASSWORD)) {
      vault = builder(dir).contract(CONTRACT).admin(ADMIN, password).passwordCost(PasswordCost.MINIMUM).create();
    }
    grantAll(vault, ADMIN);
    return vault;
  }

  /** A vault builder on the test backend: with PostgreSQL, a fresh schema of its own. */
  static Vault.Builder builder(Path dir) {
    Vault.Builder builder = Vault.builder(dir);
    return TestDatabase.postgres() ? builder.database(TestDatabase.newSchema(TestDatabase.server()), TestDatabase.account()) : builder;
  }

  static Vault open(Path dir) {
    return open(dir, Vault.DEFAULT_APPLICATION);
  }

  static Vault open(Path dir, String application) {
    try (DatabaseAccount account = TestDatabase.account()) {
      return Vault.open(dir, application, account);
    }
  }

  /** Opens a vault whose log tells time by {@code clock}. */
  static Vault open(Path dir, java.time.Clock clock) {
    try (DatabaseAccount account = TestDatabase.account()) {
      return io.kinko.vault.engine.EngineInternals.open(dir, Vault.DEFAULT_APPLICATION, account, clock);
    }
  }

  /**
   * Runs {@code main} in a JVM of its own until it ends, and returns the lines it printed; fails
   * unless it was halted with {@code exitCode} (a crash target's armed halt).
   */
  static List<String> runUntilHalted(Class<?> main, int exitCode, String... args) throws java.io.IOException, InterruptedException {
    Process child = java(List.of(), main, args).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> lines = new java.util.ArrayList<>();
    try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
      }
    }
    org.junit.jupiter.api.Assertions.assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the child did not end");
    org.junit.jupiter.api.Assertions.assertEquals(exitCode, child.exitValue(),
        "the child was not halted where it was armed: " + lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    return lines;
  }

  /** A JVM running {@code main} with the test class path and what it needs to reach the test backend. */
  static ProcessBuilder java(List<String> jvmOptions, Class<?> main, String... args) {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(TestDatabase.environment());
    return builder;
  }

  static void grantAll(Vault vault, String user) {
    try (Session s = login(vault)) {
      s.administration().grant(user, "", java.util.EnumSet.allOf(Permission.class));
    }
  }

  static Session login(Vault vault) {
    try (Password password = Password.copyOf(PASSWORD)) {
      return vault.login(ADMIN, password);
    }
  }

  /** Appends {@code n} entries to the vault's log in one batch. */
  static void appendEntries(Vault vault, int n) {
    List<io.kinko.vault.audit.AccessLog.Event> batch = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(io.kinko.vault.audit.AccessLog.Event.allow("test", Action.STAT, "entry " + i, null, null));
    }
    io.kinko.vault.engine.EngineInternals.log(vault).append(batch);
  }

  static byte[] randomBytes(long seed, int size) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  /** A local folder of {@code files} files named 0000.bin, 0001.bin, ..., each {@code size} random bytes. */
  static Path folderOf(Path folder, int files, int size) throws java.io.IOException {
    java.nio.file.Files.createDirectories(folder);
    for (int i = 0; i < files; i++) {
      java.nio.file.Files.write(folder.resolve(String.format("%04d.bin", i)), randomBytes(i, size));
    }
    return folder;
  }

  /** The state version and root the database holds now, as a checkpoint names them. */
  static String stateLine(Session s) {
    return io.kinko.vault.engine.EngineInternals.readState(s, io.kinko.vault.state.VaultState::storedHead).extensionLine();
  }

  /** Whether the vault's checkpoint file names {@code stateLine} (see {@link #stateLine}). */
  static boolean checkpointFileNames(Path vault, String stateLine) throws java.io.IOException {
    return java.nio.file.Files.readString(vault.resolve("log.checkpoint")).contains("\n" + stateLine + "\n");
  }

  static FileInfo put(Session session, String path, byte[] content) {
    return session.put(path, new ByteArrayInputStream(content));
  }

  static byte[] readAll(Session session, String path) {
    try (InputStream in = session.get(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Transfers a stored file into {@code out} the way {@code kinko get} writes a file: through
   * {@code transferTo} to an output that is also a channel, which a large file's stream hands its
   * segments' buffers as they are. What came before a failure stays in {@code out}.
   *
   * @return how many writes came as arrays rather than as buffers
   */
  static int transferInto(Session session, String path, java.io.ByteArrayOutputStream out) throws IOException {
    io.kinko.vault.store.ChannelOutput channel = new io.kinko.vault.store.ChannelOutput();
    try (InputStream in = session.get(path)) {
      in.transferTo(channel);
    } finally {
      channel.writeTo(out);
    }
    return channel.arrays();
  }

  /** The blob file of a stored version. */
  static Path blobOf(Vault vault, String fileId) {
    return vault.directory().resolve("blobs").resolve(fileId.substring(0, 2)).resolve(fileId);
  }

  /** True when {@code needle} occurs in {@code haystack}: for scanning files for leaked bytes. */
  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** Every file under {@code dir}, for scanning a vault folder for leaks. */
  static List<Path> filesUnder(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * For a test that edited a closed vault around the library: opens it, logs in and hands the
   * session to {@code operations}. Opening, the login and the closes may each fail with a
   * {@link VaultException} (a refusal: the rest is skipped); any other failure fails the test,
   * naming {@code what} was edited.
   */
  static void afterAnEdit(Path dir, String what, java.util.function.Consumer<Session> operations) {
    Vault vault = workedOrRefused(what, "opening", () -> open(dir));
    if (vault == null) {
      return;
    }
    try (vault) {
      Session session = workedOrRefused(what, "login", () -> login(vault));
      if (session == null) {
        return;
      }
      try (session) {
        operations.accept(session);
      } catch (VaultException closing) {
        // the session's close signs a checkpoint over what it logged: refused like any other operation
      }
    } catch (VaultException closing) {
      // the same for the vault's close
    }
  }

  /** Runs {@code call}: its result, or null if it failed with a VaultException; any other failure fails the test. */
  static <T> T workedOrRefused(String what, String operation, java.util.concurrent.Callable<T> call) {
    try {
      return call.call();
    } catch (VaultException refused) {
      return null;
    } catch (Exception e) {
      throw new AssertionError(what + ": " + operation + " failed with " + e + ", not a VaultException", e);
    }
  }
}
