package io.kinko.vault.audit;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogReport;
import io.kinko.vault.store.Database;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Checks a vault's access log end to end, in one pass over its leaves: every stored entry hashes
 * to its leaf and links to the previous leaf, every signed checkpoint verifies and matches the
 * tree recomputed from the leaves, and an outside (witnessed) checkpoint is contained in it.
 * On the embedded database the journal is read beside it and every entry must be the same in
 * both: the journal is where an entry is durable, the database what queries and proofs read.
 * The first failure is reported with the sequence number where it was found.
 */
public final class LogVerifier {
  private static final HexFormat HEX = HexFormat.of();
  /**
   * Entries per read: small enough that the pages in flight die young (fewer survivors for each
   * young collection). 1,024 collected a fifth less than 4,096 on a million entries but made four
   * times the queries (a page reads its inner nodes level by level): no faster there, slower on
   * 100,000 (benchmarks/README, session 26).
   */
  private static final int PAGE = 4_096;

  private LogVerifier() {}

  /**
   * @param firstRemoval the first moment an entry may be pruned ({@link Retention#firstRemoval}):
   *     before it, the oldest entries missing were deleted outside Kinko, not pruned
   * @param now the vault's time
   * @param entriesDone told how many of the log's positions are checked so far, after each page
   * @throws IntegrityException naming the first bad sequence number or checkpoint
   */
  public static LogReport verify(Database database, String vaultId, LogCheckpoints stored, Optional<byte[]> witnessNote,
      java.time.Instant firstRemoval, java.time.Instant now, LongConsumer entriesDone) {
    AccessLog.Head head = database.inTransaction(AccessLog.Head::read);
    // The page readers start first: they read the database while this thread checks the checkpoints' signatures.
    try (PageReader pages = new PageReader(database, head.size());
         Journal journal = database.journalFile().map(f -> Journal.open(f, false)).orElse(null)) {
      NoteVerifier verifier = stored.verifier();
      List<Checkpoint> checkpoints = new ArrayList<>();
      for (LogCheckpoints.Signed signed : stored.all()) {
        checkpoints.add(open(signed.note(), verifier, "checkpoint of size " + signed.size()));
      }
      Checkpoint witness = witnessNote.map(n -> open(n, verifier, "the witnessed checkpoint")).orElse(null);
      if (witness != null) {
        checkpoints.add(witness);
      }
      checkpoints.sort((a, b) -> Long.compare(a.size(), b.size()));
      String origin = LogCheckpoints.origin(vaultId);
      for (Checkpoint c : checkpoints) {
        if (!c.origin().equals(origin)) {
          throw new IntegrityException(IncidentRule.INTEGRITY_CHECKPOINT, "checkpoint of size " + c.size() + " is for '" + c.origin() + "', not this vault");
        }
      }
      if (journal != null && journal.base() > head.size()) {
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal starts at entry " + journal.base() + ", after the database's last entry " + (head.size() - 1));
      }
      return walk(head, journal, pages, checkpoints, vaultId, witness != null, now.isBefore(firstRemoval) ? firstRemoval : null, entriesDone);
    }
  }

  /**
   * The one pass over the leaves: database entries, leaves and journal records side by side.
   * {@code unprunedUntil}, when not null, is the retention's first removal, still to come: no entry may be missing.
   */
  private static LogReport walk(AccessLog.Head head, Journal journal, PageReader pages, List<Checkpoint> checkpoints, String vaultId,
      boolean witnessed, java.time.Instant unprunedUntil, LongConsumer entriesDone) {
    Journal.Cursor records = journal == null ? null : journal.cursor(journal.start(), journal.base(), journal.baseLeaf());
    long journalBase = journal == null ? Long.MAX_VALUE : journal.base();
    CompactRange range = new CompactRange();
    int nextCheckpoint = checkRoots(checkpoints, 0, range, head.size());
    String vaultField = "\"vault\":\"" + vaultId + "\"";
    byte[] prevLeaf = new byte[Merkle.HASH_SIZE];
    java.security.MessageDigest sha256 = Merkle.sha256Digest(); // for the entries before the journal's first
    long entriesChecked = 0;
    for (long from = 0; from < head.size(); from += PAGE) {
      long to = Math.min(head.size(), from + PAGE);
      Page page = pages.next();
      NodeStore storedInner = page.inner();
      for (long seq = from; seq < to; seq++) {
        byte[] leaf = page.leaves[(int) (seq - from)];
        if (leaf == null) {
          throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry " + seq + ": its leaf hash is missing from the tree");
        }
        byte[] bytes = page.entries[(int) (seq - from)];
        String entry = page.texts[(int) (seq - from)];
        byte[] hashed = null;
        if (seq >= journalBase) {
          Journal.Record r = records.next();
          if (r == null) {
            throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal ends before entry " + seq + ", which the database holds: it was truncated or altered");
          }
          if (!Arrays.equals(r.leaf(), leaf) || bytes != null && !Arrays.equals(bytes, r.entry())) {
            throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry " + seq + " differs between the log journal and the database");
          }
          hashed = r.leaf(); // the same bytes, hashed once when the record was read
        }
        if (bytes != null) {
          if (!Arrays.equals(hashed != null ? hashed : Merkle.leafHash(sha256, bytes), leaf)) {
            throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry " + seq + " was altered: its bytes do not hash to its leaf");
          }
          if (!linksTo(entry, prevLeaf)) {
            throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry " + seq + " breaks the chain: it does not link to entry " + (seq - 1));
          }
          // Queries find entries by the row's columns (incidents and acknowledgements by action, a
          // deletion's entries by file, the incident watch's window by time, pruning by keep-until),
          // and the watch reads reads from them: they must say what the entry says. An entry that
          // records its row's columns records ,"seq":<seq>, too, so the position is searched for
          // apart only when they differ (to say which is wrong).
          Columns row = page.columns[(int) (seq - from)];
          boolean filed = EntryColumns.recorded(entry, seq, row.loggedAt(), row.actor(), row.action(), row.fileId(), row.keepUntil());
          if (!entry.startsWith("{") || !filed && !hasNumber(entry, "\"seq\":", seq) || !entry.contains(vaultField)) {
            throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry " + seq + " names another position or vault");
          }
          if (!filed) {
            throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry " + seq + " is filed under columns (action " + row.action()
                + ", actor, time, file or keep-until) that it does not record: its row was edited");
          }
          entriesChecked++;
        } else if (entriesChecked > 0) {
          throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry " + seq + " is missing after stored entries (only the oldest may be pruned)");
        } else if (unprunedUntil != null) {
          // The oldest entries missing look like a prune; but every entry is kept until a year past the contract's end.
          throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry " + seq + " is missing, and no entry may be pruned before "
              + unprunedUntil + " (a year past the contract's end): it was deleted outside Kinko");
        }
        prevLeaf = leaf;
        range.append(leaf, storedInner);
        nextCheckpoint = checkRoots(checkpoints, nextCheckpoint, range, head.size());
      }
      entriesDone.accept(to);
    }
    if (!HEX.formatHex(prevLeaf).equals(head.lastLeaf())) {
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log head does not name the last entry " + (head.size() - 1));
    }
    if (nextCheckpoint < checkpoints.size()) {
      Checkpoint c = checkpoints.get(nextCheckpoint);
      throw new IntegrityException(IncidentRule.INTEGRITY_CHECKPOINT, "checkpoint of size " + c.size() + " is beyond the log's " + head.size()
          + " entries: the log was rolled back");
    }
    return new LogReport(head.size(), entriesChecked, checkpoints.size() - (witnessed ? 1 : 0), witnessed);
  }

  private static int checkRoots(List<Checkpoint> checkpoints, int next, CompactRange range, long treeSize) {
    while (next < checkpoints.size() && checkpoints.get(next).size() == range.size()) {
      Checkpoint c = checkpoints.get(next);
      if (!Arrays.equals(c.rootHash(), range.root())) {
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log's first " + c.size() + " entries do not match the signed checkpoint of that size: "
            + "the log was rewritten at or before entry " + (c.size() - 1));
      }
      next++;
    }
    return next;
  }

  private static Checkpoint open(byte[] note, NoteVerifier verifier, String what) {
    try {
      return Checkpoint.open(note, verifier);
    } catch (FormatException | VerificationException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_CHECKPOINT, what + " does not verify with the vault's public key: " + e.getMessage());
    }
  }

  /**
   * Whether the top-level "prev" field is the lower-case hex of {@code leaf}; canonical JSON escapes every quote inside
   * strings, so the first {@code "prev":"} is the field. A leaf of another length (a log_tree row edited) never links.
   */
  static boolean linksTo(String entry, byte[] leaf) {
    int at = entry.indexOf("\"prev\":\"");
    if (leaf.length != Merkle.HASH_SIZE || at < 0 || entry.length() <= at + 8 + 64 || entry.charAt(at + 8 + 64) != '"') {
      return false;
    }
    for (int i = 0; i < leaf.length; i++) {
      if (entry.charAt(at + 8 + 2 * i) != LOWER_HEX[(leaf[i] >> 4) & 0xf] || entry.charAt(at + 9 + 2 * i) != LOWER_HEX[leaf[i] & 0xf]) {
        return false;
      }
    }
    return true;
  }

  private static final char[] LOWER_HEX = "0123456789abcdef".toCharArray();

  /**
   * Whether {@code entry} contains {@code field} followed by {@code value} in decimal and a comma, as {@code
   * contains(field + value + ",")} would say for a value of at least zero, without building that text for each entry.
   */
  static boolean hasNumber(String entry, String field, long value) {
    return EntryColumns.number(entry, 0, field, value) >= 0;
  }

  /**
   * A page of rows: each entry's bytes (null where pruned), the same decoded as text for the field
   * checks (made on the reader's thread; the bytes are what is hashed and compared), and its columns.
   */
  private record Page(byte[][] leaves, byte[][] entries, String[] texts, Columns[] columns, StoredInner inner) {}

  /**
   * What the walk's recomputed tree is held to: each inner node a leaf of a page completes must be
   * stored with exactly the hash of its children. Proofs read these nodes, and neither opening nor
   * the checkpoints' check reads most of them. Level k's nodes {@code first[k] ...} in an array by
   * index: into a map of boxed keys, a million of them took 0.9 s of CPU to read, against 0.7 s
   * for as many leaves.
   */
  private record StoredInner(long[] first, byte[][][] hashes) implements NodeStore {
    @Override
    public byte[] get(int level, long index) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void put(int level, long index, byte[] recomputed) {
      if (level == 0) {
        return; // the leaf, checked against its entry and the journal
      }
      long at = level < first.length ? index - first[level] : -1;
      byte[] stored = at >= 0 && at < hashes[level].length ? hashes[level][(int) at] : null;
      if (stored == null) {
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log's tree node at level " + level + ", index " + index
            + " is missing: the database was edited outside Kinko");
      }
      if (!Arrays.equals(stored, recomputed)) {
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log's tree node at level " + level + ", index " + index
            + " is not the hash of its children: the database was edited outside Kinko");
      }
    }
  }

  /** The columns a {@code log_entries} row copies from its entry. */
  private record Columns(String action, String actor, long loggedAt, String fileId, long keepUntil) {}

  /**
   * Reads the pages of {@code [0, size)} in order, two ahead on threads of its own: reading rows
   * from the database is most of a verification's work, and it runs beside the hashing and on
   * the second core.
   */
  private static final class PageReader implements AutoCloseable {
    private static final int AHEAD = 2;
    private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(AHEAD, r -> {
      Thread t = new Thread(r, "kinko-log-verify");
      t.setDaemon(true);
      return t;
    });
    private final java.util.ArrayDeque<java.util.concurrent.Future<Page>> ahead = new java.util.ArrayDeque<>();
    private final Database database;
    private final long size;
    private long nextFrom;

    PageReader(Database database, long size) {
      this.database = database;
      this.size = size;
      for (int i = 0; i < AHEAD + 1; i++) {
        submit();
      }
    }

    private void submit() {
      if (nextFrom < size) {
        long from = nextFrom;
        long to = Math.min(size, from + PAGE);
        ahead.add(threads.submit(() -> read(database, from, to)));
        nextFrom = to;
      }
    }

    Page next() {
      java.util.concurrent.Future<Page> f = ahead.remove();
      submit();
      try {
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new io.kinko.vault.VaultException("log verification was interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new io.kinko.vault.VaultException("cannot read the access log: " + e.getCause(), e.getCause());
      }
    }

    /**
     * Stops reading ahead without interrupting a read: an interrupted thread's read closes H2's file channel (the
     * database is then closed, and the INCIDENT of the failure that stopped the verification could not be written).
     * Reads not started are cancelled; a page being read is read to its end.
     */
    @Override
    public void close() {
      ahead.forEach(f -> f.cancel(false));
      threads.shutdown();
      boolean interrupted = false;
      while (true) {
        try {
          if (threads.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
            break;
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The stored inner nodes that leaves {@code [from, to)} complete: at level k, node j is complete
   * once leaf (j + 1) · 2^k - 1 is, so j runs over [(from + 2^k) / 2^k - 1, to / 2^k). One key
   * range per level.
   */
  private static StoredInner innerNodes(java.sql.Connection c, long from, long to) throws java.sql.SQLException {
    int levels = Long.SIZE - Long.numberOfLeadingZeros(to); // the highest level with a complete node is below this
    long[] first = new long[levels];
    byte[][][] hashes = new byte[levels][][];
    try (PreparedStatement s = c.prepareStatement("SELECT node, hash FROM log_tree WHERE node >= ? AND node < ?")) {
      for (int level = 1; level < levels; level++) {
        first[level] = ((from + (1L << level)) >>> level) - 1;
        long end = to >>> level;
        hashes[level] = new byte[(int) Math.max(0, end - first[level])][];
        if (first[level] >= end) {
          continue;
        }
        long base = DbNodeStore.key(level, first[level]);
        s.setLong(1, base);
        s.setLong(2, DbNodeStore.key(level, end));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            hashes[level][(int) (r.getLong(1) - base)] = r.getBytes(2);
          }
        }
      }
    }
    return new StoredInner(first, hashes);
  }

  private static Page read(Database database, long from, long to) {
    return database.inTransaction(c -> {
      int n = (int) (to - from);
      byte[][] leaves = new byte[n][];
      byte[][] entries = new byte[n][];
      String[] texts = new String[n];
      Columns[] columns = new Columns[n];
      // A leaf's key in log_tree is its index (DbNodeStore.key at level 0). One of another length (edited outside
      // Kinko) hashes to nothing and links to nothing: the entry is refused as altered, an INCIDENT, not a parse error.
      try (PreparedStatement s = c.prepareStatement("SELECT node, hash FROM log_tree WHERE node >= ? AND node < ?")) {
        s.setLong(1, DbNodeStore.key(0, from));
        s.setLong(2, DbNodeStore.key(0, to));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            leaves[(int) (r.getLong(1) - from)] = r.getBytes(2);
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement(
          "SELECT seq, entry, action, actor, logged_at, file_id, keep_until FROM log_entries WHERE seq >= ? AND seq < ?")) {
        s.setLong(1, from);
        s.setLong(2, to);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            int i = (int) (r.getLong(1) - from);
            entries[i] = r.getBytes(2);
            texts[i] = entries[i] == null ? null : new String(entries[i], StandardCharsets.UTF_8); // null only if edited: a gap
            columns[i] = new Columns(r.getString(3), r.getString(4), r.getLong(5), r.getString(6), r.getLong(7));
          }
        }
      }
      return new Page(leaves, entries, texts, columns, innerNodes(c, from, to));
    });
  }
}
