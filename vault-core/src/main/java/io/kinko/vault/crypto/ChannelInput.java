package io.kinko.vault.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * An unbuffered input stream over a channel that also lends out the channel, so that
 * {@link BlobCipher#decrypt} can read a large blob's segments straight into its direct buffers
 * (one copy, by the kernel) instead of through a heap array and a copy into the direct buffer.
 * Reads through the stream and through the channel share one position: the stream never reads ahead.
 */
public final class ChannelInput extends InputStream {
  private final ReadableByteChannel channel;

  public ChannelInput(ReadableByteChannel channel) {
    this.channel = channel;
  }

  ReadableByteChannel channel() {
    return channel;
  }

  @Override
  public int read() throws IOException {
    return Bytes.readOne(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    int n;
    do {
      n = channel.read(ByteBuffer.wrap(b, off, len));
    } while (n == 0);
    return n;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
