package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone who can write the vault's folder but holds no key edits one of its files while the
 * vault is closed: a byte flipped, the file cut short or extended, deleted, or replaced by another
 * of the folder's files (the database, the journal, a key slot, the descriptor, the checkpoint
 * file, a blob). Opening and every operation after it either work, giving exactly the bytes that
 * were stored, or fail with a {@link VaultException} that says what is wrong: never other bytes,
 * never another failure.
 */
class VaultFolderTamperPropertiesTest {
  private static final byte[] A = TestVaults.randomBytes(1, 3_000);
  private static final byte[] B = TestVaults.randomBytes(2, 3 * 1024 * 1024 + 17); // several segments
  private final AtomicInteger vaults = new AtomicInteger();
  @TempDir Path dir;

  @Test
  void anyEditOfAnyFileOfTheFolder_endsInAVaultException_orInTheStoredBytes() {
    qt().withExamples(12).withShrinkCycles(0)
        .forAll(integers().between(0, Integer.MAX_VALUE - 1))
        .checkAssert(this::check);
  }

  private void check(int seed) {
    Path v = dir.resolve("v" + vaults.incrementAndGet());
    Random random = new Random(seed);
    String edit;
    try {
      try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
        TestVaults.put(s, "a.txt", A);
        TestVaults.put(s, "b.bin", B);
        s.checkpoint();
        s.stat("a.txt"); // an entry after the checkpoint
      }
      edit = edit(v, random);
    } catch (IOException e) {
      throw new AssertionError("seed " + seed + ": " + e, e);
    }
    String what = "seed " + seed + " (" + edit + ")";
    TestVaults.afterAnEdit(v, what, s -> {
      byte[] a = clearly(what, "get a.txt", () -> TestVaults.readAll(s, "a.txt"));
      if (a != null) {
        assertArrayEquals(A, a, what + ": other bytes of a.txt");
      }
      byte[] b = clearly(what, "get b.bin", () -> TestVaults.readAll(s, "b.bin"));
      if (b != null) {
        assertArrayEquals(B, b, what + ": other bytes of b.bin");
      }
      clearly(what, "put", () -> TestVaults.put(s, "c.txt", A));
      clearly(what, "list", () -> s.list("."));
      clearly(what, "log verify", () -> s.verifyLog(null));
      clearly(what, "a checkpoint", s::checkpoint);
      clearly(what, "a deletion", () -> s.delete("a.txt"));
    });
  }

  private static <T> T clearly(String what, String operation, Callable<T> call) {
    return TestVaults.workedOrRefused(what, operation, call);
  }

  /** One edit of one of the folder's files; says which and how. */
  private static String edit(Path v, Random random) throws IOException {
    List<Path> files;
    try (var walk = Files.walk(v)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    Path file = files.get(random.nextInt(files.size()));
    String name = v.relativize(file).toString();
    byte[] bytes = Files.readAllBytes(file);
    switch (random.nextInt(5)) {
      case 0 -> {
        if (bytes.length == 0) {
          return name + ": empty, left";
        }
        int at = random.nextInt(bytes.length);
        bytes[at] ^= (byte) (1 << random.nextInt(8));
        Files.write(file, bytes);
        return name + ": a bit flipped at " + at;
      }
      case 1 -> {
        int length = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
        Files.write(file, java.util.Arrays.copyOf(bytes, length));
        return name + ": cut to " + length + " of " + bytes.length + " bytes";
      }
      case 2 -> {
        byte[] more = new byte[1 + random.nextInt(5_000)];
        random.nextBytes(more);
        Files.write(file, more, java.nio.file.StandardOpenOption.APPEND);
        return name + ": " + more.length + " bytes appended";
      }
      case 3 -> {
        Files.delete(file);
        return name + ": deleted";
      }
      default -> {
        Path other = files.get(random.nextInt(files.size()));
        Files.write(file, Files.readAllBytes(other));
        return name + ": replaced by " + v.relativize(other);
      }
    }
  }
}
