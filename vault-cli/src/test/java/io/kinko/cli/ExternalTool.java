package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program the tests drive as an outside witness (openssl, poppler's pdftoppm, pdftotext,
 * pdffonts, age). A missing one fails the test and says which package brings it: never a silent skip.
 */
record ExternalTool(String name, String debianPackage) {
  static final ExternalTool OPENSSL = new ExternalTool("openssl", "openssl");
  static final ExternalTool PDFTOPPM = new ExternalTool("pdftoppm", "poppler-utils");
  static final ExternalTool PDFTOTEXT = new ExternalTool("pdftotext", "poppler-utils");
  static final ExternalTool PDFFONTS = new ExternalTool("pdffonts", "poppler-utils");
  static final ExternalTool AGE = new ExternalTool("age", "age");
  static final ExternalTool AGE_KEYGEN = new ExternalTool("age-keygen", "age");

  /** What a run printed (stdout and stderr together) and its exit status. */
  record Run(int exit, String output) {}

  /** Runs the tool in {@code dir}; fails the test if it is not installed. */
  Run run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(name));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir, name, ".log");
    Process process;
    try {
      process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      return fail(name + " is not installed, and this test needs it as an outside witness: install the " + debianPackage
          + " package (.ci/run does)", e);
    }
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), name + " did not finish");
    return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
