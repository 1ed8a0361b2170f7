// The stream's own CPU per GiB, in process: sealing into WriteBehind (the segment buffer handed over vs
// copied) and opening a blob (from its file channel vs through a stream), alternating. Run from the
// repository after a build (vault-core/target/classes), e.g. 256 MiB x 8 rounds with scratch in /work:
//   mvn -q -o -pl vault-core dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
//   cp=vault-core/target/classes:$(cat /tmp/cp.txt); javac -d /tmp/sb -cp "$cp" benchmarks/stream/StreamBench.java
//   java -Xmx256m -cp /tmp/sb:"$cp" io.kinko.vault.store.StreamBench 256 8 /work
package io.kinko.vault.store;

import com.google.crypto.tink.KeysetHandle;
import io.kinko.vault.crypto.*;
import java.io.*;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.*;
import java.nio.file.*;
import java.security.Security;

/** Process CPU per GiB of sealing into a WriteBehind (exchange vs copy) and opening (channel vs stream). */
public class StreamBench {
  static final String VAULT = "0123456789abcdef0123456789abcdef", FILE = "fedcba9876543210fedcba9876543210";
  static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  public static void main(String[] a) throws Exception {
    Security.insertProviderAt(org.conscrypt.Conscrypt.newProvider(), 1);
    KeysetHandle master = VaultKeys.newMasterKeyset();
    VaultKeys keys = VaultKeys.unlock(VAULT, master, VaultKeys.newSealedNamesKey(VAULT, master));
    long size = Long.parseLong(a[0]) << 20; int rounds = Integer.parseInt(a[1]);
    Path dir = Path.of(a[2]);
    byte[] chunk = new byte[256 * 1024]; new java.util.Random(1).nextBytes(chunk);
    Path blob = dir.resolve("sb.blob");
    double[][] r = new double[4][rounds];
    for (int i = -1; i < rounds; i++) {
      for (int mode = 0; mode < 2; mode++) {
        Files.deleteIfExists(blob);
        long c0 = OS.getProcessCpuTime();
        WriteBehind wb = new WriteBehind(FileChannel.open(blob, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        WritableByteChannel ch = mode == 0 ? wb : new WritableByteChannel() {
          public int write(ByteBuffer b) throws IOException { return wb.write(b); }
          public boolean isOpen() { return wb.isOpen(); }
          public void close() throws IOException { wb.close(); }
        };
        try (OutputStream out = BlobCipher.encryptToChannel(keys, FILE, ch)) {
          for (long d = 0; d < size; d += chunk.length) out.write(chunk);
        }
        double put = (OS.getProcessCpuTime() - c0) / 1e9 * (1L << 30) / size;
        long c1 = OS.getProcessCpuTime();
        InputStream src = mode == 0 ? new ChannelInput(FileChannel.open(blob)) : Files.newInputStream(blob);
        try (InputStream in = BlobCipher.decrypt(keys, FILE, size, src)) {
          byte[] buf = new byte[64 * 1024];
          while (in.read(buf) >= 0) {}
        }
        double get = (OS.getProcessCpuTime() - c1) / 1e9 * (1L << 30) / size;
        if (i >= 0) { r[mode][i] = put; r[2 + mode][i] = get; }
      }
    }
    String[] names = {"seal: exchange", "seal: copy    ", "open: channel ", "open: stream  "};
    for (int m = 0; m < 4; m++) { double[] x = r[m].clone(); java.util.Arrays.sort(x);
      System.out.printf("%s CPU s/GiB median %.3f  (all %s)%n", names[m], x[rounds / 2], java.util.Arrays.toString(r[m]).replaceAll("(\\.\\d{3})\\d+", "$1")); }
    Files.deleteIfExists(blob);
  }
}
