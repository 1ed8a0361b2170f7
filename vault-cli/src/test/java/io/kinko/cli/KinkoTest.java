package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code kinko} command end to end, in-process: what a worker types and what they get back. */
class KinkoTest {
  @TempDir Path dir;
  Path vault;
  Path source;
  Cli cli;

  /** A folder with Japanese names, an empty file and a file spanning several 1 MiB segments. */
  @BeforeEach
  void sourceFolder() throws IOException {
    vault = dir.resolve("vault");
    cli = Cli.forVault(vault);
    source = dir.resolve("案件");
    Files.createDirectories(source.resolve("申請書"));
    Files.writeString(source.resolve("申請書/山田太郎.txt"), "氏名: 山田太郎\n住所: テスト市1-2-3\n", StandardCharsets.UTF_8);
    Files.write(source.resolve("空.txt"), new byte[0]);
    Files.write(source.resolve("scan.bin"), randomBytes(42, 2_500_000));
  }

  @Nested
  @DisplayName("init")
  class Init {
    @Test
    void init_printsTheVaultIdAndWritesTheDescriptor() throws IOException {
      Cli.Result result = cli.run("init", "--contract-id", "R7-0042", "--client", "テスト市", "--contractor", "金庫株式会社",
          "--contract-end", "2027-03-31", "--admin", "admin", "--password-cost", "minimum");

      assertEquals(0, result.exit(), result::toString);
      String id = result.out().strip();
      assertTrue(id.matches("[0-9a-f]{32}"), result::toString);
      String descriptor = Files.readString(vault.resolve("kinko.json"), StandardCharsets.UTF_8);
      assertTrue(descriptor.contains(id) && descriptor.contains("2027-03-31") && descriptor.contains("テスト市"), descriptor);
    }

    @Test
    void init_withImpossibleContractEnd_exits2WithoutCreatingAVault() {
      for (String bad : List.of("2027-02-30", "31/03/2027", "2027-3-31", "next year")) {
        Cli.Result result = cli.run("init", "--contract-id", "R7-0042", "--client", "A", "--contractor", "B",
            "--contract-end", bad, "--admin", "admin", "--password-cost", "minimum");

        assertEquals(2, result.exit(), result::toString);
        assertTrue(result.err().contains("--contract-end '" + bad + "' is not a date"), result::toString);
        assertFalse(Files.exists(vault), "a vault was created for contract end " + bad);
      }
    }

    @Test
    void init_withPasswordShorterThan12Characters_exits2() {
      Cli.Result result = cli.env("KINKO_PASSWORD", "elevenchars").run("init", "--contract-id", "C", "--client", "A",
          "--contractor", "B", "--contract-end", "2027-03-31", "--admin", "admin", "--password-cost", "minimum");

      assertEquals(2, result.exit(), result::toString);
      assertTrue(result.err().contains("at least 12 characters"), result::toString);
      assertFalse(Files.exists(vault.resolve("kinko.json")));
    }

    @Test
    void init_onATerminal_asksTwiceAndRefusesDifferentAnswers() {
      Cli.ScriptedTerminal terminal = new Cli.ScriptedTerminal("correct horse battery staple", "correct horse battery stapel");
      Cli.Result result = cli.env("KINKO_PASSWORD", null).terminal(terminal).run("init", "--contract-id", "C", "--client", "A",
          "--contractor", "B", "--contract-end", "2027-03-31", "--admin", "admin", "--password-cost", "minimum");

      assertEquals(2, result.exit(), result::toString);
      assertEquals(2, terminal.prompts.size(), terminal.prompts::toString);
      assertTrue(result.err().contains("do not match"), result::toString);
      assertFalse(Files.exists(vault.resolve("kinko.json")));
    }

    @Test
    void init_onATerminal_withMatchingAnswers_createsAVaultThatOpensWithThatPassword() {
      Cli.ScriptedTerminal terminal = new Cli.ScriptedTerminal(Cli.PASSWORD, Cli.PASSWORD);
      Cli.Result init = cli.env("KINKO_PASSWORD", null).terminal(terminal).run("init", "--contract-id", "C", "--client", "A",
          "--contractor", "B", "--contract-end", "2027-03-31", "--admin", "admin", "--password-cost", "minimum");
      assertEquals(0, init.exit(), init::toString);

      Cli.Result ls = Cli.forVault(vault).run("ls");
      assertEquals(0, ls.exit(), ls::toString);
    }

    @Test
    void init_intoAFolderThatIsNotEmpty_exits1AndLeavesItAlone() throws IOException {
      Files.createDirectories(vault);
      Files.writeString(vault.resolve("notes.txt"), "mine");

      Cli.Result result = cli.run("init", "--contract-id", "C", "--client", "A", "--contractor", "B",
          "--contract-end", "2027-03-31", "--admin", "admin", "--password-cost", "minimum");

      assertEquals(1, result.exit(), result::toString);
      assertTrue(result.err().startsWith("kinko: ") && result.err().contains("not empty"), result::toString);
      assertEquals(List.of(vault.resolve("notes.txt")), list(vault));
    }
  }

  @Nested
  @DisplayName("put, ls, get")
  class RoundTrip {
    @BeforeEach
    void init() {
      cli.init();
    }

    @Test
    void put_ofAFolder_storesEveryFileAndPrintsASummary() {
      Cli.Result result = cli.run("put", source.toString());

      assertEquals(0, result.exit(), result::toString);
      assertEquals(List.of("stored 3 files, " + (2_500_000 + size(source.resolve("申請書/山田太郎.txt"))) + " bytes"),
          result.outLines());
      assertEquals("", result.err());
    }

    @Test
    void ls_listsEachFileWithSizeStoredTimeAndVersion() throws IOException {
      cli.run("put", source.toString());

      Cli.Result result = cli.run("ls");

      assertEquals(0, result.exit(), result::toString);
      List<String> lines = result.outLines();
      assertEquals(4, lines.size(), result::toString);
      assertTrue(lines.get(0).matches(" *SIZE +STORED +VERSION +PATH"), lines.get(0));
      long nameSize = size(source.resolve("申請書/山田太郎.txt"));
      assertTrue(lines.get(1).matches(" *2500000  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\+09:00 +1  案件/scan.bin"), lines.get(1));
      assertTrue(lines.get(2).matches(" *" + nameSize + "  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\+09:00 +1  案件/申請書/山田太郎.txt"), lines.get(2));
      assertTrue(lines.get(3).matches(" *0  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\+09:00 +1  案件/空.txt"), lines.get(3));
    }

    @Test
    void ls_afterASecondPut_showsVersion2() {
      cli.run("put", source.resolve("空.txt").toString(), "空.txt");
      cli.run("put", source.resolve("空.txt").toString(), "空.txt");

      Cli.Result result = cli.run("ls", "空.txt");

      assertEquals(0, result.exit(), result::toString);
      assertTrue(result.outLines().get(1).matches(" *0  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\+09:00 +2  空.txt"), result::toString);
    }

    @Test
    void ls_json_printsFilesWithPathSizeStoredAtVersionAndFileId() {
      cli.run("put", source.toString());

      Cli.Result result = cli.run("ls", "--json", "案件/申請書");

      assertEquals(0, result.exit(), result::toString);
      JsonArray array = JsonParser.parseString(result.out()).getAsJsonObject().getAsJsonArray("files");
      assertEquals(1, array.size(), result::toString);
      JsonObject file = array.get(0).getAsJsonObject();
      assertEquals("案件/申請書/山田太郎.txt", file.get("path").getAsString());
      assertEquals(size(source.resolve("申請書/山田太郎.txt")), file.get("size").getAsLong());
      assertEquals(1, file.get("version").getAsInt());
      assertTrue(file.get("storedAt").getAsString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), file.toString());
      assertTrue(file.get("fileId").getAsString().matches("[0-9a-f]{32}"), file.toString());
    }

    @Test
    void ls_ofAPathWithNothingStored_exits1() {
      Cli.Result result = cli.run("ls", "どこにもない");

      assertEquals(1, result.exit(), result::toString);
      assertTrue(result.err().contains("no file or folder at 'どこにもない'"), result::toString);
    }

    @Test
    void get_ofAFile_writesTheSameBytes() throws IOException {
      cli.run("put", source.toString());
      Path out = dir.resolve("out.txt");

      Cli.Result result = cli.run("get", "案件/申請書/山田太郎.txt", "-o", out.toString());

      assertEquals(0, result.exit(), result::toString);
      assertArrayEquals(Files.readAllBytes(source.resolve("申請書/山田太郎.txt")), Files.readAllBytes(out));
      List<Path> entries = list(dir);
      assertTrue(entries.stream().noneMatch(p -> p.getFileName().toString().endsWith(".partial")), entries::toString);
    }

    @Test
    void get_ofAFile_logsOneGetAndNoListing_andOfAFolder_oneListAndAGetPerFile() {
      cli.run("put", source.toString());
      long before = LogCommandsTest.rows(cli.run("log", "show")).size();

      assertEquals(0, cli.run("get", "案件/申請書/山田太郎.txt", "-o", dir.resolve("one.txt").toString()).exit());
      assertEquals(0, cli.run("get", "案件/申請書", "-o", dir.resolve("folder").toString()).exit());

      List<String> logged = LogCommandsTest.rows(cli.run("log", "show")).stream().skip(before) // the first show listed its own LOG_SHOW
          .map(r -> r.action() + " " + r.decision()).toList();
      assertEquals(List.of("LOGIN ALLOW", "GET ALLOW", "LOGIN ALLOW", "LIST ALLOW", "GET ALLOW", "LOGIN ALLOW", "LOG_SHOW ALLOW"), logged);
    }

    @Test
    void get_ofAFileIntoAnExistingFolder_writesItUnderItsOwnName() throws IOException {
      cli.run("put", source.toString());
      Path folder = Files.createDirectory(dir.resolve("受信"));

      Cli.Result result = cli.run("get", "案件/scan.bin", "-o", folder.toString());

      assertEquals(0, result.exit(), result::toString);
      assertArrayEquals(Files.readAllBytes(source.resolve("scan.bin")), Files.readAllBytes(folder.resolve("scan.bin")));
      assertEquals(List.of(folder.resolve("scan.bin")), list(folder));
    }

    @Test
    void get_toStdout_streamsTheContent() throws IOException {
      cli.run("put", source.toString());

      Cli.Result result = cli.run("get", "案件/scan.bin", "-o", "-");

      assertEquals(0, result.exit(), result::toString);
      assertArrayEquals(Files.readAllBytes(source.resolve("scan.bin")), result.outBytes());
    }

    @Test
    void get_ofAFolder_recreatesEveryFileByteForByte() throws IOException {
      cli.run("put", source.toString());
      Path out = dir.resolve("restored");

      Cli.Result result = cli.run("get", "案件", "-o", out.toString());

      assertEquals(0, result.exit(), result::toString);
      assertEquals(tree(source), tree(out));
      // scan.bin reaches its file as the segments' buffers (a channel): its bytes are counted all the same
      long bytes = 2_500_000 + size(source.resolve("申請書/山田太郎.txt"));
      assertTrue(result.out().startsWith("wrote 3 files, " + bytes + " bytes"), result::toString);
    }

    @Test
    void get_ofTheWholeVault_recreatesEveryFile() throws IOException {
      cli.run("put", source.toString());
      cli.run("put", source.resolve("空.txt").toString(), "top.txt");
      Path out = dir.resolve("all");

      Cli.Result result = cli.run("get", ".", "-o", out.toString());

      assertEquals(0, result.exit(), result::toString);
      assertEquals(tree(source), tree(out.resolve("案件")));
      assertTrue(Files.isRegularFile(out.resolve("top.txt")));
    }

    @Test
    void get_ofAFolderIntoAFolderThatIsNotEmpty_exits2AndWritesNothing() throws IOException {
      cli.run("put", source.toString());
      Path out = Files.createDirectory(dir.resolve("busy"));
      Files.writeString(out.resolve("keep.txt"), "mine");

      Cli.Result result = cli.run("get", "案件", "-o", out.toString());

      assertEquals(2, result.exit(), result::toString);
      assertEquals(List.of(out.resolve("keep.txt")), list(out));
    }

    @Test
    void run_thePublicEntryPoint_usesOnlyTheEnvironmentAndStreamsItIsGiven() {
      cli.run("put", source.resolve("空.txt").toString());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Map<String, String> env = Map.of("KINKO_VAULT", vault.toString(), "KINKO_USER", Cli.USER, "KINKO_PASSWORD", Cli.PASSWORD);

      int exit = Kinko.run(new String[] {"ls", "--json"}, env, new ByteArrayInputStream(new byte[0]),
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

      assertEquals(0, exit, () -> err.toString(StandardCharsets.UTF_8));
      assertEquals("空.txt", JsonParser.parseString(out.toString(StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonArray("files").get(0)
          .getAsJsonObject().get("path").getAsString());
    }

    @Test
    void put_withThePasswordOnlyInAPasswordFile_works() throws IOException {
      Path file = dir.resolve("password.txt");
      Files.write(file, (Cli.PASSWORD + "\r\nsecond line is ignored\n").getBytes(StandardCharsets.UTF_8));
      Cli onlyFile = Cli.forVault(vault).env("KINKO_PASSWORD", null);

      Cli.Result put = onlyFile.run("put", "--password-file", file.toString(), source.toString());
      Cli.Result ls = onlyFile.run("ls", "--password-file", file.toString());

      assertEquals(0, put.exit(), put::toString);
      assertEquals(4, ls.outLines().size(), ls::toString);
    }

    @Test
    void passwordFileDash_readsThePasswordFromStandardInput() {
      Cli.Result result = Cli.forVault(vault).env("KINKO_PASSWORD", null).stdin(Cli.PASSWORD + "\n").run("ls", "--password-file", "-");

      assertEquals(0, result.exit(), result::toString);
    }
  }

  @Nested
  @DisplayName("failures")
  class Failures {
    @BeforeEach
    void init() {
      cli.init();
      Cli.Result put = cli.run("put", source.toString());
      assertEquals(0, put.exit(), put::toString);
    }

    @Test
    void get_withWrongPassword_exits3AndWritesNothing() throws IOException {
      Path out = dir.resolve("out");
      Files.createDirectory(out);

      Cli.Result result = cli.env("KINKO_PASSWORD", "wrong horse battery staple").run("get", "案件/scan.bin", "-o", out.resolve("scan.bin").toString());

      assertEquals(3, result.exit(), result::toString);
      assertTrue(result.err().startsWith("kinko: authentication failed"), result::toString);
      assertEquals(List.of(), list(out));
    }

    @Test
    void get_withUnknownUser_exits3() {
      Cli.Result result = cli.env("KINKO_USER", "mallory").run("ls");

      assertEquals(3, result.exit(), result::toString);
    }

    @Test
    void get_ofABlobWithAByteFlippedInTheMiddle_exits5AndLeavesNoOutputAndNoTempFile() throws IOException {
      Path blob = blobOf("案件/scan.bin");
      byte[] bytes = Files.readAllBytes(blob);
      bytes[bytes.length / 2] ^= 0x40;
      Files.write(blob, bytes);
      Path out = Files.createDirectory(dir.resolve("out"));

      Cli.Result result = cli.run("get", "案件/scan.bin", "-o", out.resolve("scan.bin").toString());

      assertEquals(5, result.exit(), result::toString);
      assertTrue(result.err().startsWith("kinko: file ") && result.err().contains("integrity"), result::toString);
      assertFalse(result.err().contains("at io.kinko"), "stack trace without --debug:\n" + result.err());
      assertEquals(List.of(), list(out));
    }

    @Test
    void get_ofAFlippedBlob_leavesAnExistingOutputFileUntouched() throws IOException {
      Path blob = blobOf("案件/scan.bin");
      byte[] bytes = Files.readAllBytes(blob);
      bytes[bytes.length / 2] ^= 0x01;
      Files.write(blob, bytes);
      Path out = Files.createDirectory(dir.resolve("out"));
      Files.writeString(out.resolve("scan.bin"), "the old copy");

      Cli.Result result = cli.run("get", "案件/scan.bin", "-o", out.resolve("scan.bin").toString());

      assertEquals(5, result.exit(), result::toString);
      assertEquals("the old copy", Files.readString(out.resolve("scan.bin")));
      assertEquals(List.of(out.resolve("scan.bin")), list(out));
    }

    @Test
    void get_ofATruncatedBlob_exits5() throws IOException {
      Path blob = blobOf("案件/scan.bin");
      byte[] bytes = Files.readAllBytes(blob);
      Files.write(blob, java.util.Arrays.copyOf(bytes, bytes.length - 1000));
      Path out = Files.createDirectory(dir.resolve("out"));

      Cli.Result result = cli.run("get", "案件/scan.bin", "-o", out.resolve("scan.bin").toString());

      assertEquals(5, result.exit(), result::toString);
      assertEquals(List.of(), list(out));
    }

    @Test
    void get_ofAFolderWithOneFlippedBlob_writesTheOthersAndExits5() throws IOException {
      Path blob = blobOf("案件/scan.bin");
      byte[] bytes = Files.readAllBytes(blob);
      bytes[bytes.length / 2] ^= 0x01;
      Files.write(blob, bytes);
      Path out = dir.resolve("restored");

      Cli.Result result = cli.run("get", "案件", "-o", out.toString());

      assertEquals(5, result.exit(), result::toString);
      assertTrue(result.err().contains("cannot get 案件/scan.bin"), result::toString);
      Map<String, String> expected = tree(source);
      expected.remove("scan.bin");
      assertEquals(expected, tree(out));
    }

    @Test
    void debug_printsTheStackTrace() throws IOException {
      Path blob = blobOf("案件/scan.bin");
      Files.write(blob, new byte[10]);

      Cli.Result result = cli.run("get", "--debug", "案件/scan.bin", "-o", dir.resolve("x").toString());

      assertEquals(5, result.exit(), result::toString);
      assertTrue(result.err().contains("io.kinko.vault.IntegrityException"), result::toString);
    }

    @Test
    void vaultPathsWithDotDotOrAbsolute_exit2() {
      for (String bad : List.of("../etc/passwd", "案件/../案件/scan.bin", "/案件/scan.bin", "/")) {
        Cli.Result get = cli.run("get", bad, "-o", dir.resolve("x").toString());
        Cli.Result ls = cli.run("ls", bad);
        Cli.Result put = cli.run("put", source.resolve("空.txt").toString(), bad);

        assertEquals(2, get.exit(), () -> bad + ": " + get);
        assertEquals(2, ls.exit(), () -> bad + ": " + ls);
        assertEquals(2, put.exit(), () -> bad + ": " + put);
        assertTrue(get.err().startsWith("kinko: vault path"), get::toString);
        assertFalse(Files.exists(dir.resolve("x")));
      }
    }

    @Test
    void put_ofASourceThatDoesNotExist_exits1WithAMessage() {
      Path missing = dir.resolve("ない.txt");

      Cli.Result result = cli.run("put", missing.toString());

      assertEquals(1, result.exit(), result::toString);
      assertTrue(result.err().startsWith("kinko: cannot read " + missing), result::toString);
      assertTrue(result.err().contains("no such file"), result::toString);
    }

    @Test
    void put_ofAFolderWithASymbolicLink_reportsTheLinkStoresTheRestAndExits1() throws IOException {
      Path folder = Files.createDirectory(dir.resolve("リンク付き"));
      Files.writeString(folder.resolve("本物.txt"), "real");
      Path link = Files.createSymbolicLink(folder.resolve("link.txt"), source.resolve("申請書/山田太郎.txt"));

      Cli.Result result = cli.run("put", folder.toString());

      assertEquals(1, result.exit(), result::toString);
      assertEquals("skipped " + link + ": symbolic link, not followed\n", result.err());
      assertEquals("stored 1 file, 4 bytes\n", result.out());
      List<String> listed = cli.run("ls", "リンク付き").outLines();
      assertEquals(2, listed.size(), listed::toString);
      assertTrue(listed.get(1).endsWith("リンク付き/本物.txt"), listed::toString);
    }

    @Test
    void aFolderThatIsNotAVault_exits1WithNotAKinkoVault() throws IOException {
      Path plain = Files.createDirectory(dir.resolve("plain"));

      Cli.Result result = Cli.forVault(plain).run("ls");

      assertEquals(1, result.exit(), result::toString);
      assertTrue(result.err().contains("not a Kinko vault"), result::toString);
    }

    @Test
    void kinkoJsonEditedByHand_exits5() throws IOException {
      Path descriptor = vault.resolve("kinko.json");
      String json = Files.readString(descriptor, StandardCharsets.UTF_8);
      assertTrue(json.contains("\"2027-03-31\""), json);
      Files.writeString(descriptor, json.replace("\"2027-03-31\"", "\"2026-03-31\""), StandardCharsets.UTF_8);
      Path out = dir.resolve("out.txt");

      Cli.Result result = cli.run("get", "案件/申請書/山田太郎.txt", "-o", out.toString());

      assertEquals(5, result.exit(), result::toString);
      assertTrue(result.err().contains("kinko.json"), result::toString);
      assertFalse(Files.exists(out));
    }

    @Test
    void get_ofAPathWithNothingStored_exits1() {
      Cli.Result result = cli.run("get", "案件/ない.txt", "-o", dir.resolve("x").toString());

      assertEquals(1, result.exit(), result::toString);
      assertTrue(result.err().contains("no file or folder at '案件/ない.txt'"), result::toString);
    }

    @Test
    void withoutAnyPasswordSource_exits2WithAClearMessage() {
      Cli.Result result = cli.env("KINKO_PASSWORD", null).run("ls");

      assertEquals(2, result.exit(), result::toString);
      assertTrue(result.err().contains("no password") && result.err().contains("--password-file"), result::toString);
    }

    @Test
    void aPasswordFileThatDoesNotExist_exits2AndNamesIt() {
      Path missing = dir.resolve("no-such-password.txt");

      Cli.Result result = cli.env("KINKO_PASSWORD", null).run("ls", "--password-file", missing.toString());

      assertEquals(2, result.exit(), result::toString);
      assertTrue(result.err().startsWith("kinko: cannot read the password file: " + missing + ": no such file"), result::toString);
    }

    @Test
    void withoutAVault_exits2() {
      Cli.Result result = cli.env("KINKO_VAULT", null).run("ls");

      assertEquals(2, result.exit(), result::toString);
      assertTrue(result.err().contains("--vault DIR"), result::toString);
    }
  }

  @Nested
  @DisplayName("usage")
  class Usage {
    @Test
    void help_listsEveryCommandAndExitCode() {
      Cli.Result result = cli.run("--help");

      assertEquals(0, result.exit(), result::toString);
      for (String expected : List.of("init", "put", "get", "ls", "Exit codes:", "KINKO_PASSWORD")) {
        assertTrue(result.out().contains(expected), () -> expected + " missing from\n" + result.out());
      }
      for (String command : List.of("init", "user", "grant", "revoke", "acl", "put", "get", "ls", "rm", "wipe", "dispose", "log",
          "checkpoint", "cert", "key")) {
        assertTrue(result.out().matches("(?s).*\\n  " + command + " +\\S.*"), "command " + command + " missing:\n" + result.out());
      }
      for (int code = 0; code <= 6; code++) {
        assertTrue(result.out().matches("(?s).*\\n  " + code + " +\\S.*"), "exit code " + code + " missing:\n" + result.out());
      }
    }

    @Test
    void aCommandLineThatNamesACommand_buildsThatCommandAlone_andHelpBuildsThemAll() {
      Context context = new Context(Map.of(), InputStream.nullInputStream(), System.out, System.err, Terminal.system());

      assertEquals(Set.of("ls"), Kinko.commandLine(context, new String[] {"ls", "--json"}).getSubcommands().keySet());
      assertEquals(Set.of("user"), Kinko.commandLine(context, new String[] {"user", "list"}).getSubcommands().keySet());
      assertEquals(Kinko.COMMANDS.size(), Kinko.commandLine(context, new String[] {"--help"}).getSubcommands().size());
      assertEquals(Kinko.COMMANDS.size(), Kinko.commandLine(context, new String[] {"lss"}).getSubcommands().size());
    }

    @Test
    void unknownOption_exits2() {
      Cli.Result result = cli.run("ls", "--colour");

      assertEquals(2, result.exit(), result::toString);
      assertTrue(result.err().startsWith("kinko: Unknown option: '--colour'"), result::toString);
    }

    @Test
    void passwordAsAnArgument_isNotAnOption() {
      Cli.Result result = cli.run("ls", "--password", Cli.PASSWORD);

      assertEquals(2, result.exit(), result::toString);
    }

    @Test
    void noCommand_exits2() {
      Cli.Result result = cli.run();

      assertEquals(2, result.exit(), result::toString);
      assertTrue(result.err().contains("Commands:"), result::toString);
    }
  }

  /** The blob of the newest version of {@code path}, found through {@code ls --json}. */
  private Path blobOf(String path) {
    Cli.Result ls = cli.run("ls", "--json", path);
    assertEquals(0, ls.exit(), ls::toString);
    String fileId = JsonParser.parseString(ls.out()).getAsJsonObject().getAsJsonArray("files").get(0).getAsJsonObject().get("fileId").getAsString();
    Path blob = vault.resolve("blobs").resolve(fileId.substring(0, 2)).resolve(fileId);
    assertTrue(Files.isRegularFile(blob), blob::toString);
    return blob;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Relative path → SHA-256 of every file below {@code root}, and nothing else (so no temporary files either). */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString().replace('\\', '/'), sha256(Files.readAllBytes(p)));
      }
    }
    return files;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static List<Path> list(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.sorted().toList();
    }
  }

  private static byte[] randomBytes(long seed, int size) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
