package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.kinko.vault.store.VaultPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random sequences of administration and file operations by several users, checked against a
 * small reference model of who may do what. Every decision, allow or deny, must yield exactly one
 * log entry with the right actor, action and decision.
 */
class AccessModelTest {
  static final char[] PASSWORD = "model user password".toCharArray();
  static final List<String> USERS = List.of("w1", "w2", "au");
  static final List<String> PATHS = List.of("p/a.txt", "p/q/b.txt", "r/c.txt");
  static final List<String> PREFIXES = List.of("", "p", "p/q", "r", "p/a.txt");

  @TempDir Path dir;

  /** The reference model: grants, locks and stored paths. */
  static final class Model {
    final Map<String, Map<String, EnumSet<Permission>>> grants = new HashMap<>();
    final Set<String> locked = new HashSet<>();
    final Set<String> stored = new TreeSet<>();

    boolean auditor(String user) {
      return user.equals("au");
    }

    Set<Permission> on(String user, String path) {
      EnumSet<Permission> out = EnumSet.noneOf(Permission.class);
      VaultPath p = VaultPath.of(path);
      grants.getOrDefault(user, Map.of()).forEach((prefix, perms) -> {
        if (VaultPath.of(prefix).contains(p)) {
          out.addAll(perms);
        }
      });
      return out;
    }

    boolean may(String user, String path, Permission needed) {
      return !auditor(user) && on(user, path).contains(needed);
    }
  }

  /** One generated step, decoded from an int so that QuickTheories can shrink it. */
  record Step(int kind, String user, String path, String prefix, EnumSet<Permission> perms) {
    static Step decode(int raw) {
      int r = raw & Integer.MAX_VALUE;
      EnumSet<Permission> perms = EnumSet.noneOf(Permission.class);
      for (Permission p : Permission.values()) {
        if ((r >> (8 + p.ordinal()) & 1) == 1) {
          perms.add(p);
        }
      }
      if (perms.isEmpty()) {
        perms.add(Permission.READ);
      }
      return new Step(r % 8, USERS.get((r >> 3) % 3), PATHS.get((r >> 12) % 3), PREFIXES.get((r >> 14) % 5), perms);
    }

    @Override
    public String toString() {
      return List.of("grant", "revoke", "lock", "unlock", "login", "put", "get", "list").get(kind)
          + "(" + user + ", " + (kind <= 1 ? prefix + " " + perms : path) + ")";
    }
  }

  @Test
  void everyDecision_matchesTheModel_andYieldsExactlyOneLogEntry() {
    int[] run = {0};
    qt().withExamples(12).withShrinkCycles(20).forAll(lists().of(integers().all()).ofSizeBetween(5, 30))
        .checkAssert(raws -> check(dir.resolve("run-" + run[0]++), raws.stream().map(Step::decode).toList()));
  }

  private void check(Path vaultDir, List<Step> steps) {
    Model model = new Model();
    try (Vault vault = TestVaults.create(vaultDir); Session admin = TestVaults.login(vault)) {
      Map<String, Session> sessions = new HashMap<>();
      for (String u : USERS) {
        try (Password p = Password.copyOf(PASSWORD)) {
          admin.administration().addUser(u, u.equals("au") ? Role.AUDITOR : Role.WORKER, p, null);
        }
        sessions.put(u, login(vault, u));
      }
      List<String> done = new ArrayList<>();
      for (Step step : steps) {
        done.add(step.toString());
        long before = io.kinko.vault.engine.EngineInternals.log(vault).head().size();
        Expect expect = apply(step, model, admin, sessions.get(step.user()), vault);
        List<LogEntry> added = io.kinko.vault.engine.EngineInternals.log(vault).entries(LogQuery.ALL).stream().filter(e -> e.seq() >= before)
            .filter(e -> !watchRaised(e)).toList();
        assertEquals(1, added.size(), () -> "not exactly one entry after " + done + ": " + AccessLogTest.actions(added));
        LogEntry entry = added.get(0);
        assertEquals(expect.actor, entry.actor(), () -> "actor after " + done);
        assertEquals(expect.action, entry.action(), () -> "action after " + done);
        assertEquals(expect.allowed ? "ALLOW" : "DENY", entry.decision(), () -> "decision after " + done + ": " + entry.reason());
      }
      sessions.values().forEach(Session::close);
    } finally {
      deleteQuietly(vaultDir);
    }
  }

  private record Expect(String actor, String action, boolean allowed) {}

  private Expect apply(Step s, Model model, Session admin, Session user, Vault vault) {
    Administration a = admin.administration();
    switch (s.kind()) {
      case 0 -> {
        boolean ok = !model.auditor(s.user());
        outcome(ok, () -> a.grant(s.user(), s.prefix(), s.perms()));
        if (ok) {
          model.grants.computeIfAbsent(s.user(), k -> new HashMap<>()).computeIfAbsent(s.prefix(), k -> EnumSet.noneOf(Permission.class)).addAll(s.perms());
        }
        return new Expect("sato", "GRANT", ok);
      }
      case 1 -> {
        boolean ok = model.grants.getOrDefault(s.user(), Map.of()).containsKey(s.prefix());
        outcome(ok, () -> a.revoke(s.user(), s.prefix(), Set.of()));
        model.grants.getOrDefault(s.user(), new HashMap<>()).remove(s.prefix());
        return new Expect("sato", "REVOKE", ok);
      }
      case 2 -> {
        a.lock(s.user());
        model.locked.add(s.user());
        return new Expect("sato", "USER_LOCK", true);
      }
      case 3 -> {
        a.unlock(s.user());
        model.locked.remove(s.user());
        return new Expect("sato", "USER_UNLOCK", true);
      }
      case 4 -> {
        boolean ok = !model.locked.contains(s.user());
        outcome(ok, () -> login(vault, s.user()).close());
        // A successful login's session is closed at once; closing signs a checkpoint, not a log entry.
        return new Expect(s.user(), "LOGIN", ok);
      }
      case 5 -> {
        boolean ok = model.may(s.user(), s.path(), Permission.WRITE);
        outcome(ok, () -> TestVaults.put(user, s.path(), s.path().getBytes()));
        if (ok) {
          model.stored.add(s.path());
        }
        return new Expect(s.user(), "PUT", ok);
      }
      case 6 -> {
        boolean ok = model.may(s.user(), s.path(), Permission.READ);
        if (ok && !model.stored.contains(s.path())) {
          try {
            user.get(s.path());
            fail("get of a path never stored succeeded");
          } catch (NotFoundException expected) {
            // Allowed, and logged as such, but there is nothing to read.
          }
        } else {
          outcome(ok, () -> assertEquals(s.path(), new String(TestVaults.readAll(user, s.path()))));
        }
        return new Expect(s.user(), "GET", ok);
      }
      default -> {
        boolean ok = !model.auditor(s.user());
        outcome(ok, () -> {
          Set<String> expected = new TreeSet<>();
          model.stored.stream().filter(p -> model.may(s.user(), p, Permission.READ)).forEach(expected::add);
          assertEquals(expected, new TreeSet<>(user.list("").stream().map(FileInfo::path).toList()));
        });
        return new Expect(s.user(), "LIST", ok);
      }
    }
  }

  private static void outcome(boolean allowed, Runnable action) {
    try {
      action.run();
      assertTrue(allowed, "the vault allowed what the model denies");
    } catch (AccessDeniedException | AuthenticationException | NotFoundException e) {
      assertTrue(!allowed, "the vault denied what the model allows: " + e.getMessage());
    } catch (VaultException e) {
      assertTrue(!allowed, "the vault refused what the model allows: " + e.getMessage());
    }
  }

  private static Session login(Vault vault, String user) {
    try (Password p = Password.copyOf(PASSWORD)) {
      return vault.login(user, p);
    }
  }

  private static void deleteQuietly(Path root) {
    try (var files = Files.walk(root)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // The temporary folder is removed by JUnit in the end anyway.
    }
  }

  /**
   * An incident the watch raised on a thread of its own (a burst of refusals, failed logins): it
   * lands whenever that thread gets there, so it is not counted against the step it follows. An
   * integrity incident would be a step's own, and counts.
   */
  private static boolean watchRaised(LogEntry e) {
    return e.action().equals("INCIDENT")
        && !io.kinko.vault.incident.IncidentReason.parse(e.reason()).rule().id().startsWith("integrity.");
  }
}
