package io.kinko.vault.store;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A thread's interrupt, held back while a unit of vault work runs and given back when it ends.
 *
 * <p>A {@code FileChannel} closes itself when the thread in its I/O is interrupted (a request's
 * timeout, {@code Future.cancel(true)}, an executor's {@code shutdownNow}), and the log's journal
 * is shared by every caller of the vault (the database's file is not a channel: see
 * {@link UninterruptedFilePath}). So a unit of work clears the interrupt first, and journal I/O that
 * an interrupt arriving meanwhile stopped clears it, opens the file again and runs again; the
 * interrupt is given back when the outermost unit ends, or at once outside any. (One that arrives
 * while H2 waits on a lock of its own may be cleared by H2, which Kinko cannot see.)
 */
public final class Interrupts {
  private static final ThreadLocal<Held> HELD = new ThreadLocal<>();
  /** Threads nobody interrupts: I/O that must not be stopped (a sync), or that interrupts keep stopping, runs there. */
  private static final ExecutorService QUIET = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "kinko-io");
    t.setDaemon(true);
    return t;
  });

  private Interrupts() {}

  /** Clears this thread's interrupt until the returned unit closes, which gives it back. */
  public static Held holdBack() {
    Held held = new Held(HELD.get(), Thread.interrupted());
    HELD.set(held);
    return held;
  }

  /**
   * For I/O that cleared an interrupt that stopped it: the thread gets it back when its outermost
   * unit of work ends, or now if it is in none.
   */
  public static void giveBack() {
    Held held = HELD.get();
    if (held != null) {
      held.interrupted = true;
    } else {
      Thread.currentThread().interrupt();
    }
  }

  /** A step of I/O. */
  @FunctionalInterface
  public interface Io<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code io} on a thread nobody interrupts and waits for it; an interrupt of this thread
   * meanwhile does not stop the wait, and is given back.
   */
  public static <T> T onQuietThread(Io<T> io) throws IOException {
    Future<T> done = QUIET.submit(io::run);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return done.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException failed) {
            throw failed;
          }
          if (cause instanceof RuntimeException r) {
            throw r;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IOException(cause);
        }
      }
    } finally {
      if (interrupted) {
        giveBack();
      }
    }
  }

  /** A step of I/O on a file's channel. */
  @FunctionalInterface
  public interface Step<T> {
    T run(FileChannel channel) throws IOException;
  }

  /** A file whose channel an interrupt may close, and which opens it again. */
  public interface Reopening {
    /** The channel steps run on now. */
    FileChannel channel() throws IOException;

    /** Whether a step that failed with {@code closed} runs again on the file opened anew. */
    boolean reopensAfter(ClosedChannelException closed);

    /** Opens the file again in place of {@code failed}, unless that was done already. */
    void reopen(FileChannel failed) throws IOException;
  }

  /** Attempts on the caller's thread; interrupts that keep coming then send the step to a thread nobody interrupts. */
  private static final int ON_CALLER = 3;
  /** Gives up after this many attempts: only other threads' interrupts, closing a channel they share with it, could stop a step so often. */
  private static final int ATTEMPTS = 10_000;

  /**
   * Runs {@code step} on {@code file}'s channel. Where an interrupt closed the channel (this
   * thread's, or another's that used it too), opens the file again and runs the step again, whole:
   * a step that reads or writes a buffer starts it where it started. After a few attempts the step
   * runs on a thread nobody interrupts. An interrupt this thread had is given back.
   */
  public static <T> T retried(Reopening file, Step<T> step) throws IOException {
    boolean interrupted = false;
    try {
      for (int attempt = 1; ; attempt++) {
        FileChannel c = file.channel();
        try {
          return attempt <= ON_CALLER ? step.run(c) : onQuietThread(() -> step.run(c));
        } catch (ClosedChannelException e) {
          if (e instanceof ClosedByInterruptException) {
            interrupted |= Thread.interrupted();
          }
          if (!file.reopensAfter(e) || attempt == ATTEMPTS) {
            throw e;
          }
          file.reopen(c);
        }
      }
    } finally {
      if (interrupted) {
        giveBack();
      }
    }
  }

  /** One unit of work; units nest, and the outermost gives the interrupt back. */
  public static final class Held implements AutoCloseable {
    private final Held outer;
    private boolean interrupted;

    private Held(Held outer, boolean interrupted) {
      this.outer = outer;
      this.interrupted = interrupted;
    }

    @Override
    public void close() {
      HELD.set(outer);
      if (interrupted) {
        giveBack();
      }
    }
  }
}
