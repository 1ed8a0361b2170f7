package io.kinko.vault.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A channel that can take a sealed segment's buffer itself instead of a copy of its bytes: the
 * sealing stream hands over the buffer it just filled and goes on with an empty one it gets back,
 * so a segment is not copied once more between the cipher and the thread that writes it.
 */
public interface SegmentSink extends WritableByteChannel {
  /**
   * Takes {@code full} (a direct buffer of {@link SegmentBuffers#SIZE} bytes; its bytes from
   * position to limit are written after everything written before) and returns a cleared buffer
   * of the same size that the caller now owns. The caller must not touch {@code full} again.
   */
  ByteBuffer exchange(ByteBuffer full) throws IOException;
}
