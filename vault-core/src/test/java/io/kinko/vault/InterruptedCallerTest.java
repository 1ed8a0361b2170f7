package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An embedder's thread may carry an interrupt into the vault: a request's timeout,
 * {@code Future.cancel(true)}, an executor's {@code shutdownNow}. A {@code FileChannel} closes
 * itself under an interrupted thread, and the embedded database's file and the log's journal are
 * shared by every caller: one interrupted read closed the database for all of them until the vault
 * was reopened. Now the interrupted caller's operation either completes or fails with an error
 * that says so (reading or writing its own blob is where it stops); it raises no incident, leaves
 * nothing half done, keeps its interrupt, and every other caller goes on. The vault is reopened
 * first, so that the database's pages are read from its file, not H2's cache.
 */
class InterruptedCallerTest extends VaultTest {
  private static final int FILES = 500;
  private static final byte[] BIG = TestVaults.randomBytes(7, 3 << 20);

  /** A folder of small files and one big file, in a vault opened again: nothing of it is in H2's cache. */
  private void fillAndReopen() throws Exception {
    Path tree = dir.resolve("tree");
    Files.createDirectories(tree);
    for (int i = 0; i < FILES; i++) {
      Files.write(tree.resolve("f" + i), TestVaults.randomBytes(i, 100));
    }
    session.put("tree", tree);
    TestVaults.put(session, "big.bin", BIG);
    closeVault();
    vault = TestVaults.open(dir.resolve("vault"));
    session = TestVaults.login(vault);
  }

  /** A call that failed on an interrupted thread must say so, and must not be taken for tampering. */
  private static void saysItWasInterrupted(Object outcome) {
    if (outcome instanceof Throwable failure) {
      VaultException said = assertInstanceOf(VaultException.class, failure, () -> String.valueOf(failure));
      assertFalse(said instanceof IntegrityException, said.getMessage());
      assertTrue(said.getMessage().contains("interrupted"), said.getMessage());
    }
  }

  /** Every other caller goes on: no incident, the files read back, the log verifies, the audit finds nothing altered. */
  private void theVaultGoesOn() throws Exception {
    assertEquals(List.of(), session.incidents(false));
    assertEquals(FILES, session.list("tree").size());
    assertArrayEquals(BIG, TestVaults.readAll(session, "big.bin"));
    TestVaults.put(session, "after.bin", new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, TestVaults.readAll(session, "after.bin"));
    LogReport report = session.verifyLog(null);
    assertEquals(report.treeSize(), report.entriesChecked());
    AuditResult audit = session.audit(true, n -> {}); // every blob against its row, every byte decrypted
    assertEquals(List.of(), audit.findings().stream().filter(f -> f.severity() == AuditResult.Severity.INTEGRITY).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"list", "stat", "get", "put", "verify"})
  void anOperationOnAnInterruptedThread_completesOrSaysItWasInterrupted_andTheVaultGoesOnForEveryone(String operation) throws Exception {
    fillAndReopen();
    List<Path> blobsBefore = TestVaults.filesUnder(dir.resolve("vault").resolve("blobs"));

    Session caller = session;
    Callable<Object> work = switch (operation) {
      case "list" -> () -> caller.list("tree").size();
      case "stat" -> () -> caller.stat("big.bin").size();
      case "get" -> () -> TestVaults.readAll(caller, "big.bin").length;
      case "put" -> () -> caller.put("new.bin", new ByteArrayInputStream(BIG)).size();
      case "verify" -> () -> caller.verifyLog(null).entriesChecked();
      default -> throw new IllegalArgumentException(operation);
    };
    AtomicReference<Object> outcome = new AtomicReference<>();
    AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
    Thread t = new Thread(() -> {
      Thread.currentThread().interrupt();
      try {
        outcome.set(work.call());
      } catch (Throwable e) {
        outcome.set(e);
      }
      interruptedAfter.set(Thread.currentThread().isInterrupted());
    }, "interrupted-caller");
    t.start();
    t.join();

    saysItWasInterrupted(outcome.get());
    assertEquals(Boolean.TRUE, interruptedAfter.get(), "the caller's interrupt was swallowed");
    if (operation.equals("put") && outcome.get() instanceof Throwable) {
      assertEquals(List.of(), session.list("new.bin"));
      assertEquals(blobsBefore.size(), TestVaults.filesUnder(dir.resolve("vault").resolve("blobs")).size(), "the failed put left a blob");
    }
    theVaultGoesOn();
  }

  /**
   * Interrupts that arrive while the caller works, not only before: another thread interrupts it
   * again and again until it is done, so they land in the log's write and sync, in H2's reads and
   * in the blobs' I/O alike. Every call completes or says it was interrupted, and the vault goes on.
   */
  @Test
  void aCallerInterruptedAgainAndAgainWhileItWorks_neverBreaksTheVault() throws Exception {
    fillAndReopen();
    Session caller = session;
    List<Object> outcomes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Thread worker = new Thread(() -> {
      for (int i = 0; i < 40; i++) {
        for (Callable<Object> call : List.<Callable<Object>>of(
            () -> caller.list("tree").size(),
            () -> caller.stat("tree/f" + 7).size(),
            () -> TestVaults.readAll(caller, "tree/f" + 11).length,
            () -> caller.put("storm/" + 0, new ByteArrayInputStream(new byte[] {9})).size())) {
          try {
            outcomes.add(call.call());
          } catch (Throwable e) {
            outcomes.add(e);
          }
        }
      }
    }, "interrupted-worker");
    worker.start();
    long interrupts = 0;
    while (worker.isAlive()) {
      worker.interrupt();
      interrupts++;
      Thread.onSpinWait();
    }
    assertTrue(interrupts > 0);
    assertEquals(160, outcomes.size());
    outcomes.forEach(InterruptedCallerTest::saysItWasInterrupted);
    theVaultGoesOn();
  }
}
