package io.kinko.vault.audit;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.VaultException;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.store.Database;
import io.kinko.vault.store.Durable;
import io.kinko.vault.state.VaultState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Signed checkpoints of the log's Merkle tree (C2SP tlog-checkpoint, origin {@code kinko/<vault
 * id>}, as a C2SP signed note). Every checkpoint is kept in the database, and the newest also in
 * a file beside it, so a database rolled back or rewritten behind the vault's back is caught at
 * the next open: the log must still contain the checkpointed tree.
 */
public final class LogCheckpoints {
  private final Database database;
  private final Path file;
  private final NoteVerifier verifier;
  private final Clock clock;
  /** The last signed root {@link #provenInclusion} checked, by its note: a deletion of many files proves each in one checkpoint. */
  private byte[] lastNote;
  private byte[] lastRoot;

  public LogCheckpoints(Database database, String vaultId, Path file, byte[] publicKey, Clock clock) {
    this.database = database;
    this.file = file;
    this.verifier = NoteVerifier.ed25519(origin(vaultId), publicKey);
    this.clock = clock;
  }

  /** The checkpoint origin and signed-note key name of a vault. */
  public static String origin(String vaultId) {
    return "kinko/" + vaultId;
  }

  public NoteVerifier verifier() {
    return verifier;
  }

  /** A checkpoint as stored: its size and the signed note's bytes. */
  public record Signed(long size, byte[] note) {
    public Checkpoint checkpoint(NoteVerifier verifier) {
      return Checkpoint.open(note, verifier);
    }
  }

  /**
   * Signs a checkpoint of the tree as it is now, stores it and, when it is newer than the file's,
   * replaces the file. Signing the same size twice returns the stored note. The signing holds the
   * log head's row lock (see {@link #findOrSign}); the file is written after it is let go, so a
   * slow shared folder never holds up other hosts' appends. Two hosts writing the file at once
   * can leave the older of their two checkpoints there: still one the log contains, and the next
   * signing moves it forward.
   */
  public synchronized Signed sign(SigningKey key) {
    Signed signed = database.durably(c -> signNow(c, key));
    durableStateLine = stateLine(signed);
    CheckpointSteps.reached("checkpoint.signed");
    writeFileIfNewer(signed);
    return signed;
  }

  /**
   * The state line of the last checkpoint this handle made durable in the database itself: that
   * state is on disk. A checkpoint that names it again need not force the database.
   */
  private String durableStateLine;

  /**
   * Signs a checkpoint for the log's checkpoint policy, after a durable batch: as {@link #sign},
   * except that when the state it names is one this handle already made durable, the database
   * gets it by an ordinary commit and its durable copy is the file alone (H2's {@code CHECKPOINT
   * SYNC} writes every page the appends changed since the last one: it was 2.5-3.4 s of 100,000
   * appends). The entries it covers are durable in the journal, which opening replays; the file
   * is synced before this returns; and {@link #checkNoRollback} puts the file's checkpoint back
   * into a database that lost it in a crash. A checkpoint that names a state not yet known to be
   * on disk is signed as {@link #sign} does, so that no file names a state a crash could lose.
   */
  public synchronized Signed signForPolicy(SigningKey key) {
    String known = durableStateLine;
    if (known == null) {
      return sign(key);
    }
    Signed signed = database.inTransaction(c -> signNow(c, key));
    if (!known.equals(stateLine(signed))) {
      // The state moved since: make the database durable, the state it names included. sign()
      // finds the note just committed (same size, same state) and forces it to disk first.
      return sign(key);
    }
    CheckpointSteps.reached("checkpoint.commit");
    writeFileIfNewer(signed);
    CheckpointSteps.reached("checkpoint.file");
    return signed;
  }

  private Signed signNow(Connection c, SigningKey key) throws SQLException {
    long size = AccessLog.Head.lock(c).size();
    try (DbNodeStore nodes = new DbNodeStore(c)) {
      return findOrSign(c, MerkleTree.snapshot(nodes, size), size, verifier.name(), key, clock);
    }
  }

  private String stateLine(Signed signed) {
    try {
      return signed.checkpoint(verifier).extensions().stream().filter(l -> l.startsWith(VaultState.EXTENSION + " ")).findFirst().orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void writeFileIfNewer(Signed signed) {
    try {
      if (fileState().map(stored -> stored.compareTo(position(signed)) < 0).orElse(true)) {
        Durable.write(file, signed.note());
      }
    } catch (IOException e) {
      throw new VaultException("cannot write " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The inclusion proof of {@code entry} in the tree {@code at} was signed over, from stored nodes,
   * checked against that signed root before anyone is handed it: the nodes a proof reads are no
   * part of what opening or a verification compares with a checkpoint, and a certificate must not
   * carry a proof an auditor's check would refuse.
   *
   * @throws IntegrityException if the proof does not lead to the signed root: the entry or a node
   *     of the tree was edited outside Kinko
   */
  public List<byte[]> provenInclusion(io.kinko.vault.LogEntry entry, Signed at) {
    byte[] root = signedRoot(at);
    List<byte[]> proof = inclusionProof(entry.seq(), at.size());
    try {
      Merkle.verifyInclusion(entry.seq(), at.size(), Merkle.leafHash(entry.canonicalBytes()), proof, root);
    } catch (VerificationException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry " + entry.seq() + " is not proved in the checkpoint of size " + at.size()
          + " signed over it: the entry or a node of the log's tree was edited outside Kinko");
    }
    return proof;
  }

  private synchronized byte[] signedRoot(Signed at) {
    if (!Arrays.equals(at.note(), lastNote)) {
      Checkpoint checkpoint;
      try {
        checkpoint = at.checkpoint(verifier);
      } catch (FormatException | VerificationException e) {
        throw new IntegrityException(IncidentRule.INTEGRITY_CHECKPOINT, "the checkpoint of size " + at.size() + " does not verify: " + e.getMessage());
      }
      lastRoot = checkpoint.rootHash();
      lastNote = at.note().clone();
    }
    return lastRoot;
  }

  /** The inclusion proof of entry {@code seq} in the tree of {@code size} entries, from stored nodes. */
  private List<byte[]> inclusionProof(long seq, long size) {
    return database.inTransaction(c -> {
      try (DbNodeStore nodes = new DbNodeStore(c)) {
        return MerkleTree.snapshot(nodes, AccessLog.Head.read(c).size()).inclusionProof(seq, size);
      }
    });
  }

  /**
   * Refuses to sign {@code root} for {@code size} unless a signed checkpoint at or past that size
   * contains it: the same root, or the larger tree by a consistency proof. Signing a size signed
   * before (the state moved since, or an archive's or a report's historical size) reads the tree's
   * stored nodes, which an edit while the vault was closed could have changed without any read
   * meeting them; without this a forged root would be signed anew. A size past every signed
   * checkpoint has no such witness: TailCheck held it at opening, and this process wrote the rest.
   */
  private static void requireSignedOver(Connection c, MerkleTree tree, long size, byte[] root, NoteVerifier verifier) throws SQLException {
    if (size == 0) {
      return; // the empty tree's root is a constant
    }
    Optional<Checkpoint> newest = newestSigned(c, size, tree.size(), verifier);
    if (newest.isEmpty()) {
      return;
    }
    Checkpoint signed = newest.get();
    try {
      Merkle.verifyConsistency(size, signed.size(), tree.consistencyProof(size, signed.size()), root, signed.rootHash());
    } catch (VerificationException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "the log's tree is not the one its checkpoint of size " + signed.size()
          + " signed, at or before entry " + (size - 1) + ": the database was edited outside Kinko (nothing was signed)");
    }
  }

  /**
   * The newest checkpoint stored with a size in {@code [from, to]} that this vault signed; notes
   * that do not verify, or are filed under another size, are passed over (log verify names them).
   */
  static Optional<Checkpoint> newestSigned(Connection c, long from, long to, NoteVerifier verifier) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT tree_size, note FROM log_checkpoints WHERE tree_size >= ? AND tree_size <= ? ORDER BY tree_size DESC")) {
      s.setLong(1, from);
      s.setLong(2, to);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          try {
            Checkpoint signed = Checkpoint.open(r.getString(2).getBytes(StandardCharsets.UTF_8), verifier);
            if (signed.size() == r.getLong(1)) {
              return Optional.of(signed);
            }
          } catch (RuntimeException e) { // FormatException, VerificationException: not this vault's
            // passed over
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The stored checkpoint of the tree at {@code size}, signing and storing one first if there is
   * none, in the caller's transaction. The one place a checkpoint is signed; it takes the log
   * head's row lock, so concurrent signers of one size wait for each other and find one note.
   */
  static Signed findOrSign(Connection c, MerkleTree tree, long size, String origin, SigningKey key, Clock clock) throws SQLException {
    AccessLog.Head.lock(c);
    // Every checkpoint names the state (users, grants, files) as it is when it is signed; one
    // whose size is signed already is signed again if the state moved since.
    String stateLine = VaultState.storedHead(c).extensionLine();
    Optional<Signed> existing = find(c, size);
    if (existing.isPresent() && existing.get().note().length > 0 && new String(existing.get().note(), StandardCharsets.UTF_8).contains("\n" + stateLine + "\n")) {
      return existing.get();
    }
    byte[] root = tree.root(size);
    requireSignedOver(c, tree, size, root, NoteVerifier.ed25519(origin, key.publicKey()));
    Checkpoint checkpoint = new Checkpoint(origin, size, root, List.of(stateLine));
    byte[] note;
    try {
      note = SignedNote.sign(checkpoint.text(), NoteSigner.ed25519(origin, key.publicKey(), key.signer())).toBytes();
    } catch (GeneralSecurityException e) {
      throw new VaultException("could not sign a log checkpoint", e);
    }
    try (PreparedStatement s = c.prepareStatement(existing.isPresent()
        ? "UPDATE log_checkpoints SET note = ?, signed_at = ? WHERE tree_size = ?"
        : "INSERT INTO log_checkpoints (note, signed_at, tree_size) VALUES (?, ?, ?)")) {
      s.setString(1, new String(note, StandardCharsets.UTF_8));
      s.setLong(2, clock.millis());
      s.setLong(3, size);
      s.executeUpdate();
    }
    return new Signed(size, note);
  }

  /** The newest checkpoint in the database, if any. */
  public Optional<Signed> latest() {
    return database.inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT tree_size, note FROM log_checkpoints ORDER BY tree_size DESC")) {
        s.setMaxRows(1);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(new Signed(r.getLong(1), r.getString(2).getBytes(StandardCharsets.UTF_8))) : Optional.empty();
        }
      }
    });
  }

  /** The tree size and signing time of the newest checkpoint in the database. */
  public record Latest(long size, java.time.Instant signedAt) {}

  /** The newest checkpoint's size and signing time, if any (for a vault's status). */
  public Optional<Latest> latestSigned() {
    return database.inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT tree_size, signed_at FROM log_checkpoints ORDER BY tree_size DESC")) {
        s.setMaxRows(1);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(new Latest(r.getLong(1), java.time.Instant.ofEpochMilli(r.getLong(2)))) : Optional.empty();
        }
      }
    });
  }

  /** Every stored checkpoint, oldest first. */
  public List<Signed> all() {
    return database.inTransaction(c -> {
      List<Signed> out = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT tree_size, note FROM log_checkpoints ORDER BY tree_size");
           ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(new Signed(r.getLong(1), r.getString(2).getBytes(StandardCharsets.UTF_8)));
        }
      }
      return out;
    });
  }

  /**
   * Checks that the log still holds the tree of the checkpoint kept outside the database, and
   * that the vault's state is not older than the one that checkpoint names.
   *
   * <p>Hands {@code log} the tree's right edge it checked, for its first append to build on; if
   * the tree is refused, the edge the rows' witnesses vouch for, so that the INCIDENT of the
   * refusal does not build on an edited node.
   *
   * @return whether the checkpoint names the vault's state (so the state was checked against it)
   * @throws IntegrityException if the file is missing or forged, or the log is shorter than it
   *     or does not contain its tree (a rollback or rewrite)
   */
  public boolean checkNoRollback(AccessLog log) {
    byte[] note;
    Checkpoint witnessed;
    AccessLog.Edge edge;
    try {
      note = witnessedNote();
      witnessed = Checkpoint.open(note, verifier);
      requireContains(witnessed, "the vault's last checkpoint");
      edge = database.inTransaction(c -> TailCheck.require(c, witnessed.size(), verifier));
      database.inTransaction(TailCheck::requireNothingPastTheHead);
    } catch (FormatException | VerificationException e) {
      IntegrityException refusal = new IntegrityException(IncidentRule.INTEGRITY_CHECKPOINT, "the log checkpoint file does not verify with the vault's public key: "
          + e.getMessage());
      buildRefusalOnVouchedEdge(log, refusal);
      throw refusal;
    } catch (IntegrityException e) { // every refusal of the log's tree: its INCIDENT must not build on an edited node
      buildRefusalOnVouchedEdge(log, e);
      throw e;
    }
    log.buildOn(edge);
    Optional<StateLine> state = stateNamed(witnessed);
    if (state.isPresent()) {
      VaultState.Head head = database.inTransaction(VaultState::storedHead);
      if (head.version() < state.get().version()) {
        throw new IntegrityException(IncidentRule.INTEGRITY_ROLLBACK, "the vault's state is at version " + head.version() + ", older than the " + state.get().version()
            + " its last checkpoint names: the database was rolled back");
      }
      if (head.version() == state.get().version() && !Arrays.equals(head.root(), state.get().root())) {
        throw new IntegrityException(IncidentRule.INTEGRITY_CHECKPOINT, "the vault's state at version " + head.version() + " is not the one its last checkpoint names: "
            + "the state was rewritten");
      }
    }
    restore(new Signed(witnessed.size(), note));
    return state.isPresent();
  }

  private byte[] witnessedNote() {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_CHECKPOINT, "the log checkpoint file " + file.getFileName() + " is missing");
    } catch (IOException e) {
      throw new VaultException("cannot read " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  private void buildRefusalOnVouchedEdge(AccessLog log, IntegrityException refusal) {
    try {
      database.inTransaction(VouchedEdge::of).ifPresent(log::buildOn);
    } catch (RuntimeException e) {
      refusal.addSuppressed(e);
    }
  }

  /**
   * Puts the file's checkpoint, checked against the log and the state, into the database when
   * the database lacks it or holds an older one of that size: a policy checkpoint reaches the
   * database by an ordinary commit (see {@link #signForPolicy}), which a crash can lose.
   */
  private void restore(Signed fromFile) {
    Position filed = position(fromFile);
    boolean restored = database.inTransaction(c -> {
      Optional<Signed> stored = find(c, fromFile.size());
      if (stored.isPresent() && (Arrays.equals(stored.get().note(), fromFile.note()) || !verifies(stored.get())
          || position(stored.get()).compareTo(filed) >= 0)) {
        // A stored note that does not verify was not left by a crash: it was edited, and it stays
        // for the log's verification to refuse with an INCIDENT, not to be mended here unseen.
        return false;
      }
      long signedAt;
      try {
        signedAt = Files.getLastModifiedTime(file).toMillis();
      } catch (IOException e) {
        signedAt = clock.millis();
      }
      try (PreparedStatement s = c.prepareStatement(stored.isPresent()
          ? "UPDATE log_checkpoints SET note = ?, signed_at = ? WHERE tree_size = ?"
          : "INSERT INTO log_checkpoints (note, signed_at, tree_size) VALUES (?, ?, ?)")) {
        s.setString(1, new String(fromFile.note(), StandardCharsets.UTF_8));
        s.setLong(2, signedAt);
        s.setLong(3, fromFile.size());
        s.executeUpdate();
      }
      return true;
    });
    if (restored) {
      database.durably(c -> null); // forces it to disk; an open that restores nothing forces nothing
    }
  }

  /**
   * Checks that the log contains the tree of a checkpoint, for example one the city holds.
   *
   * @throws IntegrityException if it does not
   */
  public void requireContains(Checkpoint witnessed, String what) {
    database.inTransaction(c -> {
      AccessLog.Head head = AccessLog.Head.read(c);
      if (head.size() < witnessed.size()) {
        throw new IntegrityException(IncidentRule.INTEGRITY_ROLLBACK, "the access log holds " + head.size() + " entries, fewer than the " + witnessed.size()
            + " of " + what + ": the database was rolled back or replaced");
      }
      byte[] root;
      try (DbNodeStore nodes = new DbNodeStore(c)) {
        root = MerkleTree.snapshot(nodes, head.size()).root(witnessed.size());
      }
      if (!Arrays.equals(root, witnessed.rootHash())) {
        throw new IntegrityException(IncidentRule.INTEGRITY_CHECKPOINT, "the access log's first " + witnessed.size() + " entries do not match " + what
            + ": the log was rewritten");
      }
      return null;
    });
  }

  /** Where a checkpoint stands: its tree size, then the version of the state it names. */
  private record Position(long size, long stateVersion) implements Comparable<Position> {
    @Override
    public int compareTo(Position o) {
      int bySize = Long.compare(size, o.size);
      return bySize != 0 ? bySize : Long.compare(stateVersion, o.stateVersion);
    }
  }

  private boolean verifies(Signed signed) {
    try {
      signed.checkpoint(verifier);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Position position(Signed signed) {
    try {
      Checkpoint cp = signed.checkpoint(verifier);
      return new Position(cp.size(), stateNamed(cp).map(StateLine::version).orElse(-1L));
    } catch (RuntimeException e) {
      return new Position(signed.size(), -1);
    }
  }

  /** The state a checkpoint names in its {@code kinko-state} extension line, if any. */
  public record StateLine(long version, byte[] root) {}

  /**
   * @throws IntegrityException if the checkpoint names the state in a malformed line
   */
  public static Optional<StateLine> stateNamed(Checkpoint checkpoint) {
    for (String line : checkpoint.extensions()) {
      String[] parts = line.split(" ");
      if (parts[0].equals(VaultState.EXTENSION)) {
        try {
          if (parts.length != 3) {
            throw new IllegalArgumentException("has " + parts.length + " words");
          }
          return Optional.of(new StateLine(Long.parseLong(parts[1]), io.kinko.vault.crypto.Bytes.unhex(parts[2])));
        } catch (IllegalArgumentException e) {
          throw new IntegrityException(IncidentRule.INTEGRITY_CHECKPOINT, "the checkpoint's state line is malformed: " + e.getMessage());
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Position> fileState() {
    try {
      return Optional.of(position(new Signed(-1, Files.readAllBytes(file))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<Signed> find(Connection c, long size) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT note FROM log_checkpoints WHERE tree_size = ?")) {
      s.setLong(1, size);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(new Signed(size, r.getString(1).getBytes(StandardCharsets.UTF_8))) : Optional.empty();
      }
    }
  }
}
