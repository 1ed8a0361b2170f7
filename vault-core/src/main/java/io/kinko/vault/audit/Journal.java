package io.kinko.vault.audit;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.VaultException;
import io.kinko.vault.store.FileStore;
import io.kinko.vault.store.Interrupts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The embedded vault's log journal: the access log's entries as checksummed, chained records in
 * one preallocated, append-only file, the place an entry is durable (one {@code fdatasync} per
 * group commit, about 0.1 ms, where an H2 checkpoint writes ~25 KiB). The database holds the same
 * entries for queries and proofs, filled behind the journal without a sync of its own; it lags
 * the journal while the vault is open and may after a crash, never leads it, and opening the vault
 * replays what it lacks.
 *
 * <pre>
 * header (64 bytes): "KINKOJ01" | base seq (8) | leaf before base (32) | shift (8) | zeros (4) | CRC32C of the 60 before (4)
 * record:            magic 0x4B4A5231 (4) | seq (8) | length n (4) | leaf of seq-1 (32) | entry JSON (n)
 *                    | CRC32C of all before (4) | record length 56+n (4)
 * </pre>
 *
 * <p>The file is preallocated with zeros, so the journal ends at the first place where no whole
 * record with the next sequence number, a valid checksum and the previous record's leaf stands.
 * The trailing length lets the record that ends at a known offset be read backwards.
 *
 * <p>Offsets outside this class are logical: a byte's offset in the file plus the header's shift.
 * {@link #rotate} copies the records of the entries still stored into a new journal whose shift
 * keeps every record at the logical offset it had, so the database's {@code journal_end} holds for
 * the old file and the new one alike, and a crash at any step of a rotation leaves one of them.
 * Journals written before rotation have a zero shift there.
 *
 * <p>Not thread-safe: the log's group commit is its only writer.
 */
final class Journal implements AutoCloseable {
  static final int HEADER = 64;
  private static final byte[] FILE_MAGIC = "KINKOJ01".getBytes(StandardCharsets.US_ASCII);
  private static final int RECORD_MAGIC = 0x4B4A5231;
  private static final int FIXED = 4 + 8 + 4 + 32 + 4 + 4;
  private static final int MAX_ENTRY = 64 * 1024;
  /** Zeros written ahead of the end at a time: one sync of the file's size per this many bytes. */
  private static final int GROWTH = 8 << 20;
  private static final byte[] ZERO_LEAF = new byte[Merkle.HASH_SIZE];

  /** The name a rotation writes the new journal under before renaming it into place. */
  private static final String ROTATING = ".new";

  private final Path file;
  /** Whether this handle writes (the log's own) or only reads (a verification's): only the first opens its file again after an interrupt. */
  private final boolean writable;
  private FileChannel channel;
  private volatile boolean closed;
  private Object fileKey;
  private long base;
  private byte[] baseLeaf;
  /** Logical offset minus file offset. */
  private long shift;
  /** Logical offset where the last record ends. */
  private long end;
  private long nextSeq;
  private byte[] lastLeaf;
  /** File offset up to which the file is preallocated. */
  private long allocated;

  private Journal(Path file, FileChannel channel, boolean writable, long base, byte[] baseLeaf, long shift) throws IOException {
    this.file = file;
    this.writable = writable;
    this.channel = channel;
    this.fileKey = fileKey(file);
    this.base = base;
    this.baseLeaf = baseLeaf;
    this.shift = shift;
    this.end = HEADER + shift;
    this.nextSeq = base;
    this.lastLeaf = baseLeaf;
    this.allocated = channel.size();
  }

  private static Object fileKey(Path file) throws IOException {
    return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
  }

  /** One record read back: its sequence number, entry bytes, its leaf, the leaf it chains to and where it ends in the file. */
  record Record(long seq, byte[] entry, byte[] leaf, byte[] prev, long end) {}

  /** True if {@code file} exists. */
  static boolean exists(Path file) {
    return Files.exists(file);
  }

  /**
   * Creates a journal whose first record will be entry {@code base}, chained to {@code leafBefore}
   * (zeros for a new log), synced with its folder before this returns.
   */
  static Journal create(Path file, long base, byte[] leafBefore) {
    try {
      FileChannel channel = createFile(file, base, leafBefore, 0);
      Journal journal = new Journal(file, channel, true, base, leafBefore.clone(), 0);
      journal.allocated = HEADER;
      journal.grow(GROWTH);
      syncFolder(file);
      return journal;
    } catch (IOException e) {
      throw new VaultException("cannot create the log journal " + file.getFileName() + ": " + FileStore.describe(e), e);
    }
  }

  /** A new file holding only a header, written but not synced. */
  private static FileChannel createFile(Path file, long base, byte[] leafBefore, long shift) throws IOException {
    FileChannel channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      ByteBuffer h = ByteBuffer.allocate(HEADER);
      h.put(FILE_MAGIC).putLong(base).put(leafBefore).putLong(shift).position(HEADER - 4);
      h.putInt(crc(h.array(), 0, HEADER - 4)).flip();
      writeFully(channel, h, 0);
      return channel;
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static void syncFolder(Path file) throws IOException {
    try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  /**
   * Removes what a rotation that did not finish left beside the journal: the new file it had not
   * yet renamed into place. The journal itself is then still the old one, whole.
   */
  static void discardUnfinishedRotation(Path file) {
    try {
      Files.deleteIfExists(file.resolveSibling(file.getFileName() + ROTATING));
    } catch (IOException e) {
      throw new VaultException("cannot remove an unfinished rotation of the log journal: " + FileStore.describe(e), e);
    }
  }

  /**
   * Opens a journal and reads its header; {@link #recover} then finds its end.
   *
   * @throws IntegrityException if the header is damaged
   */
  static Journal open(Path file, boolean writable) {
    FileChannel channel = null;
    try {
      channel = writable ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE) : FileChannel.open(file, StandardOpenOption.READ);
      ByteBuffer h = ByteBuffer.allocate(HEADER);
      readFully(channel, h, 0);
      byte[] b = h.array();
      if (!Arrays.equals(Arrays.copyOf(b, FILE_MAGIC.length), FILE_MAGIC) || h.getInt(HEADER - 4) != crc(b, 0, HEADER - 4)) {
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal " + file.getFileName() + " has a damaged header");
      }
      long shift = h.getLong(48);
      if (shift < 0 || shift > Long.MAX_VALUE / 2) {
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal " + file.getFileName() + " has a damaged header");
      }
      return new Journal(file, channel, writable, h.getLong(8), Arrays.copyOfRange(b, 16, 48), shift);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      if (e instanceof IntegrityException i) {
        throw i;
      }
      if (e instanceof java.io.EOFException) {
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal " + file.getFileName() + " is truncated inside its header");
      }
      throw new VaultException("cannot open the log journal " + file.getFileName() + ": "
          + (e instanceof IOException io ? FileStore.describe(io) : e.getMessage()), e);
    }
  }

  /** The sequence number of the journal's first record. */
  long base() {
    return base;
  }

  /** The leaf hash the first record chains to. */
  byte[] baseLeaf() {
    return baseLeaf.clone();
  }

  /** The logical offset where the first record starts. */
  long start() {
    return HEADER + shift;
  }

  /** The number of entries the log holds up to the journal's end (base + records). */
  long size() {
    return nextSeq;
  }

  /** Where the last record ends. */
  long end() {
    return end;
  }

  byte[] lastLeaf() {
    return lastLeaf.clone();
  }

  /**
   * Reads the record that ends at {@code offset}, which the database says holds entry {@code seq}.
   *
   * @throws IntegrityException if no whole, valid record of that entry ends there
   */
  Record recordEndingAt(long offset, long seq) {
    try {
      long at = offset - shift;
      if (at < HEADER + FIXED || at > io(FileChannel::size)) {
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal ends before entry " + seq + ", which the database holds: it was truncated");
      }
      ByteBuffer len = ByteBuffer.allocate(4);
      io(c -> readFully(c, len.clear(), at - 4));
      int length = len.getInt(0);
      Record r = length < FIXED || length > FIXED + MAX_ENTRY || at - length < HEADER ? null : read(at - length);
      if (r == null || r.seq() != seq || r.end() != offset) {
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal holds no valid record of entry " + seq + " where the database says it ends");
      }
      return r;
    } catch (IOException e) {
      throw new VaultException("cannot read the log journal: " + FileStore.describe(e), e);
    }
  }

  /**
   * Moves this handle's end to where the database says the log ends (entry {@code seq - 1},
   * record ending at {@code offset}, leaf {@code leaf}): another handle on the same vault in this
   * process appended meanwhile. The record there must be that entry.
   *
   * @throws IntegrityException if it is not
   */
  void follow(long offset, long seq, byte[] leaf) {
    if (seq > base && !Arrays.equals(recordEndingAt(offset, seq - 1).leaf(), leaf)) {
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal and the database disagree about entry " + (seq - 1));
    }
    end = offset;
    nextSeq = seq;
    lastLeaf = leaf.clone();
    try {
      allocated = Math.max(allocated, io(FileChannel::size));
    } catch (IOException e) {
      throw new VaultException("cannot read the log journal: " + FileStore.describe(e), e);
    }
  }

  /**
   * Continues the journal after entry {@code seq - 1} whose record ends at {@code offset} and whose
   * leaf is {@code leaf}: reads every whole record chained after it, zeroes whatever a torn write
   * left beyond the last one, and returns the records read, which the database lacks.
   */
  List<Record> recover(long offset, long seq, byte[] leaf) {
    end = offset;
    nextSeq = seq;
    lastLeaf = leaf.clone();
    List<Record> tail = new ArrayList<>();
    try {
      while (true) {
        Record r = read(end - shift);
        if (r == null || r.seq() != nextSeq || !Arrays.equals(r.prev(), lastLeaf)) {
          break;
        }
        tail.add(r);
        end = r.end();
        nextSeq++;
        lastLeaf = r.leaf();
      }
      zeroFrom(end - shift);
      return tail;
    } catch (IOException e) {
      throw new VaultException("cannot read the log journal: " + FileStore.describe(e), e);
    }
  }

  /**
   * A reader of the records chained after the one that ends at {@code fromOffset} (entry {@code
   * fromSeq - 1}, leaf {@code leafBefore}), in order, in large sequential blocks.
   */
  Cursor cursor(long fromOffset, long fromSeq, byte[] leafBefore) {
    return new Cursor(fromOffset, fromSeq, leafBefore);
  }

  /** Reads records in order; {@link #next} gives null where the journal ends. */
  final class Cursor {
    private final ByteBuffer window = ByteBuffer.allocate(4 << 20);
    /** One digest for every record's leaf: a verification hashes each of a million records. */
    private final java.security.MessageDigest sha256 = Merkle.sha256Digest();
    private long windowStart;
    private long at;
    private long seq;
    private byte[] prev;

    private Cursor(long fromOffset, long fromSeq, byte[] leafBefore) {
      this.at = fromOffset;
      this.windowStart = fromOffset;
      this.seq = fromSeq;
      this.prev = leafBefore.clone();
      window.limit(0);
    }

    Record next() {
      try {
        Record r = parse(window, (int) (at - windowStart), at, sha256);
        if (r == null && (windowStart != at || window.limit() == 0)) {
          windowStart = at; // the record may run past the block: read on from its start
          io(c -> c.read(window.clear(), at - shift));
          window.flip();
          r = parse(window, 0, at, sha256);
        }
        if (r == null || r.seq() != seq || !Arrays.equals(r.prev(), prev)) {
          return null;
        }
        prev = r.leaf();
        at = r.end();
        seq++;
        return r;
      } catch (IOException e) {
        throw new VaultException("cannot read the log journal: " + FileStore.describe(e), e);
      }
    }
  }

  /**
   * Writes entries {@code seq ... seq + n - 1} after the last record and syncs them; returns only
   * when they are on disk. Crash steps: {@code journal.write} before the write, {@code
   * journal.sync} after it and before the sync.
   *
   * @throws VaultException if they cannot be written; the journal is then as it was
   */
  void append(List<byte[]> entries, List<byte[]> leaves) {
    int total = 0;
    for (byte[] e : entries) {
      if (e.length > MAX_ENTRY) {
        throw new VaultException("a log entry of " + e.length + " bytes is larger than the journal's " + MAX_ENTRY);
      }
      total += FIXED + e.length;
    }
    ByteBuffer out = ByteBuffer.allocate(total);
    long seq = nextSeq;
    byte[] prev = lastLeaf;
    for (int i = 0; i < entries.size(); i++) {
      byte[] e = entries.get(i);
      int start = out.position();
      out.putInt(RECORD_MAGIC).putLong(seq++).putInt(e.length).put(prev).put(e);
      out.putInt(crc(out.array(), start, out.position() - start));
      out.putInt(FIXED + e.length);
      prev = leaves.get(i);
    }
    out.flip();
    long before = end;
    try {
      if (end - shift + total > allocated) {
        grow(total);
      }
      long at = end - shift;
      io(c -> {
        LogCommitSteps.reached("journal.write");
        writeFully(c, out.rewind(), at);
        LogCommitSteps.reached("journal.sync");
        c.force(false);
        return null;
      });
    } catch (IOException e) {
      undo(before);
      throw new VaultException("cannot write the log journal: " + FileStore.describe(e), e);
    }
    end = before + total;
    nextSeq = seq;
    lastLeaf = prev.clone();
  }

  /**
   * Drops the records of entries before {@code newBase} (pruned from the database): copies the
   * records from {@code newBase} on into a new preallocated file, syncs it, renames it over the
   * journal and syncs the folder. Every record keeps its logical offset. Crash steps: {@code
   * rotate.write} before the copy, {@code rotate.sync} before the new file's sync, {@code
   * rotate.rename} before the rename, {@code rotate.folder} before the folder's sync. Until the
   * rename the old journal is whole (and {@link #discardUnfinishedRotation} drops the new file);
   * after it the new one is.
   *
   * @throws VaultException if the new journal cannot be written; the old one then stays
   */
  void rotate(long newBase) {
    if (newBase <= base) {
      return;
    }
    if (newBase > nextSeq) {
      throw new IllegalArgumentException("entry " + newBase + " is beyond the log journal's end at " + nextSeq);
    }
    long from = start();
    byte[] leafBefore = baseLeaf;
    Cursor records = cursor(start(), base, baseLeaf);
    for (long seq = base; seq < newBase; seq++) {
      Record r = records.next();
      if (r == null) {
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal holds no valid record of entry " + seq + " before its end");
      }
      from = r.end();
      leafBefore = r.leaf();
    }
    Path next = file.resolveSibling(file.getFileName() + ROTATING);
    FileChannel created = null;
    try {
      Files.deleteIfExists(next);
      long newShift = from - HEADER;
      created = createFile(next, newBase, leafBefore, newShift);
      LogCommitSteps.reached("rotate.write");
      ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
      for (long at = from; at < end; ) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), end - at));
        long source = at - shift;
        io(c -> readFully(c, buffer.rewind(), source));
        buffer.flip();
        writeFully(created, buffer, at - newShift);
        at += buffer.limit();
      }
      long length = end - newShift;
      ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
      long target = length + GROWTH;
      for (long at = length; at < target; at += zeros.capacity()) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), target - at));
        writeFully(created, zeros, at);
      }
      LogCommitSteps.reached("rotate.sync");
      created.force(true);
      LogCommitSteps.reached("rotate.rename");
      Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      closeQuietly(created);
      try {
        Files.deleteIfExists(next);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new VaultException("cannot rotate the log journal: " + FileStore.describe((IOException) e), e);
    }
    // Renamed: the new journal is the journal, whatever happens next.
    closeQuietly(channel);
    channel = created;
    base = newBase;
    baseLeaf = leafBefore.clone();
    shift = from - HEADER;
    try {
      allocated = created.size();
      fileKey = fileKey(file);
      LogCommitSteps.reached("rotate.folder");
      syncFolder(file);
    } catch (IOException e) {
      throw new VaultException("cannot sync the folder of the rotated log journal: " + FileStore.describe(e), e);
    }
  }

  /**
   * Opens the journal again if another handle on this vault rotated it since this one opened it;
   * the caller then {@link #follow}s the database's end, whose logical offset a rotation keeps.
   *
   * @throws IntegrityException if the file now there has a damaged header
   */
  void reopenIfRotated() {
    try {
      if (java.util.Objects.equals(fileKey(file), fileKey)) {
        return;
      }
    } catch (IOException e) {
      throw new VaultException("cannot read the log journal: " + FileStore.describe(e), e);
    }
    Journal now = open(file, true);
    closeQuietly(channel);
    channel = now.channel;
    fileKey = now.fileKey;
    base = now.base;
    baseLeaf = now.baseLeaf;
    shift = now.shift;
    allocated = now.allocated;
  }

  /**
   * Takes back the records written after {@code offset} (a batch whose database commit failed):
   * zeroes and syncs them, so that no reopening finds entries no caller was told of.
   */
  void undo(long offset) {
    try {
      zeroFrom(offset - shift);
    } catch (IOException e) {
      throw new VaultException("cannot take back a failed batch from the log journal: " + FileStore.describe(e), e);
    }
  }

  /** Rewinds the in-memory end to a record boundary before a failed batch's records, then zeroes after it. */
  void rewind(long offset, long seq, byte[] leaf) {
    undo(offset);
    end = offset;
    nextSeq = seq;
    lastLeaf = leaf.clone();
  }

  /**
   * Zeroes and syncs the bytes from {@code offset} up to the first all-zero chunk (a torn or
   * taken-back batch): the file past the last record was written as zeros, and only the batch in
   * flight can have reached it. A torn write may leave a few of its later pages beyond such a
   * chunk; they stay, harmless, because a record is taken only where it continues the chain (its
   * sequence number and previous leaf), and the next appends write over them. Scanning only this
   * far keeps an open from reading the whole preallocated tail (up to {@value #GROWTH} bytes).
   */
  private void zeroFrom(long offset) throws IOException {
    long size = io(FileChannel::size);
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    ByteBuffer zero = ByteBuffer.allocate(buffer.capacity());
    long dirtyEnd = offset;
    for (long at = offset; at < size; at += buffer.capacity()) {
      long from = at;
      int n = Math.max(io(c -> c.read(buffer.clear(), from)), 0);
      buffer.flip();
      if (buffer.mismatch(zero.clear().limit(n)) < 0) {
        break;
      }
      dirtyEnd = at + n;
    }
    if (dirtyEnd == offset) {
      return;
    }
    long zeroEnd = dirtyEnd;
    io(c -> { // one step: a sync repeated on a new descriptor covers only what the step wrote again
      for (long at = offset; at < zeroEnd; at += zero.capacity()) {
        writeFully(c, zero.clear().limit((int) Math.min(zero.capacity(), zeroEnd - at)), at);
      }
      c.force(false);
      return null;
    });
  }

  private void grow(int atLeast) throws IOException {
    long target = Math.max(allocated, end - shift) + Math.max(GROWTH, atLeast);
    ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
    long from = allocated;
    io(c -> { // one step, as in zeroFrom
      for (long at = from; at < target; at += zeros.capacity()) {
        writeFully(c, zeros.clear().limit((int) Math.min(zeros.capacity(), target - at)), at);
      }
      c.force(true); // the new size is metadata: fdatasync alone would not keep it
      return null;
    });
    allocated = target;
  }

  /** The record starting at {@code at}, or null if none whole and valid starts there. */
  private Record read(long at) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(16);
    if (io(c -> c.read(head.clear(), at)) < 16) {
      return null;
    }
    int n = head.getInt(12);
    if (head.getInt(0) != RECORD_MAGIC || n < 0 || n > MAX_ENTRY) {
      return null;
    }
    ByteBuffer whole = ByteBuffer.allocate(FIXED + n);
    if (io(c -> c.read(whole.clear(), at)) < whole.capacity()) {
      return null;
    }
    whole.flip();
    return parse(whole, 0, at + shift, Merkle.sha256Digest());
  }

  /** Parses the record at {@code pos} of {@code buffer} (logical offset {@code at}), or null if it is not whole and valid there. */
  private static Record parse(ByteBuffer buffer, int pos, long at, java.security.MessageDigest sha256) {
    if (pos + FIXED > buffer.limit() || buffer.getInt(pos) != RECORD_MAGIC) {
      return null;
    }
    int n = buffer.getInt(pos + 12);
    if (n < 0 || n > MAX_ENTRY || pos + FIXED + n > buffer.limit()) {
      return null;
    }
    int crcAt = pos + FIXED - 8 + n;
    CRC32C crc = new CRC32C();
    crc.update(buffer.duplicate().limit(crcAt).position(pos)); // no copy: a verification reads every record
    if (buffer.getInt(crcAt) != (int) crc.getValue() || buffer.getInt(crcAt + 4) != FIXED + n) {
      return null;
    }
    byte[] entry = new byte[n];
    buffer.get(pos + 48, entry);
    byte[] prev = new byte[Merkle.HASH_SIZE];
    buffer.get(pos + 16, prev);
    return new Record(buffer.getLong(pos + 4), entry, Merkle.leafHash(sha256, entry), prev, at + FIXED + n);
  }

  private static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  private static ByteBuffer writeFully(FileChannel channel, ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      pos += channel.write(b, pos);
    }
    return b;
  }

  private static ByteBuffer readFully(FileChannel channel, ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      int n = channel.read(b, pos);
      if (n < 0) {
        throw new java.io.EOFException("the file ends at " + pos);
      }
      pos += n;
    }
    return b;
  }

  /**
   * Runs {@code step} on the channel ({@link Interrupts#retried}). A {@code FileChannel} closes
   * itself when the thread in its I/O is interrupted, and the log's journal is what every caller's
   * entry is written to: the log would write nothing more until the vault was reopened. So the
   * log's journal opens its file again (the file it had open: one put in its place fails the step)
   * and runs the step again; a step that syncs writes again everything the sync is for, since a
   * sync an interrupt stopped may have taken the report of a failed write with it. A verification's
   * journal is its own, and its read fails instead.
   */
  private <T> T io(Interrupts.Step<T> step) throws IOException {
    return Interrupts.retried(reopening, step);
  }

  private final Interrupts.Reopening reopening = new Interrupts.Reopening() {
    @Override
    public FileChannel channel() throws IOException {
      if (!channel.isOpen() && writable && !closed) {
        reopen(channel); // an earlier step's reopening failed
      }
      return channel;
    }

    @Override
    public boolean reopensAfter(ClosedChannelException e) {
      return writable && e instanceof ClosedByInterruptException;
    }

    @Override
    public void reopen(FileChannel failed) throws IOException {
      Journal.this.reopen();
    }
  };

  /** Opens the journal's file again after an interrupt closed the channel, if it is still the file this handle had open. */
  private void reopen() throws IOException {
    FileChannel again = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (!java.util.Objects.equals(fileKey(file), fileKey)) {
      closeQuietly(again);
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log journal " + file.getFileName() + " was replaced while the vault had it open");
    }
    channel = again;
  }

  private static void closeQuietly(FileChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // already failing
      }
    }
  }

  static byte[] zeroLeaf() {
    return ZERO_LEAF.clone();
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(channel);
  }
}
