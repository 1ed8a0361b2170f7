package io.kinko.vault.audit;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.LogEntry;
import io.kinko.vault.VaultException;
import io.kinko.vault.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The embedded log's database brought level with its journal: at opening, where a crash kept
 * entries from the database (or the log predates the journal), and after a fill behind the journal
 * failed. Both check first that the two are one log: the database ends at a record of the journal,
 * with the same leaf.
 */
final class JournalReplay {
  private static final HexFormat HEX = HexFormat.of();

  private JournalReplay() {}

  /**
   * Opens this handle's view of the journal while no handle writes it and the database holds all
   * it acknowledged (another handle on this vault may be open), and starts the shared state if
   * this is the vault's first handle in this process.
   */
  static Journal open(Database database, Path file, SharedJournal shared) {
    shared.turn.lock();
    try {
      boolean first = shared.fresh();
      boolean stopped = !first && !shared.awaitFilled() && shared.awaitDropped() != null;
      Journal opened = openJournal(database, file); // replays what the database lacks, as after a crash
      if (first) {
        shared.start(opened.size(), opened.end(), opened.lastLeaf());
      } else if (stopped) {
        shared.mended();
      }
      return opened;
    } finally {
      shared.turn.unlock();
    }
  }

  /**
   * Mends a database that stopped following the journal (a fill failed): once the filler dropped
   * what was queued, puts into the database what the journal holds beyond it, as opening the vault
   * does after a crash, with the same checks that the two are one log. The caller holds the
   * journal's turn.
   *
   * @throws VaultException if the database still cannot take it; an {@link
   *     io.kinko.vault.IntegrityException} if the database and the journal are not one log
   */
  static void mend(Database database, Journal journal, SharedJournal shared) {
    VaultException why = shared.awaitDropped();
    if (why == null) {
      return;
    }
    if (why instanceof io.kinko.vault.IntegrityException) {
      throw SharedJournal.stopped(why); // the database was changed behind the vault: nothing to mend, an incident to raise
    }
    SharedJournal.markFiller(true); // this thread fills now
    try {
      journal.reopenIfRotated();
      if (journal.size() != shared.synced()) {
        journal.follow(shared.syncedEnd(), shared.synced(), shared.syncedLeaf());
      }
      AccessLog.Head head = database.inTransaction(AccessLog.Head::read);
      Long journalEnd = database.inTransaction(JournalReplay::journalEnd);
      byte[] lastLeaf = head.lastLeafBytes();
      long from = journalEnd == null ? journal.start() : journalEnd;
      if (head.size() != shared.filled()) {
        // While the vault is open no crash came between: the database holds what the filler put there, or it was changed.
        io.kinko.vault.IntegrityException changed = new io.kinko.vault.IntegrityException(IncidentRule.INTEGRITY_LOG, "the database's log holds "
            + head.size() + " entries where this process had put " + shared.filled() + ": the database was changed behind the vault");
        shared.tampered(changed);
        throw changed;
      }
      if (head.size() > journal.size() || head.size() < journal.base() || head.size() == journal.base() && (from != journal.start()
          || !java.util.Arrays.equals(journal.baseLeaf(), lastLeaf))) {
        throw new io.kinko.vault.IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal holds entries " + journal.base() + " to "
            + (journal.size() - 1) + " and the database " + head.size() + ": they are not the same log");
      }
      if (head.size() > journal.base() && (journalEnd == null
          || !java.util.Arrays.equals(journal.recordEndingAt(journalEnd, head.size() - 1).leaf(), lastLeaf))) {
        throw new io.kinko.vault.IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal and the database disagree about entry " + (head.size() - 1));
      }
      Journal.Cursor cursor = journal.cursor(from, head.size(), lastLeaf);
      List<Journal.Record> tail = new ArrayList<>();
      for (long seq = head.size(); seq < journal.size(); seq++) {
        Journal.Record r = cursor.next();
        if (r == null) {
          throw new io.kinko.vault.IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal holds no valid record of entry " + seq + ", which it acknowledged");
        }
        tail.add(r);
      }
      if (!tail.isEmpty()) {
        replay(database, tail, tail.get(tail.size() - 1).end());
      }
      shared.mended();
    } catch (io.kinko.vault.IntegrityException e) {
      throw e;
    } catch (RuntimeException e) {
      throw SharedJournal.stopped(e instanceof VaultException v ? v : new VaultException("the access log could not be written: " + e.getMessage(), e));
    } finally {
      SharedJournal.markFiller(false);
    }
  }

  private static Journal openJournal(Database database, Path file) {
    AccessLog.Head head = database.inTransaction(AccessLog.Head::read);
    Long journalEnd = database.inTransaction(JournalReplay::journalEnd);
    byte[] lastLeaf = head.lastLeafBytes();
    if (!Journal.exists(file)) {
      if (journalEnd != null) {
        throw new io.kinko.vault.IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal " + file.getFileName() + " is missing, though the database's "
            + head.size() + " entries were written to it");
      }
      // A new vault, or one whose log predates the journal: it starts after the database's last entry.
      Journal created = Journal.create(file, head.size(), lastLeaf);
      database.durably(c -> setJournalEnd(c, created.end()));
      return created;
    }
    Journal.discardUnfinishedRotation(file);
    Journal opened = Journal.open(file, true);
    try {
      long from = journalEnd == null ? opened.start() : journalEnd;
      if (head.size() < opened.base() || head.size() == opened.base() && (from != opened.start()
          || !java.util.Arrays.equals(opened.baseLeaf(), lastLeaf))) {
        throw new io.kinko.vault.IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal starts at entry " + opened.base() + " and the database holds "
            + head.size() + ": they are not the same log");
      }
      if (head.size() > opened.base()) {
        if (journalEnd == null) {
          throw new io.kinko.vault.IntegrityException(IncidentRule.INTEGRITY_LOG, "the database does not say where its " + head.size() + " entries end in the log journal");
        }
        Journal.Record last = opened.recordEndingAt(journalEnd, head.size() - 1);
        if (!java.util.Arrays.equals(last.leaf(), lastLeaf)) {
          throw new io.kinko.vault.IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal and the database disagree about entry " + (head.size() - 1));
        }
      }
      List<Journal.Record> tail = opened.recover(from, head.size(), lastLeaf);
      if (!tail.isEmpty()) {
        replay(database, tail, opened.end());
      }
      return opened;
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  /** Puts entries that reached the journal but not the database into the database, durably. */
  private static void replay(Database database, List<Journal.Record> tail, long journalEnd) {
    database.durably(c -> {
      AccessLog.Head head = AccessLog.Head.lock(c);
      List<LogEntry> entries = new ArrayList<>();
      List<byte[]> bytes = new ArrayList<>();
      List<byte[]> leaves = new ArrayList<>();
      for (Journal.Record r : tail) {
        LogEntry entry = EntryCodec.decode(r.entry());
        if (entry.seq() != r.seq()) {
          throw new io.kinko.vault.IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal's record " + r.seq() + " holds entry " + entry.seq());
        }
        entries.add(entry);
        bytes.add(r.entry());
        leaves.add(r.leaf());
      }
      AccessLog.insert(c, head.size(), entries, bytes, leaves);
      AccessLog.Head.update(c, head.size() + entries.size(), HEX.formatHex(leaves.get(leaves.size() - 1)), journalEnd);
      return null;
    });
  }

  static Long journalEnd(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT journal_end FROM log_head WHERE id = 1"); ResultSet r = s.executeQuery()) {
      if (!r.next()) {
        throw new VaultException("the access log's head row is missing");
      }
      long end = r.getLong(1);
      return r.wasNull() ? null : end;
    }
  }

  private static Void setJournalEnd(Connection c, long end) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE log_head SET journal_end = ? WHERE id = 1")) {
      s.setLong(1, end);
      s.executeUpdate();
    }
    return null;
  }
}
