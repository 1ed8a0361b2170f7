package io.kinko.vault.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/** Small byte helpers shared by the crypto classes: randomness, hex, labelled concatenation. */
public final class Bytes {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private Bytes() {}

  /**
   * {@link java.io.InputStream#read()} for a stream that reads in bulk: one byte through its
   * {@code read(byte[], int, int)}, or -1 at the end.
   */
  public static int readOne(java.io.InputStream in) throws java.io.IOException {
    byte[] one = new byte[1];
    return in.read(one, 0, 1) < 0 ? -1 : Byte.toUnsignedInt(one[0]);
  }

  public static byte[] random(int length) {
    byte[] out = new byte[length];
    RANDOM.nextBytes(out);
    return out;
  }

  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  public static byte[] unhex(String hex) {
    return HEX.parseHex(hex);
  }

  /**
   * Associated data or KDF info: an ASCII label, then each part with a 4-byte length prefix,
   * so that no two different lists of parts give the same bytes.
   */
  public static byte[] label(String label, byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] l = label.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(l);
    for (byte[] part : parts) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(part.length).array());
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** UTF-8 bytes of a password, in an array the caller must wipe. */
  public static byte[] utf8(char[] chars) {
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] out = new byte[encoded.remaining()];
    encoded.get(out);
    if (encoded.hasArray()) {
      Arrays.fill(encoded.array(), (byte) 0);
    }
    return out;
  }

  public static void wipe(byte[] bytes) {
    if (bytes != null) {
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
