package io.kinko.vault.erase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Fault injection is the tests' to install: main code only reports its steps. */
class CrashPointsTest {
  @Test
  void aDeletionStep_reachesTheListenerATestInstalled() {
    List<String> reached = new ArrayList<>();
    CrashPoints.install(reached::add);
    try {
      Deleter.crashPoint("erased");
    } finally {
      CrashPoints.install(step -> {});
    }
    assertEquals(List.of("erased"), reached);
  }

  @Test
  void mainCode_neverHaltsTheJvm_norReadsATestProperty() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        if (source.contains(".halt(") || source.contains("kinko.test.")) {
          found.add(file.toString());
        }
      }
    }
    assertTrue(found.isEmpty(), "main code that halts the JVM or reads a test property: " + found);
  }
}
