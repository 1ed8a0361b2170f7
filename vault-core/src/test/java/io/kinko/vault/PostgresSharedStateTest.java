package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hosts on one PostgreSQL vault change access state at the same moment (issue #9, row 7): a
 * grant's read-modify-write and the "last administrator" check each run in the one unit of work
 * that makes the change, under the state lock, so no update is lost and the vault always keeps an
 * administrator. Each host is a {@link Vault} of its own on the same folder and database.
 */
class PostgresSharedStateTest {
  private static final int ROUNDS = 4;
  @TempDir Path dir;

  @Test
  void twoHostsGrantingAtOnce_bothPermissionsAreKept() throws Exception {
    Path v = create();
    try (Vault hostA = TestVaults.open(v); Vault hostB = TestVaults.open(v);
         Session a = TestVaults.login(hostA); Session b = TestVaults.login(hostB)) {
      for (int round = 0; round < ROUNDS; round++) {
        String prefix = "team" + round;
        race(() -> a.administration().grant("bob", prefix, EnumSet.of(Permission.READ)),
            () -> b.administration().grant("bob", prefix, EnumSet.of(Permission.WRITE)));
        List<Grant> grants = a.administration().acl(prefix);
        assertEquals(1, grants.size(), grants::toString);
        assertEquals(EnumSet.of(Permission.READ, Permission.WRITE), grants.get(0).permissions(), "round " + round + ": an update was lost");
      }
    }
  }

  @Test
  void twoHostsLockingTheLastTwoAdministrators_leaveOneActive() throws Exception {
    Path v = create();
    try (Vault hostA = TestVaults.open(v); Vault hostB = TestVaults.open(v);
         Session a = TestVaults.login(hostA); Session b = TestVaults.login(hostB)) {
      for (int round = 0; round < ROUNDS; round++) {
        String other = "admin" + round;
        try (Password p = Password.copyOf(TestVaults.PASSWORD)) {
          a.administration().addUser(other, Role.ADMIN, p, null);
        }
        // Two administrators are active; one host locks each of them at the same moment.
        List<Object> outcomes = race(() -> a.administration().lock(other), () -> b.administration().lock(TestVaults.ADMIN));
        long active = a.administration().users().stream()
            .filter(u -> u.role() == Role.ADMIN && u.status() == AccountStatus.ACTIVE).count();
        assertEquals(1, active, "round " + round + ": " + outcomes);
        assertTrue(outcomes.stream().anyMatch(o -> o instanceof VaultException), "one of the two locks must be refused: " + outcomes);
        // Put the vault back to one active administrator, the chief, for the next round.
        if (outcomes.get(1) == null) {
          a.administration().unlock(TestVaults.ADMIN);
        }
        a.administration().disable(other);
      }
    }
  }

  private Path create() throws Exception {
    Path v = dir.resolve("vault");
    try (Password pw = Password.copyOf(TestVaults.PASSWORD); DatabaseAccount account = TestDatabase.account();
         Vault vault = Vault.builder(v).contract(TestVaults.CONTRACT).admin(TestVaults.ADMIN, pw).passwordCost(PasswordCost.MINIMUM)
             .database(TestDatabase.newSchema(TestDatabase.server()), account).create();
         Session admin = TestVaults.login(vault);
         Password p = Password.copyOf("a worker's own long password".toCharArray())) {
      admin.administration().addUser("bob", Role.WORKER, p, null);
    }
    return v;
  }

  /** Runs both at once from a barrier; each outcome is null (done) or the exception it threw. */
  private static List<Object> race(Runnable first, Runnable second) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Object>> futures = new ArrayList<>();
      for (Runnable r : List.of(first, second)) {
        Callable<Object> task = () -> {
          start.await();
          try {
            r.run();
            return null;
          } catch (VaultException e) {
            return e;
          }
        };
        futures.add(pool.submit(task));
      }
      List<Object> out = new ArrayList<>();
      for (Future<Object> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
