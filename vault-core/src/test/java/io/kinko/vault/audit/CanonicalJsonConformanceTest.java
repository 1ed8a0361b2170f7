package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/** cyberphone/json-canonicalization's vectors: input/X.json must become exactly output/X.json. */
@Tag("conformance")
class CanonicalJsonConformanceTest {
  @TestFactory
  Stream<DynamicTest> jcsVectors() {
    Path outputs = TestVectors.root().resolve("jcs/output");
    return TestVectors.jsonFiles("jcs/input").stream()
        .map(input -> DynamicTest.dynamicTest(TestVectors.name(input), () -> {
          Path output = outputs.resolve(input.getFileName().toString());
          assertTrue(Files.exists(output), "no expected output " + output);
          byte[] expected = TestVectors.readBytes(output);
          byte[] actual = CanonicalJson.canonicalize(TestVectors.readBytes(input));
          assertArrayEquals(expected, actual, () -> "got " + new String(actual, StandardCharsets.UTF_8));
          // Canonical output is a fixed point.
          assertArrayEquals(expected, CanonicalJson.canonicalize(expected));
        }));
  }
}
