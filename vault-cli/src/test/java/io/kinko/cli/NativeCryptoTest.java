package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Security;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * put and get of a large file run on the native AES-GCM that the CLI puts first, write the same
 * format as the JDK's (a blob put natively reads back without it), and still refuse a flipped byte.
 */
class NativeCryptoTest {
  @TempDir Path dir;

  @AfterEach
  void jdkAgain() {
    Security.removeProvider(NativeCrypto.PROVIDER);
  }

  @Test
  void putOfALargeFile_encryptsNatively_andTheBlobReadsBackOnTheNativeAndTheJdksAesGcm() throws IOException {
    Cli cli = Cli.forVault(dir.resolve("vault")).init();
    byte[] content = new byte[(int) NativeCrypto.WORTH_LOADING + 12345];
    new Random(7).nextBytes(content);
    Path source = Files.write(dir.resolve("large.bin"), content);

    assertEquals(0, cli.run("put", source.toString(), "large.bin").exit());
    assertEquals(NativeCrypto.PROVIDER, aesGcmProvider(), "put did not put the native AES-GCM first");

    Security.removeProvider(NativeCrypto.PROVIDER);
    assertEquals("SunJCE", aesGcmProvider());
    assertArrayEquals(content, get(cli, "jdk.bin"), "the JDK's AES-GCM read back other bytes");

    assertArrayEquals(content, get(cli, "native.bin"), "the native AES-GCM read back other bytes");
    assertEquals(NativeCrypto.PROVIDER, aesGcmProvider(), "get did not put the native AES-GCM first");
  }

  @Test
  void getOnTheNativeAesGcm_ofABlobWithAFlippedByte_exitsWithIntegrityAndWritesNothing() throws IOException {
    Cli cli = Cli.forVault(dir.resolve("vault")).init();
    byte[] content = new byte[(int) NativeCrypto.WORTH_LOADING + 1];
    new Random(8).nextBytes(content);
    assertEquals(0, cli.run("put", Files.write(dir.resolve("large.bin"), content).toString(), "large.bin").exit());
    Path blob = onlyBlob(dir.resolve("vault"));
    byte[] stored = Files.readAllBytes(blob);
    stored[stored.length / 2] ^= 0x01;
    Files.write(blob, stored);

    Path out = dir.resolve("out.bin");
    assertEquals(ExitCodes.INTEGRITY, cli.run("get", "large.bin", "-o", out.toString()).exit());
    assertEquals(NativeCrypto.PROVIDER, aesGcmProvider());
    assertFalse(Files.exists(out), "a file that failed verification was written");
  }

  private byte[] get(Cli cli, String name) throws IOException {
    Path out = dir.resolve(name);
    assertEquals(0, cli.run("get", "large.bin", "-o", out.toString()).exit());
    return Files.readAllBytes(out);
  }

  private static Path onlyBlob(Path vault) throws IOException {
    try (Stream<Path> files = Files.walk(vault.resolve("blobs"))) {
      List<Path> blobs = files.filter(Files::isRegularFile).toList();
      assertEquals(1, blobs.size());
      return blobs.get(0);
    }
  }

  private static String aesGcmProvider() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
