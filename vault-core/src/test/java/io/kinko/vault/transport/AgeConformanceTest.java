package io.kinko.vault.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kinko.vault.IntegrityException;
import io.kinko.vault.Password;
import io.kinko.vault.VaultException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * C2SP/CCTV's age vectors, each file one test, run as published: a vector opens exactly when it
 * says {@code expect: success}, with the payload's SHA-256, and each failure comes out as the
 * exception a caller maps: {@code no match} as {@link NoMatchingIdentityException}, a header or
 * HMAC failure as {@link IntegrityException} (or {@link NotAgeException} for a file that does not
 * begin as age v1), a payload failure as {@link IntegrityException}.
 */
@Tag("conformance")
class AgeConformanceTest {
  private static final String PROPERTY = "kinko.testvectors";
  private static final String ARMOR = "armored (PEM) age is not implemented: Kinko writes binary age and refuses armor"
      + " with NotAgeException; asserted so, not skipped";
  private static final String HYBRID = "ML-KEM-768 + X25519 hybrid recipients (age 1.3) are not implemented: jagged 0.3.2"
      + " has none; skipped, after asserting that its identity is refused";

  /** Vectors Kinko does not run as published, each with the reason. */
  private static final Map<String, String> NOT_AS_PUBLISHED = Map.ofEntries(
          Map.entry("armor_crlf", ARMOR),
          Map.entry("armor_empty", ARMOR),
          Map.entry("armor_empty_last_line", ARMOR),
          Map.entry("armor_empty_line_begin", ARMOR),
          Map.entry("armor_empty_line_end", ARMOR),
          Map.entry("armor_eol_between_padding", ARMOR),
          Map.entry("armor_full_last_line", ARMOR),
          Map.entry("armor_garbage_encoded", ARMOR),
          Map.entry("armor_garbage_leading", ARMOR),
          Map.entry("armor_garbage_trailing", ARMOR),
          Map.entry("armor_header_crlf", ARMOR),
          Map.entry("armor_headers", ARMOR),
          Map.entry("armor_hybrid", ARMOR),
          Map.entry("armor_invalid_character_header", ARMOR),
          Map.entry("armor_invalid_character_payload", ARMOR),
          Map.entry("armor_long_line", ARMOR),
          Map.entry("armor_lowercase", ARMOR),
          Map.entry("armor_no_end_line", ARMOR),
          Map.entry("armor_no_eol", ARMOR),
          Map.entry("armor_no_match", ARMOR),
          Map.entry("armor_no_padding", ARMOR),
          Map.entry("armor_not_canonical", ARMOR),
          Map.entry("armor_pgp_checksum", ARMOR),
          Map.entry("armor_scrypt", ARMOR),
          Map.entry("armor_short_line", ARMOR),
          Map.entry("armor_whitespace_begin", ARMOR),
          Map.entry("armor_whitespace_end", ARMOR),
          Map.entry("armor_whitespace_eol", ARMOR),
          Map.entry("armor_whitespace_last_line", ARMOR),
          Map.entry("armor_whitespace_line_start", ARMOR),
          Map.entry("armor_whitespace_outside", ARMOR),
          Map.entry("armor_wrong_type", ARMOR),
          Map.entry("armor_x25519", ARMOR),          Map.entry("hybrid", HYBRID),
          Map.entry("hybrid_and_x25519", HYBRID),
          Map.entry("hybrid_bad_tag", HYBRID),
          Map.entry("hybrid_currupted_enc_mlkem", HYBRID),
          Map.entry("hybrid_currupted_enc_x25519", HYBRID),
          Map.entry("hybrid_extra_argument", HYBRID),
          Map.entry("hybrid_grease", HYBRID),
          Map.entry("hybrid_identity", HYBRID),
          Map.entry("hybrid_long_file_key", HYBRID),
          Map.entry("hybrid_long_share", HYBRID),
          Map.entry("hybrid_low_order", HYBRID),
          Map.entry("hybrid_multiple_recipients", HYBRID),
          Map.entry("hybrid_no_match", HYBRID),
          Map.entry("hybrid_not_canonical_body", HYBRID),
          Map.entry("hybrid_not_canonical_enc", HYBRID),
          Map.entry("hybrid_short_share", HYBRID),
          Map.entry("hybrid_uppercase", HYBRID),
          Map.entry("hybrid_x25519_arg", HYBRID)  );

  @TestFactory
  Stream<DynamicTest> vectors() {
    List<Path> files = files();
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(Vector.read(f))));
  }

  @Test
  void theListOfVectorsNotRunAsPublished_namesOnlyVectorsThatExist() {
    List<String> names = files().stream().map(f -> f.getFileName().toString()).toList();
    for (String name : NOT_AS_PUBLISHED.keySet()) {
      assertTrue(names.contains(name), name + " is listed but is not among the vectors");
    }
  }

  private static void run(Vector v) throws IOException {
    String reason = NOT_AS_PUBLISHED.get(v.name);
    if (ARMOR.equals(reason)) {
      // refused before any identity is tried (armor_hybrid's is one Kinko cannot parse)
      Vector anyIdentity = new Vector(v.name, Map.of("passphrase", List.of("unused")), v.body);
      assertThrows(NotAgeException.class, () -> decrypt(anyIdentity), v.name);
      return;
    }
    if (HYBRID.equals(reason)) {
      String identity = v.headers.get("identity").stream().filter(i -> i.startsWith("AGE-SECRET-KEY-PQ-")).findFirst()
          .orElseThrow(() -> new AssertionError(v.name + " has no hybrid identity"));
      assertThrows(IllegalArgumentException.class,
          () -> AgeIdentity.parse(identity.getBytes(StandardCharsets.US_ASCII), v.name));
      return;
    }
    assertFalse(v.headers.containsKey("armored"), v.name + " is armored but not listed");
    String expect = v.headers.get("expect").get(0);
    switch (expect) {
      case "success" -> assertEquals(v.headers.get("payload").get(0), decrypt(v), v.name);
      case "no match" -> assertThrows(NoMatchingIdentityException.class, () -> decrypt(v), v.name);
      case "HMAC failure" -> assertThrows(IntegrityException.class, () -> decrypt(v), v.name);
      case "header failure" -> {
        VaultException e = assertThrows(VaultException.class, () -> decrypt(v), v.name);
        assertTrue(e instanceof IntegrityException || e instanceof NotAgeException, v.name + ": " + e);
      }
      case "payload failure" -> assertThrows(IntegrityException.class, () -> decrypt(v), v.name);
      default -> fail(v.name + ": unknown expectation '" + expect + "'");
    }
  }

  /** The payload's SHA-256, read to the end. */
  private static String decrypt(Vector v) throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(AgeFile.decrypt(new ByteArrayInputStream(v.body), v.identities()), sha256)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static List<Path> files() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      fail("conformance tests need the shared test vectors: run with -D" + PROPERTY
          + "=<path to shared/testvectors>, or exclude the 'conformance' tag");
    }
    Path dir = Path.of(value, "age");
    try (Stream<Path> list = Files.list(dir)) {
      List<Path> files = list.sorted().toList();
      assertFalse(files.isEmpty(), "no vectors in " + dir);
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** One vector: {@code key: value} lines (a key may repeat), a blank line, the age file (zlib-compressed if it says so). */
  private record Vector(String name, Map<String, List<String>> headers, byte[] body) {
    static Vector read(Path file) throws IOException {
      byte[] all = Files.readAllBytes(file);
      Map<String, List<String>> headers = new LinkedHashMap<>();
      int at = 0;
      while (true) {
        int nl = at;
        while (all[nl] != '\n') {
          nl++;
        }
        String line = new String(all, at, nl - at, StandardCharsets.UTF_8);
        at = nl + 1;
        if (line.isEmpty()) {
          break;
        }
        int colon = line.indexOf(": ");
        headers.computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>()).add(line.substring(colon + 2));
      }
      byte[] body = Arrays.copyOfRange(all, at, all.length);
      if (headers.containsKey("compressed")) {
        assertEquals(List.of("zlib"), headers.get("compressed"), file.toString());
        body = new InflaterInputStream(new ByteArrayInputStream(body)).readAllBytes();
      }
      return new Vector(file.getFileName().toString(), headers, body);
    }

    List<AgeIdentity> identities() {
      List<AgeIdentity> out = new ArrayList<>();
      for (String id : headers.getOrDefault("identity", List.of())) {
        out.addAll(AgeIdentity.parse(id.getBytes(StandardCharsets.US_ASCII), name));
      }
      // A vector's passphrase is published test data beside the file it opens (C2SP/CCTV), not a secret.
      for (String passphrase : headers.getOrDefault("passphrase", List.of())) {
        out.add(AgeIdentity.passphrase(Password.wrap(passphrase.toCharArray())));
      }
      if (out.isEmpty()) { // a vector that fails before any identity is needed
        out.add(AgeIdentity.passphrase(Password.wrap("unused".toCharArray())));
      }
      return out;
    }
  }
}
