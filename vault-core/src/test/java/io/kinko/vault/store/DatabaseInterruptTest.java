package io.kinko.vault.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code FileChannel} closes itself when the thread in its I/O is interrupted: an embedder's
 * request timeout, {@code Future.cancel(true)} or {@code shutdownNow} closed H2's file under every
 * caller of the vault, and each later use failed until the vault was reopened (UninterruptedFilePath
 * now reads it with calls an interrupt does not stop). Each test reads rows a fresh opening has not
 * cached (more than H2's 16 MiB cache), so the read goes to the file.
 */
class DatabaseInterruptTest {
  private static final int ROWS = 12_000;
  private static final int WIDTH = 2_000;

  @TempDir Path dir;
  private VaultLayout layout;

  @BeforeEach
  void fill() {
    layout = new VaultLayout(dir.resolve("vault"));
    try (Database db = Database.open(layout, null, null, true)) {
      db.durably(c -> {
        try (var s = c.createStatement()) {
          s.execute("CREATE TABLE interrupt_test (id INT PRIMARY KEY, filler VARBINARY(" + WIDTH + "))");
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO interrupt_test VALUES (?, ?)")) {
          byte[] filler = new byte[WIDTH];
          for (int i = 0; i < ROWS; i++) {
            new java.util.Random(i).nextBytes(filler);
            s.setInt(1, i);
            s.setBytes(2, filler);
            s.addBatch();
          }
          s.executeBatch();
        }
        return null;
      });
    }
  }

  private static long total(Connection c) throws java.sql.SQLException {
    try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT SUM(OCTET_LENGTH(filler)) FROM interrupt_test")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Runs {@code work} on a thread of its own whose interrupt is set before it starts. */
  private static <T> T onInterruptedThread(Callable<T> work, AtomicReference<Boolean> interruptedAfter) throws Exception {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Exception> failed = new AtomicReference<>();
    Thread t = new Thread(() -> {
      Thread.currentThread().interrupt();
      try {
        result.set(work.call());
      } catch (Exception e) {
        failed.set(e);
      }
      interruptedAfter.set(Thread.currentThread().isInterrupted());
    }, "interrupted-caller");
    t.start();
    t.join();
    if (failed.get() != null) {
      throw failed.get();
    }
    return result.get();
  }

  @Test
  void aReadWhoseThreadIsInterrupted_goesOnThroughTheFileOpenedAgain_keepsTheInterrupt_andTheDatabaseStaysOpenForEveryone() throws Exception {
    try (Database db = Database.open(layout, null, null, false)) {
      // database.connection() holds nothing back: the read reaches the file with the interrupt set.
      // (Whether the thread keeps it there is H2's affair: it clears an interrupt in some of its
      // waits. inTransaction keeps it: the next test.)
      long read = onInterruptedThread(() -> {
        try (Connection c = db.connection()) {
          return total(c);
        }
      }, new AtomicReference<>());
      assertEquals((long) ROWS * WIDTH, read);
      assertEquals((long) ROWS * WIDTH, (long) db.inTransaction(DatabaseInterruptTest::total), "the database closed under the other callers");
      db.durably(c -> {
        try (var s = c.createStatement()) {
          s.execute("DELETE FROM interrupt_test WHERE id = 0");
        }
        return null;
      });
    }
    try (Database db = Database.open(layout, null, null, false)) {
      assertEquals((long) (ROWS - 1) * WIDTH, (long) db.inTransaction(DatabaseInterruptTest::total));
    }
  }

  @Test
  void aTransactionOnAnInterruptedThread_runs_andTheThreadKeepsItsInterrupt() throws Exception {
    try (Database db = Database.open(layout, null, null, false)) {
      AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
      long read = onInterruptedThread(() -> db.inTransaction(DatabaseInterruptTest::total), interruptedAfter);
      assertEquals((long) ROWS * WIDTH, read);
      assertTrue(interruptedAfter.get(), "the caller's interrupt was swallowed");
    }
  }

  @Test
  void aSyncOnAnInterruptedThread_reachesTheDisk_andTheDatabaseStaysOpen() throws Exception {
    try (Database db = Database.open(layout, null, null, false)) {
      onInterruptedThread(() -> {
        try (Connection c = db.connection(); var s = c.createStatement()) {
          s.execute("DELETE FROM interrupt_test WHERE id < 10");
          c.commit();
          s.execute("CHECKPOINT SYNC"); // H2 writes and syncs its file on this thread
        }
        return null;
      }, new AtomicReference<>());
      assertEquals((long) (ROWS - 10) * WIDTH, (long) db.inTransaction(DatabaseInterruptTest::total));
    }
    try (Database db = Database.open(layout, null, null, false)) {
      assertEquals((long) (ROWS - 10) * WIDTH, (long) db.inTransaction(DatabaseInterruptTest::total));
    }
  }
}
