package io.kinko.vault.transport;

import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.bech32.Bech32;
import com.exceptionfactory.jagged.bech32.Bech32Address;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import io.kinko.vault.Password;
import io.kinko.vault.crypto.AgeSeal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Someone an age file is encrypted to: an X25519 recipient ({@code age1...}) or a passphrase
 * (age's scrypt stanza, which must be a file's only recipient). Holds no secret of its own: a
 * passphrase stays in the caller's {@link Password}, which must stay open until
 * {@link AgeFile#encrypt} has returned.
 */
public abstract sealed class AgeRecipient {
  /** The Bech32 human-readable part of an X25519 recipient. */
  private static final String HRP = "age";
  private static final int KEY_LENGTH = 32;

  private AgeRecipient() {}

  /** The stanza writer jagged calls once, while it writes the header. */
  abstract RecipientStanzaWriter writer() throws GeneralSecurityException;

  /** True for a recipient that must be the file's only one (scrypt). */
  abstract boolean alone();

  /**
   * An age X25519 recipient.
   *
   * @throws IllegalArgumentException if {@code recipient} is not one ({@code age1} + bech32)
   */
  public static AgeRecipient x25519(String recipient) {
    return new X25519(AgeSeal.requireRecipient(recipient));
  }

  /**
   * The 32-byte public key of an X25519 recipient ({@code age1...} in either case, as Bech32
   * allows), or null if {@code recipient} is not one: the form in which two spellings of one
   * recipient compare equal.
   */
  static byte[] x25519Key(String recipient) {
    Bech32Address address;
    try {
      address = Bech32.getDecoder().decode(recipient);
    } catch (RuntimeException notBech32) {
      return null;
    }
    byte[] key = address.getData();
    return HRP.equals(address.getHumanReadablePart().toString().toLowerCase(Locale.ROOT)) && key.length == KEY_LENGTH ? key : null;
  }

  /** The {@code age1...} recipient of a 32-byte X25519 public key. */
  static String x25519Recipient(byte[] publicKey) {
    return Bech32.getEncoder().encode(HRP, publicKey).toString();
  }

  /** A passphrase at age's default work factor (2^18, about 256 MiB and a second). */
  public static AgeRecipient passphrase(Password passphrase) {
    return passphrase(passphrase, Scrypt.DEFAULT_WORK_FACTOR);
  }

  /**
   * A passphrase at work factor 2^{@code workFactor}.
   *
   * @throws IllegalArgumentException if the passphrase is empty or the work factor is below age's
   *     default 18 or above 22, the most that age and Kinko accept when reading
   */
  public static AgeRecipient passphrase(Password passphrase, int workFactor) {
    if (passphrase.length() == 0) {
      throw new IllegalArgumentException("an empty passphrase protects nothing");
    }
    if (workFactor < Scrypt.DEFAULT_WORK_FACTOR || workFactor > Scrypt.MAX_WORK_FACTOR) {
      throw new IllegalArgumentException("scrypt work factor " + workFactor + " is outside "
          + Scrypt.DEFAULT_WORK_FACTOR + ".." + Scrypt.MAX_WORK_FACTOR);
    }
    return new Passphrase(passphrase, workFactor);
  }

  /**
   * The recipients in an age recipients file: one {@code age1...} per line; lines starting with
   * {@code #} and empty lines are skipped.
   *
   * @throws IllegalArgumentException naming the line of anything else, or if there is no recipient
   * @throws UncheckedIOException if the file cannot be read
   */
  public static List<AgeRecipient> readFile(Path file) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("recipients file " + file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read recipients file " + file, e);
    }
    return parse(text, "recipients file " + file);
  }

  /** {@link #readFile}'s rules, on text from {@code source} (named in errors). */
  public static List<AgeRecipient> parse(String text, String source) {
    List<AgeRecipient> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + " line " + (i + 1) + ": ";
      if (line.startsWith("ssh-")) {
        throw new IllegalArgumentException(where + "SSH recipients are not supported, only age X25519 (age1...)");
      }
      try {
        out.add(x25519(line));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + "not an age X25519 recipient (age1...; plugin recipients are not supported)", e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(source + " holds no recipient");
    }
    return out;
  }

  private static final class X25519 extends AgeRecipient {
    private final String recipient;

    X25519(String recipient) {
      this.recipient = recipient;
    }

    @Override
    RecipientStanzaWriter writer() throws GeneralSecurityException {
      return X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient);
    }

    @Override
    boolean alone() {
      return false;
    }

    @Override
    public String toString() {
      return recipient;
    }
  }

  private static final class Passphrase extends AgeRecipient {
    private final Password passphrase;
    private final int workFactor;

    Passphrase(Password passphrase, int workFactor) {
      this.passphrase = passphrase;
      this.workFactor = workFactor;
    }

    @Override
    RecipientStanzaWriter writer() {
      return Scrypt.writer(passphrase, workFactor);
    }

    @Override
    boolean alone() {
      return true;
    }

    @Override
    public String toString() {
      return "passphrase (scrypt, work factor " + workFactor + ")";
    }
  }
}
