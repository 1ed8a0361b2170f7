package io.kinko.vault.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kinko.vault.Password;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both ways with the real age (Debian's package, installed by .ci/run; tag {@code age}): what
 * Kinko writes opens with {@code age -d}, and what {@code age -r}, {@code -R} and {@code -p} write
 * opens with Kinko. age reads a passphrase only from a terminal (1.1.1 has no variable for it), so
 * those runs go through util-linux's {@code script}, which gives age a pseudo-terminal fed from
 * our stdin.
 */
@Tag("age")
class AgeInteropTest {
  private static final String PASSPHRASE = "kinko interop passphrase";
  /** Two chunks and a bit: the STREAM counter and the final-chunk flag are exercised. */
  private static final byte[] CONTENT = content(2 * 64 * 1024 + 333);

  @TempDir Path dir;

  @Test
  void kinkoToX25519Recipients_opensWithAgeDecrypt() throws Exception {
    Path file = dir.resolve("package.age");
    write(file, List.of(AgeRecipient.x25519(AgeKeys.OTHER_RECIPIENT), AgeRecipient.x25519(AgeKeys.RECIPIENT)));
    Files.writeString(dir.resolve("key.txt"), AgeKeys.IDENTITY + "\n");
    run(null, "age", "-d", "-i", "key.txt", "-o", "out", "package.age");
    assertArrayEquals(CONTENT, Files.readAllBytes(dir.resolve("out")));
  }

  @Test
  void kinkoToAPassphrase_opensWithAgeDecrypt() throws Exception {
    Path file = dir.resolve("package.age");
    try (Password p = Password.wrap(PASSPHRASE.toCharArray())) {
      write(file, List.of(AgeRecipient.passphrase(p)));
    }
    run(PASSPHRASE + "\n", "script", "-qec", "age -d -o out package.age", "/dev/null");
    assertArrayEquals(CONTENT, Files.readAllBytes(dir.resolve("out")));
  }

  @Test
  void ageEncryptToARecipient_andToARecipientsFile_opensWithKinko() throws Exception {
    Files.write(dir.resolve("plain"), CONTENT);
    run(null, "age", "-r", AgeKeys.RECIPIENT, "-o", "r.age", "plain");
    Files.writeString(dir.resolve("recipients.txt"), "# the city\n" + AgeKeys.OTHER_RECIPIENT + "\n\n" + AgeKeys.RECIPIENT + "\n");
    run(null, "age", "-R", "recipients.txt", "-o", "R.age", "plain");
    Files.writeString(dir.resolve("key.txt"), "# created by a test\n" + AgeKeys.IDENTITY + "\n");
    for (String name : List.of("r.age", "R.age")) {
      try (InputStream in = AgeFile.decrypt(Files.newInputStream(dir.resolve(name)), AgeIdentity.readFile(dir.resolve("key.txt")))) {
        assertArrayEquals(CONTENT, in.readAllBytes(), name);
      }
    }
  }

  @Test
  void agePassphrase_opensWithKinko() throws Exception {
    Files.write(dir.resolve("plain"), CONTENT);
    run(PASSPHRASE + "\n" + PASSPHRASE + "\n", "script", "-qec", "age -p -o p.age plain", "/dev/null");
    assertTrue(Files.readString(dir.resolve("p.age"), StandardCharsets.ISO_8859_1).contains("-> scrypt "));
    try (Password p = Password.wrap(PASSPHRASE.toCharArray());
        InputStream in = AgeFile.decrypt(Files.newInputStream(dir.resolve("p.age")), List.of(AgeIdentity.passphrase(p)))) {
      assertArrayEquals(CONTENT, in.readAllBytes());
    }
  }

  private static void write(Path file, List<AgeRecipient> to) throws IOException {
    try (AgeFile.Writer w = AgeFile.encrypt(Files.newOutputStream(file), to)) {
      w.write(CONTENT);
      w.finish();
    }
  }

  /** Runs a command in the test folder with {@code input} on stdin; fails with its output unless it exits 0. */
  private void run(String input, String... command) throws IOException, InterruptedException {
    Path log = dir.resolve("command.log");
    Process process;
    try {
      process = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      fail(command[0] + " is not installed; this test needs the age package (and util-linux's script): .ci/run installs it", e);
      return;
    }
    try (OutputStream stdin = process.getOutputStream()) {
      if (input != null) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      }
    }
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
    assertEquals(0, process.exitValue(), () -> String.join(" ", command) + ": " + read(log));
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  private static byte[] content(int size) {
    byte[] b = new byte[size];
    new Random(42).nextBytes(b);
    return b;
  }
}
