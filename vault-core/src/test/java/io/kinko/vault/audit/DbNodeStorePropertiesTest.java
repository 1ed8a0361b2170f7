package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The table stores only every {@value DbNodeStore#STRIDE}th level of the tree; every node, root and
 * proof read through it must still be the one the whole tree (in memory, every level stored) gives,
 * at every earlier size. One tree of {@value #MAX} leaves appended the way the log's writer does
 * (a {@link CompactRange} handing each completed node to a batched store), in an H2 database.
 */
class DbNodeStorePropertiesTest {
  private static final int MAX = 5_000;
  private static Connection connection;
  private static DbNodeStore db;
  private static final InMemoryNodeStore ALL = new InMemoryNodeStore();
  private static MerkleTree whole;
  private static MerkleTree stored;

  @BeforeAll
  static void appendBothWays() throws SQLException {
    connection = DriverManager.getConnection("jdbc:h2:mem:nodes", "sa", "");
    connection.createStatement().execute("CREATE TABLE log_tree (node BIGINT NOT NULL PRIMARY KEY, hash BYTEA NOT NULL)");
    connection.setAutoCommit(false);
    db = new DbNodeStore(connection, true);
    whole = MerkleTree.open(ALL, 0);
    CompactRange writer = new CompactRange();
    for (int i = 0; i < MAX; i++) {
      byte[] leaf = MerkleTreeTest.leaf(i);
      whole.append(leaf);
      writer.append(leaf, db);
      if (i % 700 == 0) {
        db.flush(); // in batches, as group commits send them
      }
    }
    db.flush();
    connection.commit();
    stored = MerkleTree.snapshot(db, MAX);
  }

  @AfterAll
  static void close() throws SQLException {
    db.close();
    connection.close();
  }

  @Test
  void theTable_holdsTheLeavesAndEveryFourthLevelOnly() throws SQLException {
    long expected = MAX;
    for (int level = DbNodeStore.STRIDE; (MAX >> level) > 0; level += DbNodeStore.STRIDE) {
      expected += MAX >> level;
    }
    try (ResultSet r = connection.createStatement().executeQuery("SELECT COUNT(*) FROM log_tree")) {
      r.next();
      assertEquals(expected, r.getLong(1), "leaves plus the complete nodes of levels 4, 8 and 12");
    }
  }

  @Test
  void everyNode_isTheWholeTreesNode_andAnIncompleteOneIsNone() {
    qt().withExamples(400)
        .forAll(integers().between(0, 12), integers().between(0, MAX))
        .checkAssert((level, i) -> {
          long index = i >> level;
          byte[] expected = ALL.get(level, index);
          if (expected == null) {
            assertNull(db.get(level, index), "level " + level + ", index " + index);
          } else {
            assertArrayEquals(expected, db.get(level, index), "level " + level + ", index " + index);
          }
        });
  }

  @Test
  void rootsAndInclusionProofs_ofEverySize_areTheWholeTrees() {
    qt().withExamples(300)
        .forAll(integers().between(1, MAX), integers().between(0, MAX - 1))
        .checkAssert((size, i) -> {
          int index = i % size;
          assertArrayEquals(whole.root(size), stored.root(size));
          assertSame(whole.inclusionProof(index, size), stored.inclusionProof(index, size));
        });
  }

  @Test
  void consistencyProofs_areTheWholeTrees() {
    qt().withExamples(300)
        .forAll(integers().between(1, MAX), integers().between(1, MAX))
        .checkAssert((a, b) -> {
          int from = Math.min(a, b);
          int to = Math.max(a, b);
          assertSame(whole.consistencyProof(from, to), stored.consistencyProof(from, to));
        });
  }

  private static void assertSame(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "hash " + i);
    }
  }
}
