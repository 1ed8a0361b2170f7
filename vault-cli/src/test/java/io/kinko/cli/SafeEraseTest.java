package io.kinko.cli;

import static io.kinko.cli.CertifiedDeletionTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule for commands that erase for good ({@code rm}, {@code wipe}, {@code put --wipe-source}):
 * on a terminal they show what they will erase and ask, default no; without one they need
 * {@code --yes}; {@code --dry-run} lists and changes nothing. And {@code wipe} stays on one file
 * system: real bind mounts (the tests run as root) inside a wiped tree are left untouched.
 */
class SafeEraseTest {
  /** What a dry run or a refusal may add to the log: reads, never a claim of an erase. */
  static final Set<String> READ_ACTIONS = Set.of("LOGIN", "LIST", "VERSIONS", "STAT", "LOG_SHOW");

  @TempDir Path dir;
  Path vault;
  Path certs;
  Cli cli;

  @BeforeEach
  void vault() throws IOException {
    vault = dir.resolve("vault");
    certs = Files.createDirectories(dir.resolve("certs"));
    cli = Cli.forVault(vault).init();
  }

  @Nested
  class Rm {
    @BeforeEach
    void storedFiles() throws IOException {
      put("a.txt", "案件/2026/山田.txt", "氏名: 山田太郎\n");
      put("b.txt", "案件/2026/佐藤.txt", "氏名: 佐藤花子\n");
      put("c.bin", "案件/2027/scan.bin", "x".repeat(5000));
      put("d.txt", "案件/2026/山田.txt", "氏名: 山田太郎 (訂正)\n");
    }

    @Test
    void rmR_withoutATerminalOrYes_exits2AndDeletesNothing() {
      Cli.Result result = cli.run("rm", "-r", "案件", "--cert-out", certs.toString());

      assertEquals(2, result.exit(), result::toString);
      assertTrue(result.err().contains("--yes") && result.err().contains("--dry-run"), result::toString);
      assertEquals(3, stored().size(), "still stored");
      assertEquals(List.of(), CertifiedDeletionTest.jsonFiles(certs));
    }

    @Test
    void rm_ofOneFile_withoutATerminalOrYes_exits2Too_becauseItsDeletionIsCertifiedAndCannotBeUndone() {
      Cli.Result result = cli.run("rm", "案件/2026/山田.txt", "--cert-out", certs.toString());

      assertEquals(2, result.exit(), result::toString);
      assertTrue(stored().contains("案件/2026/山田.txt"), "still stored");
    }

    @Test
    void rmR_onATerminal_showsCountSizeAndTopFolders_andDeletesOnlyWhenAnsweredYes() {
      Cli.ScriptedTerminal no = new Cli.ScriptedTerminal("n");
      Cli.ScriptedTerminal enter = new Cli.ScriptedTerminal("");
      Cli.ScriptedTerminal yes = new Cli.ScriptedTerminal("y");

      Cli.Result refused = cli.terminal(no).run("rm", "-r", "案件", "--cert-out", certs.toString());
      Cli.Result defaulted = cli.terminal(enter).run("rm", "-r", "案件", "--cert-out", certs.toString());
      int storedAfterNo = stored().size();
      Cli.Result deleted = cli.terminal(yes).run("rm", "-r", "案件", "--cert-out", certs.toString());

      assertEquals(2, refused.exit(), refused::toString);
      assertEquals(2, defaulted.exit(), defaulted::toString);
      assertTrue(refused.err().contains("nothing was erased"), refused::toString);
      assertEquals(3, storedAfterNo);
      String prompt = no.prompts.get(0);
      for (String expected : List.of("delete 3 files", "案件/2026/  2 files", "案件/2027/  1 file", "every stored version", "[y/N]")) {
        assertTrue(prompt.contains(expected), () -> expected + " missing from the prompt:\n" + prompt);
      }
      assertEquals(0, deleted.exit(), deleted::toString);
      assertEquals(List.of(), stored());
    }

    @Test
    void rm_ofOneFile_onATerminal_showsEveryVersion() {
      Cli.ScriptedTerminal yes = new Cli.ScriptedTerminal("yes");

      Cli.Result result = cli.terminal(yes).run("rm", "案件/2026/山田.txt", "--cert-out", certs.toString());

      assertEquals(0, result.exit(), result::toString);
      assertTrue(yes.prompts.get(0).startsWith("delete 2 stored versions, "), yes.prompts::toString);
    }

    @Test
    void rmR_dryRun_listsEveryFile_andLeavesTheVaultsBlobsAndLogWithoutAnErase() throws IOException {
      Map<String, String> blobs = tree(vault.resolve("blobs"));
      List<String> logBefore = log();

      Cli.Result result = cli.run("rm", "-r", "案件", "--dry-run", "--cert-out", certs.toString());

      assertEquals(0, result.exit(), result::toString);
      for (String path : List.of("案件/2026/山田.txt", "案件/2026/佐藤.txt", "案件/2027/scan.bin")) {
        assertTrue(result.out().contains(path), () -> path + " not listed:\n" + result);
      }
      assertTrue(result.out().contains("nothing was changed"), result::toString);
      assertEquals(blobs, tree(vault.resolve("blobs")));
      assertOnlyReadsAdded(logBefore, log());
      assertEquals(3, stored().size());
      assertEquals(List.of(), CertifiedDeletionTest.jsonFiles(certs));
    }

    @Test
    void rm_dryRun_ofNothingStored_exits1() {
      Cli.Result result = cli.run("rm", "nothing.txt", "--dry-run");

      assertEquals(1, result.exit(), result::toString);
    }
  }

  @Nested
  class Wipe {
    Path folder;

    @BeforeEach
    void folder() throws IOException {
      folder = dir.resolve("作業");
      Files.createDirectories(folder.resolve("sub"));
      Files.writeString(folder.resolve("名簿.csv"), "山田太郎,1\n");
      Files.write(folder.resolve("sub").resolve("data.bin"), new byte[10_000]);
    }

    @Test
    void wipe_withoutATerminalOrYes_exits2AndLeavesEveryByte() throws IOException {
      Map<String, String> before = tree(folder);

      Cli.Result result = cli.run("wipe", folder.toString(), "--cert-out", certs.toString());

      assertEquals(2, result.exit(), result::toString);
      assertEquals(before, tree(folder));
    }

    @Test
    void wipe_dryRun_listsEachFile_andLeavesEveryByteAndNoWipeInTheLog() throws IOException {
      Map<String, String> before = tree(folder);
      List<String> logBefore = log();

      Cli.Result result = cli.run("wipe", folder.toString(), "--dry-run", "--cert-out", certs.toString());

      assertEquals(0, result.exit(), result::toString);
      assertTrue(result.out().contains("名簿.csv") && result.out().contains("sub/data.bin"), result::toString);
      assertTrue(result.out().contains("would wipe 2 files, 10015 bytes (9.8 KiB), at " + folder), result::toString);
      assertEquals(before, tree(folder));
      assertOnlyReadsAdded(logBefore, log());
      assertEquals(List.of(), CertifiedDeletionTest.jsonFiles(certs));
    }

    @Test
    void wipe_onATerminal_showsWhatItWillWipe_andWipesOnlyOnYes() throws IOException {
      Map<String, String> before = tree(folder);
      Cli.ScriptedTerminal no = new Cli.ScriptedTerminal("no");

      Cli.Result refused = cli.terminal(no).run("wipe", folder.toString(), "--cert-out", certs.toString());
      Map<String, String> afterNo = tree(folder);
      Cli.Result wiped = cli.terminal(new Cli.ScriptedTerminal("Y")).run("wipe", folder.toString(), "--cert-out", certs.toString());

      assertEquals(2, refused.exit(), refused::toString);
      assertEquals(before, afterNo);
      String prompt = no.prompts.get(0);
      assertTrue(prompt.startsWith("wipe 2 files, 10015 bytes (9.8 KiB), at " + folder), prompt);
      assertTrue(prompt.contains("sub/  1 file, 10000 bytes"), prompt);
      assertEquals(0, wiped.exit(), wiped::toString);
      assertFalse(Files.exists(folder));
    }

    @Test
    void wipe_underARealTerminal_withStdinAndStdoutRedirected_asksOnDevTty_andEnterMeansNo() throws Exception {
      Path password = Files.writeString(dir.resolve("password.txt"), Cli.PASSWORD + "\n");
      Map<String, String> env = Map.of("KINKO_VAULT", vault.toString(), "KINKO_USER", Cli.USER,
          "KINKO_PASSWORD_FILE", password.toString());
      String wipe = "kinko wipe " + PseudoTerminal.quote(folder.toString()) + " --cert-out " + PseudoTerminal.quote(certs.toString())
          + " < /dev/null > " + PseudoTerminal.quote(dir.resolve("out.txt").toString());
      Map<String, String> before = tree(folder);

      PseudoTerminal.Typed enter = PseudoTerminal.run(env, wipe, "[y/N] ", "\n");
      Map<String, String> afterEnter = tree(folder);
      PseudoTerminal.Typed yes = PseudoTerminal.run(env, wipe, "[y/N] ", "y\n");

      assertEquals(2, enter.exit(), enter::toString);
      assertTrue(enter.screen().contains("wipe 2 files, 10015 bytes"), enter::toString);
      assertEquals(before, afterEnter);
      assertEquals(0, yes.exit(), yes::toString);
      assertFalse(Files.exists(folder));
      assertTrue(Files.readString(dir.resolve("out.txt")).startsWith("wiped 2 files"));
    }

    @Test
    void wipe_refusesTheRoot_theHomeFolder_aFolderHoldingIt_aMountPoint_andALink() throws IOException, InterruptedException {
      Path home = Files.createDirectories(dir.resolve("home").resolve("sato"));
      Files.writeString(home.resolve(".profile"), "export KINKO_USER=sato\n");
      Cli withHome = cli.env("HOME", home.toString());
      Path target = Files.createDirectories(dir.resolve("mounted"));
      Path source = Files.createDirectories(dir.resolve("elsewhere"));
      Files.writeString(source.resolve("keep.txt"), "keep me\n");

      Cli.Result root = withHome.run("wipe", "--yes", "/", "--cert-out", certs.toString());
      Cli.Result ofHome = withHome.run("wipe", "--yes", home.toString(), "--cert-out", certs.toString());
      Cli.Result holdingHome = withHome.run("wipe", "--yes", home.getParent().toString(), "--cert-out", certs.toString());
      Cli.Result link = withHome.run("wipe", "--yes", Files.createSymbolicLink(dir.resolve("link"), source).toString(),
          "--cert-out", certs.toString());
      Cli.Result mountPoint;
      mount("--bind", source.toString(), target.toString());
      try {
        mountPoint = withHome.run("wipe", "--yes", target.toString(), "--cert-out", certs.toString());
      } finally {
        mount("-u", target.toString());
      }

      assertRefused(root, "root of the file system");
      assertRefused(ofHome, "home folder");
      assertRefused(holdingHome, "home folder");
      assertRefused(mountPoint, "mount point");
      assertRefused(link, "symbolic link");
      assertEquals("keep me\n", Files.readString(source.resolve("keep.txt")));
      assertTrue(Files.exists(home.resolve(".profile")));
    }

    @Test
    void wipe_leavesABindMountOfTheSameFileSystemInsideTheTreeUntouched() throws Exception {
      wipe_leavesABindMountUntouched(Files.createDirectories(dir.resolve("outside")), "a mount point");
    }

    @Test
    void wipe_leavesABindMountOfAnotherFileSystemInsideTheTreeUntouched() throws Exception {
      Path tmpfs = Files.createTempDirectory(Path.of("/dev/shm"), "kinko-wipe-test-");
      try {
        wipe_leavesABindMountUntouched(tmpfs, "a mount point");
      } finally {
        try (var files = Files.walk(tmpfs)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }

    private void wipe_leavesABindMountUntouched(Path outside, String reason) throws Exception {
      Files.createDirectories(outside.resolve("deep"));
      Files.writeString(outside.resolve("他社の名簿.csv"), "not ours\n");
      Files.write(outside.resolve("deep").resolve("x.bin"), new byte[4096]);
      Map<String, String> outsideBefore = tree(outside);
      Path mountPoint = Files.createDirectories(folder.resolve("sub").resolve("mnt"));
      Cli.Result dryRun;
      Cli.Result result;
      Map<String, String> throughTheMount;
      mount("--bind", outside.toString(), mountPoint.toString());
      try {
        dryRun = cli.run("wipe", folder.toString(), "--dry-run", "--cert-out", certs.toString());
        result = cli.run("wipe", "--yes", folder.toString(), "--cert-out", certs.toString());
        throughTheMount = tree(mountPoint);
      } finally {
        mount("-u", mountPoint.toString());
      }

      assertTrue(dryRun.out().contains("would leave sub/mnt: " + reason), dryRun::toString);
      assertFalse(dryRun.out().contains("他社の名簿.csv"), dryRun::toString);
      assertEquals(1, result.exit(), "the mount point is left, so the wipe is incomplete: " + result);
      assertTrue(result.err().contains("not wiped " + mountPoint + ": " + reason), result::toString);
      assertEquals(outsideBefore, throughTheMount, "seen through the mount");
      assertEquals(outsideBefore, tree(outside), "seen at its own place");
      assertFalse(Files.exists(folder.resolve("名簿.csv")));
      assertFalse(Files.exists(folder.resolve("sub").resolve("data.bin")));
    }
  }

  @Nested
  class PutWipeSource {
    Path folder;

    @BeforeEach
    void folder() throws IOException {
      folder = dir.resolve("受領");
      Files.createDirectories(folder);
      Files.writeString(folder.resolve("申請書.txt"), "氏名: 山田太郎\n");
    }

    @Test
    void withoutATerminalOrYes_exits2_andNeitherStoresNorWipes() throws IOException {
      Map<String, String> before = tree(folder);

      Cli.Result result = cli.run("put", folder.toString(), "受領", "--wipe-source", "--cert-out", certs.toString());

      assertEquals(2, result.exit(), result::toString);
      assertEquals(before, tree(folder));
      assertEquals(List.of(), stored());
    }

    @Test
    void dryRun_listsWhatWouldBeWiped_andNeitherStoresNorWipes() throws IOException {
      Map<String, String> before = tree(folder);

      Cli.Result result = cli.run("put", folder.toString(), "受領", "--wipe-source", "--dry-run", "--cert-out", certs.toString());

      assertEquals(0, result.exit(), result::toString);
      assertTrue(result.out().contains("申請書.txt"), result::toString);
      assertEquals(before, tree(folder));
      assertEquals(List.of(), stored());
    }

    @Test
    void onATerminal_asksBeforeStoring() {
      Cli.ScriptedTerminal no = new Cli.ScriptedTerminal("n");

      Cli.Result result = cli.terminal(no).run("put", folder.toString(), "受領", "--wipe-source", "--cert-out", certs.toString());

      assertEquals(2, result.exit(), result::toString);
      assertTrue(no.prompts.get(0).startsWith("store in 受領 and then wipe 1 file, "), no.prompts::toString);
      assertEquals(List.of(), stored());
    }

    @Test
    void yesOrDryRun_withoutWipeSource_exits2() {
      assertEquals(2, cli.run("put", folder.toString(), "--yes").exit());
      assertEquals(2, cli.run("put", folder.toString(), "--dry-run").exit());
    }
  }

  // --- helpers

  private void put(String name, String vaultPath, String content) throws IOException {
    Path source = dir.resolve("src").resolve(name);
    Files.createDirectories(source.getParent());
    Files.writeString(source, content, StandardCharsets.UTF_8);
    ok(cli.run("put", source.toString(), vaultPath));
  }

  /** The vault paths stored now, as the administrator lists them. */
  private List<String> stored() {
    return JsonParser.parseString(ok(cli.terminal(null).run("ls", "--json")).out()).getAsJsonObject()
        .getAsJsonArray("files").asList().stream()
        .map(e -> e.getAsJsonObject().get("path").getAsString()).sorted().toList();
  }

  /** The action of every log entry, oldest first. */
  private List<String> log() {
    return JsonParser.parseString(ok(cli.terminal(null).run("log", "show", "--json")).out()).getAsJsonObject()
        .getAsJsonArray("entries").asList().stream()
        .map(e -> e.getAsJsonObject().get("action").getAsString()).toList();
  }

  private static void assertOnlyReadsAdded(List<String> before, List<String> after) {
    assertEquals(before, after.subList(0, before.size()), "the log's earlier entries");
    List<String> added = after.subList(before.size(), after.size());
    assertTrue(READ_ACTIONS.containsAll(added), () -> "entries other than reads: " + added);
  }

  private static void assertRefused(Cli.Result result, String reason) {
    assertEquals(2, result.exit(), result::toString);
    assertTrue(result.err().contains(reason), () -> "'" + reason + "' missing: " + result);
  }

  /** Every entry below {@code root} (not following links) with the SHA-256 of each file's bytes. */
  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
        entries.put(root.relativize(d) + "/", "folder");
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        entries.put(root.relativize(file).toString(), attrs.isRegularFile() ? sha256(Files.readAllBytes(file)) : "other");
        return FileVisitResult.CONTINUE;
      }
    });
    return entries;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Runs {@code mount ARGS} (or {@code umount} for {@code -u}). Fails, never skips, where the
   * container does not allow it: the one-file-system rule would otherwise go untested.
   */
  private static void mount(String... args) throws IOException, InterruptedException {
    List<String> command = args[0].equals("-u") ? List.of("umount", args[1])
        : java.util.stream.Stream.concat(java.util.stream.Stream.of("mount"), java.util.Arrays.stream(args)).toList();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      fail(String.join(" ", command) + " failed (" + output.strip() + "): this test needs root and a container that allows "
          + "bind mounts to check that wipe stays on one file system; it must not be skipped");
    }
  }
}
