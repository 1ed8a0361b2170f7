package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The release archive installed the way README.md says: unpacked into a prefix, bin/kinko linked
 * from a folder on PATH, and then used through that link by real processes. Runs after
 * {@code package} (failsafe), on the archive the build just made.
 */
class ReleaseArchiveIT {
  private static final String PASSWORD = "install test password, not for real use";

  private Path prefix;
  private Path installed;
  private Path onPath;

  @BeforeEach
  void install() throws Exception {
    Path archive = Path.of(System.getProperty("kinko.releaseArchive"));
    assertTrue(Files.isRegularFile(archive), "no release archive at " + archive + ": run mvn package first");
    // scratch space under target/, not /tmp (tmpfs): the vault writes a real file system
    Path target = Path.of("target").toAbsolutePath();
    prefix = Files.createTempDirectory(target, "install-it-");
    Files.createDirectories(prefix.resolve("opt"));
    Files.createDirectories(prefix.resolve("home"));
    onPath = Files.createDirectories(prefix.resolve("bin"));
    // the README's two commands
    Result unpack = run(prefix, List.of("tar", "xzf", archive.toString(), "-C", prefix.resolve("opt").toString()));
    assertEquals(0, unpack.exit(), unpack.err());
    installed = prefix.resolve("opt").resolve("kinko-" + System.getProperty("kinko.version"));
    Files.createSymbolicLink(onPath.resolve("kinko"), installed.resolve("bin/kinko"));
  }

  @AfterEach
  void uninstall() throws IOException {
    try (Stream<Path> files = Files.walk(prefix)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void installedArchive_throughASymlinkOnPath_initsPutsAndGetsTheSameBytes() throws Exception {
    Path work = Files.createDirectories(prefix.resolve("work"));

    Result version = kinko(work, "--version");
    assertEquals(0, version.exit(), version.err());
    assertEquals("kinko " + System.getProperty("kinko.version"), version.out().strip());
    assertTrue(Files.isRegularFile(installed.resolve("lib/kinko.jsa")),
        "the class-data archive is written beside the jar on first use when lib/ is writable: " + version.err());

    Result init = kinko(work, "init", "--vault", "v", "--contract-id", "R8-INSTALL", "--client", "横浜市",
        "--contractor", "Kinko", "--contract-end", "2099-12-31", "--admin", "sato", "--password-cost", "minimum");
    assertEquals(0, init.exit(), init.err());
    Result grant = kinko(work, "grant", "--vault", "v", "sato", ".", "read,write");
    assertEquals(0, grant.exit(), grant.err());

    byte[] original = new byte[300_000];
    new Random(11).nextBytes(original);
    Files.write(work.resolve("申請書.bin"), original);
    Result put = kinko(work, "put", "--vault", "v", "申請書.bin", "受付/申請書.bin");
    assertEquals(0, put.exit(), put.err());
    Result get = kinko(work, "get", "--vault", "v", "受付/申請書.bin", "-o", "back.bin");
    assertEquals(0, get.exit(), get.err());
    assertArrayEquals(original, Files.readAllBytes(work.resolve("back.bin")));
  }

  @Test
  void installedArchive_hasAManPageForEveryCommand() {
    PrintStream discard = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    CommandLine root = Kinko.commandLine(
        new Context(Map.of(), new ByteArrayInputStream(new byte[0]), discard, discard, null), new String[0]);
    List<String> missing = new ArrayList<>();
    List<CommandLine> commands = new ArrayList<>(List.of(root));
    for (int i = 0; i < commands.size(); i++) {
      CommandLine command = commands.get(i);
      commands.addAll(command.getSubcommands().values());
      String page = command.getCommandSpec().qualifiedName("-") + ".1";
      Path file = installed.resolve("man/man1").resolve(page);
      if (!Files.isRegularFile(file)) {
        missing.add(page);
      }
    }
    assertTrue(commands.size() > 15, "the command tree has " + commands.size() + " commands");
    assertEquals(List.of(), missing, "man pages missing from the archive");
  }

  @Test
  void installedArchive_bashCompletion_registersKinko() throws Exception {
    Path script = installed.resolve("share/bash-completion/completions/kinko");
    Result bash = run(prefix, List.of("bash", "-c", "source \"$1\" && complete -p kinko", "bash", script.toString()));
    assertEquals(0, bash.exit(), bash.err());
    assertTrue(bash.out().contains("kinko"), bash.out());
  }

  @Test
  void installedArchive_carriesTheLicenceAndNotice() throws IOException {
    assertTrue(Files.readString(installed.resolve("LICENSE")).contains("Apache License"));
    String notice = Files.readString(installed.resolve("NOTICE"));
    assertTrue(notice.contains("argon2-jvm") && notice.contains("LGPL-3.0"), notice);
  }

  @Test
  void installedArchive_shipsTheOfflineVerifierPage_askingForTheKey() throws IOException {
    String page = Files.readString(installed.resolve(KeyExportCommand.VERIFIER_PAGE));
    assertTrue(page.contains(KeyExportCommand.UNPINNED), "the shipped page pins no key");
  }

  @Test
  void installedArchive_carriesTheBundledFontInTheJar_andItsLicenceBesideIt() throws IOException {
    assertTrue(Files.readString(installed.resolve("NOTICE")).contains("IPA Font License Agreement v1.0"));
    assertTrue(Files.readString(installed.resolve("licenses/IPA_Font_License_Agreement_v1.0.txt")).contains("IPAフォントライセンスv1.0"));
    try (java.util.jar.JarFile kinko = new java.util.jar.JarFile(installed.resolve("lib/kinko.jar").toFile())) {
      for (String entry : List.of(JapanesePdf.FONT, JapanesePdf.FONT_LICENCE)) {
        assertTrue(kinko.getEntry(entry) != null, entry + " missing from kinko.jar");
      }
    }
  }

  @Test
  void installedArchive_keepsTheLgplLibraryInItsOwnReplaceableJars() throws Exception {
    for (String jar : List.of("argon2-jvm-nolibs.jar", "argon2-jvm.jar")) {
      assertTrue(Files.isRegularFile(installed.resolve("lib").resolve(jar)), jar);
    }
    try (java.util.jar.JarFile kinko = new java.util.jar.JarFile(installed.resolve("lib/kinko.jar").toFile())) {
      assertEquals(List.of(), kinko.stream().map(java.util.zip.ZipEntry::getName)
          .filter(name -> name.startsWith("de/mkammerer/")).toList(), "argon2-jvm classes merged into kinko.jar");
      String classPath = kinko.getManifest().getMainAttributes().getValue("Class-Path");
      assertEquals("argon2-jvm-nolibs.jar argon2-jvm.jar", classPath);
    }
  }

  private Result kinko(Path dir, String... args) throws Exception {
    // through a shell, which looks kinko up on the PATH below (ProcessBuilder would use the test's own)
    List<String> command = new ArrayList<>(List.of("sh", "-c", "exec kinko \"$@\"", "kinko"));
    command.addAll(List.of(args));
    return run(dir, command);
  }

  /** One real process, as a shell would start it: PATH leads to the symlink, HOME is the prefix's. */
  private Result run(Path dir, List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = builder.environment();
    Map<String, String> keep = new HashMap<>();
    for (String name : List.of("JAVA_HOME", "LC_ALL", "TMPDIR")) {
      if (System.getenv(name) != null) {
        keep.put(name, System.getenv(name));
      }
    }
    env.clear();
    env.putAll(keep);
    env.put("PATH", onPath + ":" + Path.of(System.getProperty("java.home"), "bin") + ":/usr/local/bin:/usr/bin:/bin");
    env.put("HOME", prefix.resolve("home").toString());
    env.put("KINKO_USER", "sato");
    env.put(PasswordSource.PASSWORD_ENV, PASSWORD);
    Path out = Files.createTempFile(prefix, "out-", ".txt");
    Path err = Files.createTempFile(prefix, "err-", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish in 5 minutes");
    }
    Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return result;
  }

  private record Result(int exit, String out, String err) {}
}
