package io.kinko.cli;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** A byte-count progress bar on stderr, shown only on a terminal; elsewhere it does nothing. */
final class Progress implements LongConsumer, AutoCloseable {
  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  static Progress start(Context context, String task, long totalBytes) {
    if (context.terminal() == null || !context.terminal().showsProgress()) {
      return new Progress(null);
    }
    context.err().flush();
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(totalBytes)
        .setUnit("MiB", 1024 * 1024)
        .showSpeed()
        .setConsumer(new ConsoleProgressBarConsumer(context.stderrBytes()))
        .build();
    return new Progress(bar);
  }

  /** Bytes in the regular files at or below {@code source}, not following links; what cannot be read counts 0. */
  static long sizeOf(Path source) {
    long[] total = {0};
    try {
      Files.walkFileTree(source, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) {
            total[0] += attrs.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // only an estimate for the bar: the put itself reports what it could not read
    }
    return total[0];
  }

  @Override
  public void accept(long bytes) {
    if (bar != null) {
      bar.stepBy(bytes);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
