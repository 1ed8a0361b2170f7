package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class CanonicalJsonPropertiesTest {
  /** Code points weighted toward ASCII, with controls, quotes, BMP and astral ones; no surrogates. */
  static final Gen<Integer> CODE_POINT = Generate.frequency(
      Pair.of(6, integers().between(0x20, 0x7E)),
      Pair.of(1, integers().between(0x00, 0x1F)),
      Pair.of(1, Generate.pick(List.of((int) '"', (int) '\\', 0x7F, 0x2028, 0xFEFF))),
      Pair.of(2, integers().between(0x80, 0xD7FF)),
      Pair.of(1, integers().between(0xE000, 0xFFFF)),
      Pair.of(1, integers().between(0x10000, 0x10FFFF)));

  private static final Gen<String> STRINGS = lists().of(CODE_POINT).ofSizeBetween(0, 8)
      .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));

  private static final Gen<Object> SCALARS = Generate.oneOf(
      longs().between(-CanonicalJson.MAX_SAFE_INTEGER, CanonicalJson.MAX_SAFE_INTEGER).map(l -> l),
      STRINGS.map(s -> s),
      booleans().all().map(b -> b),
      Generate.constant((Object) null));

  private static final Gen<Object> LEVEL1 =
      Generate.oneOf(SCALARS, lists().of(SCALARS).ofSizeBetween(0, 4).map(l -> l),
          maps(SCALARS).map(m -> m));

  private static final Gen<Map<String, Object>> DOCUMENTS = maps(Generate.oneOf(LEVEL1,
      lists().of(LEVEL1).ofSizeBetween(0, 3).map(l -> l), maps(LEVEL1).map(m -> m)));

  private static Gen<Map<String, Object>> maps(Gen<Object> values) {
    return lists().of(STRINGS.zip(values, Pair::of)).ofSizeBetween(0, 6).map(entries -> {
      Map<String, Object> map = new LinkedHashMap<>();
      entries.forEach(e -> map.putIfAbsent(e._1, e._2));
      return map;
    });
  }

  @Test
  void encode_isStableUnderKeyReordering() {
    qt().withExamples(300)
        .forAll(DOCUMENTS, longs().all())
        .checkAssert((doc, seed) -> assertArrayEquals(
            CanonicalJson.encode(doc), CanonicalJson.encode(shuffled(doc, new Random(seed)))));
  }

  @Test
  void encode_parsesBackToAnEqualValue() {
    qt().withExamples(300)
        .forAll(DOCUMENTS)
        .checkAssert(doc -> assertEquals(doc, CanonicalJson.parse(CanonicalJson.encode(doc))));
  }

  @Test
  void canonicalize_ofCanonicalBytes_isIdentity() {
    qt().withExamples(300)
        .forAll(DOCUMENTS)
        .checkAssert(doc -> {
          byte[] once = CanonicalJson.encode(doc);
          assertArrayEquals(once, CanonicalJson.canonicalize(once));
        });
  }

  @Test
  void formatNumber_readsBackToTheSameDouble() {
    qt().withExamples(2000)
        .forAll(Generate.oneOf(doubles().any(),
            longs().all().map(Double::longBitsToDouble)))
        .assuming(Double::isFinite)
        .checkAssert(d -> {
          String text = CanonicalJson.formatNumber(d);
          assertEquals(d == 0 ? 0.0 : d, Double.parseDouble(text) + 0.0, text);
          // and the text is itself canonical
          assertEquals(text, new String(CanonicalJson.canonicalize(text), StandardCharsets.UTF_8));
        });
  }

  /** A deep copy whose maps (at every level) iterate their keys in a random order. */
  private static Object shuffled(Object value, Random random) {
    if (value instanceof Map<?, ?> map) {
      List<Object> keys = new ArrayList<>(map.keySet());
      Collections.shuffle(keys, random);
      Map<Object, Object> out = new LinkedHashMap<>();
      keys.forEach(k -> out.put(k, shuffled(map.get(k), random)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(shuffled(v, random)));
      return out;
    }
    return value;
  }
}
