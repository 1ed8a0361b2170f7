package io.kinko.vault.transport;

import com.exceptionfactory.jagged.FileKey;
import com.exceptionfactory.jagged.RecipientStanza;
import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.bech32.Bech32;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.Password;
import io.kinko.vault.Transport;
import io.kinko.vault.crypto.Bytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.CharBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * Something that opens an age file: an X25519 identity ({@code AGE-SECRET-KEY-1...}) or a
 * passphrase.
 *
 * <p>Restrictions: an identity file is read as bytes and each key handed to jagged as characters
 * that are zeroed at once, with the file's bytes; jagged keeps the decoded private key in an object
 * that cannot be zeroed, which lives as long as this identity. Its recipient is derived once, from
 * a second decoding whose scalar is zeroed; jagged's Bech32 decoder leaves copies of the key's
 * characters to the garbage collector, as its own reader does. A passphrase stays in the caller's
 * {@link Password}, which must stay open while files are decrypted with it.
 */
public abstract sealed class AgeIdentity {
  private static final String KEY_PREFIX = "AGE-SECRET-KEY-1";
  /** Any clamped scalar maps a low-order point to zero: a fixed one detects such shares. */
  private static final byte[] PROBE_SCALAR = new byte[32];

  private AgeIdentity() {}

  /**
   * The file key if {@code stanza} is this identity's and opens with it; null if the stanza is of
   * another type or for someone else.
   *
   * @throws Refused a malformed stanza of this identity's type
   */
  abstract FileKey unwrap(RecipientStanza stanza) throws Refused;

  /**
   * Whom a file this identity opens was made for, as {@link Transport.Recipients#named()} names
   * it: the X25519 recipient ({@code age1...}) of this identity, or "passphrase".
   */
  public abstract String recipient();

  /**
   * Whether this identity is one of {@code recipients} as a waybill names them: an X25519 identity
   * if one of them is its recipient, compared as the 32-byte public keys (not as text, whose case
   * may differ); a passphrase if one of them is "passphrase".
   */
  public abstract boolean isAmong(List<String> recipients);

  /** A passphrase, accepting work factors up to 2^22 (age's reference limit). */
  public static AgeIdentity passphrase(Password passphrase) {
    return passphrase(passphrase, Scrypt.MAX_WORK_FACTOR);
  }

  /**
   * A passphrase, accepting work factors up to 2^{@code maxWorkFactor}: a file demanding more is
   * refused before any work is done.
   *
   * @throws IllegalArgumentException if {@code maxWorkFactor} is not in 1..22
   */
  public static AgeIdentity passphrase(Password passphrase, int maxWorkFactor) {
    if (maxWorkFactor < 1 || maxWorkFactor > Scrypt.MAX_WORK_FACTOR) {
      throw new IllegalArgumentException("scrypt work factor limit " + maxWorkFactor + " is outside 1.." + Scrypt.MAX_WORK_FACTOR);
    }
    return new Passphrase(passphrase, maxWorkFactor);
  }

  /**
   * The identities in an age identity file ({@code age-keygen}'s output): one
   * {@code AGE-SECRET-KEY-1...} per line; lines starting with {@code #} and empty lines skipped.
   *
   * @throws IllegalArgumentException naming the line (never its content) of anything else, or if
   *     the file holds no identity
   * @throws UncheckedIOException if the file cannot be read
   */
  public static List<AgeIdentity> readFile(Path file) {
    byte[] contents;
    try {
      contents = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read identity file " + file, e);
    }
    return parse(contents, "identity file " + file);
  }

  /** {@link #readFile}'s rules on {@code contents} from {@code source}; zeroes {@code contents}. */
  public static List<AgeIdentity> parse(byte[] contents, String source) {
    try {
      if (startsWith(contents, 0, "age-encryption.org/") || startsWith(contents, 0, "-----BEGIN AGE")) {
        throw new IllegalArgumentException(source + " is itself encrypted; decrypt it with age first");
      }
      List<AgeIdentity> out = new ArrayList<>();
      int line = 0;
      for (int start = 0; start < contents.length; ) {
        line++;
        int end = start;
        while (end < contents.length && contents[end] != '\n') {
          end++;
        }
        int stop = end > start && contents[end - 1] == '\r' ? end - 1 : end;
        if (stop > start && contents[start] != '#') {
          out.add(key(contents, start, stop, source + " line " + line));
        }
        start = end + 1;
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(source + " holds no identity");
      }
      return out;
    } finally {
      Bytes.wipe(contents);
    }
  }

  private static AgeIdentity key(byte[] contents, int start, int stop, String where) {
    if (startsWith(contents, start, "AGE-PLUGIN-")) {
      throw new IllegalArgumentException(where + ": plugin identities are not supported");
    }
    if (!startsWith(contents, start, KEY_PREFIX)) {
      throw new IllegalArgumentException(where + ": not an age X25519 identity (AGE-SECRET-KEY-1...)");
    }
    char[] chars = new char[stop - start];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) (contents[start + i] & 0xff);
    }
    try {
      return new X25519Key(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(CharBuffer.wrap(chars)), publicKey(chars));
    } catch (GeneralSecurityException | RuntimeException e) {
      // e's message may quote the key: not passed on
      throw new IllegalArgumentException(where + ": not a valid age X25519 identity");
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  /** The X25519 public key of the identity in {@code chars} (already accepted by jagged): Bouncy Castle's scalar times the base point. */
  private static byte[] publicKey(char[] chars) {
    byte[] scalar = Bech32.getDecoder().decode(CharBuffer.wrap(chars)).getData();
    try {
      byte[] key = new byte[X25519.POINT_SIZE];
      X25519.generatePublicKey(scalar, 0, key, 0); // clamps the scalar as RFC 7748 and age do
      return key;
    } finally {
      Bytes.wipe(scalar);
    }
  }

  private static boolean startsWith(byte[] bytes, int at, String prefix) {
    if (bytes.length - at < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (bytes[at + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static final class X25519Key extends AgeIdentity {
    private static final String TYPE = "X25519";
    private static final int SHARE_LENGTH = 32;
    private static final int WRAPPED_KEY_LENGTH = 32;
    private final RecipientStanzaReader reader;
    private final byte[] publicKey;

    X25519Key(RecipientStanzaReader reader, byte[] publicKey) {
      this.reader = reader;
      this.publicKey = publicKey;
    }

    @Override
    public String recipient() {
      return AgeRecipient.x25519Recipient(publicKey);
    }

    @Override
    public boolean isAmong(List<String> recipients) {
      return recipients.stream().map(AgeRecipient::x25519Key).anyMatch(key -> key != null && Arrays.equals(key, publicKey));
    }

    @Override
    FileKey unwrap(RecipientStanza stanza) throws Refused {
      if (!TYPE.equals(stanza.getType())) {
        return null;
      }
      // age treats a malformed X25519 stanza as a broken header, not as someone else's stanza;
      // jagged reports both as "not matched", so the shape is checked here first
      List<String> args = stanza.getArguments();
      if (args.size() != 1) {
        throw malformed("it has " + args.size() + " arguments, not 1");
      }
      byte[] share = AgeFile.canonicalBase64(args.get(0));
      if (share == null || share.length != SHARE_LENGTH) {
        throw malformed("its share is not 32 bytes in canonical base64");
      }
      if (!X25519.calculateAgreement(PROBE_SCALAR, 0, share, 0, new byte[SHARE_LENGTH], 0)) {
        throw malformed("its share is a low-order point");
      }
      if (stanza.getBody().length != WRAPPED_KEY_LENGTH) {
        throw malformed("its body is " + stanza.getBody().length + " bytes, not " + WRAPPED_KEY_LENGTH);
      }
      try {
        return reader.getFileKey(List.of(stanza));
      } catch (GeneralSecurityException someoneElses) {
        return null;
      }
    }

    private static Refused malformed(String why) {
      return new Refused(new IntegrityException("damaged age header: malformed X25519 stanza, " + why));
    }

    @Override
    public String toString() {
      return "age X25519 identity";
    }
  }

  private static final class Passphrase extends AgeIdentity {
    private final Password passphrase;
    private final int maxWorkFactor;

    Passphrase(Password passphrase, int maxWorkFactor) {
      this.passphrase = passphrase;
      this.maxWorkFactor = maxWorkFactor;
    }

    @Override
    FileKey unwrap(RecipientStanza stanza) throws Refused {
      return Scrypt.unwrap(stanza, passphrase, maxWorkFactor);
    }

    @Override
    public String recipient() {
      return Transport.Recipients.PASSPHRASE;
    }

    @Override
    public boolean isAmong(List<String> recipients) {
      return recipients.contains(Transport.Recipients.PASSPHRASE);
    }

    @Override
    public String toString() {
      return "passphrase";
    }
  }
}
