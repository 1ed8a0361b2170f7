package io.kinko.vault.audit;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * RFC 8785 JSON Canonicalization Scheme: one JSON value, one byte sequence.
 *
 * <p>Log entries and certificates are signed and hashed as these bytes, so two equal values must
 * never encode differently and a text that could be read two ways (duplicate keys, lone
 * surrogates, numbers outside IEEE-754 double) is refused rather than guessed at.
 *
 * <p>The in-memory value model, both accepted by {@link #encode} and returned by {@link #parse}:
 * {@code Map<String, ?>}, {@code List<?>}, {@code String}, {@code Boolean}, {@code null}, {@code
 * Long} (or {@code Integer}) within ±(2<sup>53</sup>−1), and finite {@code Double}. A parsed number
 * comes back as a {@code Long} when it is an integer in that range, otherwise as a {@code Double},
 * so {@code parse(encode(v))} equals {@code v} for values built from longs.
 */
public final class CanonicalJson {
  /** Deeper values are refused: log entries are shallow, and recursion must not overflow. */
  static final int MAX_DEPTH = 100;

  static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  // RFC 8259 §6; Gson's own number scanner is not relied on for the grammar.
  private static final Pattern JSON_NUMBER =
      Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

  private CanonicalJson() {}

  /**
   * Canonicalizes a JSON text.
   *
   * @throws FormatException if the text is not strict RFC 8259 JSON, has duplicate keys, lone
   *     surrogates, a number that overflows a double, or nests deeper than {@value #MAX_DEPTH}
   */
  public static byte[] canonicalize(String json) throws FormatException {
    return encode(parse(json));
  }

  /**
   * Canonicalizes a UTF-8 JSON text.
   *
   * @throws FormatException as {@link #canonicalize(String)}, or if the bytes are not UTF-8
   */
  public static byte[] canonicalize(byte[] utf8Json) throws FormatException {
    return encode(parse(utf8Json));
  }

  /**
   * Parses a UTF-8 JSON text into the value model.
   *
   * @throws FormatException as {@link #canonicalize(String)}, or if the bytes are not UTF-8
   */
  public static Object parse(byte[] utf8Json) throws FormatException {
    return parse(Utf8.decode(utf8Json, "JSON text"));
  }

  /**
   * Parses a JSON text into the value model (maps keep the input's key order; all results are
   * unmodifiable).
   *
   * @throws FormatException as {@link #canonicalize(String)}
   */
  public static Object parse(String json) throws FormatException {
    // RFC 8259 §8.1 lets a parser ignore a byte order mark; Gson would, so refuse it explicitly.
    if (json.startsWith("\uFEFF")) {
      throw new FormatException("JSON text starts with a byte order mark");
    }
    try (JsonReader reader = new JsonReader(new StringReader(json))) {
      reader.setStrictness(Strictness.STRICT);
      reader.setNestingLimit(MAX_DEPTH);
      Object value = readValue(reader, 0);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new FormatException("trailing data after the JSON value");
      }
      return value;
    } catch (IOException e) {
      throw new FormatException("malformed JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Encodes a value of the value model as canonical UTF-8 bytes.
   *
   * @throws IllegalArgumentException if the value holds a type outside the model, a non-string
   *     map key, a lone surrogate, a non-finite double, an integer beyond ±(2<sup>53</sup>−1), or
   *     nests deeper than {@value #MAX_DEPTH} (which includes cycles)
   */
  public static byte[] encode(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out, 0);
    // Every string was checked for lone surrogates, so this conversion never substitutes.
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Object readValue(JsonReader reader, int depth) throws IOException {
    switch (reader.peek()) {
      case BEGIN_OBJECT:
        checkDepth(depth);
        Map<String, Object> map = new LinkedHashMap<>();
        reader.beginObject();
        while (reader.hasNext()) {
          String key = checkParsedString(reader.nextName());
          if (map.containsKey(key)) {
            throw new FormatException("duplicate key at " + reader.getPath());
          }
          map.put(key, readValue(reader, depth + 1));
        }
        reader.endObject();
        return Collections.unmodifiableMap(map);
      case BEGIN_ARRAY:
        checkDepth(depth);
        List<Object> list = new ArrayList<>();
        reader.beginArray();
        while (reader.hasNext()) {
          list.add(readValue(reader, depth + 1));
        }
        reader.endArray();
        return Collections.unmodifiableList(list);
      case STRING:
        return checkParsedString(reader.nextString());
      case NUMBER:
        return parseNumber(reader.nextString());
      case BOOLEAN:
        return reader.nextBoolean();
      case NULL:
        reader.nextNull();
        return null;
      default:
        throw new FormatException("unexpected JSON token at " + reader.getPath());
    }
  }

  private static void checkDepth(int depth) {
    if (depth >= MAX_DEPTH) {
      throw new FormatException("JSON nests deeper than " + MAX_DEPTH);
    }
  }

  private static String checkParsedString(String s) {
    if (!Utf8.isWellFormed(s)) {
      throw new FormatException("JSON string contains a lone surrogate");
    }
    return s;
  }

  private static Object parseNumber(String literal) {
    if (!JSON_NUMBER.matcher(literal).matches()) {
      throw new FormatException("malformed JSON number");
    }
    // Double.parseDouble rounds correctly (round half to even), as RFC 8785 §3.2.2.3 requires.
    double d = Double.parseDouble(literal);
    if (Double.isInfinite(d)) {
      throw new FormatException("JSON number does not fit an IEEE-754 double");
    }
    if (d == Math.rint(d) && Math.abs(d) <= MAX_SAFE_INTEGER) {
      return (long) d; // also folds -0 into 0, which is how JCS prints it
    }
    return d;
  }

  private static void write(Object value, StringBuilder out, int depth) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      writeString(s, out);
    } else if (value instanceof Boolean b) {
      out.append(b.booleanValue());
    } else if (value instanceof Long || value instanceof Integer) {
      writeInteger(((Number) value).longValue(), out);
    } else if (value instanceof Double d) {
      out.append(formatNumber(d));
    } else if (value instanceof Map<?, ?> map) {
      if (depth >= MAX_DEPTH) {
        throw new IllegalArgumentException("value nests deeper than " + MAX_DEPTH);
      }
      // String.compareTo orders by UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
      TreeMap<String, Object> sorted = new TreeMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("map key is not a String: " + typeName(e.getKey()));
        }
        sorted.put(key, e.getValue());
      }
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        writeString(e.getKey(), out);
        out.append(':');
        write(e.getValue(), out, depth + 1);
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      if (depth >= MAX_DEPTH) {
        throw new IllegalArgumentException("value nests deeper than " + MAX_DEPTH);
      }
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(list.get(i), out, depth + 1);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("no JSON form for " + typeName(value));
    }
  }

  /** An integer, which must survive an IEEE-754 double. */
  static void writeInteger(long n, StringBuilder out) {
    if (n > MAX_SAFE_INTEGER || n < -MAX_SAFE_INTEGER) { // not Math.abs: it keeps MIN_VALUE
      throw new IllegalArgumentException("integer " + n + " is beyond ±(2^53-1) and would not survive an IEEE-754 double");
    }
    out.append(n);
  }

  private static String typeName(Object o) {
    return o == null ? "null" : o.getClass().getName();
  }

  /** RFC 8785 §3.2.2.2: only the mandatory escapes, everything else as itself. */
  static void writeString(String s, StringBuilder out) {
    if (!Utf8.isWellFormed(s)) {
      throw new IllegalArgumentException("string contains a lone surrogate");
    }
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(
                Character.forDigit(c & 0xF, 16));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * ECMAScript Number.prototype.toString (ECMA-262 Number::toString, radix 10), as RFC 8785
   * §3.2.2.3 requires. Java 17's Double.toString is not always the shortest form, so the digits
   * are found here: the fewest digits that read back to the same double, the closer candidate when
   * two qualify, the even one on a tie.
   */
  static String formatNumber(double d) {
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("JSON has no form for " + d);
    }
    if (d == 0) {
      return "0"; // -0 too
    }
    if (d < 0) {
      return "-" + formatNumber(-d);
    }
    if (d <= MAX_SAFE_INTEGER && d == Math.rint(d)) {
      return Long.toString((long) d); // exact, and the common case
    }
    BigDecimal exact = new BigDecimal(d);
    BigDecimal best = null;
    for (int precision = 1; best == null; precision++) {
      BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
      BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
      boolean downOk = Double.parseDouble(down.toString()) == d;
      boolean upOk = Double.parseDouble(up.toString()) == d;
      if (downOk && upOk) {
        int cmp = exact.subtract(down).compareTo(up.subtract(exact));
        if (cmp < 0) {
          best = down;
        } else if (cmp > 0) {
          best = up;
        } else {
          best = down.unscaledValue().testBit(0) ? up : down;
        }
      } else if (downOk) {
        best = down;
      } else if (upOk) {
        best = up;
      }
    }
    best = best.stripTrailingZeros();
    String digits = best.unscaledValue().toString();
    int k = digits.length();
    int n = k - best.scale(); // value = 0.digits × 10^n
    StringBuilder out = new StringBuilder();
    if (k <= n && n <= 21) {
      out.append(digits).append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      out.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      out.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      int e = n - 1;
      out.append(digits.charAt(0));
      if (k > 1) {
        out.append('.').append(digits, 1, k);
      }
      out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
    }
    return out.toString();
  }
}
