package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/** {@code kinko log show|verify|export|prune}, {@code kinko checkpoint} and {@code kinko key export}, in-process. */
class LogCommandsTest {
  @TempDir Path dir;
  Path vault;
  Cli cli;
  Path source;

  @BeforeEach
  void vaultWithOneFile() throws IOException {
    vault = dir.resolve("vault");
    cli = Cli.forVault(vault).init();
    source = dir.resolve("名簿.txt");
    Files.writeString(source, "山田太郎, テスト市1-2-3\n", StandardCharsets.UTF_8);
    ok(cli.run("put", source.toString(), "案件/名簿.txt"));
  }

  // --- log show

  @Test
  void show_afterPutAndGet_listsInitLoginPutAndGetOfTheUser() {
    ok(cli.run("get", "案件/名簿.txt", "-o", dir.resolve("out.txt").toString()));
    String fileId = fileId("案件/名簿.txt");

    Cli.Result result = ok(cli.run("log", "show"));

    List<String> lines = result.outLines();
    assertTrue(lines.get(0).matches("SEQ +TIME +ACTOR +ACTION +DECISION +FILE +REASON"), lines.get(0));
    List<Row> rows = rows(result);
    for (String action : List.of("INIT", "LOGIN", "PUT", "GET")) {
      List<Row> matching = rows.stream().filter(r -> r.action().equals(action)).toList();
      assertFalse(matching.isEmpty(), () -> action + " missing from\n" + result.out());
      assertTrue(matching.stream().allMatch(r -> r.actor().equals(Cli.USER) && r.decision().equals("ALLOW")), result::toString);
    }
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(i, rows.get(i).seq(), result::toString);
      assertTrue(rows.get(i).time().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+09:00"), rows.get(i)::toString);
    }
    assertEquals("INIT", rows.get(0).action());
    assertEquals("-", rows.get(0).file());
    assertEquals(fileId.substring(0, 12), only(rows, r -> r.action().equals("PUT")).file());
    assertEquals(fileId.substring(0, 12), only(rows, r -> r.action().equals("GET")).file());
    assertEquals("LOG_SHOW", rows.get(rows.size() - 1).action(), "reading the log is logged before it is read");
  }

  @Test
  void show_json_printsEachEntryWithItsCanonicalJsonMatchingTheTable() {
    ok(cli.run("get", "案件/名簿.txt", "-o", dir.resolve("out.txt").toString()));

    Cli.Result json = ok(cli.run("log", "show", "--json"));
    Map<Long, Row> table = rows(ok(cli.run("log", "show"))).stream().collect(Collectors.toMap(Row::seq, r -> r));

    com.google.gson.JsonArray entries = JsonParser.parseString(json.out()).getAsJsonObject().getAsJsonArray("entries");
    assertTrue(entries.size() >= 6, json::toString);
    String vaultId = null;
    for (int i = 0; i < entries.size(); i++) {
      JsonObject fields = entries.get(i).getAsJsonObject();
      String canonical = fields.get("canonical").getAsString();
      assertTrue(!canonical.contains("\n") && canonical.startsWith("{") && canonical.endsWith("}"), canonical);
      JsonObject entry = JsonParser.parseString(canonical).getAsJsonObject();
      assertEquals(i, entry.get("seq").getAsLong(), canonical);
      assertEquals(i, fields.get("seq").getAsLong(), canonical);
      Row row = table.get((long) i);
      assertEquals(row.actor(), entry.get("actor").getAsString(), canonical);
      assertEquals(row.action(), entry.get("action").getAsString(), canonical);
      assertEquals(row.decision(), entry.get("decision").getAsString(), canonical);
      assertEquals(row.reason(), entry.get("reason").getAsString(), canonical);
      assertEquals(row.file(), entry.has("fileId") ? entry.get("fileId").getAsString().substring(0, 12) : "-", canonical);
      Instant time = Instant.parse(entry.get("time").getAsString());
      assertEquals(row.time(), Times.humanSeconds(time), canonical);
      assertEquals(Times.json(time), fields.get("time").getAsString(), canonical);
      assertEquals("kinko-cli", entry.getAsJsonObject("client").get("app").getAsString(), canonical);
      vaultId = vaultId == null ? entry.get("vault").getAsString() : vaultId;
      assertEquals(vaultId, entry.get("vault").getAsString(), canonical);
    }
  }

  @Test
  void show_action_keepsOnlyThatAction_inAnyCase() {
    for (int i = 0; i < 2; i++) {
      ok(cli.run("get", "案件/名簿.txt", "-o", dir.resolve("out" + i + ".txt").toString()));
    }

    List<Row> upper = rows(ok(cli.run("log", "show", "--action", "GET")));
    List<Row> lower = rows(ok(cli.run("log", "show", "--action", "get")));

    assertEquals(2, upper.size(), upper::toString);
    assertTrue(upper.stream().allMatch(r -> r.action().equals("GET")), upper::toString);
    assertEquals(upper, lower);
  }

  @Test
  void show_actor_keepsOnlyThatUser() {
    assertEquals(List.of(), rows(ok(cli.run("log", "show", "--actor", "nobody"))));
    assertTrue(rows(ok(cli.run("log", "show", "--actor", Cli.USER))).size() >= 3);
  }

  @Test
  void show_sinceAndUntil_takeDaysInTokyo() {
    LocalDate today = LocalDate.now(TimeArgument.ZONE);

    List<Row> fromTomorrow = rows(ok(cli.run("log", "show", "--since", today.plusDays(1).toString())));
    List<Row> beforeYesterday = rows(ok(cli.run("log", "show", "--until", today.minusDays(1).toString())));
    List<Row> aroundNow = rows(ok(cli.run("log", "show", "--since", today.minusDays(1).toString(),
        "--until", today.plusDays(1) + "T00:00:00+09:00")));

    assertEquals(List.of(), fromTomorrow);
    assertEquals(List.of(), beforeYesterday);
    assertEquals(0, aroundNow.get(0).seq());
    assertEquals("INIT", aroundNow.get(0).action());
  }

  @Test
  void show_withABadTime_exits2AndNamesTheOption() {
    for (String bad : List.of("yesterday", "2026-02-30", "2026/04/01", "2026-04-01T25:00:00Z", "")) {
      Cli.Result result = cli.run("log", "show", "--since", bad);

      assertEquals(2, result.exit(), () -> bad + ": " + result);
      assertTrue(result.err().contains("--since") && result.err().contains("'" + bad + "'"), result::toString);
      assertEquals("", result.out());
    }
  }

  @Test
  void timeArgument_dateIsTheStartOfTheDayInTokyo_instantsKeepTheirOffset() {
    assertEquals(Instant.parse("2026-03-31T15:00:00Z"), TimeArgument.parse("2026-04-01"));
    assertEquals(Instant.parse("2026-04-01T00:00:00Z"), TimeArgument.parse("2026-04-01T00:00:00Z"));
    assertEquals(Instant.parse("2026-04-01T00:00:00Z"), TimeArgument.parse("2026-04-01T09:00:00+09:00"));
    assertThrows(TypeConversionException.class, () -> TimeArgument.parse("2026-4-1"));
    assertThrows(TypeConversionException.class, () -> TimeArgument.parse("2026-04-01T09:00:00"));
  }

  // --- checkpoint and log verify

  @Test
  void checkpoint_printsASignedNoteThatVerifyAcceptsAsWitness() throws IOException {
    Cli.Result checkpoint = ok(cli.run("checkpoint"));
    String note = checkpoint.out();
    String[] lines = note.split("\n", -1);
    assertTrue(lines[0].matches("kinko/[0-9a-f]{32}"), note);
    assertTrue(lines[1].matches("[1-9][0-9]*"), note);
    assertTrue(note.contains("\n\n\u2014 ") && note.endsWith("\n") && !note.endsWith("\n\n"), note);
    Path witness = dir.resolve("checkpoint.txt");
    Files.write(witness, checkpoint.outBytes());
    ok(cli.run("get", "案件/名簿.txt", "-o", dir.resolve("out.txt").toString())); // the log grows past the witness

    Cli.Result verify = ok(cli.run("log", "verify", "--witness", witness.toString()));
    Cli.Result plain = ok(cli.run("log", "verify"));

    assertTrue(verify.out().matches("log verified: \\d+ entries, \\d+ checkpoints?, witness consistent\n"), verify::toString);
    assertTrue(plain.out().matches("log verified: \\d+ entries, \\d+ checkpoints?\n"), plain::toString);
  }

  @Test
  void verify_afterAnEntryWasEditedInTheDatabase_exits5AndNamesItsSequenceNumber() throws SQLException {
    ok(cli.run("get", "案件/名簿.txt", "-o", dir.resolve("out.txt").toString()));
    long getSeq = only(rows(ok(cli.run("log", "show", "--action", "GET"))), r -> true).seq();
    ok(cli.run("log", "verify"));

    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + vault.resolve("db").resolve("kinko"), "kinko", "");
         Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate("UPDATE log_entries SET entry = STRINGTOUTF8(REPLACE(UTF8TOSTRING(entry), 'GET', 'PUT')) WHERE action = 'GET'"));
    }
    Cli.Result result = cli.run("log", "verify");

    assertEquals(5, result.exit(), result::toString);
    assertTrue(result.err().contains("kinko: log entry " + getSeq + " "), result::toString);
    assertFalse(result.out().contains("verified"), result::toString);
  }

  @Test
  void verify_withAForgedWitness_exits5() throws IOException {
    String note = ok(cli.run("checkpoint")).out();
    String[] lines = note.split("\n", -1);
    char first = lines[2].charAt(0);
    lines[2] = (first == 'A' ? 'B' : 'A') + lines[2].substring(1); // one byte of the root hash
    Path forged = dir.resolve("forged.txt");
    Files.writeString(forged, String.join("\n", lines), StandardCharsets.UTF_8);
    assertEquals(checkpointBytes(note), Files.size(forged));

    Cli.Result result = cli.run("log", "verify", "--witness", forged.toString());

    assertEquals(5, result.exit(), result::toString);
    assertTrue(result.err().contains("witness"), result::toString);
  }

  @Test
  void verify_withKeyButNoArchive_exits2() {
    Cli.Result result = cli.run("log", "verify", "--key", dir.resolve("pub.pem").toString());

    assertEquals(2, result.exit(), result::toString);
  }

  // --- key export

  @Test
  void keyExport_writesAPemOpensslAccepts_andTheVerifierKeyBesideIt() throws Exception {
    Path pem = dir.resolve("pub.pem");

    Cli.Result result = ok(cli.run("key", "export", "-o", pem.toString()));

    assertTrue(Files.readString(pem).startsWith("-----BEGIN PUBLIC KEY-----\n"), Files.readString(pem));
    assertEquals(0, openssl("pkey", "-pubin", "-in", pem.toString(), "-noout"), "openssl rejected " + pem);
    String vkey = Files.readString(dir.resolve("pub.pem.vkey")).strip();
    assertTrue(vkey.matches("kinko/[0-9a-f]{32}\\+[0-9a-f]{8}\\+[A-Za-z0-9+/=]+"), vkey);
    String keyName = vkey.substring(0, vkey.indexOf('+'));
    assertTrue(cli.run("checkpoint").out().contains("\n\u2014 " + keyName + " "), "checkpoints are signed under " + keyName);
    assertTrue(result.out().contains(pem.toString()), result::toString);
    assertTrue(result.out().matches("(?s).*fingerprint: [0-9a-f]{64} .*"), result::toString);
  }

  @Test
  void keyExport_toStdout_printsThePemThenTheVerifierKeyThenTheFingerprint() throws Exception {
    Path pem = dir.resolve("pub.pem");
    ok(cli.run("key", "export", "-o", pem.toString()));

    Cli.Result result = ok(cli.run("key", "export"));

    assertEquals(Files.readString(pem) + "\n" + KeyExportCommand.VERIFIER_HEADING + "\n" + Files.readString(dir.resolve("pub.pem.vkey"))
        + "\n" + KeyExportCommand.FINGERPRINT_HEADING + "\n" + io.kinko.vault.KeyFingerprint.of(Files.readString(pem)) + "\n",
        result.out());
    Path stdoutCopy = dir.resolve("stdout.pem");
    Files.write(stdoutCopy, result.outBytes());
    assertEquals(0, openssl("pkey", "-pubin", "-in", stdoutCopy.toString(), "-noout"), "the PEM part of stdout is usable as is");
  }

  // --- log export, archive verification, prune

  @Test
  void export_thenArchiveVerifiesOfflineWithThePublicKey_andFailsAfterOneByteChanges() throws IOException {
    ok(cli.run("get", "案件/名簿.txt", "-o", dir.resolve("out.txt").toString()));
    LocalDate today = LocalDate.now(TimeArgument.ZONE);
    Path archive = dir.resolve("archive");
    Path pem = dir.resolve("pub.pem");
    ok(cli.run("key", "export", "-o", pem.toString()));

    Cli.Result export = ok(cli.run("log", "export", "--from", today.minusDays(1).toString(), "--to", today.plusDays(2).toString(),
        "-o", archive.toString()));

    assertTrue(export.out().startsWith("exported ") && export.out().contains(archive.toString()), export::toString);
    Path jsonl = only(list(archive), p -> p.getFileName().toString().endsWith(".jsonl"));
    assertTrue(export.out().contains(jsonl.toString()), export::toString);
    Cli offline = new Cli(); // no vault, no user, no password
    Cli.Result verified = ok(offline.run("log", "verify", "--archive", archive.toString(), "--key", pem.toString()));
    assertTrue(verified.out().startsWith("archive verified: "), verified::toString);
    assertEquals(2, cli.run("log", "verify", "--archive", archive.toString()).exit(), "the key of the vault in KINKO_VAULT proves nothing");

    List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
    int victim = lines.size() / 2;
    long victimSeq = JsonParser.parseString(lines.get(victim)).getAsJsonObject().get("seq").getAsLong();
    byte[] bytes = Files.readAllBytes(jsonl);
    int at = Files.readString(jsonl).indexOf(lines.get(victim)) + lines.get(victim).indexOf("\"actor\":\"") + 9;
    bytes[at] ^= 0x01; // admin -> `dmin: one byte
    Files.write(jsonl, bytes);
    Cli.Result tampered = offline.run("log", "verify", "--archive", archive.toString(), "--key", pem.toString());

    assertEquals(5, tampered.exit(), tampered::toString);
    assertTrue(tampered.err().contains(jsonl.getFileName().toString()), tampered::toString);
    // An archive holds no per-entry hashes: an altered entry shows as the broken link to the next one.
    assertTrue(tampered.err().contains("entries " + victimSeq + " and " + (victimSeq + 1) + " do not link"),
        () -> "names entry " + victimSeq + " and its successor? " + tampered);
  }

  @Test
  void archiveVerify_ofPeriodsExportedIntoOneFolder_withTheMiddleOneRemoved_namesTheMissingEntries() throws IOException {
    Path archive = dir.resolve("archive");
    Path later = Files.createDirectory(dir.resolve("later"));
    Cli.Result key = ok(cli.run("key", "export", "-o", dir.resolve("vault.pub.pem").toString()));
    String fingerprint = key.out().replaceAll("(?s).*fingerprint: ([0-9a-f]{64}) .*", "$1");
    String firstCut = Instant.now().toString();
    ok(cli.run("put", source.toString(), "案件/二.txt"));
    String secondCut = Instant.now().toString();
    ok(cli.run("put", source.toString(), "案件/三.txt"));
    long[] first = exported(ok(cli.run("log", "export", "--from", "2000-01-01", "--to", firstCut, "-o", archive.toString())));
    long[] middle = exported(ok(cli.run("log", "export", "--from", firstCut, "--to", secondCut, "-o", archive.toString())));
    String tomorrow = LocalDate.now(TimeArgument.ZONE).plusDays(1).toString();
    long[] last = exported(ok(cli.run("log", "export", "--from", secondCut, "--to", tomorrow, "-o", later.toString())));
    assertEquals(first[1] + 1, middle[0]);
    assertEquals(middle[1] + 1, last[0]);
    Cli offline = new Cli();

    Cli.Result whole = ok(offline.run("log", "verify", "--archive", archive.toString(), "--archive", later.toString(),
        "--key-fingerprint", fingerprint));
    assertTrue(whole.out().contains("(entries 0 to " + last[1] + ", tree size " + (last[1] + 1) + ")"), whole::toString);
    Path copy = Files.createDirectory(dir.resolve("copy"));
    for (Path p : list(archive)) {
      if (p.getFileName().toString().contains("-" + middle[0] + "-" + middle[1] + ".")) {
        Files.copy(p, copy.resolve(p.getFileName()));
        Files.delete(p);
      }
    }
    Cli.Result gap = offline.run("log", "verify", "--archive", archive.toString(), "--archive", later.toString(),
        "--key-fingerprint", fingerprint);
    Cli.Result twice = offline.run("log", "verify", "--archive", archive.toString(), "--archive", later.toString(), "--archive",
        copy.toString(), "--archive", dir.resolve("copy-of-copy").toString(), "--key-fingerprint", fingerprint);

    assertEquals(5, gap.exit(), gap::toString);
    assertTrue(gap.err().contains("entries " + middle[0] + "-" + middle[1] + " are missing"), gap::toString);
    assertEquals(2, twice.exit(), "a folder that is not there: " + twice);
    copyTree(copy, dir.resolve("copy-of-copy"));
    twice = offline.run("log", "verify", "--archive", archive.toString(), "--archive", later.toString(), "--archive",
        copy.toString(), "--archive", dir.resolve("copy-of-copy").toString(), "--key-fingerprint", fingerprint);
    assertEquals(5, twice.exit(), twice::toString);
    assertTrue(twice.err().contains("are in two archives") && twice.err().contains("duplicate"), twice::toString);
  }

  /** {first, last} sequence number of what {@code kinko log export} reports it wrote. */
  private static long[] exported(Cli.Result export) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\((\\d+) to (\\d+), tree size").matcher(export.out());
    assertTrue(m.find(), export::toString);
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    for (Path p : list(from)) {
      Files.copy(p, to.resolve(p.getFileName()));
    }
  }

  @Test
  void archiveVerify_withNeitherKeyNorVault_exits2() throws IOException {
    Path archive = Files.createDirectory(dir.resolve("archive"));

    Cli.Result result = new Cli().run("log", "verify", "--archive", archive.toString());

    assertEquals(2, result.exit(), result::toString);
    assertTrue(result.err().contains("--key"), result::toString);
  }

  @Test
  void export_withFromNotBeforeTo_exits2() {
    Cli.Result result = cli.run("log", "export", "--from", "2026-04-02", "--to", "2026-04-01", "-o", dir.resolve("a").toString());

    assertEquals(2, result.exit(), result::toString);
    assertFalse(Files.exists(dir.resolve("a")));
  }

  @Test
  void prune_onAFreshVault_exits6_andTheRefusalIsLoggedAsDenied() {
    String tomorrow = LocalDate.now(TimeArgument.ZONE).plusDays(1).toString();
    long before = rows(ok(cli.run("log", "show"))).size();

    Cli.Result prune = cli.run("log", "prune", "--before", tomorrow);

    assertEquals(6, prune.exit(), prune::toString);
    assertTrue(prune.err().startsWith("kinko: ") && prune.err().contains("kept until"), prune::toString);
    Row refusal = only(rows(ok(cli.run("log", "show", "--action", "LOG_PRUNE"))), r -> true);
    assertEquals("DENY", refusal.decision());
    assertEquals(Cli.USER, refusal.actor());
    assertTrue(refusal.reason().contains("kept until"), refusal::toString);
    assertTrue(rows(ok(cli.run("log", "show"))).size() > before, "nothing was removed");
    assertEquals(0, rows(ok(cli.run("log", "show"))).get(0).seq());
  }

  // --- usage

  @Test
  void logAlone_exits2AndListsItsCommands() {
    Cli.Result result = cli.run("log");

    assertEquals(2, result.exit(), result::toString);
    for (String command : List.of("show", "verify", "export", "prune")) {
      assertTrue(result.err().contains("  " + command + " "), () -> command + " missing:\n" + result.err());
    }
  }

  @Test
  void logShowHelp_namesTheTimeZoneAndTheExitCodes() {
    Cli.Result result = ok(cli.run("log", "show", "--help"));

    assertTrue(result.out().contains("Asia/Tokyo") && result.out().contains("Exit codes:"), result::toString);
  }

  // --- helpers

  /** One row of {@code log show}'s table. */
  record Row(long seq, String time, String actor, String action, String decision, String file, String reason) {}

  static List<Row> rows(Cli.Result result) {
    List<String> lines = result.outLines();
    assertTrue(lines.get(0).startsWith("SEQ "), result::toString);
    List<Row> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.strip().split(" {2,}", 7);
      assertTrue(f.length >= 6, line);
      rows.add(new Row(Long.parseLong(f[0]), f[1], f[2], f[3], f[4], f[5], f.length == 7 ? f[6] : ""));
    }
    return rows;
  }

  private static long checkpointBytes(String note) {
    return note.getBytes(StandardCharsets.UTF_8).length;
  }

  private static <T> T only(List<T> items, Predicate<T> which) {
    List<T> matching = items.stream().filter(which).toList();
    assertEquals(1, matching.size(), items::toString);
    return matching.get(0);
  }

  private String fileId(String path) {
    Cli.Result ls = ok(cli.run("ls", "--json", path));
    return JsonParser.parseString(ls.out()).getAsJsonObject().getAsJsonArray("files").get(0).getAsJsonObject().get("fileId").getAsString();
  }

  private static Cli.Result ok(Cli.Result result) {
    assertEquals(0, result.exit(), result::toString);
    return result;
  }

  private static List<Path> list(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.sorted().toList();
    }
  }

  private int openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl did not finish");
    return process.exitValue();
  }
}
