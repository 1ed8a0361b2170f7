package io.kinko.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real SoftHSM2 tokens for the tests tagged {@code token}. SoftHSM2 reads SOFTHSM2_CONF from the
 * process environment when it is first initialised, so the build sets it (surefire) to
 * target/softhsm/softhsm2.conf, and this helper writes that file and initialises every token the
 * run hands out before the first PKCS#11 call: SoftHSM2 may not see a token added later.
 */
final class SoftHsm {
  static final Path MODULE = Path.of(System.getProperty("kinko.softhsm.module", "/usr/lib/softhsm/libsofthsm2.so"));
  static final char[] PIN = "123456".toCharArray();
  static final char[] WRONG_PIN = "999999".toCharArray();
  static final String SO_PIN = "654321";
  private static final int TOKENS = 24;
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static boolean ready;

  private SoftHsm() {}

  /** A fresh, initialised token's label, not used by any other test of this run. */
  static synchronized String token() {
    ready();
    int n = NEXT.incrementAndGet();
    if (n > TOKENS) {
      throw new IllegalStateException("more than " + TOKENS + " tokens asked for: raise SoftHsm.TOKENS");
    }
    return label(n);
  }

  /** A label no token of this run has: a token that is not there. */
  static String absent() {
    return "kinko-absent";
  }

  static TokenCredential credential(String label, char[] pin) {
    return new TokenCredential(MODULE, label, Password.copyOf(pin));
  }

  private static String label(int n) {
    return String.format("kinko-%02d", n);
  }

  private static void ready() {
    if (ready) {
      return;
    }
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null || !Files.isRegularFile(MODULE)) {
      throw new IllegalStateException("the token tests need softhsm2 (apt-get install softhsm2) and SOFTHSM2_CONF set "
          + "(the build sets it to target/softhsm/softhsm2.conf); module " + MODULE);
    }
    try {
      Path file = Path.of(conf);
      Path tokens = file.resolveSibling("tokens");
      if (Files.exists(tokens)) {
        try (var walk = Files.walk(tokens)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(tokens);
      Files.writeString(file, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n", StandardCharsets.UTF_8);
      for (int n = 1; n <= TOKENS; n++) {
        run(List.of("softhsm2-util", "--init-token", "--free", "--label", label(n), "--pin", new String(PIN), "--so-pin", SO_PIN));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare SoftHSM2 tokens: " + e.getMessage(), e);
    }
    ready = true;
  }

  private static void run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command.subList(0, 3)) + " failed: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
