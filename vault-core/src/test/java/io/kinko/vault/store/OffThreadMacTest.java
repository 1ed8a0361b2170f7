package io.kinko.vault.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The commitment computed on the other thread is the HMAC of the whole stream, in order. */
class OffThreadMacTest {
  private static final byte[] KEY = new byte[32];
  private static final int CHUNK = OffThreadMac.CHUNK;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 7, 9 * CHUNK + 123})
  void doFinal_isTheHmacOfEveryByteInOrder_atChunkBoundaries(int size) throws Exception {
    byte[] content = content(size, size);
    assertArrayEquals(mac().doFinal(content), offThread(new ByteArrayInputStream(content)));
  }

  @Test
  void doFinal_isTheHmacOfEveryByteInOrder_whateverTheSourceHandsOutPerRead() {
    qt().withExamples(40).forAll(integers().between(0, 4 * CHUNK), integers().between(1, CHUNK + 10))
        .checkAssert((size, perRead) -> {
          byte[] content = content(size, 31L * size + perRead);
          InputStream trickle = new ByteArrayInputStream(content) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
              return super.read(b, off, Math.min(len, perRead));
            }
          };
          try {
            assertArrayEquals(mac().doFinal(content), offThread(trickle), () -> size + " bytes read " + perRead + " at a time");
          } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** The loop of the put path, without the cipher. */
  private static byte[] offThread(InputStream source) throws IOException, GeneralSecurityException {
    try (OffThreadMac mac = new OffThreadMac(mac())) {
      while (true) {
        byte[] buffer = mac.buffer();
        int n = source.readNBytes(buffer, 0, buffer.length);
        if (n == 0) {
          return mac.doFinal();
        }
        mac.update(n);
      }
    }
  }

  private static Mac mac() throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    return mac;
  }

  private static byte[] content(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}
