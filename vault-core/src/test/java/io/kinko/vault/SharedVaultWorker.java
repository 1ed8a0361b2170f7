package io.kinko.vault;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Run in a separate JVM by {@link PostgresConcurrencyTest}: one worker of a team sharing a vault.
 * Logs in as {@code args[1]} and does {@code args[2]} operations chosen with seed {@code args[3]}:
 * puts of its own files, gets of its own and of the shared files (checking every byte), and
 * deletes of its own files. Prints what it did and, at the end, every file it left and its digest.
 */
public final class SharedVaultWorker {
  static final int SHARED_FILES = 20;

  private SharedVaultWorker() {}

  static byte[] sharedContent(int i) {
    return ("shared file " + i + " ").repeat(50 + i).getBytes(StandardCharsets.UTF_8);
  }

  static String digest(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String user = args[1];
    int operations = Integer.parseInt(args[2]);
    Random random = new Random(Long.parseLong(args[3]));
    int puts = 0;
    int gets = 0;
    int deletes = 0;
    Map<String, String> mine = new LinkedHashMap<>();
    try (Vault vault = Vault.open(dir, "worker-" + user); Password pw = Password.copyOf(TestVaults.PASSWORD);
         Session session = vault.login(user, pw)) {
      for (int i = 0; i < operations; i++) {
        int dice = random.nextInt(100);
        if (dice < 50 || mine.isEmpty()) {
          byte[] content = new byte[100 + random.nextInt(2000)];
          random.nextBytes(content);
          String path = user + "/f" + i;
          TestVaults.put(session, path, content);
          mine.put(path, digest(content));
          puts++;
        } else if (dice < 85) {
          String path;
          String expected;
          if (random.nextBoolean()) {
            List<String> own = new ArrayList<>(mine.keySet());
            path = own.get(random.nextInt(own.size()));
            expected = mine.get(path);
          } else {
            int k = random.nextInt(SHARED_FILES);
            path = "shared/s" + k;
            expected = digest(sharedContent(k));
          }
          byte[] read;
          try (InputStream in = session.get(path)) {
            read = in.readAllBytes();
          }
          if (!digest(read).equals(expected)) {
            throw new AssertionError(user + " read other bytes than were stored at " + path);
          }
          gets++;
        } else {
          List<String> own = new ArrayList<>(mine.keySet());
          String path = own.get(random.nextInt(own.size()));
          session.delete(path);
          mine.remove(path);
          deletes++;
        }
      }
    }
    System.out.println("DONE " + puts + " " + gets + " " + deletes);
    for (Map.Entry<String, String> e : mine.entrySet()) {
      System.out.println("FILE " + e.getKey() + " " + e.getValue());
    }
    System.out.flush();
    Arrays.fill(args, null);
  }
}
