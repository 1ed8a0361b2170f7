package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random sequences of puts, grants, revokes and deletions, then one random edit of the database
 * made around the library (an older row inserted again, a row deleted, a column changed): every
 * read afterwards either fails with {@link IntegrityException} or gives exactly what the
 * operations alone would have given. Never other bytes, never a permission the operations did
 * not leave.
 */
class StateTamperPropertiesTest {
  private static final String[] PATHS = {"a/one.txt", "a/two.txt", "b/three.txt"};
  private static final String[] PREFIXES = {"a", "b", "."};
  private static final List<String> TABLES = List.of("users", "grants", "files");
  private static final char[] BOB = "a worker's own long password".toCharArray();
  private final AtomicInteger vaults = new AtomicInteger();
  @TempDir Path dir;

  @Test
  void anyEditAfterAnyOperations_isHarmlessOrDetected() {
    qt().withExamples(15).withShrinkCycles(0)
        .forAll(lists().of(integers().between(0, 10_000)).ofSizeBetween(1, 7), integers().between(0, Integer.MAX_VALUE - 1))
        .checkAssert(this::check);
  }

  private void check(List<Integer> operations, int editSeed) {
    Path v = dir.resolve("v" + vaults.incrementAndGet());
    Map<String, byte[]> content = new HashMap<>();
    Map<String, Set<Permission>> bobGrants = new HashMap<>();
    List<Map<String, Object>> seen = new ArrayList<>();
    try (Vault vault = TestVaults.create(v)) {
      try (Session admin = TestVaults.login(vault); Password p = Password.copyOf(BOB)) {
        admin.administration().addUser("bob", Role.WORKER, p, null);
        for (int op : operations) {
          apply(admin, op, content, bobGrants);
          seen.addAll(TestDatabase.snapshot(v, TABLES));
        }
        edit(v, seen, new Random(editSeed));
        for (String path : PATHS) {
          expectHarmlessOrDetected(admin, path, content.get(path), true);
        }
      }
      Session bob;
      try (Password p = Password.copyOf(BOB)) {
        bob = vault.login("bob", p);
      } catch (IntegrityException | AuthenticationException refused) {
        return; // detected, or the edit removed bob: either way nothing is handed out
      }
      try (bob) {
        for (String path : PATHS) {
          boolean readable = bobGrants.entrySet().stream()
              .anyMatch(g -> g.getValue().contains(Permission.READ) && (g.getKey().equals(".") || path.startsWith(g.getKey() + "/")));
          expectHarmlessOrDetected(bob, path, content.get(path), readable);
        }
      }
    } catch (Exception e) {
      throw new AssertionError("operations " + operations + ", edit " + editSeed + ": " + e, e);
    }
  }

  private static void apply(Session admin, int op, Map<String, byte[]> content, Map<String, Set<Permission>> bobGrants) {
    String path = PATHS[(op / 4) % PATHS.length];
    String prefix = PREFIXES[(op / 4) % PREFIXES.length];
    switch (op % 4) {
      case 0 -> {
        byte[] bytes = ("content " + op).getBytes(StandardCharsets.UTF_8);
        TestVaults.put(admin, path, bytes);
        content.put(path, bytes);
      }
      case 1 -> {
        admin.administration().grant("bob", prefix, EnumSet.of(Permission.READ));
        bobGrants.computeIfAbsent(prefix, k -> EnumSet.noneOf(Permission.class)).add(Permission.READ);
      }
      case 2 -> {
        if (bobGrants.remove(prefix) != null) {
          admin.administration().revoke("bob", prefix, EnumSet.noneOf(Permission.class));
        }
      }
      default -> {
        if (content.remove(path) != null) {
          admin.delete(path);
        }
      }
    }
  }

  private static void expectHarmlessOrDetected(Session s, String path, byte[] expected, boolean readable) {
    try {
      byte[] got = TestVaults.readAll(s, path);
      if (!readable) {
        throw new AssertionError(s.user() + " read " + path + " without a grant");
      }
      if (expected == null) {
        throw new AssertionError(s.user() + " read " + path + ", which was deleted or never stored");
      }
      assertArrayEquals(expected, got, s.user() + " read other bytes at " + path);
    } catch (IntegrityException detected) {
      // Detected before anything was handed out.
    } catch (NotFoundException e) {
      if (expected != null && readable) {
        throw new AssertionError(path + " vanished without an integrity error", e);
      }
    } catch (AccessDeniedException e) {
      if (readable) {
        throw new AssertionError(s.user() + " lost a grant on " + path + " without an integrity error", e);
      }
    }
  }

  /** One random edit: an older row inserted again (replacing the current one), a row deleted, or a column changed. */
  private static void edit(Path v, List<Map<String, Object>> seen, Random random) throws Exception {
    try (Connection c = TestDatabase.connect(v)) {
      int kind = random.nextInt(3);
      if (kind == 0 && !seen.isEmpty()) {
        Map<String, Object> old = new LinkedHashMap<>(seen.get(random.nextInt(seen.size())));
        String table = (String) old.remove("#table");
        delete(c, table, old);
        if (table.equals("files")) {
          // The row now at that path and version gives way, as an attacker's replay would make it:
          // otherwise the schema's unique (path_tag, version) refuses the replay, and nothing is tested.
          try (PreparedStatement s = c.prepareStatement("DELETE FROM files WHERE path_tag = ? AND version = ?")) {
            s.setObject(1, old.get("path_tag"));
            s.setObject(2, old.get("version"));
            s.executeUpdate();
          }
        }
        TestDatabase.insert(c, table, old);
        return;
      }
      String table = TABLES.get(random.nextInt(TABLES.size()));
      List<Map<String, Object>> rows = TestDatabase.rows(c, table);
      if (rows.isEmpty()) {
        return;
      }
      Map<String, Object> row = rows.get(random.nextInt(rows.size()));
      delete(c, table, row);
      if (kind == 1) {
        return;
      }
      List<String> columns = new ArrayList<>(row.keySet());
      String column = columns.get(random.nextInt(columns.size()));
      Object value = row.get(column);
      row.put(column, value instanceof Number n ? (Object) (n.longValue() + 1) : value == null ? "x" : value + "x");
      try {
        TestDatabase.insert(c, table, row);
      } catch (java.sql.SQLException refusedByTheSchema) {
        // A value the schema itself refuses (too long, not a number): the row stays deleted.
      }
    }
  }

  private static final Map<String, List<String>> KEYS = Map.of(
      "users", List.of("name"), "grants", List.of("user_name", "prefix_tag"), "files", List.of("file_id"));

  private static void delete(Connection c, String table, Map<String, Object> row) throws Exception {
    List<String> keys = KEYS.get(table);
    try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE "
        + String.join(" AND ", keys.stream().map(k -> k + " = ?").toList()))) {
      for (int i = 0; i < keys.size(); i++) {
        s.setObject(i + 1, row.get(keys.get(i)));
      }
      s.executeUpdate();
    }
  }
}
