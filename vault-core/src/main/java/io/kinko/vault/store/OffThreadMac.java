package io.kinko.vault.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;

/**
 * A MAC over a stream computed on a thread of its own, so that the content commitment of a put
 * does not serialize with the cipher on the caller's thread. The caller fills the buffers this
 * hands out, in turn; each is given back to the caller only once the MAC has consumed it, and
 * the chunks are MACed in the order they were handed in. The first chunk is MACed inline, so a
 * file that fits in one chunk starts no thread.
 */
final class OffThreadMac implements AutoCloseable {
  static final int CHUNK = 256 * 1024;

  private final Mac mac;
  private final byte[][] buffers = new byte[2][];
  private final Future<?>[] pending = new Future<?>[2];
  private ExecutorService worker;
  private int next;
  private long chunks;

  OffThreadMac(Mac mac) {
    this.mac = mac;
  }

  /** The buffer to fill next: free once the MAC is done with what it held before. */
  byte[] buffer() throws IOException {
    await(next);
    if (buffers[next] == null) {
      buffers[next] = new byte[CHUNK];
    }
    return buffers[next];
  }

  /** Hands the first {@code length} bytes of the buffer last returned by {@link #buffer()} to the MAC. */
  void update(int length) {
    byte[] chunk = buffers[next];
    if (chunks++ == 0) {
      mac.update(chunk, 0, length);
    } else {
      if (worker == null) {
        worker = Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "kinko-content-mac");
          t.setDaemon(true);
          return t;
        });
      }
      pending[next] = worker.submit(() -> mac.update(chunk, 0, length));
    }
    next ^= 1;
  }

  /** The MAC of every chunk handed in, once all of them are consumed. */
  byte[] doFinal() throws IOException {
    await(0);
    await(1);
    return mac.doFinal();
  }

  private void await(int i) throws IOException {
    Future<?> f = pending[i];
    if (f == null) {
      return;
    }
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while computing the content commitment");
    } catch (ExecutionException e) {
      throw new IllegalStateException("the content commitment failed", e.getCause());
    } finally {
      pending[i] = null;
    }
  }

  /** Stops the thread; a MAC abandoned midway is simply dropped. */
  @Override
  public void close() {
    if (worker != null) {
      worker.shutdownNow();
    }
  }
}
