package io.kinko.vault;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.store.fs.Recorder;
import org.h2.store.fs.rec.FilePathRec;

/**
 * Run in a separate JVM by {@link CompactionCrashTest}: opens a vault's database as Kinko does,
 * through H2's recording file system, and compacts it as {@code Database.compactIfSparse} does,
 * halting the JVM (as SIGKILL would) when the compaction, or the close after it, is about to make
 * its Nth write to the store's file. N = 0 compacts and closes, and prints how many writes that took.
 */
public final class CompactionCrashTarget {
  private CompactionCrashTarget() {}

  public static void main(String[] args) throws Exception {
    String database = args[0];
    int haltAt = Integer.parseInt(args[1]);
    AtomicInteger writes = new AtomicInteger();
    AtomicBoolean compacting = new AtomicBoolean(); // H2 may write from its own threads
    FilePathRec.register();
    FilePathRec.setRecorder((op, file, data, position) -> {
      if (compacting.get() && op == Recorder.WRITE && file.endsWith(".mv.db") && writes.incrementAndGet() == haltAt) {
        System.out.println("HALT " + haltAt);
        System.out.flush();
        Runtime.getRuntime().halt(137);
      }
    });
    // Kinko's own settings for the embedded store (Database.openEmbedded), on the recording file system.
    try (Connection c = DriverManager.getConnection("jdbc:h2:rec:file:" + database
        + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=60000;LOCK_TIMEOUT=60000;MAX_COMPACT_TIME=0", "kinko", "")) {
      MVStore store = ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
      System.out.println("FILL " + store.getFileStore().getFillRate() + " " + store.getFileStore().getChunksFillRate());
      compacting.set(true);
      store.compactFile(60_000);
    } // the store's close writes too: counted, and a halting point like the compaction's own writes
    compacting.set(false);
    System.out.println("WRITES " + writes.get());
    System.out.flush();
  }
}
