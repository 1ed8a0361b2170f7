package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder put halted in the middle of a batch: the batches it completed are stored and served,
 * nothing of the batch it was writing is listed or served, and putting the folder again stores
 * every file.
 */
class PutCrashTest {
  private static final int FILES = 700; // one batch of 512 completes; the halt comes in the second
  private static final int FILE_BYTES = 100;

  @TempDir Path dir;

  @Test
  void aPutHaltedInTheMiddleOfABatch_listsOnlyWholeBatches_andARerunStoresEveryFile() throws Exception {
    Path v = dir.resolve("vault");
    Path source = Files.createDirectories(dir.resolve("scans"));
    for (int i = 0; i < FILES; i++) {
      Files.write(source.resolve("f" + i + ".bin"), content(i));
    }
    TestVaults.create(v).close();

    Process p = TestVaults.java(List.of(), CrashPutTarget.class, v.toString(), source.toString(), Long.toString(600L * FILE_BYTES))
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the put did not end");
    assertEquals(CrashPutTarget.EXIT, p.exitValue(), "the put did not halt: " + output);

    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      List<FileInfo> listed = s.list("scans");
      assertEquals(512, listed.size(), "only the completed batch is listed");
      for (FileInfo f : listed) {
        assertArrayEquals(content(number(f.path())), TestVaults.readAll(s, f.path()), f.path());
      }
      List<String> names = listed.stream().map(FileInfo::path).toList();
      for (int i = 0; i < FILES; i++) {
        String path = "scans/f" + i + ".bin";
        if (!names.contains(path)) {
          assertThrows(NotFoundException.class, () -> s.get(path), path + " was not stored but is served");
        }
      }
      s.verifyLog(null);

      PutReport rerun = s.put("scans", source);
      assertEquals(FILES, rerun.stored().size(), rerun.skipped()::toString);
      assertEquals(FILES, s.list("scans").size());
      for (int i = 0; i < FILES; i += 37) {
        assertArrayEquals(content(i), TestVaults.readAll(s, "scans/f" + i + ".bin"));
      }
      s.verifyLog(null);
    }
  }

  private static byte[] content(int i) {
    return TestVaults.randomBytes(i, FILE_BYTES);
  }

  private static int number(String path) {
    return Integer.parseInt(path.substring("scans/f".length(), path.length() - ".bin".length()));
  }
}
