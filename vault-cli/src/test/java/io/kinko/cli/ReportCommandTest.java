package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.kinko.cli.CertifiedDeletionTest.ok;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kinko report} and {@code kinko report verify}, in-process: a report of this month (the
 * month is not over, so its checkpoint is at the report's time), a second one that continues it by
 * {@code --previous}, and every altered file refused with exit 5.
 */
class ReportCommandTest {
  @TempDir Path dir;
  private Cli cli;
  private Path pem;
  private final String month = YearMonth.now(TimeArgument.ZONE).toString();

  @BeforeEach
  void vaultWithAFile() throws IOException {
    cli = Cli.forVault(dir.resolve("vault")).init();
    Path file = Files.writeString(dir.resolve("a.txt"), "a");
    ok(cli.run("put", file.toString(), "a.txt"));
    pem = dir.resolve("vault.pub.pem");
    ok(cli.run("key", "export", "-o", pem.toString()));
  }

  private Cli.Result verify(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "report";
    all[1] = "verify";
    System.arraycopy(args, 0, all, 2, args.length);
    return new Cli().run(all); // no vault: what the city runs
  }

  @Test
  void report_writesSignedJsonAndCsv_thatVerifyOffline_andAlteredFilesExit5() throws IOException {
    Cli.Result made = ok(cli.run("report", "--month", month, "-o", dir.resolve("first").toString()));
    Path json = dir.resolve("first").resolve("report-" + month + ".json");
    assertTrue(made.out().contains("the first report: no previous one"), made::toString);
    assertTrue(Files.isRegularFile(Path.of(json + ".sig")) && Files.isRegularFile(dir.resolve("first/report-" + month + ".csv")));

    Cli.Result verified = ok(verify(json.toString(), "--key", pem.toString()));
    assertTrue(verified.out().contains("report for " + month + " verified"), verified::toString);

    Path altered = dir.resolve("altered.json");
    Files.writeString(altered, Files.readString(json).replace("\"a", "\"b"));
    Files.copy(Path.of(json + ".sig"), Path.of(altered + ".sig"));
    Cli.Result bad = verify(altered.toString(), "--key", pem.toString());
    assertEquals(5, bad.exit(), bad::toString);
    assertTrue(bad.err().contains("signature"), bad::toString);
    assertEquals(5, verify(json.toString(), "--key", pem.toString(), "--sig", json.toString()).exit(), "a wrong signature file");
    assertEquals(2, verify(json.toString()).exit(), "no key is a usage error");
    assertEquals(2, cli.run("report", "-o", dir.resolve("x").toString()).exit(), "no --month is a usage error");
    assertEquals(2, cli.run("report", "--month", "2026-13", "-o", dir.resolve("x").toString()).exit());
  }

  @Test
  void report_withPrevious_continuesIt_andVerifyChecksThePreviousGiven() throws IOException {
    ok(cli.run("report", "--month", month, "-o", dir.resolve("first").toString()));
    Path first = dir.resolve("first").resolve("report-" + month + ".json");
    ok(cli.run("ls"));
    Cli.Result made = ok(cli.run("report", "--month", month, "--previous", first.toString(), "-o", dir.resolve("second").toString()));
    assertTrue(made.out().contains("consistent with the report for " + month), made::toString);
    Path second = dir.resolve("second").resolve("report-" + month + ".json");

    Cli.Result verified = ok(verify(second.toString(), "--key", pem.toString(), "--previous", first.toString()));
    assertTrue(verified.out().contains("consistent with the previous report given"), verified::toString);

    Path otherPrevious = dir.resolve("other-previous.json");
    Files.write(otherPrevious, Files.readString(first).replace("\"admin\"", "\"admix\"").getBytes(StandardCharsets.UTF_8));
    Cli.Result bad = verify(second.toString(), "--key", pem.toString(), "--previous", otherPrevious.toString());
    assertEquals(5, bad.exit(), bad::toString);
    assertTrue(bad.err().contains("SHA-256"), bad::toString);
    assertEquals(5, verify(second.toString(), "--key", pem.toString(), "--previous", dir.resolve("missing.json").toString()).exit());
    // The first report says it has none: a previous report given to it is refused.
    assertEquals(5, verify(first.toString(), "--key", pem.toString(), "--previous", first.toString()).exit());
  }
}
