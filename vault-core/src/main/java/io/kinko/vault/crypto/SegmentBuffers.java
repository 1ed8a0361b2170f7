package io.kinko.vault.crypto;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers of one blob segment ({@link #SIZE} bytes), reused. Only the garbage collector
 * returns a direct buffer's memory, and the JVM caps direct memory at the heap's size, so a folder
 * of many files of a few MiB would otherwise stop for a full collection every hundred files.
 * A buffer that is not given back is collected as usual; the pool keeps at most {@link #KEPT}.
 */
public final class SegmentBuffers {
  public static final int SIZE = BlobCipher.SEGMENT_BYTES;
  static final int KEPT = 16;
  private static final ConcurrentLinkedQueue<ByteBuffer> FREE = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger COUNT = new AtomicInteger();
  private static final byte[] ZEROS = new byte[SIZE];

  private SegmentBuffers() {}

  /** A cleared buffer of {@link #SIZE} bytes. */
  public static ByteBuffer take() {
    ByteBuffer b = FREE.poll();
    if (b == null) {
      return ByteBuffer.allocateDirect(SIZE);
    }
    COUNT.decrementAndGet();
    return b.clear();
  }

  /**
   * Gives back a buffer from {@link #take} that nothing uses any more; its bytes are zeroed first
   * (it may have held plaintext). Null is ignored.
   */
  public static void give(ByteBuffer b) {
    if (b == null || !b.isDirect() || b.capacity() != SIZE) {
      return;
    }
    b.clear().put(ZEROS).clear();
    if (COUNT.incrementAndGet() <= KEPT) {
      FREE.add(b);
    } else {
      COUNT.decrementAndGet();
    }
  }
}
