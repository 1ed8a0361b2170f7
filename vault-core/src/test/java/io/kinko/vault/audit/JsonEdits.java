package io.kinko.vault.audit;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** A signed artefact's JSON with one edit, canonical again: only the edit can be what a strict parser refuses. */
public final class JsonEdits {
  private JsonEdits() {}

  public static byte[] edited(byte[] json, Consumer<Map<String, Object>> edit) {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = new HashMap<>((Map<String, Object>) CanonicalJson.parse(json));
    edit.accept(m);
    return CanonicalJson.encode(m);
  }

  /** The object {@code name} of {@code m}, replaced by a copy the caller may edit. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Map<String, Object> m, String name) {
    Map<String, Object> copy = new HashMap<>((Map<String, Object>) m.get(name));
    m.put(name, copy);
    return copy;
  }
}
