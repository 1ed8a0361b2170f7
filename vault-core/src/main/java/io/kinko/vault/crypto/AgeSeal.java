package io.kinko.vault.crypto;

import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * Seals a short text to an age X25519 recipient (age-encryption.org/v1, through jagged): the
 * holder of the identity, the city, opens it with the stock {@code age -d}; the vault, which never
 * holds that identity, cannot. Used for the names a certificate gives deleted files when the vault's
 * policy says "sealed".
 */
public final class AgeSeal {
  private AgeSeal() {}

  /**
   * {@code recipient} if it is an age X25519 recipient ({@code age1...}).
   *
   * @throws IllegalArgumentException otherwise
   */
  public static String requireRecipient(String recipient) {
    if (recipient == null || !recipient.startsWith("age1")) {
      throw new IllegalArgumentException("'" + recipient + "' is not an age X25519 recipient (age1...)");
    }
    try {
      X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient);
      return recipient;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("'" + recipient + "' is not an age X25519 recipient: " + e.getMessage(), e);
    }
  }

  /** The binary age file of {@code plaintext} encrypted to {@code recipient}. */
  public static byte[] seal(String recipient, byte[] plaintext) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length + 256);
    try {
      List<RecipientStanzaWriter> to = List.of(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient));
      try (WritableByteChannel channel = new StandardEncryptingChannelFactory().newEncryptingChannel(Channels.newChannel(out), to)) {
        ByteBuffer buffer = ByteBuffer.wrap(plaintext);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("age encryption to " + recipient + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
