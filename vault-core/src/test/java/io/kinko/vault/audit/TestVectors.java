package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Finds the shared, unmodified external test vectors named by {@code -Dkinko.testvectors}. */
public final class TestVectors {
  public static final String PROPERTY = "kinko.testvectors";

  private TestVectors() {}

  /** The vectors folder; fails (never skips) when the property is unset or wrong. */
  public static Path root() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      fail("conformance tests need the shared test vectors: run with -D" + PROPERTY
          + "=<path to shared/testvectors>, or exclude the 'conformance' tag");
    }
    Path root = Path.of(value);
    if (!Files.isDirectory(root)) {
      fail("-D" + PROPERTY + "=" + value + " is not a directory");
    }
    return root;
  }

  /** Every *.json file under {@code sub}, sorted; fails if there is none. */
  public static List<Path> jsonFiles(String sub) {
    Path dir = root().resolve(sub);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.toString().endsWith(".json")).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    assertFalse(files.isEmpty(), "no vectors under " + dir);
    return files;
  }

  public static String name(Path file) {
    return root().relativize(file).toString().replace('\\', '/');
  }

  public static JsonObject readJson(Path file) {
    try {
      return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8))
          .getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  public static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Standard padded base64 as the Merkle vectors use it; "" is zero bytes. */
  public static byte[] b64(JsonElement e) {
    return Base64.getDecoder().decode(e.getAsString());
  }

  /** A proof array; JSON null means no proof. */
  public static List<byte[]> proof(JsonElement e) {
    List<byte[]> proof = new ArrayList<>();
    if (e != null && !e.isJsonNull()) {
      e.getAsJsonArray().forEach(h -> proof.add(b64(h)));
    }
    return proof;
  }
}
