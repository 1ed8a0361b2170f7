package io.kinko.vault.store;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Another process, for {@link UninterruptedFilePathTest}: tries to lock a file as H2 would, again
 * and again, until its standard input closes; prints "READY" once it has the file open, then the
 * number of attempts and how many of them took the lock.
 */
public final class LockProbe {
  private LockProbe() {}

  public static void main(String[] args) throws Exception {
    try (FileChannel file = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      Thread stop = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
          while (in.readLine() != null) {
            // until the test closes it
          }
        } catch (java.io.IOException e) {
          // closed either way
        }
      });
      stop.start();
      System.out.println("READY");
      System.out.flush();
      long attempts = 0;
      long taken = 0;
      while (stop.isAlive()) {
        FileLock lock = file.tryLock(0, Long.MAX_VALUE, false);
        attempts++;
        if (lock != null) {
          taken++;
          lock.release();
        }
      }
      System.out.println(attempts + " " + taken);
    }
  }
}
