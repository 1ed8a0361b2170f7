package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four processes, each a worker of the team, share one vault on PostgreSQL and do 800 (by default; -Dkinko.test.sharedOps=N for more)
 * operations each at once. Afterwards the log is one gapless chain and tree that verifies,
 * every operation has exactly its entries, and no file is lost or altered.
 *
 * <p>A soak: two minutes on two busy cores, so {@code mvn verify} leaves it out and {@code .ci/run}
 * runs it after (tag {@code soak}).
 */
@Tag("soak")
class PostgresConcurrencyTest {
  static final int WORKERS = 4;
  static final int OPERATIONS = Integer.getInteger("kinko.test.sharedOps", 800);
  @TempDir Path dir;

  @Test
  void fourProcesses_sharingOneVault_keepOneLog_andEveryFile() throws Exception {
    Path v = dir.resolve("vault");
    Map<String, String> expected = new TreeMap<>();
    List<String> users = new ArrayList<>();
    try (Password pw = Password.copyOf(TestVaults.PASSWORD); DatabaseAccount account = TestDatabase.account();
         Vault vault = Vault.builder(v).contract(TestVaults.CONTRACT).admin(TestVaults.ADMIN, pw).passwordCost(PasswordCost.MINIMUM)
             .database(TestDatabase.newSchema(TestDatabase.server()), account).create()) {
      TestVaults.grantAll(vault, TestVaults.ADMIN);
      try (Session admin = TestVaults.login(vault)) {
        for (int i = 0; i < SharedVaultWorker.SHARED_FILES; i++) {
          TestVaults.put(admin, "shared/s" + i, SharedVaultWorker.sharedContent(i));
          expected.put("shared/s" + i, SharedVaultWorker.digest(SharedVaultWorker.sharedContent(i)));
        }
        for (int w = 0; w < WORKERS; w++) {
          String user = "worker" + w;
          users.add(user);
          try (Password p = Password.copyOf(TestVaults.PASSWORD)) {
            admin.administration().addUser(user, Role.WORKER, p, null);
          }
          admin.administration().grant(user, user, EnumSet.of(Permission.READ, Permission.WRITE, Permission.DELETE));
          admin.administration().grant(user, "shared", EnumSet.of(Permission.READ));
        }
      }
    }

    List<Process> processes = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      processes.add(TestVaults.java(List.of("-Xmx192m", "-XX:TieredStopAtLevel=1"), SharedVaultWorker.class, v.toString(),
          users.get(w), Integer.toString(OPERATIONS), Integer.toString(1000 + w))
          .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(dir.resolve("worker" + w + ".out").toFile()).start());
    }
    Map<String, int[]> done = new HashMap<>();
    for (int w = 0; w < WORKERS; w++) {
      Process p = processes.get(w);
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        processes.forEach(Process::destroyForcibly);
        throw new AssertionError("worker " + w + " did not finish in 15 minutes");
      }
      String output = Files.readString(dir.resolve("worker" + w + ".out"));
      assertEquals(0, p.exitValue(), "worker " + w + " failed: " + output);
      for (String line : output.split("\n")) {
        String[] f = line.split(" ");
        if (f[0].equals("DONE")) {
          done.put(users.get(w), new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3])});
        } else if (f[0].equals("FILE")) {
          expected.put(f[1], f[2]);
        }
      }
      assertTrue(done.containsKey(users.get(w)), "worker " + w + " did not report: " + output);
    }

    try (Vault vault = TestVaults.open(v); Session admin = TestVaults.login(vault)) {
      LogReport report = admin.verifyLog(null);
      assertEquals(report.treeSize(), report.entriesChecked(), "entries are missing from the verified log");
      List<LogEntry> all = admin.logEntries(new LogQuery(null, null, null, null));
      for (int i = 0; i < all.size(); i++) {
        assertEquals(i, all.get(i).seq(), "sequence numbers have a gap or a duplicate");
      }
      for (String user : users) {
        int[] counts = done.get(user);
        assertEquals(counts[0] + counts[1] + counts[2], OPERATIONS);
        assertEquals(counts[0], count(all, user, "PUT"), user + " PUT entries");
        assertEquals(counts[1], count(all, user, "GET"), user + " GET entries");
        assertEquals(counts[2], count(all, user, "DELETE_REQUEST"), user + " DELETE_REQUEST entries");
        assertEquals(counts[2], count(all, user, "DELETE"), user + " DELETE entries");
        assertEquals(1, count(all, user, "LOGIN"), user + " LOGIN entries");
      }
      int deletes = done.values().stream().mapToInt(c -> c[2]).sum();
      assertEquals(deletes, admin.certificates().size(), "one certificate per deletion");
      Map<String, String> stored = new TreeMap<>();
      for (FileInfo f : admin.list("")) {
        stored.put(f.path(), SharedVaultWorker.digest(TestVaults.readAll(admin, f.path())));
      }
      assertEquals(expected, stored, "a file was lost, resurrected or altered");
      assertEquals(expected.size(), blobCount(v), "blobs on disk do not match the files");
    }
  }

  private static long count(List<LogEntry> entries, String actor, String action) {
    return entries.stream().filter(e -> e.actor().equals(actor) && e.action().equals(action)).count();
  }

  private static long blobCount(Path v) throws IOException {
    try (var files = Files.walk(v.resolve("blobs"))) {
      return files.filter(Files::isRegularFile).count();
    }
  }
}
