package io.kinko.vault.erase;

import io.kinko.vault.PutReport;
import io.kinko.vault.VaultException;
import io.kinko.vault.WipeMethod;
import io.kinko.vault.store.Durable;
import io.kinko.vault.store.FileStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Wipes plain files outside any vault (clause 5(11)): overwrites each regular file, syncs, reads
 * the last pass back, renames it to a random name, truncates, unlinks and syncs the directory,
 * then removes the folders it emptied; files are wiped in batches that share their syncs. It never follows a symbolic link, never leaves the named
 * tree, and leaves a file with other hard links alone unless forced (wiping it would destroy the
 * data under its other names too). It stays on the root's file system, like {@code rm
 * --one-file-system}: an entry on another device, or any mount point below the root (a bind mount
 * of the same device too), is reported and never entered.
 */
public final class FolderWiper {
  private static final int CHUNK = 1 << 20;
  /** Files whose syncs are shared: enough to fill the journal's commits, few enough to report early. */
  private static final int BATCH_FILES = 512;
  private static final SecureRandom NOISE = new SecureRandom();

  private FolderWiper() {}

  /** One wiped file, for the certificate. */
  public record Wiped(Path path, long size, String method, String verification) {}

  /** What the walk did. */
  public record Outcome(List<Wiped> wiped, List<PutReport.Skipped> skipped) {}

  /** Wipes {@code root}; {@code filesDone} is told the count of files wiped so far after each batch's folders are synced. */
  public static Outcome wipe(Path root, WipeMethod method, boolean force, LongConsumer filesDone) {
    List<Wiped> wiped = new ArrayList<>();
    List<PutReport.Skipped> skipped = new ArrayList<>();
    Path top = root.toAbsolutePath().normalize();
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(top, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new VaultException("cannot wipe " + top + ": " + FileStore.describe(e), e);
    }
    if (attrs.isSymbolicLink()) {
      throw new IllegalArgumentException(top + " is a symbolic link; wipe its target by its own name");
    }
    if (attrs.isRegularFile()) {
      wipeAll(List.of(top), method, force, wiped, skipped, filesDone);
      return new Outcome(wiped, skipped);
    }
    List<Path> batch = new ArrayList<>();
    try {
      OneFileSystem fileSystem = new OneFileSystem(top);
      Files.walkFileTree(top, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes a) {
          String other = directory.equals(top) ? null : fileSystem.other(directory);
          if (other != null) {
            skipped.add(new PutReport.Skipped(directory, other));
            return FileVisitResult.SKIP_SUBTREE;
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
          String other = fileSystem.other(file);
          if (other != null) {
            skipped.add(new PutReport.Skipped(file, other));
          } else if (a.isSymbolicLink()) {
            skipped.add(new PutReport.Skipped(file, "symbolic link, not followed (the link itself is left)"));
          } else if (!a.isRegularFile()) {
            skipped.add(new PutReport.Skipped(file, "not a regular file"));
          } else if (file.toAbsolutePath().normalize().startsWith(top)) {
            batch.add(file);
            if (batch.size() >= BATCH_FILES) {
              wipeAll(batch, method, force, wiped, skipped, filesDone);
              batch.clear();
            }
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          skipped.add(new PutReport.Skipped(file, FileStore.describe(e)));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path directory, IOException e) {
          wipeAll(batch, method, force, wiped, skipped, filesDone); // the folder's files go before it can be empty
          batch.clear();
          try (var entries = Files.list(directory)) {
            if (entries.findAny().isEmpty()) {
              Files.delete(directory);
              if (!directory.equals(top)) {
                Durable.syncDirectory(directory.getParent());
              }
            }
          } catch (IOException failed) {
            skipped.add(new PutReport.Skipped(directory, "folder not removed: " + FileStore.describe(failed)));
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new VaultException("cannot walk " + top + ": " + FileStore.describe(e), e);
    }
    return new Outcome(wiped, skipped);
  }

  /**
   * The root's file system: entries on another device ({@code st_dev}) and mount points listed in
   * {@code /proc/self/mountinfo} (a bind mount keeps the device of its source) are outside it.
   */
  private static final class OneFileSystem {
    private static final Pattern OCTAL = Pattern.compile("\\\\([0-7]{3})");
    private final Path top;
    private final Path real;
    private final Object device;
    private final Set<Path> mounts = new HashSet<>();

    OneFileSystem(Path top) throws IOException {
      this.top = top;
      this.real = top.toRealPath();
      this.device = Files.getAttribute(top, "unix:dev", LinkOption.NOFOLLOW_LINKS);
      Path table = Path.of("/proc/self/mountinfo");
      if (Files.exists(table)) {
        for (String line : Files.readAllLines(table, StandardCharsets.UTF_8)) {
          String[] fields = line.split(" ");
          if (fields.length > 4) {
            mounts.add(Path.of(unescape(fields[4])));
          }
        }
      }
    }

    /** Why {@code entry} is outside the root's file system (or may be), or null if it is on it. */
    String other(Path entry) {
      if (mounts.contains(real.resolve(top.relativize(entry)))) {
        return "a mount point, not entered (a wipe stays on one file system)";
      }
      try {
        return device.equals(Files.getAttribute(entry, "unix:dev", LinkOption.NOFOLLOW_LINKS)) ? null
            : "on another file system, not entered (a wipe stays on one file system)";
      } catch (IOException e) {
        return "cannot tell its file system, not entered: " + FileStore.describe(e);
      }
    }

    /** A mount table field with its octal escapes ({@code \040} for a space) undone. */
    private static String unescape(String field) {
      return OCTAL.matcher(field).replaceAll(m -> Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 8))));
    }
  }

  /**
   * Wipes {@code files} together: each pass is written to every file, then all are synced at once
   * (concurrent syncs share the file system's journal commits), and each folder is synced once
   * after the files are unlinked, instead of three syncs per file.
   */
  private static void wipeAll(List<Path> files, WipeMethod method, boolean force, List<Wiped> wiped, List<PutReport.Skipped> skipped,
      LongConsumer filesDone) {
    Map<Path, Long> sizes = new LinkedHashMap<>();
    for (Path file : files) {
      try {
        Object links = Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        if (links instanceof Integer n && n > 1 && !force) {
          skipped.add(new PutReport.Skipped(file, n + " hard links: wiping would destroy the other names' data (use --force)"));
        } else {
          sizes.put(file, Files.size(file));
        }
      } catch (IOException | UnsupportedOperationException e) {
        skipped.add(cannotWipe(file, e));
      }
    }
    Map<Path, byte[]> lastPass = new LinkedHashMap<>();
    for (int pass = 0; pass < passes(method); pass++) {
      for (Iterator<Map.Entry<Path, Long>> it = sizes.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Path, Long> file = it.next();
        try (FileChannel channel = FileChannel.open(file.getKey(), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
          lastPass.put(file.getKey(), overwrite(channel, file.getValue(), pattern(method, pass)));
        } catch (IOException | UnsupportedOperationException e) {
          skipped.add(cannotWipe(file.getKey(), e));
          it.remove();
        }
      }
      try {
        Durable.syncAll(sizes.keySet(), false);
      } catch (IOException e) {
        sizes.keySet().forEach(file -> skipped.add(cannotWipe(file, e)));
        return;
      }
    }
    Set<Path> directories = new LinkedHashSet<>();
    List<Wiped> done = new ArrayList<>();
    for (Map.Entry<Path, Long> entry : sizes.entrySet()) {
      Path file = entry.getKey();
      try {
        if (!Arrays.equals(lastPass.get(file), digestOf(file, entry.getValue()))) {
          skipped.add(new PutReport.Skipped(file, "the last pass did not read back as written; file left in place"));
          continue;
        }
        Path renamed = file.resolveSibling("." + io.kinko.vault.crypto.Bytes.hex(io.kinko.vault.crypto.Bytes.random(8)) + ".wipe");
        Durable.move(file, renamed);
        try (FileChannel channel = FileChannel.open(renamed, StandardOpenOption.WRITE)) {
          channel.truncate(0);
        }
        Files.delete(renamed);
        directories.add(renamed.getParent());
        done.add(new Wiped(file, entry.getValue(), describe(method), "last pass read back and matched (SHA-256)"));
      } catch (IOException e) {
        skipped.add(cannotWipe(file, e));
      }
    }
    try {
      Durable.syncAll(directories, true);
      for (Wiped w : done) {
        wiped.add(w);
        filesDone.accept(wiped.size());
      }
    } catch (IOException e) {
      done.forEach(w -> skipped.add(cannotWipe(w.path(), e)));
    }
  }

  private static PutReport.Skipped cannotWipe(Path file, Exception e) {
    return new PutReport.Skipped(file, "cannot wipe: " + (e instanceof IOException io ? FileStore.describe(io) : e.getMessage()));
  }

  private static int passes(WipeMethod method) {
    return method == WipeMethod.DOD3 ? 3 : 1;
  }

  /** -1 for random, else the byte to fill with. */
  private static int pattern(WipeMethod method, int pass) {
    return switch (method) {
      case RANDOM -> -1;
      case ZERO -> 0;
      case DOD3 -> pass == 0 ? 0x00 : pass == 1 ? 0xFF : -1;
    };
  }

  static String describe(WipeMethod method) {
    return switch (method) {
      case RANDOM -> "overwrite, 1 pass, random";
      case ZERO -> "overwrite, 1 pass, zeros";
      case DOD3 -> "overwrite, 3 passes: zeros, ones, random";
    };
  }

  /** Writes one pass over the whole file and returns the SHA-256 of what it wrote. */
  private static byte[] overwrite(FileChannel channel, long size, int fill) throws IOException {
    MessageDigest sha = sha256();
    byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(size, 1))];
    if (fill >= 0) {
      Arrays.fill(chunk, (byte) fill);
    }
    for (long at = 0; at < size; ) {
      int n = (int) Math.min(chunk.length, size - at);
      if (fill < 0) {
        NOISE.nextBytes(chunk);
      }
      sha.update(chunk, 0, n);
      ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, n);
      while (buffer.hasRemaining()) {
        at += channel.write(buffer, at);
      }
    }
    return sha.digest();
  }

  private static byte[] digestOf(Path file, long size) throws IOException {
    MessageDigest sha = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[(int) Math.min(CHUNK, Math.max(size, 1))];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        sha.update(buffer, 0, n);
      }
    }
    return sha.digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
