package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the CLI speaks: times, help, -q and -v, progress, status, and what a folder's get logs. */
class CliOutputTest {
  @TempDir Path dir;
  Path vault;
  Cli cli;

  @BeforeEach
  void vault() throws IOException {
    vault = dir.resolve("vault");
    cli = Cli.forVault(vault);
    Path source = Files.createDirectories(dir.resolve("案件/申請書"));
    Files.writeString(source.resolve("山田太郎.txt"), "氏名: 山田太郎\n", StandardCharsets.UTF_8);
    Files.writeString(source.resolve("鈴木.txt"), "氏名: 鈴木\n", StandardCharsets.UTF_8);
  }

  private static Cli.Result ok(Cli.Result result) {
    assertEquals(0, result.exit(), result::toString);
    return result;
  }

  @Nested
  class Times_ {
    @Test
    void json_isUtcWithExactlyThreeDigitsOfMilliseconds() {
      assertEquals("2028-03-31T15:00:00.000Z", Times.json(Instant.parse("2028-03-31T15:00:00Z")));
      assertEquals("2028-03-31T15:00:00.123Z", Times.json(Instant.parse("2028-03-31T15:00:00.123456789Z")));
    }

    @Test
    void human_isTheContractsZoneWithItsOffset() {
      assertEquals("2028-04-01 00:00 +09:00", Times.human(Instant.parse("2028-03-31T15:00:00Z")));
      assertEquals("2028-04-01 00:00:07 +09:00", Times.humanSeconds(Instant.parse("2028-03-31T15:00:07.900Z")));
    }

    @Test
    void humanInText_rewritesEveryUtcInstantOfAMessage() {
      assertEquals("entries logged before 2028-04-01 00:00 +09:00 must be kept until 2029-04-01 00:00 +09:00 (x)",
          Times.humanInText("entries logged before 2028-03-31T15:00:00Z must be kept until 2029-03-31T15:00:00Z (x)"));
      assertEquals("no time here", Times.humanInText("no time here"));
    }

    @Test
    void lsAndLogShow_showTimesInJapanTimeWithTheOffset() {
      cli.init();
      ok(cli.run("put", dir.resolve("案件").toString(), "案件"));

      String ls = ok(cli.run("ls")).out();
      String log = ok(cli.run("log", "show")).out();

      assertTrue(ls.lines().skip(1).allMatch(l -> l.matches(".*\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} \\+09:00.*")), ls);
      assertTrue(log.lines().skip(1).allMatch(l -> l.matches(".*\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\+09:00.*")), log);
      assertFalse(ls.contains("Z ") || log.matches("(?s).*T\\d{2}:\\d{2}:\\d{2}Z.*"), ls + log);
    }

    @Test
    void pruneRefusal_saysTheDatesInJapanTime() {
      cli.init();
      String tomorrow = LocalDate.now(TimeArgument.ZONE).plusDays(1).toString();

      Cli.Result refused = cli.run("log", "prune", "--before", tomorrow);

      assertEquals(6, refused.exit(), refused::toString);
      // the contract ends 2027-03-31, so the log is kept to the end of 2028-03-31 in Japan
      assertTrue(refused.err().contains("logged before " + tomorrow + " 00:00 +09:00 must be kept until 2028-04-01 00:00 +09:00"),
          refused::toString);
    }
  }

  @Nested
  class Help {
    @Test
    void helpCommand_showsTheNamedCommandsUsage() {
      Cli.Result help = ok(new Cli().run("help", "put"));

      assertTrue(help.out().contains("Usage: kinko put"), help::toString);
      assertTrue(help.out().contains("--wipe-source"), help::toString);
    }

    @Test
    void helpAlone_listsTheCommandsAndExits0() {
      Cli.Result help = ok(new Cli().run("help"));

      assertTrue(help.out().contains("Usage: kinko"), help::toString);
      assertTrue(help.out().contains("status"), help::toString);
    }

    @Test
    void help_listsTheDatabaseVariablesInTheEnvironment() {
      String help = ok(new Cli().run("--help")).out();

      for (String variable : List.of("KINKO_DB_USER", "KINKO_DB_PASSWORD_FILE", "KINKO_DB_PASSWORD", "KINKO_DB_URL")) {
        assertTrue(help.contains(variable), variable + " missing from\n" + help);
      }
    }

    @Test
    void help_wrapsToColumns() {
      String wide = ok(new Cli().env("COLUMNS", "140").run("put", "--help")).out();
      String narrow = ok(new Cli().env("COLUMNS", "60").run("put", "--help")).out();

      int widest = wide.lines().mapToInt(String::length).max().orElse(0);
      assertTrue(widest > 80 && widest <= 140, "widest line " + widest + " of\n" + wide);
      assertTrue(narrow.lines().allMatch(l -> l.length() <= 60), narrow);
    }

    @Test
    void helpWidth_isColumnsElseTheTerminalsElse80() {
      assertEquals(100, Kinko.helpWidth("100", () -> 120));
      assertEquals(120, Kinko.helpWidth(null, () -> 120));
      assertEquals(120, Kinko.helpWidth("wide", () -> 120));
      assertEquals(80, Kinko.helpWidth(null, () -> null));
      assertEquals(Kinko.MIN_HELP_WIDTH, Kinko.helpWidth("20", () -> null));
    }
  }

  @Nested
  class QuietAndVerbose {
    @Test
    void quiet_printsNothingOnSuccess_butStillTheListing() {
      cli.init();

      Cli.Result put = ok(cli.run("put", "-q", dir.resolve("案件").toString(), "案件"));
      Cli.Result ls = ok(cli.run("ls", "-q"));

      assertEquals("", put.out() + put.err(), put::toString);
      assertTrue(ls.out().contains("案件/申請書/山田太郎.txt"), ls::toString);
    }

    @Test
    void verbose_saysEachStepOnStderr() {
      cli.init();

      Cli.Result put = ok(cli.run("put", "-v", dir.resolve("案件").toString(), "案件"));

      assertTrue(put.err().contains("kinko: opening the vault") && put.err().contains("kinko: logging in as admin")
          && put.err().contains("kinko: storing"), put::toString);
      assertTrue(put.out().startsWith("stored 2 files"), put::toString);
    }

    @Test
    void quietAndVerboseTogether_isAUsageError() {
      cli.init();

      Cli.Result both = cli.run("ls", "-q", "-v");

      assertEquals(2, both.exit(), both::toString);
    }
  }

  @Nested
  class Progress_ {
    @Test
    void onATerminal_putAndGetShowFilesAndARateWithALeadingDigit() {
      cli.init();

      Cli.Result put = ok(cli.stderrIsTerminal(true).run("put", dir.resolve("案件").toString(), "案件"));
      Cli.Result get = ok(cli.run("get", "案件", "-o", dir.resolve("out").toString()));

      assertTrue(put.err().contains("put") && put.err().contains("2 files"), put::toString);
      assertTrue(get.err().contains("2/2 files"), get::toString);
      assertFalse((put.err() + get.err()).matches("(?s).*[^0-9]\\.\\d+MiB/s.*"), put.err() + get.err());
    }

    @Test
    void onATerminal_rmR_countsTheFilesDeleted_ofTheFilesListed() {
      cli.init();
      ok(cli.run("put", dir.resolve("案件").toString(), "案件"));
      ok(cli.run("put", dir.resolve("案件").toString(), "案件")); // a second version of each: the bar counts files

      Cli.Result rm = ok(cli.stderrIsTerminal(true).run("rm", "-r", "--yes", "案件", "--cert-out", dir.toString()));

      assertTrue(rm.err().contains("rm -r") && rm.err().contains("2/2 files"), rm::toString);
      assertFalse(rm.err().contains("/? files"), rm::toString); // the total is known from a listing
    }

    @Test
    void onATerminal_wipe_countsTheFilesWiped_ofTheFilesItWillWipe() throws IOException {
      cli.init();
      Path folder = dir.resolve("案件");
      Files.createLink(folder.resolve("申請書/控え.txt"), Files.writeString(dir.resolve("控え.txt"), "other name"));

      Cli.Result wipe = cli.stderrIsTerminal(true).terminal(new Cli.ScriptedTerminal("y"))
          .run("wipe", folder.toString(), "--cert-out", dir.toString());

      assertEquals(1, wipe.exit(), wipe::toString); // the hard-linked file is left, and counted in neither number
      assertTrue(wipe.err().contains("wipe") && wipe.err().contains("2/2 files"), wipe::toString);
      assertFalse(Files.exists(folder.resolve("申請書/山田太郎.txt")), wipe::toString);
    }

    @Test
    void onATerminal_logVerify_countsEntriesToTheLogsSize_andDisposeCountsBlobs() {
      cli.init();
      ok(cli.run("put", dir.resolve("案件").toString(), "案件"));

      Cli.Result verify = ok(cli.stderrIsTerminal(true).run("log", "verify"));
      Cli.Result dispose = ok(cli.run("dispose", "--archive-to", dir.resolve("final").toString(), "--overwrite", "--yes"));

      java.util.regex.Matcher entries = java.util.regex.Pattern.compile("(\\d+)/(\\d+) entries").matcher(verify.err());
      String last = null;
      while (entries.find()) {
        last = entries.group(1) + "/" + entries.group(2);
      }
      assertTrue(last != null && last.split("/")[0].equals(last.split("/")[1]) && Integer.parseInt(last.split("/")[0]) > 2,
          () -> "the bar ends at the log's size: " + verify);
      assertTrue(dispose.err().contains("dispose") && dispose.err().contains("2/2 blobs"), dispose::toString);
    }

    @Test
    void underJsonOrQuiet_orWithoutATerminal_noBarIsDrawn() {
      cli.init();

      Cli.Result json = ok(cli.stderrIsTerminal(true).run("put", "--json", dir.resolve("案件").toString(), "a"));
      Cli.Result quiet = ok(cli.run("put", "-q", dir.resolve("案件").toString(), "b"));
      Cli.Result plain = ok(cli.stderrIsTerminal(false).run("put", dir.resolve("案件").toString(), "c"));

      assertEquals("", json.err() + quiet.err() + plain.err());
    }
  }

  @Nested
  class Status {
    @Test
    void status_namesTheVaultItsContractBackendLogAndModes() {
      cli.init();
      ok(cli.run("checkpoint"));

      JsonObject status = JsonParser.parseString(ok(cli.run("status", "--json")).out()).getAsJsonObject();
      String text = ok(cli.run("status")).out();

      assertTrue(status.get("vaultId").getAsString().matches("[0-9a-f]{32}"), status::toString);
      assertEquals("R7-0042", status.getAsJsonObject("contract").get("id").getAsString());
      assertEquals("2028-03-31", status.get("retentionUntil").getAsString());
      assertEquals("h2", status.get("backend").getAsString());
      assertEquals(1, status.get("users").getAsInt());
      assertEquals(1, status.get("grants").getAsInt());
      assertTrue(status.getAsJsonObject("log").get("size").getAsLong() > 0, status::toString);
      assertFalse(status.getAsJsonObject("log").get("checkpointAt").isJsonNull(), status::toString);
      assertEquals("0700", status.getAsJsonObject("modes").get("folder").getAsString());
      assertEquals(0, status.getAsJsonObject("modes").get("tooOpen").getAsInt());
      assertEquals(0, status.getAsJsonArray("attention").size(), status::toString);
      assertTrue(text.contains("attention  nothing") && text.contains("+09:00"), text);
    }

    @Test
    void status_withAFileOpenToOthers_saysItNeedsAttention() throws IOException {
      cli.init();
      Files.setPosixFilePermissions(vault.resolve("kinko.json"), PosixFilePermissions.fromString("rw-r--r--"));

      JsonObject status = JsonParser.parseString(ok(cli.run("status", "--json")).out()).getAsJsonObject();

      assertEquals(1, status.getAsJsonObject("modes").get("tooOpen").getAsInt(), status::toString);
      assertEquals("kinko.json", status.getAsJsonObject("modes").getAsJsonArray("tooOpenPaths").get(0).getAsString());
      JsonArray attention = status.getAsJsonArray("attention");
      assertTrue(attention.size() == 1 && attention.get(0).getAsString().contains("open to others"), status::toString);
    }
  }

  @Nested
  class GetAFolder {
    @Test
    void getOfAFolder_logsOneGetPerFileAndNoSpuriousNotFound() {
      cli.init();
      ok(cli.run("put", dir.resolve("案件").toString(), "案件"));

      ok(cli.run("get", "案件", "-o", dir.resolve("out").toString()));
      JsonArray entries = JsonParser.parseString(ok(cli.run("log", "show", "--json", "--action", "GET")).out())
          .getAsJsonObject().getAsJsonArray("entries");

      assertEquals(2, entries.size(), entries::toString);
      for (JsonElement e : entries) {
        assertEquals("ALLOW", e.getAsJsonObject().get("decision").getAsString());
        assertFalse(e.getAsJsonObject().get("fileId").isJsonNull(), "a GET entry without a file: " + e);
      }
    }

    @Test
    void getOfAMissingPath_isStillLoggedAsAGetAndSaysNoFileOrFolder() {
      cli.init();

      Cli.Result missing = cli.run("get", "nothing/here", "-o", dir.resolve("x").toString());
      JsonArray entries = JsonParser.parseString(ok(cli.run("log", "show", "--json", "--action", "GET")).out())
          .getAsJsonObject().getAsJsonArray("entries");

      assertEquals(1, missing.exit(), missing::toString);
      assertTrue(missing.err().contains("no file or folder at 'nothing/here'"), missing::toString);
      assertEquals(1, entries.size(), entries::toString);
    }
  }
}
