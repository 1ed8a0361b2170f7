package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an application that embeds the library sees in its own log: a child JVM whose SLF4J backend
 * (slf4j-simple, configured by system properties as a host would configure its own) writes every
 * line at INFO and above to stderr, creates a vault and opens it again.
 */
class LibraryLoggingTest {
  private static final String OPENING = "--- open ---";

  @Test
  void createAndOpen_atTheHostsInfoLevel_logNoFlywayLineAndTheOpenLogsNothing(@TempDir Path dir) throws Exception {
    String[] err = createAndOpen(dir, "info");
    List<String> flyway = Arrays.stream(err).filter(line -> line.contains("org.flywaydb")).toList();
    assertEquals(List.of(), flyway, "Flyway lines at INFO or above in the host's log");
    int opening = Arrays.asList(err).indexOf(OPENING);
    assertTrue(opening >= 0, String.join("\n", err));
    assertEquals(List.of(), Arrays.asList(err).subList(opening + 1, err.length), "lines logged by a normal open");
  }

  @Test
  void create_atTheHostsDebugLevel_stillShowsFlywaysMigrations(@TempDir Path dir) throws Exception {
    String[] err = createAndOpen(dir, "debug");
    assertTrue(Arrays.stream(err).anyMatch(line -> line.contains("DEBUG org.flywaydb") && line.contains("Migrating schema")),
        "a host that asks for DEBUG gets Flyway's progress: " + String.join("\n", err));
  }

  private static String[] createAndOpen(Path dir, String level) throws Exception {
    Path err = dir.resolve("stderr.txt");
    Process child = TestVaults.java(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + level,
            "-Dorg.slf4j.simpleLogger.logFile=System.err", "-Dorg.slf4j.simpleLogger.showThreadName=false"),
        CreateAndOpen.class, dir.resolve("v").toString())
        .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(child.waitFor(3, TimeUnit.MINUTES), "the child JVM did not finish");
    String text = Files.readString(err);
    assertEquals(0, child.exitValue(), text);
    return text.isEmpty() ? new String[0] : text.split("\n");
  }

  /** The child: creates a vault, then opens it and logs in as an application would every day. */
  static final class CreateAndOpen {
    public static void main(String[] args) {
      Path vault = Path.of(args[0]);
      TestVaults.create(vault).close();
      System.err.println(OPENING);
      System.err.flush();
      try (Vault opened = TestVaults.open(vault); Session session = TestVaults.login(opened)) {
        session.list("");
      }
    }
  }
}
