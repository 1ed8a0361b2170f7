package io.kinko.vault.store;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * An output that is also a channel, as {@code kinko get}'s file is: it keeps what it gets and
 * counts the writes that came as arrays rather than as buffers.
 */
public class ChannelOutput extends ByteArrayOutputStream implements WritableByteChannel {
  private int arrays;

  /** How many writes came as arrays. */
  public int arrays() {
    return arrays;
  }

  @Override
  public synchronized void write(int b) {
    arrays++;
    super.write(b);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    arrays++;
    super.write(b, off, len);
  }

  @Override
  public synchronized int write(ByteBuffer bytes) {
    int n = bytes.remaining();
    byte[] copy = new byte[n];
    bytes.get(copy);
    super.write(copy, 0, n);
    return n;
  }

  @Override
  public boolean isOpen() {
    return true;
  }
}
