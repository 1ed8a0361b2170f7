package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kinko.vault.IntegrityException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal file on its own: records read back as written, torn tails cut, records taken back. */
class JournalTest {
  @TempDir Path dir;

  private static List<byte[]> entries(int from, int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add(("{\"seq\":" + i + ",\"pad\":\"" + "x".repeat(i % 300) + "\"}").getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private static List<byte[]> leaves(List<byte[]> entries) {
    return entries.stream().map(Merkle::leafHash).toList();
  }

  private static List<Journal.Record> readAll(Journal j) {
    List<Journal.Record> out = new ArrayList<>();
    Journal.Cursor c = j.cursor(j.start(), j.base(), j.baseLeaf());
    for (Journal.Record r = c.next(); r != null; r = c.next()) {
      out.add(r);
    }
    return out;
  }

  @Test
  void records_readBackInOrder_withTheirChain() {
    Path file = dir.resolve("log.journal");
    List<byte[]> written = new ArrayList<>();
    try (Journal j = Journal.create(file, 0, Journal.zeroLeaf())) {
      for (int batch = 0; batch < 50; batch++) {
        List<byte[]> e = entries(written.size(), 1 + batch % 9);
        j.append(e, leaves(e));
        written.addAll(e);
      }
      List<Journal.Record> read = readAll(j);
      assertEquals(written.size(), read.size());
      for (int i = 0; i < read.size(); i++) {
        assertEquals(i, read.get(i).seq());
        assertArrayEquals(written.get(i), read.get(i).entry());
      }
      assertArrayEquals(Merkle.leafHash(written.get(written.size() - 1)), j.lastLeaf());
    }
  }

  @Test
  void recover_afterATornWrite_endsAtTheLastWholeRecord_andZeroesTheRest() throws IOException {
    Path file = dir.resolve("log.journal");
    long end;
    try (Journal j = Journal.create(file, 0, Journal.zeroLeaf())) {
      List<byte[]> e = entries(0, 5);
      j.append(e, leaves(e));
      end = j.end();
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      // Half of an unsynced batch reached the disk: a record's start without its end.
      f.seek(end);
      f.write(new byte[] {0x4B, 0x4A, 0x52, 0x31, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 1, 0, 7, 7, 7});
    }
    try (Journal j = Journal.open(file, true)) {
      Journal.Record last = j.recordEndingAt(end, 4);
      List<Journal.Record> tail = j.recover(last.end(), 5, last.leaf());
      assertEquals(List.of(), tail);
      assertEquals(5, j.size());
      List<byte[]> more = entries(5, 3);
      j.append(more, leaves(more));
      assertEquals(8, readAll(j).size());
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      f.seek(f.length() - 100);
      assertEquals(0, f.read(), "the torn bytes past the new end were not zeroed");
    }
  }

  @Test
  void recover_takesNoStaleRecordBeyondTheEnd_thatDoesNotContinueTheChain() throws IOException {
    // A torn batch can leave later pages on disk past an all-zero chunk, which recovery does not
    // scan. Such a record sits where the next appends may end; it must not be read as theirs.
    Path other = dir.resolve("other.journal");
    byte[] stale;
    try (Journal j = Journal.create(other, 0, Journal.zeroLeaf())) {
      List<byte[]> e = entries(100, 8);
      j.append(e, leaves(e));
      List<Journal.Record> records = readAll(j);
      Journal.Record sixth = records.get(6);
      Journal.Record seventh = records.get(7);
      assertEquals(7, seventh.seq());
      stale = new byte[(int) (seventh.end() - sixth.end())];
      try (RandomAccessFile f = new RandomAccessFile(other.toFile(), "r")) {
        f.seek(sixth.end());
        f.readFully(stale);
      }
    }
    Path file = dir.resolve("log.journal");
    long end;
    try (Journal j = Journal.create(file, 0, Journal.zeroLeaf())) {
      List<byte[]> e = entries(0, 7);
      j.append(e, leaves(e));
      end = j.end();
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(end); // right where entry 7 would go: a record of seq 7 from another chain
      f.write(stale);
    }
    try (Journal j = Journal.open(file, true)) {
      Journal.Record last = j.recordEndingAt(end, 6);
      assertEquals(List.of(), j.recover(last.end(), 7, last.leaf()), "a record of another chain was taken");
      assertEquals(7, readAll(j).size());
    }
  }

  @Test
  void rewind_takesBackABatch_soThatNoReaderFindsIt() {
    Path file = dir.resolve("log.journal");
    try (Journal j = Journal.create(file, 10, Merkle.leafHash(new byte[] {1}))) {
      List<byte[]> first = entries(10, 3);
      j.append(first, leaves(first));
      long end = j.end();
      byte[] leaf = j.lastLeaf();
      List<byte[]> failed = entries(13, 4);
      j.append(failed, leaves(failed));
      j.rewind(end, 13, leaf);
      assertEquals(3, readAll(j).size());
      assertEquals(13, j.size());
    }
    try (Journal j = Journal.open(file, false)) {
      assertEquals(10, j.base());
      assertEquals(3, readAll(j).size());
    }
  }

  @Test
  void recordEndingAt_whereNoRecordOfThatEntryEnds_isAnIntegrityFailure() {
    Path file = dir.resolve("log.journal");
    try (Journal j = Journal.create(file, 0, Journal.zeroLeaf())) {
      List<byte[]> e = entries(0, 3);
      j.append(e, leaves(e));
      assertThrows(IntegrityException.class, () -> j.recordEndingAt(j.end(), 1));
      assertThrows(IntegrityException.class, () -> j.recordEndingAt(j.end() - 1, 2));
      assertThrows(IntegrityException.class, () -> j.recordEndingAt(1L << 40, 2));
      assertEquals(2, j.recordEndingAt(j.end(), 2).seq());
    }
  }

  @Test
  void cursor_stopsAtARecordWhoseChainIsBroken() throws IOException {
    Path file = dir.resolve("log.journal");
    try (Journal j = Journal.create(file, 0, Journal.zeroLeaf())) {
      List<byte[]> e = entries(0, 4);
      List<byte[]> wrongChain = new ArrayList<>(leaves(e));
      wrongChain.set(1, new byte[32]); // record 2 then names a leaf that is not record 1's
      j.append(e, wrongChain);
      assertEquals(2, readAll(j).size());
      assertNull(j.cursor(Journal.HEADER, 1, Journal.zeroLeaf()).next());
    }
  }

  @Test
  void rotate_dropsTheRecordsBeforeTheNewBase_andKeepsEveryOtherRecordAtItsOffset() throws IOException {
    Path file = dir.resolve("log.journal");
    List<byte[]> written = entries(0, 40);
    long endOf19;
    long end;
    try (Journal j = Journal.create(file, 0, Journal.zeroLeaf())) {
      j.append(written.subList(0, 20), leaves(written.subList(0, 20)));
      endOf19 = j.end();
      j.append(written.subList(20, 40), leaves(written.subList(20, 40)));
      end = j.end();
      j.rotate(20);
      assertEquals(20, j.base());
      assertEquals(endOf19, j.start());
      assertArrayEquals(Merkle.leafHash(written.get(19)), j.baseLeaf());
      List<byte[]> more = entries(40, 3);
      j.append(more, leaves(more)); // appends go on in the new file
      end = j.end();
    }
    assertEquals(false, java.nio.file.Files.exists(dir.resolve("log.journal.new")));
    try (Journal j = Journal.open(file, true)) {
      assertEquals(20, j.base());
      List<Journal.Record> tail = j.recover(j.start(), 20, j.baseLeaf());
      assertEquals(23, tail.size());
      assertEquals(end, j.end());
      assertArrayEquals(written.get(39), j.recordEndingAt(tail.get(19).end(), 39).entry());
      for (Journal.Record r : tail) {
        assertEquals(true, r.seq() >= 20);
      }
    }
    byte[] bytes = java.nio.file.Files.readAllBytes(file);
    String latin1 = new String(bytes, StandardCharsets.ISO_8859_1); // one char per byte
    assertEquals(-1, latin1.indexOf(new String(written.get(7), StandardCharsets.ISO_8859_1)), "a dropped record is still in the file");
  }

  @Test
  void rotate_ofEveryRecord_leavesAnEmptyJournalThatStartsWhereTheLastOneEnded() {
    Path file = dir.resolve("log.journal");
    List<byte[]> written = entries(0, 5);
    long end;
    try (Journal j = Journal.create(file, 0, Journal.zeroLeaf())) {
      j.append(written, leaves(written));
      end = j.end();
      j.rotate(5);
    }
    try (Journal j = Journal.open(file, true)) {
      assertEquals(5, j.base());
      assertEquals(end, j.start());
      assertArrayEquals(Merkle.leafHash(written.get(4)), j.baseLeaf());
      assertEquals(List.of(), j.recover(j.start(), 5, j.baseLeaf()));
    }
  }

  @Test
  void discardUnfinishedRotation_removesTheNewFile_andKeepsTheJournal() throws IOException {
    Path file = dir.resolve("log.journal");
    try (Journal j = Journal.create(file, 0, Journal.zeroLeaf())) {
      j.append(entries(0, 3), leaves(entries(0, 3)));
    }
    Path leftover = dir.resolve("log.journal.new");
    java.nio.file.Files.write(leftover, new byte[] {1, 2, 3});
    Journal.discardUnfinishedRotation(file);
    assertEquals(false, java.nio.file.Files.exists(leftover));
    try (Journal j = Journal.open(file, true)) {
      assertEquals(3, j.recover(j.start(), 0, Journal.zeroLeaf()).size());
    }
  }
}
