package io.kinko.vault.erase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.kinko.vault.CertificateBody;
import io.kinko.vault.CertificateBody.Kind;
import io.kinko.vault.Contract;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.audit.CanonicalJson;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random certificate records of every kind: encode, parse and encode again give the same bytes
 * and an equal record; and a parser handed a certificate with one field added, removed or of the
 * wrong type refuses it and names that field.
 */
class CertificateCodecPropertiesTest {
  private static final long MAX_SAFE = (1L << 53) - 1;
  /**
   * The fields a certificate may lack: older certificates, a method without steps, a file named
   * by tag only (a wiped file's path is required unless it has a tag; generated ones always have the path).
   */
  private static final Set<String> OPTIONAL = Set.of("signingKey", "contentCommitment", "commitmentMethod", "contentSha256", "steps",
      "erasure", "path", "nameTag", "sealedPath");

  @Test
  void anyCertificate_encodesParsesAndEncodesToTheSameBytes() {
    qt().withExamples(500).forAll(longs().all()).checkAssert(seed -> {
      CertificateBody body = certificate(new Random(seed));
      byte[] json = CertificateCodec.encode(body);
      CertificateBody parsed = CertificateCodec.parse(json);
      assertEquals(body, parsed);
      assertArrayEquals(json, CertificateCodec.encode(parsed));
    });
  }

  @Test
  void aCertificateWithAnUnknownField_isRefused_namingTheField() {
    qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
      Random random = new Random(seed);
      Map<String, Object> json = untyped(certificate(random));
      List<String> objects = paths(json, "", false);
      String where = objects.get(random.nextInt(objects.size()));
      String field = where.isEmpty() ? "surplus" : where + ".surplus";
      Map<String, Object> edited = edit(json, where, m -> m.put("surplus", "x"));
      expectRefusal(edited, "unknown field '" + field + "'");
    });
  }

  @Test
  void aCertificateWithoutARequiredField_isRefused_namingTheField() {
    qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
      Random random = new Random(seed);
      Map<String, Object> json = untyped(certificate(random));
      List<String> fields = paths(json, "", true).stream().filter(p -> !OPTIONAL.contains(last(p))).toList();
      String field = fields.get(random.nextInt(fields.size()));
      Map<String, Object> edited = edit(json, parent(field), m -> m.remove(last(field)));
      expectRefusal(edited, "lacks the required field '" + field + "'");
    });
  }

  @Test
  void aCertificateWithAFieldOfTheWrongType_isRefused_namingTheField() {
    qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
      Random random = new Random(seed);
      Map<String, Object> json = untyped(certificate(random));
      List<String> fields = paths(json, "", true);
      String field = fields.get(random.nextInt(fields.size()));
      Map<String, Object> edited = edit(json, parent(field), m -> m.put(last(field), m.get(last(field)) instanceof String ? 7L : "7"));
      expectRefusal(edited, "'" + field + "'");
    });
  }

  private static void expectRefusal(Map<String, Object> json, String expected) {
    IntegrityException e = assertThrows(IntegrityException.class, () -> CertificateCodec.parse(CanonicalJson.encode(json)));
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
  }

  // --- random certificates

  static CertificateBody certificate(Random r) {
    Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
    CertificateBody.Header header = new CertificateBody.Header(kind, text(r), instant(r),
        new Contract(word(r), word(r), word(r), LocalDate.of(2000 + r.nextInt(200), 1 + r.nextInt(12), 1 + r.nextInt(28))),
        text(r), text(r), text(r), new CertificateBody.WorkLocation(text(r), text(r)), new CertificateBody.Tool(text(r), text(r)),
        texts(r), r.nextBoolean() ? null : new CertificateBody.KeyName(text(r), text(r), text(r)));
    List<CertificateBody.Item> items = new ArrayList<>();
    for (int i = r.nextInt(4); i >= 0; i--) {
      items.add(switch (kind) {
        case DELETION -> new CertificateBody.DeletedFile(text(r), text(r), number(r), number(r), maybe(r), maybe(r), maybe(r), instant(r),
            new CertificateBody.KeyDestroyed(text(r), text(r), number(r)), new CertificateBody.Verification(text(r), text(r), text(r)),
            proof(r), maybe(r), maybe(r));
        case WIPE -> new CertificateBody.WipedFile(text(r), number(r), text(r), text(r), maybe(r), maybe(r));
        case DISPOSAL -> new CertificateBody.DestroyedKeyFile(text(r), text(r));
      });
    }
    return new CertificateBody(header, new CertificateBody.Method(text(r), texts(r), maybe(r)),
        new CertificateBody.Media(text(r), text(r), r.nextBoolean(), text(r)), items,
        new CertificateBody.SignedCheckpoint(number(r), text(r)), instant(r),
        kind == Kind.DELETION ? null : proof(r), kind == Kind.WIPE ? number(r) : null,
        kind == Kind.DISPOSAL ? number(r) : null, kind == Kind.DISPOSAL ? text(r) : null, r.nextBoolean() ? null : erasure(r));
  }

  private static CertificateBody.Erasure erasure(Random r) {
    Instant started = instant(r);
    return new CertificateBody.Erasure(started, started.plusNanos(r.nextInt(3) == 0 ? 0 : (long) (r.nextDouble() * 1e13)),
        CertificateBody.Result.values()[r.nextInt(2)]);
  }

  private static CertificateBody.LogProof proof(Random r) {
    return new CertificateBody.LogProof(number(r), text(r), text(r), texts(r));
  }

  /** Any text JSON can hold: ASCII, controls, quotes, Japanese, characters beyond the BMP. */
  private static String text(Random r) {
    String alphabet = "aZ09 \"\\/\n\t\u0000\u007f台帳山田é";
    StringBuilder b = new StringBuilder();
    for (int i = r.nextInt(12); i > 0; i--) {
      if (r.nextInt(10) == 0) {
        b.appendCodePoint(0x1F600 + r.nextInt(50));
      } else {
        b.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
    }
    return b.toString();
  }

  /** Text a contract takes as it is: not blank, no controls, no surrounding space. */
  private static String word(Random r) {
    String alphabet = "abcXYZ019-横浜市株式会社";
    StringBuilder b = new StringBuilder();
    for (int i = 1 + r.nextInt(10); i > 0; i--) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  private static String maybe(Random r) {
    return r.nextBoolean() ? null : text(r);
  }

  private static List<String> texts(Random r) {
    List<String> out = new ArrayList<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      out.add(text(r));
    }
    return out;
  }

  private static long number(Random r) {
    return r.nextInt(4) == 0 ? r.nextInt(10) : (r.nextLong() % MAX_SAFE);
  }

  private static Instant instant(Random r) {
    long seconds = Instant.parse("1970-01-01T00:00:00Z").getEpochSecond() + (long) (r.nextDouble() * 7_258_118_400L);
    return Instant.ofEpochSecond(seconds, r.nextBoolean() ? 0 : r.nextInt(1_000_000_000));
  }

  // --- editing the untyped JSON

  @SuppressWarnings("unchecked")
  private static Map<String, Object> untyped(CertificateBody body) {
    return (Map<String, Object>) mutable(CanonicalJson.parse(CertificateCodec.encode(body)));
  }

  private static Object mutable(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put((String) k, mutable(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      return new ArrayList<>(l.stream().map(CertificateCodecPropertiesTest::mutable).toList());
    }
    return value;
  }

  /** Every object's path ({@code fields} false) or every field's path, as the parser names them: "items[0].log.seq". */
  private static List<String> paths(Map<String, Object> object, String at, boolean fields) {
    List<String> out = new ArrayList<>();
    if (!fields) {
      out.add(at);
    }
    object.forEach((name, value) -> {
      String path = at.isEmpty() ? name : at + "." + name;
      if (fields) {
        out.add(path);
      }
      if (value instanceof Map<?, ?> m) {
        out.addAll(paths(cast(m), path, fields));
      } else if (value instanceof List<?> l) {
        for (int i = 0; i < l.size(); i++) {
          if (l.get(i) instanceof Map<?, ?> m) {
            out.addAll(paths(cast(m), path + "[" + i + "]", fields));
          }
        }
      }
    });
    return out;
  }

  private static Map<String, Object> edit(Map<String, Object> json, String path, java.util.function.Consumer<Map<String, Object>> change) {
    Map<String, Object> at = json;
    if (!path.isEmpty()) {
      for (String part : path.split("\\.")) {
        int bracket = part.indexOf('[');
        Object next = at.get(bracket < 0 ? part : part.substring(0, bracket));
        if (bracket >= 0) {
          next = ((List<?>) next).get(Integer.parseInt(part.substring(bracket + 1, part.length() - 1)));
        }
        at = cast((Map<?, ?>) next);
      }
    }
    change.accept(at);
    return json;
  }

  private static String parent(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(0, dot);
  }

  private static String last(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
