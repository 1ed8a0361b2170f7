package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The schemas of docs/cli-json.md, read from its tables as a user reads them: a heading
 * {@code ### `kinko CMD`} (or several commands, comma-separated) and rows {@code | `field` | type |}.
 * {@link #check} says how an object departs from its command's schema: a field missing or not
 * documented, or a value of the wrong type.
 */
final class JsonSchema {
  static final Path DOC = Path.of("..", "docs", "cli-json.md");
  static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
  static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern HEADING = Pattern.compile("^#{2,3} (.*)$");
  private static final Pattern COMMAND = Pattern.compile("`kinko ([a-z -]+)`");
  private static final Pattern ROW = Pattern.compile("^\\| `([A-Za-z0-9\\[\\].]+)` \\| ([a-z\\[\\]]+\\??) \\|");

  /** The key of the object a {@code --dry-run} prints instead of its command's own (its command field names the command). */
  static final String DRY_RUN = "dry run";

  /** Field path ({@code files[].path}) to type ({@code string}, {@code timestamp?}) per command; "errors" for errors. */
  final Map<String, Map<String, String>> commands = new LinkedHashMap<>();
  /** The documented fields each command's checked objects held (an empty array shows none of its elements' fields). */
  final Map<String, java.util.Set<String>> seen = new LinkedHashMap<>();

  static JsonSchema read() throws IOException {
    JsonSchema schema = new JsonSchema();
    List<String> current = List.of();
    for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
      Matcher h = HEADING.matcher(line);
      if (h.matches()) {
        current = new ArrayList<>();
        if (h.group(1).equals("Errors")) {
          current.add("errors");
        }
        if (h.group(1).equals("Dry runs")) {
          current.add(DRY_RUN);
          continue;
        }
        Matcher c = COMMAND.matcher(h.group(1));
        while (c.find()) {
          current.add(c.group(1));
        }
        continue;
      }
      Matcher r = ROW.matcher(line);
      if (r.find()) {
        for (String command : current) {
          schema.commands.computeIfAbsent(command, k -> new LinkedHashMap<>()).put(r.group(1), r.group(2));
        }
      }
    }
    return schema;
  }

  /** The fields of {@code command}'s object, the common ones included. */
  Map<String, String> fields(String command) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("schema", "integer");
    fields.put("command", "string");
    Map<String, String> own = commands.get(command);
    if (own == null) {
      throw new AssertionError("docs/cli-json.md documents no `kinko " + command + "`");
    }
    fields.putAll(own);
    return fields;
  }

  /** Every way {@code object} departs from the schema of {@code command}; empty if it conforms. */
  List<String> check(String command, JsonObject object) {
    List<String> problems = new ArrayList<>();
    Map<String, String> fields = fields(command);
    java.util.Set<String> held = seen.computeIfAbsent(command, k -> new TreeSet<>());
    checkObject(object, "", fields, problems, held);
    if (!object.has("schema") || object.get("schema").getAsInt() != Json.SCHEMA) {
      problems.add("schema is not " + Json.SCHEMA);
    }
    if (!command.equals("errors") && !command.equals(DRY_RUN) && (!object.has("command") || !object.get("command").getAsString().equals(command))) {
      problems.add("command is not \"" + command + "\"");
    }
    return problems;
  }

  /** Documented fields of {@code command} that no checked object held. */
  List<String> unseen(String command) {
    List<String> missing = new ArrayList<>(fields(command).keySet());
    missing.removeAll(seen.getOrDefault(command, java.util.Set.of()));
    return missing;
  }

  private static void checkObject(JsonObject object, String prefix, Map<String, String> fields, List<String> problems,
      java.util.Set<String> held) {
    TreeSet<String> documented = new TreeSet<>();
    for (String path : fields.keySet()) {
      if (path.startsWith(prefix) && !path.substring(prefix.length()).contains(".")) {
        documented.add(path.substring(prefix.length()));
      }
    }
    for (String key : object.keySet()) {
      if (!documented.contains(key)) {
        problems.add("undocumented field " + prefix + key);
      }
    }
    for (String key : documented) {
      if (!object.has(key)) {
        problems.add("missing field " + prefix + key);
        continue;
      }
      held.add(prefix + key);
      checkValue(object.get(key), prefix + key, fields.get(prefix + key), fields, problems, held);
    }
  }

  private static void checkValue(JsonElement value, String path, String type, Map<String, String> fields, List<String> problems,
      java.util.Set<String> held) {
    boolean nullable = type.endsWith("?");
    String base = nullable ? type.substring(0, type.length() - 1) : type;
    if (value.isJsonNull()) {
      if (!nullable) {
        problems.add(path + " is null but is " + type);
      }
      return;
    }
    boolean ok = switch (base) {
      case "string" -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
      case "integer" -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
          && value.getAsBigDecimal().stripTrailingZeros().scale() <= 0;
      case "boolean" -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean();
      case "timestamp" -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() && TIMESTAMP.matcher(value.getAsString()).matches();
      case "date" -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() && DATE.matcher(value.getAsString()).matches();
      case "string[]" -> value.isJsonArray() && allStrings(value.getAsJsonArray());
      case "integer[]" -> value.isJsonArray() && allIntegers(value.getAsJsonArray());
      case "object" -> value.isJsonObject();
      case "array" -> value.isJsonArray();
      default -> {
        problems.add(path + " has an unknown documented type " + type);
        yield true;
      }
    };
    if (!ok) {
      problems.add(path + " is not a " + type + ": " + value);
      return;
    }
    if (base.equals("object")) {
      checkObject(value.getAsJsonObject(), path + ".", fields, problems, held);
    } else if (base.equals("array")) {
      for (JsonElement element : value.getAsJsonArray()) {
        if (!element.isJsonObject()) {
          problems.add(path + "[] holds a non-object: " + element);
        } else {
          checkObject(element.getAsJsonObject(), path + "[].", fields, problems, held);
        }
      }
    }
  }

  private static boolean allIntegers(JsonArray array) {
    for (JsonElement e : array) {
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber() || e.getAsDouble() != Math.rint(e.getAsDouble())) {
        return false;
      }
    }
    return true;
  }

  private static boolean allStrings(JsonArray array) {
    for (JsonElement e : array) {
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        return false;
      }
    }
    return true;
  }
}
