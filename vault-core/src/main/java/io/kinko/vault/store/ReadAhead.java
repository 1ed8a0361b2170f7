package io.kinko.vault.store;

import io.kinko.vault.crypto.SegmentBuffers;
import io.kinko.vault.crypto.SegmentSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * An input stream that reads its source on a thread of its own, up to {@link #CHUNKS} chunks
 * ahead, so that a blob is read and decrypted while the caller writes out what came before.
 * It hands out exactly what the source hands out, in order, and then the source's failure at the
 * same place: the source here is the verified stream, so no unverified byte passes either way.
 *
 * <p>A source that hands over whole segments ({@link SegmentSource}: the blob's opening stream)
 * is read segment by segment into direct buffers, not copied; {@link #transferTo} writes those
 * buffers as they are to an output that is also a {@link WritableByteChannel}, so a segment goes
 * from the cipher to the kernel with no copy in between.
 *
 * <p>Memory is constant: {@link #CHUNKS} + 1 buffers of {@link #CHUNK} bytes, reused (direct ones
 * from {@link SegmentBuffers} for a segment source). Closing stops the thread and closes the source.
 */
final class ReadAhead extends InputStream {
  static final int CHUNK = SegmentBuffers.SIZE;
  static final int CHUNKS = 3;

  /** One read of the source: bytes (position to limit), its end (null bytes, no failure), or its failure. */
  private record Chunk(ByteBuffer bytes, Throwable failure) {}

  private final InputStream source;
  private final SegmentSource segments;
  private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(CHUNKS + 1);
  private final BlockingQueue<Chunk> ready = new ArrayBlockingQueue<>(CHUNKS + 2);
  private final Thread reader;
  private Chunk current;
  private volatile boolean closed;

  ReadAhead(InputStream source) {
    this.source = source;
    this.segments = source instanceof SegmentSource s ? s : null;
    for (int i = 0; i < CHUNKS + 1; i++) {
      free.add(segments != null ? SegmentBuffers.take() : ByteBuffer.allocate(CHUNK));
    }
    this.reader = new Thread(this::readAll, "kinko-read-ahead");
    reader.setDaemon(true);
    reader.start();
  }

  @Override
  public int read() throws IOException {
    return io.kinko.vault.crypto.Bytes.readOne(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("stream closed");
    }
    if (len == 0) {
      return 0;
    }
    ByteBuffer bytes = next();
    if (bytes == null) {
      return -1;
    }
    int n = Math.min(len, bytes.remaining());
    bytes.get(b, off, n);
    recycleIfEmpty();
    return n;
  }

  /**
   * Writes the rest of the stream to {@code out}: as the buffers themselves when {@code out} is a
   * {@link WritableByteChannel}, through {@code read} otherwise. A failure of the source comes out
   * after exactly the bytes before it, as from {@code read}.
   */
  @Override
  public long transferTo(OutputStream out) throws IOException {
    if (!(out instanceof WritableByteChannel channel)) {
      return super.transferTo(out);
    }
    long written = 0;
    for (ByteBuffer bytes; (bytes = next()) != null; ) {
      ByteBuffer view = bytes.asReadOnlyBuffer(); // the output may read the pool's buffer, never write it
      while (view.hasRemaining()) {
        int n = channel.write(view);
        bytes.position(view.position());
        if (n == 0) {
          throw new IOException("the output took no bytes: a transfer needs a blocking channel");
        }
        written += n;
      }
      recycleIfEmpty();
    }
    return written;
  }

  /** The chunk being handed out, with bytes left; null at the source's end; its failure thrown. */
  private ByteBuffer next() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (current == null) {
      try {
        current = ready.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading a blob");
      }
    }
    if (current.failure != null) {
      throw rethrow(current.failure); // and again at every later read, as the source would
    }
    return current.bytes;
  }

  private void recycleIfEmpty() {
    if (!current.bytes.hasRemaining()) {
      free.add(current.bytes.clear());
      current = null;
    }
  }

  /**
   * Stops the reader thread, waits for it to end, then closes the source. It waits even when
   * interrupted (the interrupt is kept): the source gives its buffers back to the pool when it is
   * closed, and another file's stream could take them while the reader still fills them. The
   * buffer being handed out is left to the collector, since a caller on another thread may still
   * be writing it; a caller waiting for the next one gets "stream closed".
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    reader.interrupt();
    boolean interrupted = false;
    while (reader.isAlive()) {
      try {
        reader.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    try {
      source.close();
    } finally {
      if (segments != null) {
        for (ByteBuffer b; (b = free.poll()) != null; ) {
          SegmentBuffers.give(b);
        }
        for (Chunk c; (c = ready.poll()) != null; ) {
          SegmentBuffers.give(c.bytes); // null for an end or a failure: ignored
        }
      }
      ready.offer(new Chunk(null, new IOException("stream closed")));
    }
  }

  /**
   * The reader thread: fills free buffers from the source until its end or its failure; the bytes
   * a buffer got before a failure are handed out before the failure, as the source handed them.
   */
  private void readAll() {
    try {
      while (true) {
        ByteBuffer buffer = free.take();
        Throwable failure = null;
        ByteBuffer bytes = null;
        if (segments != null) {
          try {
            bytes = segments.exchange(buffer); // buffer is the source's now, whatever the outcome
          } catch (IOException | RuntimeException e) {
            failure = e;
          }
        } else {
          int n = 0;
          try {
            for (int r; n < CHUNK && (r = source.read(buffer.array(), n, CHUNK - n)) >= 0; ) {
              n += r;
            }
          } catch (IOException | RuntimeException e) {
            failure = e;
          }
          bytes = buffer.limit(n);
        }
        boolean end = failure != null || bytes == null || (segments == null && bytes.limit() < CHUNK);
        if (bytes != null && bytes.hasRemaining()) {
          ready.put(new Chunk(bytes, null));
        }
        if (end) {
          ready.put(new Chunk(null, failure));
          return;
        }
      }
    } catch (InterruptedException e) {
      if (!closed) { // not by close(): the caller must not wait for a chunk that will never come
        ready.offer(new Chunk(null, new InterruptedIOException("reading ahead was interrupted")));
      }
    }
  }

  private static IOException rethrow(Throwable failure) {
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof IOException io) {
      return io;
    }
    throw new UncheckedIOException(new IOException(failure));
  }
}
