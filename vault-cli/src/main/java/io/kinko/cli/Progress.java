package io.kinko.cli;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.DecimalFormat;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * A progress bar on stderr counting bytes and files. {@link Output#progress} decides whether one
 * is shown (stderr a terminal, not {@code --json} or {@code -q}); otherwise it is {@link #NONE},
 * which does nothing. rm -r and wipe count the files the library reports done, log verify and
 * log export the entries, dispose the blobs it overwrites.
 */
final class Progress implements LongConsumer, AutoCloseable {
  /** The bar that is not shown. */
  static final Progress NONE = new Progress(null, -1);

  private final ProgressBar bar;
  private final long totalFiles;
  private long files;

  private Progress(ProgressBar bar, long totalFiles) {
    this.bar = bar;
    this.totalFiles = totalFiles;
  }

  /** A bar for {@code totalBytes} (negative: unknown) and {@code totalFiles} (negative: unknown). */
  static Progress start(Context context, String task, long totalBytes, long totalFiles) {
    ProgressBar bar = builder(context, task)
        .setInitialMax(totalBytes < 0 ? -1 : totalBytes)
        .setUnit("MiB", 1024 * 1024)
        .showSpeed(new DecimalFormat("0.0")) // "0.4MiB/s", not ".4MiB/s"
        .build();
    Progress progress = new Progress(bar, totalFiles);
    progress.showFiles();
    return progress;
  }

  /**
   * A bar that counts {@code total} things ({@code unit}: " files", " entries"; negative: unknown),
   * for work the library reports by a count done (rm -r, wipe, log verify, log export, dispose).
   */
  static Progress startCount(Context context, String task, long total, String unit) {
    return new Progress(builder(context, task).setInitialMax(total < 0 ? -1 : total).setUnit(unit, 1).build(), -1);
  }

  private static ProgressBarBuilder builder(Context context, String task) {
    context.err().flush();
    return new ProgressBarBuilder().setTaskName(task).setConsumer(new ConsoleProgressBarConsumer(context.stderrBytes()));
  }

  /** Files and bytes of the regular files at or below {@code source}, not following links; what cannot be read counts 0. */
  static long[] sizeOf(Path source) {
    long[] total = {0, 0};
    try {
      Files.walkFileTree(source, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) {
            total[0]++;
            total[1] += attrs.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // only an estimate for the bar: the command itself reports what it could not read
    }
    return total;
  }

  /** Bytes done. */
  @Override
  public void accept(long bytes) {
    if (bar != null) {
      bar.stepBy(bytes);
    }
  }

  /** One more file done. */
  void fileDone() {
    if (bar != null) {
      files++;
      showFiles();
    }
  }

  /** {@code done} things done in all, as the library's count callbacks tell it; a total that was short grows. */
  void doneSoFar(long done) {
    if (bar != null) {
      if (bar.getMax() >= 0 && done > bar.getMax()) {
        bar.maxHint(done);
      }
      bar.stepTo(done);
    }
  }

  private void showFiles() {
    if (totalFiles >= 0) {
      bar.setExtraMessage(files > 0 || totalFiles == 0 ? files + "/" + totalFiles + " files" : totalFiles + " files");
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
