package io.kinko.vault.crypto;

import io.kinko.vault.IncidentRule;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingParameters;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.Hkdf;
import com.google.crypto.tink.subtle.StreamSegmentDecrypter;
import com.google.crypto.tink.subtle.StreamSegmentEncrypter;
import com.google.crypto.tink.util.SecretBytes;
import io.kinko.vault.IntegrityException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The blob format, version 1. A blob is a header that carries the file key wrapped by the master
 * key and a MAC keyed from that file key (committing the blob to its key), followed by Tink
 * AES256_GCM_HKDF_1MB streaming ciphertext whose associated data binds vault id, file id and
 * format version.
 *
 * <pre>
 * offset  size  field
 *      0     5  magic "KINKO"
 *      5     1  format version (1)
 *      6     1  algorithm id (1: AES256_GCM_HKDF_1MB body, file key wrapped with the master AEAD)
 *      7    16  file id
 *     23     4  master key id (Tink key id, big-endian)
 *     27     2  length L of the wrapped file key (big-endian)
 *     29     L  wrapped file key
 *   29+L    32  HMAC-SHA256 over bytes [0, 29+L) with a key derived from the file key
 *   61+L     …  streaming ciphertext
 * </pre>
 *
 * <p>Security guarantees: a reader rejects an unknown version or algorithm, a wrong file id, any
 * flipped byte, truncation, appended bytes and reordered segments, and returns only plaintext of
 * segments that authenticated. Destroying the header destroys the vault's only copy of the key.
 */
public final class BlobCipher {
  static final byte[] MAGIC = "KINKO".getBytes(StandardCharsets.US_ASCII);
  static final int FORMAT_VERSION = 1;
  static final int ALGORITHM_AES256_GCM_HKDF_1MB = 1;
  static final int FILE_ID_BYTES = 16;
  static final int FIXED_HEADER_BYTES = 29;
  static final int MAC_BYTES = 32;
  static final int MAX_WRAPPED_KEY_BYTES = 512;
  static final int FILE_KEY_BYTES = 32;
  static final int SEGMENT_BYTES = 1 << 20;
  /** Tink's stream header (1 + 32-byte salt + 7-byte nonce prefix) and its 16-byte tag per segment. */
  static final int FIRST_SEGMENT_PLAINTEXT = SEGMENT_BYTES - 40 - 16;
  static final int SEGMENT_PLAINTEXT = SEGMENT_BYTES - 16;
  private static final int TAG_BYTES = 16;

  private static final AesGcmHkdfStreamingParameters STREAM_PARAMETERS;

  static {
    try {
      STREAM_PARAMETERS = AesGcmHkdfStreamingParameters.builder()
          .setKeySizeBytes(32)
          .setDerivedAesGcmKeySizeBytes(32)
          .setHkdfHashType(AesGcmHkdfStreamingParameters.HashType.SHA256)
          .setCiphertextSegmentSizeBytes(SEGMENT_BYTES)
          .build();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private BlobCipher() {}

  /**
   * Writes a blob header for a fresh file key to {@code blob} and returns the stream that
   * encrypts the body; closing it writes the last segment and closes {@code blob}.
   */
  public static OutputStream encrypt(VaultKeys keys, String fileId, OutputStream blob) throws IOException {
    byte[] id = fileIdBytes(fileId);
    byte[] fileKey = Bytes.random(FILE_KEY_BYTES);
    try {
      blob.write(header(keys, id, fileKey));
      return stream(fileKey, id).newEncryptingStream(blob, bodyAd(keys.vaultId(), id));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not encrypt file " + fileId, e);
    } finally {
      Bytes.wipe(fileKey);
    }
  }

  /**
   * Writes the same blob as {@link #encrypt(VaultKeys, String, OutputStream)}, for large files:
   * each segment is sealed from and into direct buffers, which BoringSSL (Conscrypt) reads and
   * writes in place, where Tink's stream hands it heap buffers that it copies into new direct
   * buffers per segment (several times slower). Closing the stream writes the last segment and
   * closes {@code blob}. Memory: two segment-sized direct buffers per stream.
   */
  public static OutputStream encryptToChannel(VaultKeys keys, String fileId, WritableByteChannel blob) throws IOException {
    byte[] id = fileIdBytes(fileId);
    byte[] fileKey = Bytes.random(FILE_KEY_BYTES);
    try {
      StreamSegmentEncrypter segments = ((AesGcmHkdfStreaming) stream(fileKey, id)).newStreamSegmentEncrypter(bodyAd(keys.vaultId(), id));
      writeFully(blob, ByteBuffer.wrap(header(keys, id, fileKey)));
      writeFully(blob, segments.getHeader());
      return new SealingStream(segments, blob, fileId);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not encrypt file " + fileId, e);
    } finally {
      Bytes.wipe(fileKey);
    }
  }

  /**
   * Writes to {@code blob} (left open) the blob that {@link #encrypt} writes for {@code
   * content[0, length)}, for content that fits in the first segment: the same bytes in one
   * segment, without the two segment-sized buffers the stream allocates (1 MiB each, per file).
   */
  public static void encryptSmall(VaultKeys keys, String fileId, byte[] content, int length, OutputStream blob) throws IOException {
    if (length < 0 || length > FIRST_SEGMENT_PLAINTEXT || length > content.length) {
      throw new IllegalArgumentException(length + " bytes do not fit in the first segment of a blob");
    }
    byte[] id = fileIdBytes(fileId);
    byte[] fileKey = Bytes.random(FILE_KEY_BYTES);
    try {
      blob.write(header(keys, id, fileKey));
      StreamSegmentEncrypter segments = ((AesGcmHkdfStreaming) stream(fileKey, id)).newStreamSegmentEncrypter(bodyAd(keys.vaultId(), id));
      ByteBuffer streamHeader = segments.getHeader();
      ByteBuffer body = ByteBuffer.allocate(streamHeader.remaining() + length + TAG_BYTES);
      body.put(streamHeader);
      segments.encryptSegment(ByteBuffer.wrap(content, 0, length), true, body);
      blob.write(body.array(), 0, body.position());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not encrypt file " + fileId, e);
    } finally {
      Bytes.wipe(fileKey);
    }
  }

  /** The blob header for a fresh file key: the key wrapped by the master key, and the MAC keyed from it. */
  private static byte[] header(VaultKeys keys, byte[] id, byte[] fileKey) throws GeneralSecurityException {
    byte[] wrapped = keys.masterAead().encrypt(fileKey, fileKeyAd(keys.vaultId(), id));
    ByteBuffer header = ByteBuffer.allocate(FIXED_HEADER_BYTES + wrapped.length + MAC_BYTES);
    header.put(MAGIC).put((byte) FORMAT_VERSION).put((byte) ALGORITHM_AES256_GCM_HKDF_1MB).put(id)
        .putInt(keys.masterKeyId()).putShort((short) wrapped.length).put(wrapped);
    header.put(headerMac(fileKey, id, header.array(), header.position()));
    return header.array();
  }

  /**
   * Verifies a blob's header and returns a stream of its verified plaintext, which must come to
   * exactly {@code expectedSize} bytes.
   *
   * @throws IntegrityException if the header is malformed, belongs to another file or vault, or
   *     was altered; the returned stream throws it for a body that fails verification
   */
  public static InputStream decrypt(VaultKeys keys, String fileId, long expectedSize, InputStream blob) throws IOException {
    byte[] id = fileIdBytes(fileId);
    SourceStream source = new SourceStream(blob);
    DataInputStream in = new DataInputStream(source);
    byte[] fixed = new byte[FIXED_HEADER_BYTES];
    readHeader(in, fixed, fileId);
    ByteBuffer b = ByteBuffer.wrap(fixed);
    byte[] magic = new byte[MAGIC.length];
    b.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + " is not a Kinko blob (bad magic)");
    }
    int version = Byte.toUnsignedInt(b.get());
    if (version != FORMAT_VERSION) {
      throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + " has unsupported blob format version " + version);
    }
    int algorithm = Byte.toUnsignedInt(b.get());
    if (algorithm != ALGORITHM_AES256_GCM_HKDF_1MB) {
      throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + " uses unknown algorithm id " + algorithm);
    }
    byte[] headerId = new byte[FILE_ID_BYTES];
    b.get(headerId);
    if (!Arrays.equals(headerId, id)) {
      throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "blob of file " + fileId + " holds file " + Bytes.hex(headerId) + " (swapped or misplaced)");
    }
    int masterKeyId = b.getInt();
    int wrappedLength = Short.toUnsignedInt(b.getShort());
    if (wrappedLength == 0 || wrappedLength > MAX_WRAPPED_KEY_BYTES) {
      throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + " has a wrapped key of impossible length " + wrappedLength);
    }
    byte[] rest = new byte[wrappedLength + MAC_BYTES];
    readHeader(in, rest, fileId);
    byte[] wrapped = Arrays.copyOf(rest, wrappedLength);
    if (masterKeyId != keys.masterKeyId()) {
      throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + " is wrapped under master key " + Integer.toUnsignedString(masterKeyId) + ", not this vault's");
    }
    byte[] fileKey;
    try {
      fileKey = keys.masterAead().decrypt(wrapped, fileKeyAd(keys.vaultId(), id));
    } catch (GeneralSecurityException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + ": wrapped file key failed to decrypt (altered header or another vault's blob)");
    }
    try {
      ByteBuffer header = ByteBuffer.allocate(FIXED_HEADER_BYTES + wrappedLength);
      header.put(fixed).put(wrapped);
      byte[] expectedMac = headerMac(fileKey, id, header.array(), header.capacity());
      if (!MessageDigest.isEqual(expectedMac, Arrays.copyOfRange(rest, wrappedLength, rest.length))) {
        throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + ": header MAC does not match");
      }
      if (expectedSize <= FIRST_SEGMENT_PLAINTEXT) {
        return decryptSmall(stream(fileKey, id), bodyAd(keys.vaultId(), id), in, source, fileId, expectedSize);
      }
      AesGcmHkdfStreaming segments = (AesGcmHkdfStreaming) stream(fileKey, id);
      StreamSegmentDecrypter decrypter = segments.newStreamSegmentDecrypter();
      byte[] streamHeader = new byte[segments.getHeaderLength()];
      readHeader(in, streamHeader, fileId);
      try {
        decrypter.init(ByteBuffer.wrap(streamHeader), bodyAd(keys.vaultId(), id));
      } catch (GeneralSecurityException e) {
        throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + " failed integrity check at segment 0", e);
      }
      return new OpeningStream(decrypter, in, blob instanceof ChannelInput c ? c.channel() : null, fileId, expectedSize);
    } catch (GeneralSecurityException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + ": body cannot be opened", e);
    } finally {
      Bytes.wipe(fileKey);
    }
  }

  /**
   * A body whose size fits in one segment, read whole and opened without the stream's
   * segment-sized buffers. A body of any other length, or one that does not open, goes to the
   * stream after all, which fails it with the same exception at the same read as before.
   */
  private static InputStream decryptSmall(StreamingAead stream, byte[] ad, InputStream in, SourceStream source, String fileId,
      long expectedSize) throws IOException, GeneralSecurityException {
    AesGcmHkdfStreaming segments = (AesGcmHkdfStreaming) stream;
    int length = segments.getHeaderLength() + (int) expectedSize + TAG_BYTES;
    byte[] body = in.readNBytes(length + 1);
    if (body.length == length) {
      try {
        StreamSegmentDecrypter decrypter = segments.newStreamSegmentDecrypter();
        decrypter.init(ByteBuffer.wrap(body, 0, segments.getHeaderLength()), ad);
        ByteBuffer plain = ByteBuffer.allocate((int) expectedSize);
        decrypter.decryptSegment(ByteBuffer.wrap(body, segments.getHeaderLength(), length - segments.getHeaderLength()), 0, true, plain);
        in.close();
        return new java.io.ByteArrayInputStream(plain.array(), 0, plain.position());
      } catch (GeneralSecurityException forged) {
        // The stream below reports it, charged to its segment.
      }
    }
    InputStream rest = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(body), in);
    return new VerifiedStream(stream.newDecryptingStream(rest, ad), source, fileId, expectedSize);
  }

  /** Bytes at the start of a blob whose destruction destroys its file key (header and MAC). */
  public static int headerLength(InputStream blob) throws IOException {
    byte[] fixed = blob.readNBytes(FIXED_HEADER_BYTES);
    if (fixed.length < FIXED_HEADER_BYTES) {
      return fixed.length;
    }
    return FIXED_HEADER_BYTES + Short.toUnsignedInt(ByteBuffer.wrap(fixed, 27, 2).getShort()) + MAC_BYTES;
  }

  private static void readHeader(DataInputStream in, byte[] into, String fileId) throws IOException {
    try {
      in.readFully(into);
    } catch (EOFException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + " is truncated inside its header");
    }
  }

  private static StreamingAead stream(byte[] fileKey, byte[] fileId) throws GeneralSecurityException {
    byte[] ikm = Hkdf.computeHkdf("HMACSHA256", fileKey, fileId, "kinko/blob-stream/v1".getBytes(StandardCharsets.US_ASCII), 32);
    try {
      return AesGcmHkdfStreaming.create(
          AesGcmHkdfStreamingKey.create(STREAM_PARAMETERS, SecretBytes.copyFrom(ikm, InsecureSecretKeyAccess.get())));
    } finally {
      Bytes.wipe(ikm);
    }
  }

  private static byte[] headerMac(byte[] fileKey, byte[] fileId, byte[] header, int length) throws GeneralSecurityException {
    byte[] macKey = Hkdf.computeHkdf("HMACSHA256", fileKey, fileId, "kinko/blob-header-mac/v1".getBytes(StandardCharsets.US_ASCII), 32);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
      mac.update(header, 0, length);
      return mac.doFinal();
    } finally {
      Bytes.wipe(macKey);
    }
  }

  private static byte[] fileKeyAd(String vaultId, byte[] fileId) {
    return Bytes.label("kinko/file-key/v1", vaultId.getBytes(StandardCharsets.UTF_8), fileId);
  }

  private static byte[] bodyAd(String vaultId, byte[] fileId) {
    return Bytes.label("kinko/blob-body/v" + FORMAT_VERSION, vaultId.getBytes(StandardCharsets.UTF_8), fileId);
  }

  static byte[] fileIdBytes(String fileId) {
    if (fileId == null || fileId.length() != FILE_ID_BYTES * 2) {
      throw new IllegalArgumentException("file id '" + fileId + "' is not 32 hex digits");
    }
    return Bytes.unhex(fileId);
  }

  private static void writeFully(WritableByteChannel channel, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  /**
   * The body of a blob, sealed segment by segment as Tink's stream seals it: a segment is sealed
   * as not the last only once a byte after it arrives, and what is left at close as the last.
   */
  private static final class SealingStream extends OutputStream {
    private final StreamSegmentEncrypter segments;
    private final WritableByteChannel blob;
    private final String fileId;
    private final ByteBuffer plain = SegmentBuffers.take().limit(FIRST_SEGMENT_PLAINTEXT);
    private ByteBuffer sealed = SegmentBuffers.take();
    private boolean closed;

    SealingStream(StreamSegmentEncrypter segments, WritableByteChannel blob, String fileId) {
      this.segments = segments;
      this.blob = blob;
      this.fileId = fileId;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (closed) {
        throw new IOException("stream closed");
      }
      while (len > 0) {
        if (!plain.hasRemaining()) {
          seal(false); // more bytes follow: this segment is not the last
        }
        int n = Math.min(len, plain.remaining());
        plain.put(b, off, n);
        off += n;
        len -= n;
      }
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        seal(true);
      } finally {
        SegmentBuffers.give(plain);
        SegmentBuffers.give(sealed);
        blob.close();
      }
    }

    private void seal(boolean last) throws IOException {
      plain.flip();
      sealed.clear();
      try {
        segments.encryptSegment(plain, last, sealed);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("could not encrypt file " + fileId, e);
      }
      if (blob instanceof SegmentSink sink) {
        ByteBuffer full = sealed.flip();
        sealed = null; // the sink owns it now; if the exchange fails, close gives back nothing of it
        sealed = sink.exchange(full);
      } else {
        writeFully(blob, sealed.flip());
      }
      plain.clear().limit(SEGMENT_PLAINTEXT);
    }
  }

  /**
   * The verified plaintext of a blob of more than one segment, opened segment by segment in
   * direct buffers (see {@link #encryptToChannel}). The recorded
   * size says which segment is the last and how long each is; the last-segment flag is
   * authenticated, so a truncated, extended or reordered body, or a wrong size, fails a segment.
   * Only a segment that authenticated is handed out, and no byte past the recorded size.
   */
  private static final class OpeningStream extends InputStream implements SegmentSource {
    private final StreamSegmentDecrypter decrypter;
    private final InputStream in;
    /** The blob's channel, read straight into {@code sealed}; null: read through {@code read}. */
    private final java.nio.channels.ReadableByteChannel channel;
    private final String fileId;
    private final long expectedSize;
    private final int lastSegment;
    private final byte[] read;
    private final ByteBuffer sealed = SegmentBuffers.take();
    private ByteBuffer plain = SegmentBuffers.take().limit(0);
    private int segment;
    private boolean closed;
    private IntegrityException failure;

    OpeningStream(StreamSegmentDecrypter decrypter, InputStream in, java.nio.channels.ReadableByteChannel channel, String fileId,
        long expectedSize) {
      this.decrypter = decrypter;
      this.in = in;
      this.channel = channel;
      this.read = channel == null ? new byte[SEGMENT_BYTES] : null;
      this.fileId = fileId;
      this.expectedSize = expectedSize;
      long after = expectedSize - FIRST_SEGMENT_PLAINTEXT;
      long segments = 1 + (after + SEGMENT_PLAINTEXT - 1) / SEGMENT_PLAINTEXT;
      if (after <= 0 || segments > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("file " + fileId + ": " + expectedSize + " bytes are not a blob of several segments");
      }
      this.lastSegment = (int) segments - 1;
    }

    @Override
    public int read() throws IOException {
      return Bytes.readOne(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (closed) {
        throw new IOException("stream closed"); // its buffers went back to the pool
      }
      if (failure != null) {
        throw failure;
      }
      if (len == 0) {
        return 0;
      }
      if (!hasMore()) {
        return -1;
      }
      int n = Math.min(len, plain.remaining());
      plain.get(b, off, n);
      return n;
    }

    @Override
    public ByteBuffer exchange(ByteBuffer empty) throws IOException {
      boolean more;
      try {
        if (closed) {
          throw new IOException("stream closed");
        }
        if (failure != null) {
          throw failure;
        }
        more = hasMore();
      } catch (IOException | RuntimeException e) {
        SegmentBuffers.give(empty);
        throw e;
      }
      if (!more) {
        SegmentBuffers.give(empty);
        return null;
      }
      ByteBuffer full = plain;
      plain = empty.clear().limit(0);
      return full;
    }

    /** Whether {@code plain} has bytes, opening the next segment if it has none; false at the checked end. */
    private boolean hasMore() throws IOException {
      if (plain.hasRemaining()) {
        return true;
      }
      if (segment > lastSegment) {
        if (in.read() >= 0) {
          throw fail(new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + " is longer than its recorded size " + expectedSize));
        }
        return false;
      }
      open();
      return true;
    }

    /** Reads and authenticates the next segment; an I/O failure of the blob is thrown as it is. */
    private void open() throws IOException {
      int length = segmentLength(segment);
      int n;
      if (channel != null) {
        sealed.clear().limit(length);
        while (sealed.hasRemaining() && channel.read(sealed) >= 0) {
          // a file channel reads all that is there; a short read only comes before the end
        }
        n = sealed.flip().remaining();
      } else {
        n = in.readNBytes(read, 0, length);
        sealed.clear().put(read, 0, n).flip();
      }
      plain.clear().limit(SEGMENT_PLAINTEXT);
      try {
        if (n < length) {
          throw new GeneralSecurityException("truncated");
        }
        decrypter.decryptSegment(sealed, segment, segment == lastSegment, plain);
      } catch (GeneralSecurityException e) {
        plain.clear().limit(0);
        throw fail(new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + " failed integrity check at segment " + segment, e));
      }
      plain.flip();
      segment++;
    }

    /** The ciphertext length of segment {@code i} of a body whose plaintext is {@code expectedSize} bytes. */
    private int segmentLength(int i) {
      if (i == 0) {
        return FIRST_SEGMENT_PLAINTEXT + TAG_BYTES;
      }
      if (i < lastSegment) {
        return SEGMENT_BYTES;
      }
      long rest = expectedSize - FIRST_SEGMENT_PLAINTEXT - (long) (lastSegment - 1) * SEGMENT_PLAINTEXT;
      return (int) rest + TAG_BYTES;
    }

    private IntegrityException fail(IntegrityException e) {
      failure = e;
      return e;
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        plain.limit(0);
        SegmentBuffers.give(sealed);
        SegmentBuffers.give(plain);
      }
      in.close();
    }
  }

  /** Remembers whether the raw blob read failed, to tell a disk error from a forged segment. */
  private static final class SourceStream extends java.io.FilterInputStream {
    IOException failure;

    SourceStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
  }

  /** Turns Tink's authentication failures into {@link IntegrityException} and checks the size. */
  private static final class VerifiedStream extends InputStream {
    private final InputStream body;
    private final SourceStream source;
    private final String fileId;
    private final long expectedSize;
    private long delivered;

    VerifiedStream(InputStream body, SourceStream source, String fileId, long expectedSize) {
      this.body = body;
      this.source = source;
      this.fileId = fileId;
      this.expectedSize = expectedSize;
    }

    @Override
    public int read() throws IOException {
      return Bytes.readOne(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        // One call never spans two segments, so a failure is charged to the right segment.
        n = body.read(b, off, (int) Math.min(len, toSegmentEnd(delivered)));
      } catch (IOException e) {
        if (source.failure != null) {
          throw e;
        }
        throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + " failed integrity check at segment " + segmentAt(delivered), e);
      }
      if (n < 0) {
        if (delivered != expectedSize) {
          throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + " decrypted to " + delivered + " bytes, metadata says " + expectedSize);
        }
        return -1;
      }
      delivered += n;
      if (delivered > expectedSize) {
        throw new IntegrityException(IncidentRule.INTEGRITY_BLOB, "file " + fileId + " is longer than its recorded size " + expectedSize);
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      body.close();
    }

    private static long toSegmentEnd(long plaintextOffset) {
      if (plaintextOffset < FIRST_SEGMENT_PLAINTEXT) {
        return FIRST_SEGMENT_PLAINTEXT - plaintextOffset;
      }
      return SEGMENT_PLAINTEXT - (plaintextOffset - FIRST_SEGMENT_PLAINTEXT) % SEGMENT_PLAINTEXT;
    }

    private static long segmentAt(long plaintextOffset) {
      return plaintextOffset < FIRST_SEGMENT_PLAINTEXT ? 0 : 1 + (plaintextOffset - FIRST_SEGMENT_PLAINTEXT) / SEGMENT_PLAINTEXT;
    }
  }
}
