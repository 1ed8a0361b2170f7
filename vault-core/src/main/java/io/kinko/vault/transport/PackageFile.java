package io.kinko.vault.transport;

import io.kinko.vault.IntegrityException;
import io.kinko.vault.crypto.Bytes;
import io.kinko.vault.store.VaultPath;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The bytes of a transport package: an age file whose payload is a POSIX (PAX) tar of the files
 * under {@code files/}, then {@code waybill.json} and {@code waybill.json.sig}. Written and read
 * in one streaming pass each (64 KiB age chunks, 64 KiB copies): memory does not grow with size.
 * The tar is Apache Commons Compress's, whose PAX headers carry UTF-8 names of any length and
 * sizes above 8 GiB, which a hand-written ustar would not.
 */
public final class PackageFile {
  private static final int BUFFER = 64 * 1024;
  /** A waybill or its signature larger than this is no waybill: it is not read into memory. */
  static final int MAX_WAYBILL = 64 * 1024 * 1024;

  private PackageFile() {}

  /** One file to pack: its name below {@code files/}, its size, and its content (opened once). */
  public record Member(String path, long size, IoSupplier<InputStream> content) {}

  @FunctionalInterface
  public interface IoSupplier<T> {
    T get() throws IOException;
  }

  /** The waybill's bytes and signature, made once every file's SHA-256 is known. */
  public record Signed(byte[] json, byte[] signature) {}

  /** A package written and synced: its SHA-256, size, and each file's SHA-256 in order. */
  public record Written(String sha256, long size, List<String> fileSha256) {}

  /**
   * Writes a package to {@code target} (which must not exist), synced to disk before this returns.
   * The waybill is made by {@code waybill} from the files' digests. A file whose content is not
   * exactly its size fails with {@link IntegrityException}. On failure the caller deletes {@code target}.
   */
  public static Written write(Path target, List<AgeRecipient> recipients, List<Member> members, Instant time,
      Function<List<String>, Signed> waybill) throws IOException {
    MessageDigest whole = Waybill.digest();
    long[] size = {0};
    // Private while it is written (ciphertext, but named before it is complete only by its .part name).
    FileChannel file = FileChannel.open(target, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    WritableByteChannel counted = new WritableByteChannel() {
      @Override
      public int write(ByteBuffer src) throws IOException {
        ByteBuffer view = src.duplicate();
        int n = file.write(src);
        view.limit(view.position() + n);
        whole.update(view);
        size[0] += n;
        return n;
      }

      @Override
      public boolean isOpen() {
        return file.isOpen();
      }

      @Override
      public void close() throws IOException {
        try {
          if (file.isOpen()) {
            file.force(true);
          }
        } finally {
          file.close();
        }
      }
    };
    List<String> digests = new ArrayList<>();
    try (AgeFile.Writer age = AgeFile.encrypt(counted, recipients)) {
      TarArchiveOutputStream tar = new TarArchiveOutputStream(unclosable(age), StandardCharsets.UTF_8.name());
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      byte[] buffer = new byte[BUFFER];
      for (Member m : members) {
        MessageDigest d = Waybill.digest();
        tar.putArchiveEntry(entry(Waybill.FILES + m.path(), m.size(), time));
        long copied = 0;
        try (InputStream in = m.content().get()) {
          for (int n; (n = in.read(buffer)) >= 0; ) {
            if (copied + n > m.size()) {
              throw new IntegrityException("'" + m.path() + "' holds more than its recorded " + m.size() + " bytes");
            }
            d.update(buffer, 0, n);
            tar.write(buffer, 0, n);
            copied += n;
          }
        }
        if (copied != m.size()) {
          throw new IntegrityException("'" + m.path() + "' holds " + copied + " bytes, not its recorded " + m.size());
        }
        tar.closeArchiveEntry();
        digests.add(Bytes.hex(d.digest()));
      }
      Signed signed = waybill.apply(List.copyOf(digests));
      for (Object[] part : new Object[][] {{Waybill.JSON, signed.json()}, {Waybill.SIGNATURE, signed.signature()}}) {
        byte[] bytes = (byte[]) part[1];
        tar.putArchiveEntry(entry((String) part[0], bytes.length, time));
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
      tar.finish();
      age.finish(); // the final chunk, then the file is forced to disk and closed
    } finally {
      counted.close();
    }
    return new Written(Bytes.hex(whole.digest()), size[0], List.copyOf(digests));
  }

  private static TarArchiveEntry entry(String name, long size, Instant time) {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(size);
    e.setMode(0100600);
    e.setModTime(java.nio.file.attribute.FileTime.from(time));
    e.setUserName("");
    e.setGroupName("");
    return e;
  }

  /** A file member as {@link #read} meets it: its path below {@code files/}, and its content (read it, or it is skipped). */
  public interface FileVisitor {
    void file(String path, long size, InputStream content) throws IOException;
  }

  /** What a read found: the waybill and its signature (null if absent), and the files' names, sizes and SHA-256, in order. */
  public record Contents(byte[] waybill, byte[] signature, List<String> paths, List<Long> sizes, List<String> sha256) {}

  /**
   * Reads the tar of an opened package in one pass: every file member is handed to {@code
   * visitor} (may be null) through a stream that digests what it reads, then drained; the
   * waybill's two members are kept. Anything else in the tar (a folder, a link, a member after the
   * waybill, a name outside {@code files/}) is refused, and so is a file's name that is not a vault
   * path as the vault spells it, or that an earlier member holds: each member is stored where its
   * name says, so two names for one place would store one file over another.
   *
   * @throws IntegrityException if the tar is malformed or holds anything but files and the waybill
   */
  public static Contents read(InputStream payload, FileVisitor visitor) throws IOException {
    List<String> paths = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    List<String> digests = new ArrayList<>();
    byte[] waybill = null;
    byte[] signature = null;
    Set<String> seen = new HashSet<>();
    try {
      TarArchiveInputStream tar = new TarArchiveInputStream(payload, StandardCharsets.UTF_8.name());
      byte[] buffer = new byte[BUFFER];
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        String name = e.getName();
        if (e.isDirectory() && waybill == null && name.startsWith(Waybill.FILES)) {
          continue; // a tar made by hand may list folders; they hold nothing to check
        }
        if (!plainFile(e) || e.getSize() < 0) {
          throw new IntegrityException("the package's tar holds '" + name + "', which is not a plain file");
        }
        if (signature != null) {
          throw new IntegrityException("the package's tar holds '" + name + "' after its waybill");
        }
        if (name.equals(Waybill.JSON) && waybill == null) {
          waybill = small(tar, e);
        } else if (name.equals(Waybill.SIGNATURE) && waybill != null) {
          signature = small(tar, e);
        } else if (name.startsWith(Waybill.FILES) && name.length() > Waybill.FILES.length() && waybill == null) {
          MessageDigest d = Waybill.digest();
          InputStream counted = new DigestInputStream(new FilterInputStream(tar) {
            @Override
            public void close() {}
          }, d);
          String path = name.substring(Waybill.FILES.length());
          checkName(path, seen);
          if (visitor != null) {
            visitor.file(path, e.getSize(), counted);
          }
          while (counted.read(buffer) >= 0) {
            // drain what the visitor left, so the digest covers the member
          }
          paths.add(path);
          sizes.add(e.getSize());
          digests.add(Bytes.hex(d.digest()));
        } else {
          throw new IntegrityException("the package's tar holds '" + name + "', which a Kinko package does not (files/..., then "
              + Waybill.JSON + " and " + Waybill.SIGNATURE + ")");
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("the package's tar is malformed: " + e.getMessage());
    } catch (IOException e) {
      if (e instanceof java.nio.file.FileSystemException) {
        throw e; // the disk, not the package
      }
      throw new IntegrityException("the package's tar is malformed: " + e.getMessage(), e);
    }
    return new Contents(waybill, signature, List.copyOf(paths), List.copyOf(sizes), List.copyOf(digests));
  }

  /** A regular file's header: Commons Compress's isFile() also says yes to links, devices and FIFOs, which tar x makes something else of. */
  private static boolean plainFile(TarArchiveEntry e) {
    byte type = e.getLinkFlag();
    return (type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM) && !e.isDirectory() && !e.isSparse();
  }

  /** A file's name below files/: one vault path, spelled as the vault spells it, not seen before in this tar. */
  private static void checkName(String path, Set<String> seen) {
    String canonical;
    try {
      canonical = VaultPath.of(path).value();
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("the package's tar holds a file whose name is no vault path: " + e.getMessage());
    }
    if (!canonical.equals(path)) {
      throw new IntegrityException("the package's tar holds '" + Waybill.FILES + path + "', which is not a file's vault path as a vault"
          + " spells it (NFC, no '.' or trailing '/')");
    }
    if (!seen.add(path)) {
      throw new IntegrityException("the package's tar holds '" + Waybill.FILES + path + "' twice");
    }
  }

  private static byte[] small(TarArchiveInputStream tar, TarArchiveEntry e) throws IOException {
    if (e.getSize() > MAX_WAYBILL) {
      throw new IntegrityException("the package's " + e.getName() + " is " + e.getSize() + " bytes, more than a waybill holds");
    }
    return tar.readNBytes((int) e.getSize());
  }

  private static OutputStream unclosable(OutputStream out) {
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }
}
