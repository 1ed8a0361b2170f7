package io.kinko.vault.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A buffer given back is handed out again whole, cleared and zeroed: it may have held plaintext. */
class SegmentBuffersTest {
  @Test
  void aBufferGivenBack_comesBackClearedAndZeroed() {
    ByteBuffer b = SegmentBuffers.take();
    assertTrue(b.isDirect());
    assertEquals(SegmentBuffers.SIZE, b.capacity());
    b.put(new byte[] {1, 2, 3}).limit(10);
    SegmentBuffers.give(b);
    // Other tests in this JVM may have left buffers in the pool before it: it keeps at most KEPT.
    java.util.List<ByteBuffer> taken = new java.util.ArrayList<>();
    for (int i = 0; i <= SegmentBuffers.KEPT; i++) {
      taken.add(SegmentBuffers.take());
    }
    ByteBuffer again = taken.stream().filter(t -> t == b).findFirst().orElse(null);
    assertSame(b, again, "the pool did not reuse the buffer");
    taken.stream().filter(t -> t != b).forEach(SegmentBuffers::give);
    assertEquals(0, again.position());
    assertEquals(SegmentBuffers.SIZE, again.limit());
    for (int i = 0; i < SegmentBuffers.SIZE; i++) {
      assertEquals(0, again.get(i), "byte " + i + " kept what it held");
    }
    SegmentBuffers.give(again);
  }

  @Test
  void buffersOfAnotherSizeOrOnTheHeap_areNotKept() {
    SegmentBuffers.give(ByteBuffer.allocate(SegmentBuffers.SIZE));
    SegmentBuffers.give(ByteBuffer.allocateDirect(16));
    ByteBuffer b = SegmentBuffers.take();
    assertTrue(b.isDirect());
    assertEquals(SegmentBuffers.SIZE, b.capacity());
  }
}
