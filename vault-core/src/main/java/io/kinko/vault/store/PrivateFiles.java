package io.kinko.vault.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the vault folder private whatever the umask: folders 0700, files 0600, set when they are
 * created rather than left to the umask (which would make key slots 0644 under the usual 022),
 * and a check that names what has become wider since. Key slots are what an offline password
 * guesser needs, so no other local account may read them. On a file system without POSIX
 * permissions (Windows) there is nothing to set and nothing is reported.
 */
public final class PrivateFiles {
  private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
  static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  /** More than this many wide entries in one warning is noise; the audit lists them all. */
  private static final int MAX_WARNINGS = 20;

  private PrivateFiles() {}

  /** An entry in the vault that others than its owner may use, and its mode. */
  public record Exposure(Path path, Set<PosixFilePermission> mode) {
    public Exposure {
      mode = Set.copyOf(mode);
    }

    /** The mode as {@code ls -l} prints it, e.g. {@code rw-r--r--}. */
    public String modeString() {
      return PosixFilePermissions.toString(mode.isEmpty() ? EnumSet.noneOf(PosixFilePermission.class) : EnumSet.copyOf(mode));
    }
  }

  /** True when {@code mode} grants nothing to the group or to others: the pure rule behind every check. */
  public static boolean isPrivate(Set<PosixFilePermission> mode) {
    for (PosixFilePermission p : mode) {
      if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
        return false;
      }
    }
    return true;
  }

  /** The entries of {@code modes} that are wider than private, in the given order. */
  public static List<Exposure> wider(List<Exposure> modes) {
    return modes.stream().filter(e -> !isPrivate(e.mode())).toList();
  }

  static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Attributes that create a file 0600 (none where POSIX modes do not exist). */
  static FileAttribute<?>[] fileAttributes() {
    return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
  }

  /** Opens a new file that is 0600 from its first moment. */
  static FileChannel create(Path file, OpenOption... options) throws IOException {
    return FileChannel.open(file, Set.of(options), fileAttributes());
  }

  /** Creates {@code dir} and its missing parents 0700, and makes {@code dir} itself 0700 if it existed. */
  public static void createDirectories(Path dir) throws IOException {
    if (posix()) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(FOLDER));
      Files.setPosixFilePermissions(dir, FOLDER);
    } else {
      Files.createDirectories(dir);
    }
  }

  /** Creates {@code dir} of the vault 0700 (see {@link #createDirectories(Path)}) and makes the vault's root 0700. */
  public static void createDirectories(VaultLayout layout, Path dir) throws IOException {
    createDirectories(dir);
    if (posix()) {
      Files.setPosixFilePermissions(layout.root(), FOLDER);
    }
  }

  /** Makes every regular file directly in {@code dir} 0600: for files another library created (H2's). */
  static void tightenFilesIn(Path dir) throws IOException {
    if (!posix()) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(entry, FILE);
        }
      }
    }
  }

  /**
   * The modes of the vault's folders and of the files that hold keys or metadata: the root,
   * {@code keys/}, {@code db/}, {@code blobs/} and its fan-out folders with what lies directly in
   * them, but not each blob, so that the check on every open does not grow with the vault.
   * With {@code everything}, every entry below the root (for an audit).
   */
  public static List<Exposure> modes(VaultLayout layout, boolean everything) throws IOException {
    List<Exposure> out = new ArrayList<>();
    if (!posix() || !Files.isDirectory(layout.root(), LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    if (everything) {
      try (var walk = Files.walk(layout.root())) {
        for (Path p : (Iterable<Path>) walk::iterator) {
          out.add(modeOf(p));
        }
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
      return out;
    }
    out.add(modeOf(layout.root()));
    for (Path folder : List.of(layout.root(), layout.keys(), layout.database(), layout.blobs())) {
      if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
          for (Path entry : entries) {
            addIfStillThere(out, entry);
          }
        }
      }
    }
    return out;
  }

  /**
   * Adds the mode of {@code entry} unless it is gone: another handle's temporary file (a
   * checkpoint being written) can be renamed away between the listing and this, and the opening
   * failed on it (a review, session 28).
   */
  private static void addIfStillThere(List<Exposure> out, Path entry) throws IOException {
    try {
      out.add(modeOf(entry));
    } catch (java.nio.file.NoSuchFileException gone) {
      // renamed or deleted since it was listed
    }
  }

  private static Exposure modeOf(Path p) throws IOException {
    return new Exposure(p, Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  /** Logs a WARN naming each entry of the vault wider than private; called on every open. */
  public static List<Exposure> warnIfWider(VaultLayout layout) {
    List<Exposure> wide;
    try {
      wide = wider(modes(layout, false));
    } catch (IOException e) {
      LOG.warn("cannot check the permissions of vault {}: {}", layout.root(), FileStore.describe(e));
      return List.of();
    }
    for (Exposure e : wide.subList(0, Math.min(MAX_WARNINGS, wide.size()))) {
      LOG.warn("{} is {}: wider than private (folders 0700, files 0600); other local accounts may read the vault's keys or "
          + "metadata; run chmod -R go-rwx on the vault folder", e.path(), e.modeString());
    }
    if (wide.size() > MAX_WARNINGS) {
      LOG.warn("... and {} more entries of vault {} are wider than private", wide.size() - MAX_WARNINGS, layout.root());
    }
    return wide;
  }
}
