package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.FileInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a destructive command ({@code rm}, {@code wipe}, {@code put --wipe-source}) is about to
 * erase, worked out before anything is erased: each item with its size, and what will be left
 * alone with why. The confirmation shows its summary and {@code --dry-run} prints it whole.
 *
 * @param where what the command names (a vault path or a local folder)
 * @param unit what one item is ("file", "stored version")
 * @param items what will be erased, path relative to {@code where} and size
 * @param left what will be left alone, and why
 * @param note a caveat on the listing (what it cannot show), or null
 */
record ErasePlan(String where, String unit, List<Item> items, List<Item> left, String note) {
  /** At most this many top folders are named in a summary. */
  static final int TOP_FOLDERS = 5;
  private static final String TOP_LEVEL = "(not in a folder)";
  private static final Path MOUNT_TABLE = Path.of("/proc/self/mountinfo");
  private static final Pattern OCTAL = Pattern.compile("\\\\([0-7]{3})");

  ErasePlan {
    items = List.copyOf(items);
    left = List.copyOf(left);
  }

  /** One entry: a path and its size in bytes, or a path and why it is left alone (size -1). */
  record Item(String path, long size, String reason) {}

  /** Every stored version of one vault file, which {@code rm} deletes. */
  static ErasePlan ofVersions(String path, List<FileInfo> versions) {
    return new ErasePlan(path, "stored version",
        versions.stream().map(v -> new Item(v.path() + " (version " + v.version() + ")", v.size(), null)).toList(), List.of(), null);
  }

  /** The files below a vault folder that {@code rm -r} deletes, as far as the user may list them. */
  static ErasePlan ofTree(String prefix, List<FileInfo> newest) {
    return new ErasePlan(prefix, "file", newest.stream().map(f -> new Item(f.path(), f.size(), null)).toList(), List.of(),
        "every stored version of each file is deleted; sizes are of the newest versions"
            + (newest.isEmpty() ? "; files you may delete but not read are not listed" : ""));
  }

  /** A file the user may not list ({@code rm} with DELETE but no READ): nothing to show but its name. */
  static ErasePlan unlisted(String path) {
    return new ErasePlan(path, "stored version", List.of(), List.of(), "you may not read " + path + ", so its versions cannot be listed");
  }

  /**
   * The files a wipe of {@code root} overwrites, by the library's rules: symbolic links are not
   * followed, special files and (unless {@code force}) files with other hard links are left, and
   * it stays on the root's file system: an entry on another device, or any mount point (a bind
   * mount of the same device too), is left and not entered.
   */
  static ErasePlan ofLocal(Path root, boolean force) throws IOException {
    Path top = root.toAbsolutePath().normalize();
    Path real = top.toRealPath();
    Object device = device(top);
    Set<Path> mounts = mountPoints();
    List<Item> items = new ArrayList<>();
    List<Item> left = new ArrayList<>();
    Files.walkFileTree(top, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String other = dir.equals(top) ? null : otherFileSystem(dir);
        if (other != null) {
          left.add(new Item(name(dir), -1, other));
          return FileVisitResult.SKIP_SUBTREE;
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String other = file.equals(top) ? null : otherFileSystem(file);
        if (attrs.isSymbolicLink()) {
          left.add(new Item(name(file), -1, "symbolic link, not followed (the link itself is left)"));
        } else if (!attrs.isRegularFile()) {
          left.add(new Item(name(file), -1, other != null ? other : "not a regular file"));
        } else if (other != null) {
          left.add(new Item(name(file), -1, other));
        } else if (!force && Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS) instanceof Integer n && n > 1) {
          left.add(new Item(name(file), -1, n + " hard links: wiping would destroy the other names' data (use --force)"));
        } else {
          items.add(new Item(name(file), attrs.size(), null));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        left.add(new Item(name(file), -1, Messages.describe(e)));
        return FileVisitResult.CONTINUE;
      }

      private String otherFileSystem(Path entry) {
        if (mounts.contains(real.resolve(top.relativize(entry)))) {
          return "a mount point, not entered (a wipe stays on one file system)";
        }
        try {
          return device.equals(device(entry)) ? null : "on another file system, not entered (a wipe stays on one file system)";
        } catch (IOException e) {
          return "cannot tell its file system, not entered: " + Messages.describe(e);
        }
      }

      private String name(Path entry) {
        return entry.equals(top) ? top.toString() : top.relativize(entry).toString();
      }
    });
    return new ErasePlan(top.toString(), "file", items, left, null);
  }

  /** True if {@code path} is the root of a mounted file system (a bind mount of a folder or file too). */
  static boolean isMountPoint(Path path) throws IOException {
    Path real = path.toRealPath();
    Path parent = real.getParent();
    return parent == null || mountPoints().contains(real) || !device(real).equals(device(parent));
  }

  private static Object device(Path path) throws IOException {
    return Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Every mount point the kernel lists for this process (field 5 of {@code /proc/self/mountinfo},
   * octal escapes undone); empty where there is no such table, and then only the device check holds.
   */
  static Set<Path> mountPoints() throws IOException {
    Set<Path> mounts = new HashSet<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(MOUNT_TABLE, StandardCharsets.UTF_8);
    } catch (NoSuchFileException absent) {
      return mounts;
    }
    for (String line : lines) {
      String[] fields = line.split(" ");
      if (fields.length > 4) {
        mounts.add(Path.of(unescape(fields[4])));
      }
    }
    return mounts;
  }

  /** A mount table field with its octal escapes ({@code \040} for a space) undone. */
  private static String unescape(String field) {
    return OCTAL.matcher(field).replaceAll(m -> Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 8))));
  }

  long bytes() {
    return items.stream().mapToLong(Item::size).sum();
  }

  /**
   * A few lines for a person deciding: how many items, how many bytes, the largest top folders,
   * and how much is left alone. {@code action} says what happens to them ("wipe", "delete").
   */
  String summary(String action) {
    StringBuilder text = new StringBuilder();
    text.append(action).append(' ').append(PutCommand.count(items.size(), unit)).append(", ").append(size(bytes()))
        .append(", at ").append(where).append('\n');
    Map<String, long[]> folders = new LinkedHashMap<>();
    for (Item item : items) {
      int slash = item.path().indexOf('/', item.path().startsWith(where + "/") ? where.length() + 1 : 0);
      String folder = slash < 0 ? TOP_LEVEL : item.path().substring(0, slash + 1);
      long[] sums = folders.computeIfAbsent(folder, f -> new long[2]);
      sums[0]++;
      sums[1] += item.size();
    }
    if (folders.size() > 1 || !folders.containsKey(TOP_LEVEL)) {
      List<Map.Entry<String, long[]>> top = folders.entrySet().stream()
          .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[1]).thenComparing(Map.Entry::getKey)).toList();
      text.append("  top folders:\n");
      top.stream().limit(TOP_FOLDERS).forEach(e -> text.append("    ").append(e.getKey()).append("  ")
          .append(PutCommand.count(e.getValue()[0], unit)).append(", ").append(size(e.getValue()[1])).append('\n'));
      if (top.size() > TOP_FOLDERS) {
        text.append("    and ").append(top.size() - TOP_FOLDERS).append(" more\n");
      }
    }
    if (!left.isEmpty()) {
      text.append("  left alone: ").append(PutCommand.count(left.size(), "entry", "entries")).append(" (")
          .append(left.get(0).path()).append(": ").append(left.get(0).reason()).append(left.size() > 1 ? "; ..." : "").append(")\n");
    }
    if (note != null) {
      text.append("  (").append(note).append(")\n");
    }
    return text.toString();
  }

  /**
   * The {@code --dry-run} listing: every item and every entry left, then the summary (under
   * {@code --json}, one object with the same facts); nothing is changed.
   */
  void print(Output ui, String action) {
    if (ui.json()) {
      JsonObject result = ui.object();
      result.addProperty("dryRun", true);
      result.addProperty("action", action);
      result.addProperty("where", where);
      result.addProperty("count", items.size());
      result.addProperty("bytes", bytes());
      JsonArray erased = new JsonArray();
      JsonArray kept = new JsonArray();
      for (Item item : items) {
        JsonObject one = new JsonObject();
        one.addProperty("path", item.path());
        one.addProperty("size", item.size());
        erased.add(one);
      }
      for (Item item : left) {
        JsonObject one = new JsonObject();
        one.addProperty("path", item.path());
        one.addProperty("reason", item.reason());
        kept.add(one);
      }
      result.add("items", erased);
      result.add("left", kept);
      result.addProperty("note", note);
      ui.print(result);
      return;
    }
    PrintWriter out = ui.text();
    for (Item item : items) {
      out.printf("would %s %12d  %s%n", action, item.size(), item.path());
    }
    for (Item item : left) {
      out.println("would leave " + item.path() + ": " + item.reason());
    }
    out.print(summary("would " + action));
    out.println("nothing was changed (--dry-run)");
  }

  /** A size for people: exact bytes, and KiB/MiB/GiB beside them from 1 KiB up. */
  static String size(long bytes) {
    String exact = PutCommand.count(bytes, "byte");
    if (bytes < 1024) {
      return exact;
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes / 1024.0;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return exact + String.format(java.util.Locale.ROOT, " (%.1f %s)", value, units[unit]);
  }
}
