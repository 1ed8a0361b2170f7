package io.kinko.vault.audit;

import io.kinko.vault.IntegrityException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One object of a signed JSON artefact being read strictly: typed getters that name the field on
 * failure, and {@link #done} that refuses a field nobody read. Every failure is an {@link
 * IntegrityException}, because a signed artefact in a shape its writer never makes was altered.
 */
public final class JsonFields {
  private final Map<?, ?> map;
  private final String path;
  private final String artefact;
  private final Set<String> read = new HashSet<>();

  private JsonFields(Map<?, ?> map, String path, String artefact) {
    this.map = map;
    this.path = path;
    this.artefact = artefact;
  }

  /**
   * The root object of a signed artefact's bytes, which must be canonical JSON (RFC 8785) as its
   * writer makes it: anything else was altered.
   */
  public static JsonFields canonical(byte[] json, String artefact) {
    Object value;
    try {
      value = CanonicalJson.parse(json);
    } catch (FormatException e) {
      throw new IntegrityException(artefact + " is not valid JSON: " + e.getMessage());
    }
    if (!java.util.Arrays.equals(CanonicalJson.encode(value), json)) {
      throw new IntegrityException(artefact + " is not canonical JSON (RFC 8785)");
    }
    return root(value, artefact);
  }

  /** The root object of a parsed artefact; {@code artefact} names it in messages ("the report"). */
  public static JsonFields root(Object value, String artefact) {
    if (!(value instanceof Map<?, ?> m)) {
      throw new IntegrityException(artefact + " is not a JSON object");
    }
    return new JsonFields(m, "", artefact);
  }

  /** Returns {@code value} once every field of this object was read; an unread one is unknown. */
  public <T> T done(T value) {
    for (Object name : map.keySet()) {
      if (!read.contains(name)) {
        throw new IntegrityException(artefact + " has an unknown field '" + where((String) name) + "'");
      }
    }
    return value;
  }

  public IntegrityException refused(String name, String why) {
    return new IntegrityException(artefact + "'s field '" + (name.isEmpty() ? path : where(name)) + "' " + why);
  }

  private String where(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private Object get(String name) {
    read.add(name);
    Object v = map.get(name);
    if (v == null) {
      throw map.containsKey(name) ? refused(name, "is null")
          : new IntegrityException(artefact + " lacks the required field '" + where(name) + "'");
    }
    return v;
  }

  private <T> T typed(String name, Class<T> type, String what) {
    Object v = get(name);
    if (!type.isInstance(v)) {
      throw refused(name, "is not " + what);
    }
    return type.cast(v);
  }

  public String text(String name) {
    return typed(name, String.class, "a string");
  }

  /** A string that may be null (present as JSON null). */
  public String nullableText(String name) {
    read.add(name);
    if (!map.containsKey(name)) {
      throw new IntegrityException(artefact + " lacks the required field '" + where(name) + "'");
    }
    return map.get(name) == null ? null : text(name);
  }

  /** A string that may be absent (fields added to a format later). */
  public String optionalText(String name) {
    return map.containsKey(name) ? text(name) : null;
  }

  public long number(String name) {
    return typed(name, Long.class, "an integer");
  }

  public boolean bool(String name) {
    return typed(name, Boolean.class, "true or false");
  }

  public Instant instant(String name) {
    String text = text(name);
    try {
      return Instant.parse(text);
    } catch (DateTimeException e) {
      throw refused(name, "is not an ISO-8601 instant: " + text);
    }
  }

  public List<String> texts(String name) {
    List<String> out = new ArrayList<>();
    for (Object v : typed(name, List.class, "a list")) {
      if (!(v instanceof String s)) {
        throw refused(name, "holds a value that is not a string");
      }
      out.add(s);
    }
    return out;
  }

  /** A list of integers. */
  public List<Long> numbers(String name) {
    List<Long> out = new ArrayList<>();
    for (Object v : typed(name, List.class, "a list")) {
      if (!(v instanceof Long n)) {
        throw refused(name, "holds a value that is not an integer");
      }
      out.add(n);
    }
    return out;
  }

  public JsonFields object(String name) {
    return new JsonFields(typed(name, Map.class, "an object"), where(name), artefact);
  }

  /** An object that may be absent (fields added to a format later). */
  public JsonFields optionalObject(String name) {
    return map.containsKey(name) ? object(name) : null;
  }

  /** An object that may be null (present as JSON null). */
  public JsonFields nullableObject(String name) {
    read.add(name);
    if (!map.containsKey(name)) {
      throw new IntegrityException(artefact + " lacks the required field '" + where(name) + "'");
    }
    return map.get(name) == null ? null : object(name);
  }

  public List<JsonFields> objects(String name) {
    List<JsonFields> out = new ArrayList<>();
    List<?> list = typed(name, List.class, "a list");
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> m)) {
        throw refused(name, "holds an item that is not an object");
      }
      out.add(new JsonFields(m, where(name) + "[" + i + "]", artefact));
    }
    return out;
  }
}
