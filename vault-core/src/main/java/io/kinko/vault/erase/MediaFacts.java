package io.kinko.vault.erase;

import io.kinko.vault.CertificateBody;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * What Kinko can see about the storage under a path, for the certificate's media notes: the file
 * system, whether the device is rotational, and whether the file system copies on write. Where
 * overwriting cannot reach every physical copy, the certificate says so.
 */
public record MediaFacts(String fileSystem, String rotational, boolean copyOnWrite, String caveat) {
  private static final Set<String> COPY_ON_WRITE = Set.of("btrfs", "zfs", "bcachefs", "apfs", "overlay", "f2fs", "nilfs2");

  public static MediaFacts of(Path path) {
    String type = "unknown";
    String rotational = "unknown";
    try {
      FileStore store = Files.getFileStore(path);
      type = store.type();
      rotational = rotational(store.name());
    } catch (IOException | SecurityException e) {
      // Unknown facts are recorded as unknown, which the caveat covers.
    }
    boolean cow = COPY_ON_WRITE.contains(type);
    String caveat;
    if (cow) {
      caveat = type + " writes changed blocks elsewhere (copy-on-write): overwriting does not reach earlier copies. "
          + "The file key was destroyed, which is what still holds.";
    } else if (!rotational.equals("true")) {
      caveat = "On solid-state or unknown storage the controller may keep copies that overwriting cannot reach "
          + "(wear levelling, spare blocks). The file key was destroyed, which is what still holds.";
    } else {
      caveat = "Overwrite reaches the blocks the file system reported; journals and backups are outside it.";
    }
    return new MediaFacts(type, rotational, cow, caveat);
  }

  /** The media notes as a certificate carries them. */
  public CertificateBody.Media toMedia() {
    return new CertificateBody.Media(fileSystem, rotational, copyOnWrite, caveat);
  }

  /** "true", "false" or "unknown", from /sys/block/DEV/queue/rotational for a /dev/DEV device. */
  private static String rotational(String device) {
    if (device == null || !device.startsWith("/dev/")) {
      return "unknown";
    }
    String name = device.substring(5);
    for (String candidate : new String[] {name, name.replaceAll("p?\\d+$", "")}) {
      Path flag = Path.of("/sys/block", candidate, "queue", "rotational");
      try {
        if (Files.isReadable(flag)) {
          return Files.readString(flag).strip().equals("1") ? "true" : "false";
        }
      } catch (IOException e) {
        return "unknown";
      }
    }
    return "unknown";
  }
}
