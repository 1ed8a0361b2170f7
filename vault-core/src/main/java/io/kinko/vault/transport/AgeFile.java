package io.kinko.vault.transport;

import com.exceptionfactory.jagged.FileKey;
import com.exceptionfactory.jagged.PayloadException;
import com.exceptionfactory.jagged.RecipientStanza;
import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.codec.CanonicalBase64;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import io.kinko.vault.IntegrityException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Binary age files (age-encryption.org/v1), streamed through jagged: what {@code age -d} opens and
 * what {@code age -r}, {@code -R} and {@code -p} write. Memory stays constant whatever the size:
 * the payload moves in age's 64 KiB chunks.
 *
 * <pre>{@code
 * try (AgeFile.Writer out = AgeFile.encrypt(Files.newOutputStream(target), recipients)) {
 *   source.transferTo(out);
 *   out.finish();                 // without it, close() leaves a file that no reader accepts
 * }
 * try (InputStream in = AgeFile.decrypt(Files.newInputStream(target), identities)) { ... }
 * }</pre>
 *
 * <p>Security guarantees: a reader gets only bytes whose chunk authenticated, and a file that is
 * truncated, extended, reordered or altered fails with {@link IntegrityException} at the first bad
 * chunk; a writer that is closed without {@link Writer#finish()} leaves no final chunk, so an
 * interrupted export never reads back as a complete, shorter file.
 *
 * <p>Restrictions: no armor (PEM), no plugins, no ML-KEM hybrid recipients, no SSH keys; an scrypt
 * stanza must be a file's only one; age's rules on a header's shape are enforced before an
 * identity is tried.
 */
public final class AgeFile {
  private static final byte[] INTRO = "age-encryption.org/v1\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AGE = "age-encryption.org/".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ARMOR = "-----BEGIN AGE ENCRYPTED FILE-----".getBytes(StandardCharsets.US_ASCII);

  private AgeFile() {}

  /**
   * Starts an age file on {@code target}: the header is written now, the payload as it comes.
   * If the header cannot be written, {@code target} is closed.
   *
   * @throws IllegalArgumentException if there is no recipient, or a passphrase among others
   * @throws UncheckedIOException if the header cannot be written
   */
  public static Writer encrypt(OutputStream target, List<AgeRecipient> recipients) {
    return encrypt(Channels.newChannel(target), recipients);
  }

  /** {@link #encrypt(OutputStream, List)} onto a channel. */
  public static Writer encrypt(WritableByteChannel target, List<AgeRecipient> recipients) {
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("an age file needs at least one recipient");
    }
    if (recipients.size() > 1 && recipients.stream().anyMatch(AgeRecipient::alone)) {
      throw new IllegalArgumentException("a passphrase must be an age file's only recipient (age's scrypt rule)");
    }
    try {
      List<RecipientStanzaWriter> writers = new ArrayList<>();
      for (AgeRecipient r : recipients) {
        writers.add(r.writer());
      }
      return new Writer(new StandardEncryptingChannelFactory().newEncryptingChannel(target, writers), target);
    } catch (GeneralSecurityException e) {
      closeQuietly(target);
      throw new IllegalStateException("age header for " + recipients + " could not be written: " + e.getMessage(), e);
    } catch (IOException e) {
      closeQuietly(target);
      throw new UncheckedIOException("age header could not be written", e);
    }
  }

  /**
   * The payload of the age file read from {@code source}, opened with the first of
   * {@code identities} that fits. Closing the stream closes {@code source}; so does a failure to
   * open it.
   *
   * @throws NotAgeException if {@code source} is not a binary age v1 file
   * @throws NoMatchingIdentityException if the header is sound but no identity opens it
   * @throws IntegrityException if the header is damaged; reading the stream throws it too, at the
   *     first chunk that fails
   * @throws UncheckedIOException if {@code source} cannot be read
   */
  public static InputStream decrypt(InputStream source, List<AgeIdentity> identities) {
    return open(source, identities).payload();
  }

  /** {@link #decrypt(InputStream, List)} from a channel. */
  public static ReadableByteChannel decrypt(ReadableByteChannel source, List<AgeIdentity> identities) {
    return decrypt(source, new Identities(identities));
  }

  /**
   * {@link #decrypt(InputStream, List)}, also telling which of {@code identities} open the file:
   * age does not say whom a file was for, so a reader that knows it from elsewhere (a signed
   * waybill) checks it against those identities. Every one of them is told, not only the first:
   * a header with stanzas for two of them opens with whichever comes first, and a verdict that
   * hung on the order of the identities would refuse the file for one and take it for the other.
   */
  public static Opened open(InputStream source, List<AgeIdentity> identities) {
    Identities tried = new Identities(identities);
    ReadableByteChannel payload = decrypt(Channels.newChannel(source), tried);
    return new Opened(Channels.newInputStream(payload), List.copyOf(tried.openers));
  }

  /**
   * An opened age file: its payload, and the identities whose stanzas give its file key (the one
   * that opened it first). Closing it closes the payload.
   */
  public record Opened(InputStream payload, List<AgeIdentity> identities) implements Closeable {
    @Override
    public void close() throws IOException {
      payload.close();
    }
  }

  private static ReadableByteChannel decrypt(ReadableByteChannel source, Identities identities) {
    boolean opened = false;
    try {
      ByteBuffer intro = readIntro(source);
      ReadableByteChannel whole = new Replay(intro, source);
      ReadableByteChannel payload = new Checked(new StandardDecryptingChannelFactory().newDecryptingChannel(whole, List.of(identities)));
      opened = true;
      return payload;
    } catch (Refused e) {
      throw e.verdict;
    } catch (SignatureException e) {
      throw new IntegrityException("damaged age header: its MAC does not match (the header was altered)");
    } catch (GeneralSecurityException e) {
      throw new IntegrityException("damaged age header: " + e.getMessage());
    } catch (PayloadException e) {
      throw new IntegrityException("damaged age payload: " + e.getMessage());
    } catch (BufferUnderflowException e) {
      // jagged's header reader runs off a header cut just after a line's first one or two bytes
      throw new IntegrityException("damaged age header: it ends in the middle of a line (the file was truncated)");
    } catch (IOException e) {
      throw new UncheckedIOException("age file could not be read", e);
    } finally {
      if (!opened) {
        closeQuietly(source);
      }
    }
  }

  private static void closeQuietly(Channel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // the failure being thrown says more
    }
  }

  /** The first line, checked to be age v1's, to be replayed to jagged. */
  private static ByteBuffer readIntro(ReadableByteChannel source) throws IOException {
    ByteBuffer intro = ByteBuffer.allocate(Math.max(INTRO.length, ARMOR.length));
    while (intro.hasRemaining() && source.read(intro) >= 0) {
      // fill, or stop at the end
    }
    intro.flip();
    if (startsWith(intro, INTRO)) {
      return intro;
    }
    if (startsWith(intro, ARMOR)) {
      throw new NotAgeException("armored (PEM) age file: not supported; remove the armor with age -d first");
    }
    if (startsWith(intro, AGE)) {
      throw new NotAgeException("age file of a version other than age-encryption.org/v1");
    }
    throw new NotAgeException("not an age file (it does not start with age-encryption.org/v1)");
  }

  /** The bytes of a stanza argument in age's base64 (standard alphabet, no padding, canonical), or null. */
  static byte[] canonicalBase64(String argument) {
    try {
      return CanonicalBase64.getDecoder().decode(argument.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean startsWith(ByteBuffer buffer, byte[] prefix) {
    if (buffer.remaining() < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (buffer.get(buffer.position() + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The one stanza reader jagged is given: every identity against every stanza in order, as age's
   * own decrypt does, after the header-wide rules; its verdicts travel as {@link Refused}.
   */
  private static final class Identities implements RecipientStanzaReader {
    private final List<AgeIdentity> identities;
    /** The identities whose stanzas give the file key, the first that did first; filled once one did. */
    private final List<AgeIdentity> openers = new ArrayList<>();

    Identities(List<AgeIdentity> identities) {
      if (identities.isEmpty()) {
        throw new IllegalArgumentException("opening an age file needs at least one identity");
      }
      this.identities = List.copyOf(identities);
    }

    @Override
    public FileKey getFileKey(Iterable<RecipientStanza> stanzas) throws GeneralSecurityException {
      List<RecipientStanza> all = new ArrayList<>();
      stanzas.forEach(all::add);
      if (all.size() > 1 && all.stream().anyMatch(s -> Scrypt.TYPE.equals(s.getType()))) {
        throw new Refused(new IntegrityException("damaged age header: an scrypt stanza must be the only one"));
      }
      for (int i = 0; i < identities.size(); i++) {
        for (RecipientStanza stanza : all) {
          FileKey key = identities.get(i).unwrap(stanza);
          if (key != null) {
            openers.add(identities.get(i));
            alsoOpening(identities.subList(i + 1, identities.size()), all, key);
            return key;
          }
        }
      }
      throw new Refused(new NoMatchingIdentityException("none of the " + identities.size()
          + " identities given opens this age file (made for: "
          + all.stream().map(RecipientStanza::getType).collect(Collectors.joining(", ")) + ")"));
    }

    /**
     * Adds to {@link #openers} each of {@code rest} that a stanza gives {@code key}, the file key
     * found: only the same key counts, since a stanza that gives another would fail the header's
     * MAC. A stanza these identities find malformed is left as the first identity left it (the
     * file opens or fails as before); the other keys found are destroyed.
     */
    private void alsoOpening(List<AgeIdentity> rest, List<RecipientStanza> stanzas, FileKey key) {
      for (AgeIdentity identity : rest) {
        for (RecipientStanza stanza : stanzas) {
          FileKey other;
          try {
            other = identity.unwrap(stanza);
          } catch (Refused malformed) {
            continue;
          }
          if (other != null) {
            byte[] a = other.getEncoded();
            byte[] b = key.getEncoded();
            boolean same = java.security.MessageDigest.isEqual(a, b);
            io.kinko.vault.crypto.Bytes.wipe(a);
            io.kinko.vault.crypto.Bytes.wipe(b);
            other.destroy();
            if (same) {
              openers.add(identity);
              break;
            }
          }
        }
      }
    }
  }

  /** The bytes already read, then the rest of the channel. */
  private static final class Replay implements ReadableByteChannel {
    private final ByteBuffer head;
    private final ReadableByteChannel rest;

    Replay(ByteBuffer head, ReadableByteChannel rest) {
      this.head = head;
      this.rest = rest;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (!head.hasRemaining()) {
        return rest.read(dst);
      }
      int n = Math.min(head.remaining(), dst.remaining());
      dst.put(head.slice().limit(n));
      head.position(head.position() + n);
      return n;
    }

    @Override
    public boolean isOpen() {
      return rest.isOpen();
    }

    @Override
    public void close() throws IOException {
      rest.close();
    }
  }

  /** jagged's payload channel, with a failed chunk reported as {@link IntegrityException}, then and on every later read. */
  private static final class Checked implements ReadableByteChannel {
    private final ReadableByteChannel payload;
    private long delivered;
    private IntegrityException failed;

    Checked(ReadableByteChannel payload) {
      this.payload = payload;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (failed != null) {
        throw failed;
      }
      try {
        int n = payload.read(dst);
        delivered += Math.max(n, 0);
        return n;
      } catch (PayloadException e) {
        failed = new IntegrityException("damaged age payload: a chunk after byte " + delivered
            + " failed authentication (the file was altered, truncated or extended)", e);
        throw failed;
      }
    }

    @Override
    public boolean isOpen() {
      return payload.isOpen();
    }

    @Override
    public void close() throws IOException {
      payload.close();
    }
  }

  /**
   * The payload's way in. {@link #finish()} writes the final chunk and closes the target;
   * {@link #close()} before it abandons the file: the target is closed with no final chunk, so
   * the file fails every reader's integrity check. Not thread-safe.
   */
  public static final class Writer extends OutputStream implements WritableByteChannel {
    private final WritableByteChannel age;
    private final WritableByteChannel target;
    private boolean closed;

    private Writer(WritableByteChannel age, WritableByteChannel target) {
      this.age = age;
      this.target = target;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      write(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (closed) {
        throw new IOException("age file already finished or abandoned");
      }
      int n = src.remaining();
      while (src.hasRemaining()) {
        age.write(src);
      }
      return n;
    }

    /** Writes the final chunk and closes the target: the file is complete. */
    public void finish() throws IOException {
      if (closed) {
        throw new IOException("age file already finished or abandoned");
      }
      closed = true;
      age.close();
    }

    @Override
    public boolean isOpen() {
      return !closed;
    }

    /** After {@link #finish()}, nothing; before it, abandons the file (see the class comment). */
    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        target.close();
      }
    }
  }
}
