package io.kinko.vault.state;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.crypto.Bytes;
import io.kinko.vault.crypto.VaultKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rows that decide access and content (users, grants, file versions), checked against one
 * commitment before they are used. A row's keyed fact value covers its columns and its bucket;
 * each bucket's digest is the keyed multiset hash of its rows; bucket digests, group nodes and
 * kind nodes are stored in {@code state_nodes}; the root, with a version that grows by one per
 * change, sits in {@code state_head} under a keyed tag, and every signed checkpoint names them.
 *
 * <p>Invariant: a row is handed out only if the bucket it was read from hashes, through its
 * stored nodes (or to a digest this state checked through them against the same root before, or
 * computed in a change it committed to that root), to the root whose tag verifies and whose
 * version is not older than any this process saw. So an edited, added, removed or replayed row —
 * or a whole bucket rolled back — fails with {@link IntegrityException} before it grants anything.
 * Writers lock the head row for their whole transaction and check what they build on, so
 * concurrent writers on several hosts form one sequence of versions.
 *
 * <p>What it cannot see: the whole database rolled back together with its root to a version no
 * signed checkpoint has yet named. The checkpoint kept in the vault folder, and the ones handed
 * to the city, bound that window.
 */
public final class VaultState {
  private static final String HEAD_SELECT = "SELECT version, root, mac FROM state_head WHERE id = 1";
  private static final String KIND_NODES = java.util.Arrays.stream(StateKind.values()).map(k -> "('" + k.name() + "', 2, 0)")
      .collect(java.util.stream.Collectors.joining(", "));

  private final VaultKeys keys;
  private final AtomicLong highestSeen;
  private final CheckedNodes checkedNodes = new CheckedNodes();

  /**
   * @param highestSeen the highest version this process has seen verified, shared by every
   *     session of one open vault: a head older than it is a rollback
   */
  public VaultState(VaultKeys keys, AtomicLong highestSeen) {
    this.keys = keys;
    this.highestSeen = highestSeen;
  }

  /** The version and root of the state, as the head row holds them. */
  public record Head(long version, byte[] root) {
    /** The checkpoint extension line that names this state. */
    public String extensionLine() {
      return EXTENSION + " " + version + " " + Bytes.hex(root);
    }
  }

  /** First word of the checkpoint extension line naming the state. */
  public static final String EXTENSION = "kinko-state";

  /** A unit of work that changes state rows; it declares each group before it changes it. */
  @FunctionalInterface
  public interface Update<T> {
    T run(Connection c, Changes changes) throws SQLException;
  }

  /** What an update tells the state about the rows it changes. */
  public interface Changes {
    /**
     * Checks the bucket of {@code group} as it is now and marks it changed; returns the bucket
     * number the update writes into the rows it inserts.
     *
     * @throws IntegrityException if the bucket does not match the commitment
     */
    int touch(StateKind kind, String group) throws SQLException;

    /** The rows of {@code group}'s bucket, checked (the update holds the head lock). */
    List<List<String>> rows(StateKind kind, String group) throws SQLException;
  }

  /** The bucket a group's rows live in: keyed, so a reader of the table cannot tell groups apart by it. */
  public int bucket(StateKind kind, String group) {
    byte[] t = keys.tag("state-bucket", Bytes.label(kind.name(), group.getBytes(StandardCharsets.UTF_8)));
    return Integer.remainderUnsigned(java.nio.ByteBuffer.wrap(t).getInt(), kind.buckets());
  }

  /** The state's version and root as stored, unchecked: for a checkpoint signed under the log lock. */
  public static Head storedHead(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(HEAD_SELECT); ResultSet r = s.executeQuery()) {
      if (!r.next()) {
        throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "the vault's state head row is missing");
      }
      String root = r.getString(2);
      try {
        return new Head(r.getLong(1), root == null ? StateDigest.ZERO : Bytes.unhex(root));
      } catch (IllegalArgumentException notHex) {
        throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "the vault's state root is not hex: the state was changed outside Kinko");
      }
    }
  }

  /**
   * The checked rows of the bucket holding {@code group} (rows of other groups that share the
   * bucket included; the caller filters by the group column). Values are in {@link
   * StateKind#columns()} order.
   *
   * @throws IntegrityException if the rows do not match the commitment
   */
  public List<List<String>> rows(Connection c, StateKind kind, String group) throws SQLException {
    int bucket = bucket(kind, group);
    Checked first = check(c, kind, bucket);
    if (first.ok()) {
      return first.rows;
    }
    // A writer may have committed between two of the reads: look again holding the head lock,
    // which every writer holds for its whole transaction. A mismatch now is not a race.
    lockHead(c);
    Checked second = check(c, kind, bucket);
    if (!second.ok()) {
      throw second.failure();
    }
    return second.rows;
  }

  /**
   * The checked rows of the buckets holding each of {@code groups}, keyed by bucket, as {@link
   * #rows(Connection, StateKind, String)} returns them for one group (the caller filters by the
   * group column); for a folder's listing, which otherwise checked the head and read a bucket once
   * per file. The head is checked once and each bucket read and checked once, against that head.
   * A writer that commits in between makes a bucket miss its digest: then, as for one group, all
   * are read again holding the head lock, and a mismatch is not a race.
   *
   * @throws IntegrityException if any of the rows do not match the commitment
   */
  public Map<Integer, List<List<String>>> rowsOfEach(Connection c, StateKind kind, java.util.Collection<String> groups)
      throws SQLException {
    TreeSet<Integer> buckets = new TreeSet<>();
    for (String group : groups) {
      buckets.add(bucket(kind, group));
    }
    try {
      return checkedBuckets(c, kind, buckets);
    } catch (IntegrityException raced) {
      lockHead(c);
      return checkedBuckets(c, kind, buckets);
    }
  }

  private Map<Integer, List<List<String>>> checkedBuckets(Connection c, StateKind kind, TreeSet<Integer> buckets) throws SQLException {
    Head head = checkedHead(c);
    Map<Integer, List<List<String>>> out = new HashMap<>();
    for (int bucket : buckets) {
      Checked checked = check(c, head, kind, bucket);
      if (!checked.ok()) {
        throw checked.failure();
      }
      out.put(bucket, checked.rows);
    }
    return out;
  }

  /**
   * Every checked row of {@code kind}, bucket by bucket; for listings of the whole vault. It holds
   * the head lock for its transaction rather than retry a large read that a writer raced.
   *
   * <p>It reads the rows alone, not the stored nodes of the kind (4,161 of them for files): it
   * recomputes every bucket digest, group node and the kind node from the rows and requires the
   * root they give, with the other kinds' stored kind nodes, to be the sealed one. That binds every
   * row as the node-by-node check does, and also catches a bucket rolled back with its own digest
   * row. A mismatch is then looked for node by node, to name the bucket; the listing fails either
   * way. The stored nodes themselves are checked by {@link #verifyAll} and by every single-bucket
   * read.
   */
  public List<List<String>> all(Connection c, StateKind kind) throws SQLException {
    lockHead(c);
    Head head = checkedHead(c);
    Map<Integer, List<List<String>>> byBucket = readAll(c, kind);
    if (byBucket.keySet().stream().anyMatch(b -> b < 0 || b >= kind.buckets())) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "a " + kind.table() + " row has no valid bucket: the state was changed outside Kinko");
    }
    if (!recomputedRootMatches(c, head, kind, byBucket)) {
      IntegrityException named = nodeByNode(c, head, kind, byBucket);
      throw named != null ? named : changed(kind);
    }
    return inBucketOrder(kind, byBucket);
  }

  /**
   * Every checked row of {@code kind} as {@link #all} returns them, after checking every stored
   * node of the kind as well: each bucket digest against its rows, each group node against its
   * buckets, the kind node against its groups and the root. For the full verification.
   */
  private List<List<String>> allNodeByNode(Connection c, StateKind kind) throws SQLException {
    lockHead(c);
    Head head = checkedHead(c);
    Map<Integer, List<List<String>>> byBucket = readAll(c, kind);
    if (byBucket.keySet().stream().anyMatch(b -> b < 0 || b >= kind.buckets())) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "a " + kind.table() + " row has no valid bucket: the state was changed outside Kinko");
    }
    IntegrityException failure = nodeByNode(c, head, kind, byBucket);
    if (failure != null) {
      throw failure;
    }
    return inBucketOrder(kind, byBucket);
  }

  /** Whether the root recomputed from every row of {@code kind} (and the other kinds' stored kind nodes) is the sealed one. */
  private boolean recomputedRootMatches(Connection c, Head head, StateKind kind, Map<Integer, List<List<String>>> byBucket)
      throws SQLException {
    byte[][] buckets = new byte[kind.buckets()][];
    byBucket.forEach((b, rows) -> buckets[b] = digest(kind, b, rows));
    byte[][] kindNodes = storedKindNodes(c);
    kindNodes[kind.ordinal()] = StateDigest.kind(kind, StateDigest.groups(kind, buckets));
    return Arrays.equals(StateDigest.root(kindNodes), head.root());
  }

  private static List<List<String>> inBucketOrder(StateKind kind, Map<Integer, List<List<String>>> byBucket) {
    List<List<String>> out = new ArrayList<>();
    for (int b = 0; b < kind.buckets(); b++) {
      out.addAll(byBucket.getOrDefault(b, List.of()));
    }
    return out;
  }

  /**
   * The failure that the stored nodes of {@code kind} show for {@code byBucket}, naming the first
   * bucket or node that does not match; when every stored node matches (a recomputed root that
   * did not), the kind as a whole. Null only if the rows and every node match the root.
   */
  private IntegrityException nodeByNode(Connection c, Head head, StateKind kind, Map<Integer, List<List<String>>> byBucket)
      throws SQLException {
    Nodes nodes = Nodes.read(c, kind);
    try {
      requireRoot(c, head, kind, nodes);
    } catch (IntegrityException e) {
      return e;
    }
    for (int b = 0; b < kind.buckets(); b++) {
      if (!Arrays.equals(digest(kind, b, byBucket.getOrDefault(b, List.of())), nodes.bucket(b))) {
        return mismatch(kind, b);
      }
    }
    for (int g = 0; g < kind.groups(); g++) {
      if (!Arrays.equals(StateDigest.group(kind, g, nodes.groupChildren(g)), nodes.group(g))) {
        return new IntegrityException(IncidentRule.INTEGRITY_STATE, "the " + kind.table() + " state node of group " + g
            + " does not match its buckets: the state was changed outside Kinko (a bucket rolled back with its digest)");
      }
    }
    return recomputedRootMatches(c, head, kind, byBucket) ? null : changed(kind);
  }

  private static IntegrityException changed(StateKind kind) {
    return new IntegrityException(IncidentRule.INTEGRITY_STATE, "the " + kind.table() + " rows were changed in the database outside Kinko: "
        + "they do not match the vault's state commitment (a row added, removed, replayed or edited)");
  }

  /**
   * Runs {@code update} holding the head lock, after checking the head; then recomputes every
   * bucket it touched and the nodes above them, stores the next version under a new tag, and
   * commits the caller's transaction (which the caller then makes durable). Only once that commit
   * returned does this process take the new version as seen: a commit that fails leaves it at the
   * version the database still holds, not at one it would then call a rollback.
   */
  public <T> T update(Connection c, Update<T> update) throws SQLException {
    lockHead(c);
    Head head = checkedHead(c);
    Map<StateKind, TreeSet<Integer>> touched = new TreeMap<>();
    // The nodes of each kind, checked against the head once: under the lock only this update
    // changes them, and only in advance(). A batch touches many buckets of one kind.
    Map<StateKind, Nodes> verified = new java.util.EnumMap<>(StateKind.class);
    T result = update.run(c, new Changes() {
      @Override
      public int touch(StateKind kind, String group) throws SQLException {
        int bucket = bucket(kind, group);
        if (touched.computeIfAbsent(kind, k -> new TreeSet<>()).add(bucket)) {
          Nodes nodes = verified.get(kind);
          if (nodes == null) {
            nodes = checkedKind(c, head, kind);
            verified.put(kind, nodes);
          }
          // As check() does, from the nodes checked once: the bucket, then its group.
          int g = bucket / StateKind.FANOUT;
          if (!Arrays.equals(digest(kind, bucket, readBucket(c, kind, bucket)), nodes.bucket(bucket))
              || !Arrays.equals(StateDigest.group(kind, g, nodes.groupChildren(g)), nodes.group(g))) {
            throw mismatch(kind, bucket);
          }
        }
        return bucket;
      }

      @Override
      public List<List<String>> rows(StateKind kind, String group) throws SQLException {
        int bucket = bucket(kind, group);
        if (touched.getOrDefault(kind, new TreeSet<>()).contains(bucket)) {
          // Checked when first touched; since then only this update, holding the lock, changed it.
          return readBucket(c, kind, bucket);
        }
        Checked now = check(c, kind, bucket);
        if (!now.ok()) {
          throw now.failure();
        }
        return now.rows;
      }
    });
    if (!touched.isEmpty()) {
      Head next = advance(c, head, touched, verified);
      Commit.of(c);
      highestSeen.accumulateAndGet(next.version(), Math::max);
      Map<StateKind, byte[][]> changed = new java.util.EnumMap<>(StateKind.class);
      verified.forEach((kind, nodes) -> changed.put(kind, nodes.buckets()));
      checkedNodes.advanced(head.root(), next.root(), changed);
    }
    return result;
  }

  /**
   * Every node of {@code kind}, checked against the head's root: from the bucket digests this
   * state holds for that root (those of a change it committed), else read and checked node by node.
   */
  private Nodes checkedKind(Connection c, Head head, StateKind kind) throws SQLException {
    byte[][] kept = checkedNodes.wholeKind(head.root(), kind);
    Nodes nodes = kept != null ? Nodes.of(kind, kept) : Nodes.read(c, kind);
    requireRoot(c, head, kind, nodes);
    return nodes;
  }

  /**
   * Seals the rows a vault holds before it had a state commitment (or a new vault's first rows):
   * assigns each row its bucket and writes every node and the head. Only for a head that was
   * never sealed, and only when the caller has established that this vault never had one (its
   * signed checkpoint names no state), or an attacker could clear the tag to have edits adopted.
   */
  public void adopt(Connection c) throws SQLException {
    lockHead(c);
    try (PreparedStatement s = c.prepareStatement("SELECT mac FROM state_head WHERE id = 1"); ResultSet r = s.executeQuery()) {
      if (!r.next() || r.getString(1) != null) {
        return;
      }
    }
    Map<StateKind, TreeSet<Integer>> every = new TreeMap<>();
    for (StateKind kind : StateKind.values()) {
      List<String> groups = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT " + kind.groupColumn() + " FROM " + kind.table());
           ResultSet r = s.executeQuery()) {
        while (r.next()) {
          groups.add(r.getString(1));
        }
      }
      try (PreparedStatement s = c.prepareStatement("UPDATE " + kind.table() + " SET bucket = ? WHERE " + kind.groupColumn() + " = ?")) {
        for (String g : groups) {
          s.setInt(1, bucket(kind, g));
          s.setString(2, g);
          s.addBatch();
        }
        s.executeBatch();
      }
      TreeSet<Integer> all = new TreeSet<>();
      for (int b = 0; b < kind.buckets(); b++) {
        all.add(b);
      }
      every.put(kind, all);
    }
    try (PreparedStatement s = c.prepareStatement("DELETE FROM state_nodes")) {
      s.executeUpdate();
    }
    Map<StateKind, Nodes> nodes = new java.util.EnumMap<>(StateKind.class);
    for (StateKind kind : StateKind.values()) {
      nodes.put(kind, new Nodes(kind)); // every node was just deleted
    }
    advance(c, new Head(0, StateDigest.ZERO), every, nodes);
  }

  /** True if the head was never sealed (a vault made before the state commitment, or a new one). */
  public static boolean unsealed(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT mac FROM state_head WHERE id = 1"); ResultSet r = s.executeQuery()) {
      return r.next() && r.getString(1) == null;
    }
  }

  /** Recomputes every bucket and node of every kind, checks them against the head and returns every row. */
  public Map<StateKind, List<List<String>>> verifyAll(Connection c) throws SQLException {
    Map<StateKind, List<List<String>>> out = new java.util.EnumMap<>(StateKind.class);
    for (StateKind kind : StateKind.values()) {
      out.put(kind, allNodeByNode(c, kind));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------

  /**
   * Writes the digests of the {@code touched} buckets and the nodes above them into {@code nodes}
   * (which hold every node of each touched kind) and the next head; returns that head. Untouched
   * kinds keep their stored kind nodes, which the caller checked against {@code head}'s root.
   */
  private Head advance(Connection c, Head head, Map<StateKind, TreeSet<Integer>> touched, Map<StateKind, Nodes> nodes)
      throws SQLException {
    byte[][] kindNodes = storedKindNodes(c);
    for (Map.Entry<StateKind, TreeSet<Integer>> e : touched.entrySet()) {
      StateKind kind = e.getKey();
      Nodes tree = nodes.get(kind);
      TreeSet<Integer> groups = new TreeSet<>();
      for (int b : e.getValue()) {
        tree.put(c, 0, b, digest(kind, b, readBucket(c, kind, b)));
        groups.add(b / StateKind.FANOUT);
      }
      for (int g : groups) {
        tree.put(c, 1, g, StateDigest.group(kind, g, tree.groupChildren(g)));
      }
      tree.put(c, 2, 0, StateDigest.kind(kind, tree.kindChildren()));
      kindNodes[kind.ordinal()] = tree.kindNode();
    }
    long version = head.version() + 1;
    byte[] root = StateDigest.root(kindNodes);
    try (PreparedStatement s = c.prepareStatement("UPDATE state_head SET version = ?, root = ?, mac = ? WHERE id = 1")) {
      s.setLong(1, version);
      s.setString(2, Bytes.hex(root));
      s.setString(3, Bytes.hex(mac(version, root)));
      s.executeUpdate();
    }
    return new Head(version, root);
  }

  private record Checked(List<List<String>> rows, IntegrityException failure) {
    boolean ok() {
      return failure == null;
    }
  }

  private Checked check(Connection c, StateKind kind, int bucket) throws SQLException {
    Head head;
    try {
      head = checkedHead(c);
    } catch (IntegrityException e) {
      return new Checked(null, e);
    }
    return check(c, head, kind, bucket);
  }

  /** Checks one bucket's rows against {@code head}, which the caller checked. */
  private Checked check(Connection c, Head head, StateKind kind, int bucket) throws SQLException {
    List<List<String>> rows = readBucket(c, kind, bucket);
    byte[] digest = digest(kind, bucket, rows);
    byte[] known = checkedNodes.bucket(head.root(), kind, bucket);
    if (known != null) {
      return MessageDigest.isEqual(digest, known) ? new Checked(rows, null) : new Checked(null, mismatch(kind, bucket));
    }
    int g = bucket / StateKind.FANOUT;
    Nodes nodes = Nodes.read(c, kind, g);
    if (!Arrays.equals(digest, nodes.bucket(bucket))) {
      return new Checked(null, mismatch(kind, bucket));
    }
    byte[][] groupBuckets = nodes.groupChildren(g);
    if (!Arrays.equals(StateDigest.group(kind, g, groupBuckets), nodes.group(g))) {
      return new Checked(null, mismatch(kind, bucket));
    }
    try {
      requireRoot(c, head, kind, nodes);
    } catch (IntegrityException e) {
      return new Checked(null, e);
    }
    checkedNodes.remember(head.root(), kind, g, groupBuckets);
    return new Checked(rows, null);
  }

  /**
   * The bucket digests this state has checked against a sealed root, kept with that root, so that
   * reading many groups of one kind (a folder's files, one by one) reads and checks each group's
   * nodes once, not once per file. A root fixes every node below it, each node being the hash of
   * its children: digests checked against a root are the right ones whenever a head whose seal
   * verifies names that root again, whatever the stored nodes say by then. So a read that finds
   * its root here checks the head (its seal and that it did not go back) and the bucket's rows
   * against the kept digest, exactly as before; only the nodes between them are not read again.
   * A change this state committed keeps every digest of the kinds it changed under its new root,
   * which it computed from them; any other new root (another session's or process's) starts over.
   */
  private static final class CheckedNodes {
    private byte[] root;
    private final Map<StateKind, byte[][]> buckets = new java.util.EnumMap<>(StateKind.class);

    /** The digest of {@code bucket} if it was checked against {@code root}; else null. */
    synchronized byte[] bucket(byte[] root, StateKind kind, int bucket) {
      if (this.root == null || !Arrays.equals(this.root, root)) {
        return null;
      }
      byte[][] digests = buckets.get(kind);
      return digests == null ? null : digests[bucket];
    }

    /** Keeps the bucket digests of group {@code g}, checked through their group and kind nodes against {@code root}. */
    synchronized void remember(byte[] root, StateKind kind, int g, byte[][] groupBuckets) {
      if (this.root == null || !Arrays.equals(this.root, root)) {
        this.root = root.clone();
        buckets.clear();
      }
      byte[][] digests = buckets.computeIfAbsent(kind, k -> new byte[k.buckets()][]);
      for (int i = 0; i < groupBuckets.length && g * StateKind.FANOUT + i < digests.length; i++) {
        digests[g * StateKind.FANOUT + i] = groupBuckets[i].clone();
      }
    }

    /** Every bucket digest of {@code kind} if all were checked against {@code root}; else null. */
    synchronized byte[][] wholeKind(byte[] root, StateKind kind) {
      byte[][] digests = this.root != null && Arrays.equals(this.root, root) ? buckets.get(kind) : null;
      if (digests == null || Arrays.asList(digests).contains(null)) {
        return null;
      }
      byte[][] copy = new byte[digests.length][];
      for (int b = 0; b < copy.length; b++) {
        copy[b] = digests[b].clone();
      }
      return copy;
    }

    /**
     * A change this process committed took the state from root {@code from} to {@code to}, with
     * {@code changed} holding every bucket digest of each kind it changed. The other kinds' kind
     * nodes are the ones checked against {@code from}, so digests kept for them still hold.
     */
    synchronized void advanced(byte[] from, byte[] to, Map<StateKind, byte[][]> changed) {
      if (root == null || !Arrays.equals(root, from)) {
        buckets.clear();
      }
      root = to.clone();
      buckets.putAll(changed);
    }
  }

  /** Checks the kind node against its group nodes, and every kind node against the root. */
  private void requireRoot(Connection c, Head head, StateKind kind, Nodes nodes) throws SQLException {
    if (!Arrays.equals(StateDigest.kind(kind, nodes.kindChildren()), nodes.kindNode())) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "the " + kind.table() + " commitment does not match its nodes: the state was changed outside Kinko");
    }
    byte[][] kindNodes = storedKindNodes(c);
    kindNodes[kind.ordinal()] = nodes.kindNode();
    if (!Arrays.equals(StateDigest.root(kindNodes), head.root())) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "the vault's state nodes do not match its sealed root: the state was changed outside Kinko");
    }
  }

  /** The stored kind node of every kind, in {@link StateKind} order; a kind never written as its empty node. */
  private static byte[][] storedKindNodes(Connection c) throws SQLException {
    byte[][] kindNodes = new byte[StateKind.values().length][];
    // Whole keys (kind, lvl, idx): for "lvl = 2 AND idx = 0" alone, or with "kind IN", H2 scans every node.
    try (PreparedStatement s = c.prepareStatement("SELECT kind, digest FROM state_nodes WHERE (kind, lvl, idx) IN (" + KIND_NODES + ")");
         ResultSet r = s.executeQuery()) {
      while (r.next()) {
        StateKind k = kindOf(r.getString(1));
        try {
          kindNodes[k.ordinal()] = Bytes.unhex(r.getString(2));
        } catch (IllegalArgumentException e) {
          throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "a state node of " + k.table() + " is not hex: the state was changed outside Kinko");
        }
      }
    }
    for (int i = 0; i < kindNodes.length; i++) {
      if (kindNodes[i] == null) {
        kindNodes[i] = StateDigest.empty(StateKind.values()[i]); // never written: as Nodes reads it
      }
    }
    return kindNodes;
  }

  private Head checkedHead(Connection c) throws SQLException {
    long version;
    String root;
    String mac;
    try (PreparedStatement s = c.prepareStatement(HEAD_SELECT); ResultSet r = s.executeQuery()) {
      if (!r.next()) {
        throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "the vault's state head row is missing");
      }
      version = r.getLong(1);
      root = r.getString(2);
      mac = r.getString(3);
    }
    if (mac == null || root == null) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "the vault's state head carries no seal: the state was changed outside Kinko");
    }
    byte[] rootBytes;
    try {
      rootBytes = Bytes.unhex(root);
    } catch (IllegalArgumentException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "the vault's state root is not hex");
    }
    if (!MessageDigest.isEqual(mac(version, rootBytes), unhexOrEmpty(mac))) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "the vault's state head seal does not verify: the state was changed outside Kinko");
    }
    long highest = highestSeen.get();
    if (version < highest) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "the vault's state went back from version " + highest + " to " + version + ": the database was rolled back");
    }
    highestSeen.accumulateAndGet(version, Math::max);
    return new Head(version, rootBytes);
  }

  private static byte[] unhexOrEmpty(String hex) {
    try {
      return Bytes.unhex(hex);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  private byte[] mac(long version, byte[] root) {
    return keys.tag("state-head", Bytes.label("head", Long.toString(version).getBytes(StandardCharsets.US_ASCII), root));
  }

  private byte[] digest(StateKind kind, int bucket, List<List<String>> rows) {
    byte[] sum = StateDigest.ZERO;
    for (List<String> row : rows) {
      sum = StateDigest.add(sum, keys.tag("state-fact", StateDigest.fact(kind, bucket, row)));
    }
    return sum;
  }

  private static void lockHead(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT version FROM state_head WHERE id = 1 FOR UPDATE"); ResultSet r = s.executeQuery()) {
      if (!r.next()) {
        throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "the vault's state head row is missing");
      }
    }
  }

  private static List<List<String>> readBucket(Connection c, StateKind kind, int bucket) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + String.join(", ", kind.columns()) + " FROM " + kind.table()
        + " WHERE bucket = ?")) {
      s.setInt(1, bucket);
      try (ResultSet r = s.executeQuery()) {
        List<List<String>> out = new ArrayList<>();
        while (r.next()) {
          out.add(values(r, kind));
        }
        return out;
      }
    }
  }

  private static Map<Integer, List<List<String>>> readAll(Connection c, StateKind kind) throws SQLException {
    Map<Integer, List<List<String>>> out = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement("SELECT " + String.join(", ", kind.columns()) + ", bucket FROM " + kind.table());
         ResultSet r = s.executeQuery()) {
      while (r.next()) {
        int bucket = r.getInt(kind.columns().size() + 1);
        if (r.wasNull()) {
          bucket = -1;
        }
        out.computeIfAbsent(bucket, b -> new ArrayList<>()).add(values(r, kind));
      }
    }
    return out;
  }

  private static List<String> values(ResultSet r, StateKind kind) throws SQLException {
    List<String> row = new ArrayList<>(kind.columns().size());
    for (int i = 1; i <= kind.columns().size(); i++) {
      row.add(r.getString(i));
    }
    return row;
  }

  private static IntegrityException mismatch(StateKind kind, int bucket) {
    return new IntegrityException(IncidentRule.INTEGRITY_STATE, "the " + kind.table() + " rows in bucket " + bucket + " were changed in the database outside Kinko: "
        + "they do not match the vault's state commitment (a row added, removed, replayed or edited)");
  }

  private static StateKind kindOf(String name) {
    try {
      return StateKind.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "the state nodes name an unknown kind");
    }
  }

  /** The stored nodes of one kind: bucket digests (level 0), group nodes (1), the kind node (2). */
  private static final class Nodes {
    private final StateKind kind;
    private final Map<Long, byte[]> byKey = new HashMap<>();

    private Nodes(StateKind kind) {
      this.kind = kind;
    }

    /** Every node of the kind. */
    static Nodes read(Connection c, StateKind kind) throws SQLException {
      Nodes n = new Nodes(kind);
      try (PreparedStatement s = c.prepareStatement("SELECT lvl, idx, digest FROM state_nodes WHERE kind = ?")) {
        s.setString(1, kind.name());
        n.load(s);
      }
      return n;
    }

    /** The bucket digests of one group, every group node and the kind node. */
    static Nodes read(Connection c, StateKind kind, int group) throws SQLException {
      Nodes n = new Nodes(kind);
      // Two bounded ranges of the key (kind, lvl, idx): with an OR, or an open "lvl > 0", H2 scans every node of the kind.
      try (PreparedStatement s = c.prepareStatement("SELECT lvl, idx, digest FROM state_nodes WHERE kind = ? AND lvl = 0 "
          + "AND idx >= ? AND idx < ? UNION ALL SELECT lvl, idx, digest FROM state_nodes WHERE kind = ? AND lvl >= 1 AND lvl <= 2")) {
        s.setString(1, kind.name());
        s.setInt(2, group * StateKind.FANOUT);
        s.setInt(3, (group + 1) * StateKind.FANOUT);
        s.setString(4, kind.name());
        n.load(s);
      }
      return n;
    }

    /** The nodes of a kind whose every bucket digest is known: groups and the kind node computed from them. */
    static Nodes of(StateKind kind, byte[][] bucketDigests) {
      Nodes n = new Nodes(kind);
      for (int b = 0; b < bucketDigests.length; b++) {
        n.byKey.put(key(0, b), bucketDigests[b]);
      }
      for (int g = 0; g < kind.groups(); g++) {
        n.byKey.put(key(1, g), StateDigest.group(kind, g, n.groupChildren(g)));
      }
      n.byKey.put(key(2, 0), StateDigest.kind(kind, n.kindChildren()));
      return n;
    }

    private void load(PreparedStatement s) throws SQLException {
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          try {
            byKey.put(key(r.getInt(1), r.getInt(2)), Bytes.unhex(r.getString(3)));
          } catch (IllegalArgumentException e) {
            throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "a state node of " + kind.table() + " is not hex: the state was changed outside Kinko");
          }
        }
      }
    }

    byte[] bucket(int b) {
      return byKey.getOrDefault(key(0, b), StateDigest.ZERO);
    }

    /** A group node; one never written stands for a group of empty buckets. */
    byte[] group(int g) {
      byte[] node = byKey.get(key(1, g));
      return node != null ? node : StateDigest.group(kind, g, new byte[StateKind.FANOUT][]);
    }

    byte[] kindNode() {
      byte[] k = byKey.get(key(2, 0));
      return k != null ? k : StateDigest.kind(kind, kindChildren());
    }

    /** Every bucket digest of the kind, an empty bucket's as zero. */
    byte[][] buckets() {
      byte[][] out = new byte[kind.buckets()][];
      for (int b = 0; b < out.length; b++) {
        out[b] = bucket(b).clone();
      }
      return out;
    }

    byte[][] groupChildren(int g) {
      byte[][] out = new byte[StateKind.FANOUT][];
      for (int i = 0; i < StateKind.FANOUT; i++) {
        int b = g * StateKind.FANOUT + i;
        out[i] = b < kind.buckets() ? bucket(b) : StateDigest.ZERO;
      }
      return out;
    }

    byte[][] kindChildren() {
      byte[][] out = new byte[kind.groups()][];
      for (int g = 0; g < out.length; g++) {
        out[g] = group(g);
      }
      return out;
    }

    void put(Connection c, int lvl, int idx, byte[] digest) throws SQLException {
      byKey.put(key(lvl, idx), digest);
      try (PreparedStatement d = c.prepareStatement("DELETE FROM state_nodes WHERE kind = ? AND lvl = ? AND idx = ?")) {
        d.setString(1, kind.name());
        d.setInt(2, lvl);
        d.setInt(3, idx);
        d.executeUpdate();
      }
      try (PreparedStatement s = c.prepareStatement("INSERT INTO state_nodes (kind, lvl, idx, digest) VALUES (?, ?, ?, ?)")) {
        s.setString(1, kind.name());
        s.setInt(2, lvl);
        s.setInt(3, idx);
        s.setString(4, Bytes.hex(digest));
        s.executeUpdate();
      }
    }

    private static long key(int lvl, int idx) {
      return ((long) lvl << 32) | (idx & 0xffffffffL);
    }
  }
}
