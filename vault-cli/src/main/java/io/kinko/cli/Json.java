package io.kinko.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.time.Instant;
import java.util.Collection;

/**
 * The one way the CLI writes JSON: every {@code --json} result and error is one object that
 * starts with {@code "schema"} (the version of docs/cli-json.md it follows) and {@code "command"},
 * times as {@link Times#json}, nulls written out so every documented field is always present.
 */
final class Json {
  /** The version of the schemas in docs/cli-json.md; raised only when a field changes meaning or goes away. */
  static final int SCHEMA = 1;

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();

  private Json() {}

  /** A result or error object for {@code command} ("ls", "log show"), with its schema version. */
  static JsonObject object(String command) {
    JsonObject o = new JsonObject();
    o.addProperty("schema", SCHEMA);
    o.addProperty("command", command);
    return o;
  }

  /** An instant as ISO-8601 UTC with milliseconds, or null. */
  static JsonElement time(Instant instant) {
    return instant == null ? JsonNull.INSTANCE : new JsonPrimitive(Times.json(instant));
  }

  /** A value's text, or null. */
  static JsonElement text(Object value) {
    return value == null ? JsonNull.INSTANCE : new JsonPrimitive(value.toString());
  }

  static JsonArray strings(Collection<String> values) {
    JsonArray array = new JsonArray();
    values.forEach(array::add);
    return array;
  }

  static String write(JsonElement element) {
    return GSON.toJson(element);
  }
}
