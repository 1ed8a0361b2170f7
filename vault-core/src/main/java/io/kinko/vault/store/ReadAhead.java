package io.kinko.vault.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * An input stream that reads its source on a thread of its own, up to {@link #CHUNKS} chunks
 * ahead, so that a blob is read and decrypted while the caller writes out what came before.
 * It hands out exactly what the source hands out, in order, and then the source's failure at the
 * same place: the source here is the verified stream, so no unverified byte passes either way.
 *
 * <p>Memory is constant: {@link #CHUNKS} + 1 buffers of {@link #CHUNK} bytes, reused. Closing
 * stops the thread and closes the source.
 */
final class ReadAhead extends InputStream {
  static final int CHUNK = 1 << 20;
  static final int CHUNKS = 3;

  /** One read of the source: bytes, its end (length -1), or its failure. */
  private record Chunk(byte[] bytes, int length, Throwable failure) {}

  private final InputStream source;
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS + 1);
  private final BlockingQueue<Chunk> ready = new ArrayBlockingQueue<>(CHUNKS + 2);
  private final Thread reader;
  private Chunk current;
  private int position;
  private boolean closed;

  ReadAhead(InputStream source) {
    this.source = source;
    for (int i = 0; i < CHUNKS + 1; i++) {
      free.add(new byte[CHUNK]);
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
    if (current == null) {
      try {
        current = ready.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading a blob");
      }
      position = 0;
    }
    if (current.failure != null) {
      throw rethrow(current.failure); // and again at every later read, as the source would
    }
    if (current.length < 0) {
      return -1;
    }
    int n = Math.min(len, current.length - position);
    System.arraycopy(current.bytes, position, b, off, n);
    position += n;
    if (position == current.length) {
      free.add(current.bytes);
      current = null;
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    reader.interrupt();
    try {
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      source.close();
    }
  }

  /**
   * The reader thread: fills free buffers from the source until its end or its failure; the bytes
   * a buffer got before a failure are handed out before the failure, as the source handed them.
   */
  private void readAll() {
    try {
      while (true) {
        byte[] buffer = free.take();
        int n = 0;
        Throwable failure = null;
        try {
          for (int r; n < buffer.length && (r = source.read(buffer, n, buffer.length - n)) >= 0; ) {
            n += r;
          }
        } catch (IOException | RuntimeException e) {
          failure = e;
        }
        if (n > 0) {
          ready.put(new Chunk(buffer, n, null));
        }
        if (failure != null || n < buffer.length) {
          ready.put(new Chunk(null, failure == null ? -1 : 0, failure));
          return;
        }
      }
    } catch (InterruptedException e) {
      // closed by the reader of this stream
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
