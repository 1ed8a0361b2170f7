package io.kinko.vault.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.IntegrityException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PackageFile#read} on tars made by hand with Commons Compress, as anyone holding the
 * recipient's public key can make them: a member under {@code files/} that {@code tar x} would
 * make a link, a device or a FIFO is no file of the package. Commons Compress's {@code isFile()}
 * says yes to all of them, and they read as empty files.
 */
class PackageFileTest {
  @ParameterizedTest
  @ValueSource(bytes = {TarConstants.LF_SYMLINK, TarConstants.LF_LINK, TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO})
  void read_aMemberUnderFilesThatIsNoRegularFile_isRefused(byte type) throws IOException {
    byte[] tar = tarWithFirstMember(type);
    IntegrityException e = assertThrows(IntegrityException.class, () -> PackageFile.read(new ByteArrayInputStream(tar), null));
    assertTrue(e.getMessage().contains("'files/a.txt', which is not a plain file"), e::getMessage);
  }

  @ParameterizedTest
  @ValueSource(bytes = {TarConstants.LF_NORMAL, TarConstants.LF_OLDNORM})
  void read_aRegularFile_ofEitherTypeFlag_isRead(byte type) throws IOException {
    PackageFile.Contents read = PackageFile.read(new ByteArrayInputStream(tarWithFirstMember(type)), null);
    assertEquals(List.of("a.txt"), read.paths());
  }

  /** files/a.txt of {@code type} (a link to /etc/passwd where it is a link), then the waybill's two members. */
  private static byte[] tarWithFirstMember(byte type) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name())) {
      TarArchiveEntry member = new TarArchiveEntry(Waybill.FILES + "a.txt", type);
      if (member.isLink() || member.isSymbolicLink()) {
        member.setLinkName("/etc/passwd");
      }
      tar.putArchiveEntry(member);
      tar.closeArchiveEntry();
      for (String name : List.of(Waybill.JSON, Waybill.SIGNATURE)) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(2);
        tar.putArchiveEntry(e);
        tar.write("{}".getBytes(StandardCharsets.US_ASCII));
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }
}
