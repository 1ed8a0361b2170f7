package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.kinko.vault.transport.AgeKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vault with a signed and an unsigned part of its log, a certified deletion and an archive,
 * closed; then one random edit of a table that {@link StateTamperPropertiesTest} does not edit
 * (the log's, the deletions' and certificates', the state's tree, the folder index, settings,
 * the incident watch's, alert deliveries, the import lock), made around the library with the database's own tools (a row deleted, a column changed, a row of an earlier moment put
 * back). Opening and every operation after it either work or fail with a {@link VaultException}
 * that says what is wrong: never another failure, which the CLI reports as a bug and which
 * leaves no INCIDENT (a deleted node of the tree did that: {@code LogTreeInnerNodeTest}). And
 * {@code log verify} refuses every edit of the log's entries, tree or head.
 */
class DatabaseTamperPropertiesTest {
  private static final List<String> TABLES = List.of("log_entries", "log_tree", "log_head", "log_checkpoints", "log_archives",
      "certificates", "deletions", "deletion_batches", "incident_watch", "settings", "imports", "state_head", "state_nodes", "file_folders",
      "file_folders_state", "vault_identity", "alert_deliveries", "import_lock");
  /** The tables every row of which {@code log verify} reads and holds to the signed roots. */
  private static final Set<String> VERIFIED = Set.of("log_entries", "log_tree", "log_head");
  private final AtomicInteger vaults = new AtomicInteger();
  @TempDir Path dir;

  @Test
  void anyEditOfAnyTable_endsInAVaultException_orChangesNothing_andVerifyFindsEveryEditOfTheLog() {
    qt().withExamples(12).withShrinkCycles(0)
        .forAll(integers().between(0, 40), integers().between(0, Integer.MAX_VALUE - 1))
        .checkAssert(this::check);
  }

  private void check(int reads, int editSeed) {
    Path v = dir.resolve("v" + vaults.incrementAndGet());
    Path identity = dir.resolve("key" + vaults.get() + ".txt");
    Path parcel = dir.resolve("p" + vaults.get() + ".age");
    Transport.Identities ids = new Transport.Identities(List.of(identity), null);
    Random random = new Random(editSeed);
    String edited;
    try {
      List<Map<String, Object>> seen = new ArrayList<>();
      try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
        for (String path : List.of("a.txt", "b.txt", "c.txt")) {
          TestVaults.put(s, path, path.getBytes(StandardCharsets.UTF_8));
        }
        // A package of its own taken back in: a row of imports, and the EXPORT and IMPORT entries.
        Files.writeString(identity, AgeKeys.IDENTITY + "\n");
        s.exportPackage(List.of("b.txt"), Transport.Recipients.of(List.of(AgeKeys.RECIPIENT)), parcel);
        s.importPackage(parcel, ids, null, "back");
        seen.addAll(TestDatabase.snapshot(v, TABLES));
        s.delete("a.txt"); // a certificate, with a proof, and a checkpoint
        for (int i = 0; i < reads; i++) {
          s.stat("b.txt");
        }
        s.exportLog(Instant.EPOCH, Instant.now().plusSeconds(1), dir.resolve("archive" + vaults.get()));
        seen.addAll(TestDatabase.snapshot(v, TABLES));
        for (int i = 0; i < reads % 7; i++) {
          s.stat("c.txt"); // after the last signed checkpoint
        }
      }
      edited = edit(v, seen, random);
    } catch (Exception e) {
      throw new AssertionError("setting up " + reads + " reads, edit " + editSeed + ": " + e, e);
    }
    if (edited == null) {
      return; // the row the seed drew is still there as it was
    }
    String what = reads + " reads, edit " + editSeed + " (" + edited + ")";
    String table = edited.substring(0, edited.indexOf(':'));
    TestVaults.afterAnEdit(v, what, s -> {
      if (VERIFIED.contains(table)) {
        assertThrows(IntegrityException.class, () -> s.verifyLog(null), what + ": log verify did not refuse");
      } else {
        clearly(what, "log verify", () -> s.verifyLog(null));
      }
      clearly(what, "stat", () -> s.stat("b.txt"));
      clearly(what, "get", () -> TestVaults.readAll(s, "c.txt"));
      clearly(what, "the certificates", s::certificates);
      clearly(what, "the log's entries", () -> s.logEntries(new LogQuery(null, null, null, null)));
      clearly(what, "the incidents", () -> s.incidents(false));
      clearly(what, "a checkpoint", s::checkpoint);
      clearly(what, "a deletion", () -> s.delete("b.txt"));
      clearly(what, "an archive", () -> s.exportLog(Instant.EPOCH, Instant.now().plusSeconds(1), dir.resolve("again" + vaults.get())));
      clearly(what, "an audit", () -> s.audit(false, blobs -> {}));
      assertThrows(VaultException.class, () -> s.importPackage(parcel, ids, null, "again"), what + ": the package was taken in again");
      clearly(what, "a monthly report", () -> s.monthlyReport(java.time.YearMonth.now(java.time.ZoneOffset.UTC), null, dir.resolve("report" + vaults.get())));
    });
  }

  private static <T> T clearly(String what, String operation, java.util.concurrent.Callable<T> call) {
    return TestVaults.workedOrRefused(what, operation, call);
  }

  /**
   * One random edit of one of {@link #TABLES}: a row deleted, a column changed (a number one more,
   * a text with a character more or one replaced, bytes with one more or one flipped, a null filled), or a row seen earlier put back
   * over the one now there. Returns "table: what", or null if the draw changed nothing.
   */
  private static String edit(Path v, List<Map<String, Object>> seen, Random random) throws Exception {
    try (Connection c = TestDatabase.connect(v)) {
      int kind = random.nextInt(3);
      if (kind == 0) {
        Map<String, Object> old = new LinkedHashMap<>(seen.get(random.nextInt(seen.size())));
        String table = (String) old.remove("#table");
        List<Map<String, Object>> now = TestDatabase.rows(c, table);
        if (now.isEmpty() || now.stream().anyMatch(row -> sameRow(row, old))) {
          return null; // nothing changed since: not an edit
        }
        delete(c, table, now.get(random.nextInt(now.size())));
        return table + (insert(c, table, old) ? ": a row of an earlier moment put back over another" : ": a row deleted (the schema refused the earlier one)");
      }
      List<String> tables = new ArrayList<>(TABLES);
      java.util.Collections.shuffle(tables, random);
      for (String table : tables) {
        List<Map<String, Object>> rows = TestDatabase.rows(c, table);
        if (rows.isEmpty()) {
          continue;
        }
        Map<String, Object> row = rows.get(random.nextInt(rows.size()));
        delete(c, table, row);
        if (kind == 1) {
          return table + ": a row deleted";
        }
        List<String> columns = new ArrayList<>(row.keySet());
        String column = columns.get(random.nextInt(columns.size()));
        row.put(column, changed(row.get(column), random));
        return table + (insert(c, table, row) ? ": column " + column + " changed" : ": a row deleted (the schema refused it changed)");
      }
      return null;
    }
  }

  private static Object changed(Object value, Random random) {
    if (value instanceof Number n) {
      return n.longValue() + 1;
    }
    if (value instanceof byte[] b) {
      if (b.length == 0 || random.nextBoolean()) {
        return java.util.Arrays.copyOf(b, b.length + 1);
      }
      byte[] flipped = b.clone();
      flipped[random.nextInt(b.length)] ^= 1;
      return flipped;
    }
    if (value instanceof Boolean on) {
      return !on;
    }
    if (value instanceof String text && !text.isEmpty() && random.nextBoolean()) {
      // One character replaced, the length kept: a fixed-width column (a hex hash, an id) takes it.
      // Never by itself: a '0' of a hash replaced by '0' changed nothing, and verification rightly found nothing.
      char[] chars = text.toCharArray();
      int at = random.nextInt(chars.length);
      String others = "0fz{\"-".replace(String.valueOf(chars[at]), "");
      chars[at] = others.charAt(random.nextInt(others.length()));
      return new String(chars);
    }
    return value == null ? "x" : value + "x";
  }

  /** Deletes the one row with exactly these values. */
  private static void delete(Connection c, String table, Map<String, Object> row) throws Exception {
    List<String> columns = new ArrayList<>(row.keySet());
    try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE "
        + String.join(" AND ", columns.stream().map(k -> row.get(k) == null ? k + " IS NULL" : k + " = ?").toList()))) {
      int i = 1;
      for (String column : columns) {
        if (row.get(column) != null) {
          s.setObject(i++, row.get(column));
        }
      }
      if (s.executeUpdate() != 1) {
        throw new AssertionError("not exactly one row of " + table + " is " + row);
      }
    }
  }

  /** Inserts the row; false if the schema refuses it (a value of another type, too long, a key taken): the row stays deleted. */
  private static boolean insert(Connection c, String table, Map<String, Object> row) {
    try {
      TestDatabase.insert(c, table, row);
      return true;
    } catch (java.sql.SQLException refusedByTheSchema) {
      return false;
    }
  }

  /** Whether two rows hold the same values, bytes compared by content. */
  private static boolean sameRow(Map<String, Object> a, Map<String, Object> b) {
    return a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(k -> java.util.Objects.deepEquals(a.get(k), b.get(k)));
  }
}
