package io.kinko.vault.audit;

import io.kinko.vault.LogArchive;
import io.kinko.vault.RetentionException;
import io.kinko.vault.VaultException;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.store.Database;
import io.kinko.vault.store.Durable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Exports ranges of the log as archives that verify offline, and prunes entries whose
 * retention has passed and that were archived. An archive is the entries as JSON Lines (each
 * line exactly the hashed bytes), and a manifest with the roots of the subtrees left of the range,
 * a checkpoint of the tree at the range's end signed now, and a consistency proof from the
 * previous archive's checkpoint.
 */
public final class LogArchiver {
  private static final HexFormat HEX = HexFormat.of();

  private final Database database;
  private final String vaultId;
  private final Clock clock;

  public LogArchiver(Database database, String vaultId, Clock clock) {
    this.database = database;
    this.vaultId = vaultId;
    this.clock = clock;
  }

  /**
   * Writes the entries logged in [from, to) to {@code directory}.
   *
   * @param entriesDone told how many entries are written so far, after each page
   * @throws VaultException if no entry lies in the range or the files cannot be written
   */
  public LogArchive export(Instant from, Instant to, Path directory, SigningKey key, LongConsumer entriesDone) {
    long[] range = database.inTransaction(c -> seqRange(c, from, to));
    if (range == null) {
      throw new VaultException("no log entries between " + from + " and " + to);
    }
    long first = range[0];
    long last = range[1];
    long treeSize = last + 1;
    String name = baseName(vaultId, first, last);
    Path entries = directory.resolve(name + ".jsonl");
    Path manifest = directory.resolve(name + ".manifest.json");
    try {
      Files.createDirectories(directory);
      Path partial = directory.resolve(name + ".jsonl.partial");
      try (OutputStream out = Files.newOutputStream(partial)) {
        for (long page = first; page <= last; page += 10_000) {
          long start = page;
          long end = Math.min(last + 1, page + 10_000);
          for (byte[] entry : database.inTransaction(c -> entries(c, start, end))) {
            out.write(entry);
            out.write('\n');
          }
          entriesDone.accept(end - first);
        }
      }
      Durable.sync(partial);
      Durable.move(partial, entries);
      try {
        byte[] manifestBytes = database.durably(c -> manifest(c, first, last, key));
        Durable.write(manifest, manifestBytes);
        checkAsAnAuditorWould(manifest, first, last, key);
      } catch (io.kinko.vault.IntegrityException e) {
        Files.deleteIfExists(manifest);
        Files.deleteIfExists(entries);
        throw new io.kinko.vault.IntegrityException(e.rule(), e.evidence(), e.getMessage() + "; nothing was archived", e);
      }
      database.durably(c -> {
        try (PreparedStatement s = c.prepareStatement(
            "INSERT INTO log_archives (first_seq, last_seq, tree_size, created_at) VALUES (?, ?, ?, ?)")) {
          s.setLong(1, first);
          s.setLong(2, last);
          s.setLong(3, treeSize);
          s.setLong(4, clock.millis());
          s.executeUpdate();
        }
        return null;
      });
    } catch (IOException e) {
      throw new VaultException("cannot write the log archive to " + directory + ": " + e.getMessage(), e);
    }
    return new LogArchive(entries, manifest, first, last, treeSize);
  }

  /**
   * Verifies the archive just written as an auditor will, before it is recorded (which lets its
   * entries be pruned): the manifest's subtrees left of it come from stored nodes that no signed
   * root covers on their own, and one edited while the vault was closed made an archive that its
   * offline check refused. The caller deletes a failing archive and refuses it, an INCIDENT.
   */
  private static void checkAsAnAuditorWould(Path manifest, long first, long last, SigningKey key) throws IOException {
    try {
      ArchiveVerifier.verifyOne(manifest, key.publicKey());
    } catch (io.kinko.vault.IntegrityException e) {
      throw new io.kinko.vault.IntegrityException(io.kinko.vault.IncidentRule.INTEGRITY_LOG, "the archive of log entries " + first + "-" + last
          + " does not verify as its auditor would check it (" + e.getMessage() + "): the log's database was edited outside Kinko", e);
    }
  }

  /** The file name of an archive, without extension: it says which vault and which entries it holds. */
  static String baseName(String vaultId, long first, long last) {
    return "kinko-log-" + vaultId + "-" + first + "-" + last;
  }

  /**
   * Removes the entries logged before {@code before}, once their retention has passed and they
   * have been archived. The tree's hashes stay, so checkpoints and archives still verify.
   *
   * @return the number of entries removed
   * @throws RetentionException if an entry before that time must still be kept, or was not archived
   */
  public long prune(Instant before) {
    return database.durably(c -> {
      long cut;
      try (PreparedStatement s = c.prepareStatement("SELECT MAX(seq), MAX(keep_until), COUNT(*) FROM log_entries WHERE logged_at < ?")) {
        s.setLong(1, before.toEpochMilli());
        try (ResultSet r = s.executeQuery()) {
          r.next();
          if (r.getLong(3) == 0) {
            return 0L;
          }
          cut = r.getLong(1);
          Instant keepUntil = Instant.ofEpochMilli(r.getLong(2));
          if (keepUntil.isAfter(clock.instant())) {
            throw new RetentionException("entries logged before " + before + " must be kept until " + keepUntil
                + " (one year past the contract's end, or the configured minimum)");
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM log_archives WHERE first_seq <= ? AND last_seq >= ?")) {
        // Simplest sound rule: one archive must cover everything removed.
        s.setLong(1, firstStored(c));
        s.setLong(2, cut);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          if (r.getLong(1) == 0) {
            throw new RetentionException("entries up to " + cut + " have not been archived; run log export for them first");
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement("DELETE FROM log_entries WHERE seq <= ?")) {
        s.setLong(1, cut);
        return (long) s.executeUpdate();
      }
    });
  }

  private static long firstStored(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT MIN(seq) FROM log_entries"); ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  private byte[] manifest(Connection c, long first, long last, SigningKey key) throws SQLException {
    long treeSize = last + 1;
    List<String> left = new ArrayList<>();
    try (DbNodeStore nodes = new DbNodeStore(c)) {
      for (long[] node : CompactRange.cover(first)) {
        left.add(HEX.formatHex(nodes.require((int) node[0], node[1])));
      }
      MerkleTree tree = MerkleTree.snapshot(nodes, AccessLog.Head.read(c).size());
      String note = signedNote(c, tree, treeSize, key);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kinko", "log-archive");
      m.put("vault", vaultId);
      m.put("firstSeq", first);
      m.put("lastSeq", last);
      m.put("treeSize", treeSize);
      m.put("leftSubtrees", left);
      m.put("checkpoint", note);
      m.put(SigningKey.NAMED_KEY, SigningKey.named(key.publicKey()));
      Long previous = previousArchiveSize(c, treeSize);
      if (previous != null) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("treeSize", previous);
        p.put("checkpoint", signedNote(c, tree, previous, key));
        p.put("consistencyProof", tree.consistencyProof(previous, treeSize).stream().map(HEX::formatHex).toList());
        m.put("previous", p);
      }
      return CanonicalJson.encode(m);
    }
  }

  /** The signed checkpoint of size {@code size}, signing and storing one if none exists yet. */
  private String signedNote(Connection c, MerkleTree tree, long size, SigningKey key) throws SQLException {
    return new String(LogCheckpoints.findOrSign(c, tree, size, LogCheckpoints.origin(vaultId), key, clock).note(), StandardCharsets.UTF_8);
  }

  private static Long previousArchiveSize(Connection c, long treeSize) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT MAX(tree_size) FROM log_archives WHERE tree_size < ?")) {
      s.setLong(1, treeSize);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        long size = r.getLong(1);
        return r.wasNull() ? null : size;
      }
    }
  }

  private static long[] seqRange(Connection c, Instant from, Instant to) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT MIN(seq), MAX(seq) FROM log_entries WHERE logged_at >= ? AND logged_at < ?")) {
      s.setLong(1, from.toEpochMilli());
      s.setLong(2, to.toEpochMilli());
      try (ResultSet r = s.executeQuery()) {
        r.next();
        long first = r.getLong(1);
        return r.wasNull() ? null : new long[] {first, r.getLong(2)};
      }
    }
  }

  private static List<byte[]> entries(Connection c, long from, long to) throws SQLException {
    List<byte[]> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT entry FROM log_entries WHERE seq >= ? AND seq < ? ORDER BY seq")) {
      s.setLong(1, from);
      s.setLong(2, to);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(r.getBytes(1));
        }
      }
    }
    if (out.size() != to - from) {
      throw new VaultException("log entries " + from + " to " + (to - 1) + " are incomplete (pruned?)");
    }
    return out;
  }
}
