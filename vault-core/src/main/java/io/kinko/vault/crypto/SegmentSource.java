package io.kinko.vault.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A stream of verified plaintext that can hand over a segment's buffer itself instead of a copy of
 * its bytes: the reader gives an empty buffer and gets back the one the segment was opened into, so
 * a segment is not copied between the cipher and the thread that writes it out.
 */
public interface SegmentSource {
  /**
   * The verified bytes not yet handed out of the current or next segment, between position and
   * limit of a direct buffer of {@link SegmentBuffers#SIZE} bytes that the caller now owns; null
   * at the end, once the end has been checked as {@code read} checks it. {@code empty} (a buffer
   * of the same kind) is the source's from then on, whatever the outcome, and the caller must not
   * touch it again.
   *
   * @throws io.kinko.vault.IntegrityException as {@code read} throws it, at the same segment
   */
  ByteBuffer exchange(ByteBuffer empty) throws IOException;
}
