package io.kinko.cli;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a local file or folder held, entry by entry (type, size, modification time), without
 * following links. {@code put --wipe-source} compares one taken before the put with one taken
 * after it: a source that changed meanwhile holds data the vault may not have, so it is not wiped.
 */
record SourceSnapshot(Map<String, String> entries, int regularFiles, long bytes) {
  static SourceSnapshot of(Path source) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    int[] files = {0};
    long[] bytes = {0};
    Path root = source.toAbsolutePath().normalize();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        entries.put(root.relativize(dir) + "/", "folder " + attrs.lastModifiedTime().toMillis());
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        String type = attrs.isRegularFile() ? "file" : attrs.isSymbolicLink() ? "link" : "other";
        entries.put(root.relativize(file).toString(), type + " " + attrs.size() + " " + attrs.lastModifiedTime().toMillis() + " "
            + attrs.fileKey());
        if (attrs.isRegularFile()) {
          files[0]++;
          bytes[0] += attrs.size();
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        entries.put(root.relativize(file).toString(), "unreadable");
        return FileVisitResult.CONTINUE;
      }
    });
    return new SourceSnapshot(entries, files[0], bytes[0]);
  }
}
