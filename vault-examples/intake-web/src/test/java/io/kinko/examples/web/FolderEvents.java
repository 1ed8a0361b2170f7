package io.kinko.examples.web;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Waits for something that shows in a folder (a download finished, a line in a log file) on the
 * folder's own change events, not on a sleep: the check runs again at each event, until the deadline.
 */
final class FolderEvents {
  private FolderEvents() {}

  static void await(Path folder, Callable<Boolean> done, Duration wait, Supplier<String> failure) throws Exception {
    try (WatchService watch = folder.getFileSystem().newWatchService()) {
      folder.register(watch, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE); // before the first check: no event is missed
      Instant deadline = Instant.now().plus(wait);
      while (!done.call()) {
        long left = Duration.between(Instant.now(), deadline).toMillis();
        if (left <= 0) {
          throw new AssertionError(failure.get());
        }
        WatchKey key = watch.poll(left, TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    }
  }
}
