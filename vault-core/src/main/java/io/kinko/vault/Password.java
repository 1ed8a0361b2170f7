package io.kinko.vault;

import java.util.Arrays;

/**
 * A password held as characters that are zeroed on {@link #close()}. It never becomes a
 * {@code String}, and {@link #toString()} does not reveal it.
 *
 * <pre>{@code
 * try (Password password = Password.wrap(console.readPassword())) {
 *   vault.login("alice", password);
 * }
 * }</pre>
 */
public final class Password implements AutoCloseable {
  private final char[] chars;
  private boolean closed;

  private Password(char[] chars) {
    this.chars = chars;
  }

  /** Takes ownership of {@code chars}: the array is zeroed when this password is closed. */
  public static Password wrap(char[] chars) {
    if (chars == null) {
      throw new IllegalArgumentException("password characters are null");
    }
    return new Password(chars);
  }

  /** Copies {@code chars}; the caller still owns (and should wipe) the original array. */
  public static Password copyOf(char[] chars) {
    return wrap(chars.clone());
  }

  /** The characters, valid until {@link #close()}. Callers must not keep the array. */
  public char[] chars() {
    if (closed) {
      throw new IllegalStateException("password was closed");
    }
    return chars;
  }

  public int length() {
    return chars().length;
  }

  @Override
  public void close() {
    Arrays.fill(chars, '\0');
    closed = true;
  }

  @Override
  public String toString() {
    return "Password[hidden]";
  }
}
