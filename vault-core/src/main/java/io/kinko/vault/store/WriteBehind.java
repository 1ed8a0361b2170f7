package io.kinko.vault.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An output stream (and channel) that hands what it is given to a thread of its own, which writes it to a file
 * channel, so that the caller encrypts the next segment while the last one goes to the kernel.
 * Every {@link #WRITE_BACK} bytes it also asks, on a third thread, for what was written so far
 * to reach the disk ({@code fdatasync}): the kernel would otherwise start writing a 1 GiB blob
 * only at the final fsync, which would then wait for all of it.
 *
 * <p>Memory is constant: {@link #BUFFERS} direct buffers of {@link #BUFFER} bytes, reused, and
 * given back to {@code SegmentBuffers} at the end. The early syncs promise nothing: the caller
 * still syncs the file once it is complete, as before.
 * A sealed segment's buffer can be handed over whole ({@link #exchange}): the writer then writes
 * it and keeps it in its place, and the caller gets one of its free buffers back, so the segment
 * is not copied.
 * A failure to write or to sync is thrown by the next {@code write}, {@code exchange} or {@code close}.
 * Closing closes the channel.
 */
final class WriteBehind extends OutputStream implements io.kinko.vault.crypto.SegmentSink {
  static final int BUFFER = io.kinko.vault.crypto.SegmentBuffers.SIZE;
  static final int BUFFERS = 4;
  /** How much is written between two early syncs: large enough for the disk to stream. */
  static final long WRITE_BACK = 32L << 20;
  private static final ByteBuffer END = ByteBuffer.allocate(0);

  private final FileChannel channel;
  private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(BUFFERS + 1);
  private final Thread writer;
  private final ExecutorService syncer;
  private ByteBuffer current;
  private int allocated;
  private boolean closed;
  private boolean reported;
  private volatile IOException failure;

  WriteBehind(FileChannel channel) {
    this.channel = channel;
    this.syncer = Executors.newSingleThreadExecutor(r -> daemon(r, "kinko-write-back"));
    this.writer = daemon(this::writeAll, "kinko-blob-writer");
    writer.start();
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    write(ByteBuffer.wrap(b, off, len));
  }

  /** Takes all of {@code bytes} (a copy: the caller may reuse its buffer at once). */
  @Override
  public int write(ByteBuffer bytes) throws IOException {
    if (closed) {
      throw new java.nio.channels.ClosedChannelException();
    }
    int length = bytes.remaining();
    while (bytes.hasRemaining()) {
      if (current == null) {
        current = take();
      }
      int n = Math.min(bytes.remaining(), current.remaining());
      current.put(bytes.slice().limit(n));
      bytes.position(bytes.position() + n);
      if (!current.hasRemaining()) {
        hand(current);
        current = null;
      }
    }
    return length;
  }

  /**
   * Queues {@code full} itself after what was written before, and returns a free buffer, cleared.
   * A buffer that is not a segment buffer is copied like {@link #write(ByteBuffer)} and given back.
   */
  @Override
  public ByteBuffer exchange(ByteBuffer full) throws IOException {
    if (closed) {
      throw new java.nio.channels.ClosedChannelException();
    }
    if (!full.isDirect() || full.capacity() != BUFFER) {
      write(full);
      return full.clear();
    }
    if (current != null && current.position() > 0) {
      hand(current); // the bytes written before go first
      current = null;
    }
    ByteBuffer next = take();
    failIfFailed();
    try {
      put(full);
    } catch (InterruptedException e) {
      free.add(next);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing a blob");
    }
    return next.clear();
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  /** Writes everything handed in, waits for the writer and the last early sync, then closes the channel. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (current != null && current.position() > 0) {
        put(current.flip()); // a failure so far is thrown below, once
      }
      current = null;
      put(END);
      writer.join();
    } catch (InterruptedException e) {
      writer.interrupt();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing a blob");
    } finally {
      syncer.shutdown();
      channel.close();
    }
    if (!writer.isAlive()) {
      free.forEach(io.kinko.vault.crypto.SegmentBuffers::give);
      free.clear();
    }
    if (failure != null) {
      // Thrown once as itself; again (try-with-resources after a failed write) as a new exception.
      throw reported ? new IOException("the blob was not completely written: " + FileStore.describe(failure), failure) : failure;
    }
  }

  private ByteBuffer take() throws IOException {
    failIfFailed();
    ByteBuffer b = free.poll();
    if (b == null && allocated < BUFFERS) {
      allocated++;
      return io.kinko.vault.crypto.SegmentBuffers.take();
    }
    try {
      return b != null ? b : free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing a blob");
    }
  }

  private void hand(ByteBuffer b) throws IOException {
    failIfFailed();
    b.flip();
    try {
      put(b);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing a blob");
    }
  }

  private void put(ByteBuffer b) throws InterruptedException {
    full.put(b);
  }

  private void failIfFailed() throws IOException {
    IOException f = failure;
    if (f != null) {
      reported = true;
      throw f;
    }
  }

  /** The writer thread: writes each buffer in turn, starts an early sync now and then, and waits for the last at the end. */
  private void writeAll() {
    long unsynced = 0;
    Future<?> sync = null;
    try {
      for (ByteBuffer b = full.take(); b != END; b = full.take()) {
        try {
          if (failure == null) {
            unsynced += b.remaining();
            while (b.hasRemaining()) {
              channel.write(b);
            }
            if (unsynced >= WRITE_BACK && (sync == null || sync.isDone())) {
              check(sync);
              sync = syncer.submit(() -> {
                channel.force(false);
                return null;
              });
              unsynced = 0;
            }
          }
        } catch (IOException | RuntimeException e) {
          failure = e instanceof IOException io ? io : new IOException("cannot write a blob", e);
        }
        b.clear();
        free.add(b);
      }
      check(sync);
    } catch (InterruptedException e) {
      failure = new InterruptedIOException("interrupted while writing a blob");
    } catch (IOException e) {
      failure = e;
    }
  }

  /** Rethrows the failure of a finished early sync: a sync that failed may not fail again later (Linux clears the error). */
  private static void check(Future<?> sync) throws IOException, InterruptedException {
    if (sync == null) {
      return;
    }
    try {
      sync.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException("cannot sync a blob", e.getCause());
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
