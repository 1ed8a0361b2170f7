package io.kinko.vault;

import io.kinko.vault.transport.AgeKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Run in a JVM with a small heap by {@link TransportTest}: puts a file larger than the heap,
 * exports it, imports the package into a second vault and reads it back; prints "OK <sha256>".
 */
public final class TransportMemoryTarget {
  private TransportMemoryTarget() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[0]));
    long size = Long.parseLong(args[1]);
    try (Vault a = TestVaults.create(dir.resolve("a")); Vault b = TestVaults.create(dir.resolve("b"));
        Session out = TestVaults.login(a); Session in = TestVaults.login(b)) {
      out.put("big.bin", generated(size));
      Transport.Exported e = out.exportPackage(List.of("big.bin"), Transport.Recipients.of(List.of(AgeKeys.RECIPIENT)), dir.resolve("p.age"));
      Path key = Files.writeString(dir.resolve("key.txt"), AgeKeys.IDENTITY + "\n");
      in.importPackage(e.file(), new Transport.Identities(List.of(key), null), out.exportPublicKey(), "");
      MessageDigest expected = MessageDigest.getInstance("SHA-256");
      try (InputStream g = generated(size)) {
        byte[] buffer = new byte[65536];
        for (int n; (n = g.read(buffer)) >= 0; ) {
          expected.update(buffer, 0, n);
        }
      }
      String want = HexFormat.of().formatHex(expected.digest());
      if (!want.equals(e.files().get(0).sha256())) {
        throw new AssertionError("waybill digest " + e.files().get(0).sha256() + " is not " + want);
      }
      MessageDigest got = MessageDigest.getInstance("SHA-256");
      try (InputStream r = in.get("big.bin")) {
        byte[] buffer = new byte[65536];
        for (int n; (n = r.read(buffer)) >= 0; ) {
          got.update(buffer, 0, n);
        }
      }
      if (!want.equals(HexFormat.of().formatHex(got.digest()))) {
        throw new AssertionError("imported bytes differ");
      }
      System.out.println("OK " + want + " heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
    }
  }

  /** {@code size} bytes of a cheap deterministic pattern, never held whole. */
  private static InputStream generated(long size) {
    return new InputStream() {
      private long left = size;

      @Override
      public int read() {
        return left-- > 0 ? (int) (left * 31 % 251) : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) {
          b[off + i] = (byte) ((left - i - 1) * 31 % 251);
        }
        left -= n;
        return n;
      }
    };
  }
}
