package io.kinko.vault.transport;

import com.exceptionfactory.jagged.FileKey;
import com.exceptionfactory.jagged.RecipientStanza;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.codec.CanonicalBase64;
import com.exceptionfactory.jagged.framework.crypto.CipherKey;
import com.exceptionfactory.jagged.framework.crypto.EncryptedFileKey;
import com.exceptionfactory.jagged.framework.crypto.FileKeyDecryptorFactory;
import com.exceptionfactory.jagged.framework.crypto.FileKeyEncryptorFactory;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.Password;
import io.kinko.vault.VaultException;
import io.kinko.vault.crypto.Bytes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * age's scrypt recipient stanza (age-encryption.org/v1): {@code -> scrypt SALT LOG2N}, body =
 * ChaCha20-Poly1305 of the file key under scrypt(passphrase, "age-encryption.org/v1/scrypt" ‖ salt,
 * N = 2^LOG2N, r = 8, p = 1), zero nonce. jagged 0.3.2 ships no scrypt module that this build can
 * fetch, so the stanza is built here on jagged's stanza interfaces; scrypt is Bouncy Castle's,
 * the AEAD jagged's file-key wrapping (the JDK's ChaCha20-Poly1305).
 */
final class Scrypt {
  static final String TYPE = "scrypt";
  /** age's default, about a second and 256 MiB; also Kinko's floor on writing. */
  static final int DEFAULT_WORK_FACTOR = 18;
  /** The reference implementation's ceiling on reading (2^22: 4 GiB of memory, about 15 s). */
  static final int MAX_WORK_FACTOR = 22;

  private static final byte[] LABEL = "age-encryption.org/v1/scrypt".getBytes(StandardCharsets.US_ASCII);
  private static final int SALT_LENGTH = 16;
  private static final int R = 8;
  private static final int KEY_LENGTH = 32;
  private static final int WRAPPED_KEY_LENGTH = 32; // 16-byte file key + Poly1305 tag
  /** Decimal, no sign, no leading zero, at most two digits (the spec's grammar; anything longer is out of range). */
  private static final Pattern WORK_FACTOR = Pattern.compile("[1-9][0-9]?");

  private Scrypt() {}

  /** Writes one scrypt stanza for {@code passphrase}, which the caller keeps open until the header is written. */
  static RecipientStanzaWriter writer(Password passphrase, int workFactor) {
    return fileKey -> {
      byte[] salt = Bytes.random(SALT_LENGTH);
      CipherKey key = new CipherKey(derive(passphrase, salt, workFactor));
      try {
        EncryptedFileKey wrapped = new FileKeyEncryptorFactory().newFileKeyEncryptor().getEncryptedFileKey(fileKey, key);
        return List.of(new Stanza(TYPE,
            List.of(CanonicalBase64.getEncoder().encodeToString(salt), Integer.toString(workFactor)), wrapped.getEncoded()));
      } finally {
        key.destroy();
      }
    };
  }

  /**
   * The file key if {@code stanza} is a scrypt stanza that {@code passphrase} opens; null if it is
   * another type or the passphrase is wrong.
   *
   * @throws Refused a malformed stanza, or a work factor above {@code maxWorkFactor}
   */
  static FileKey unwrap(RecipientStanza stanza, Password passphrase, int maxWorkFactor) throws Refused {
    if (!TYPE.equals(stanza.getType())) {
      return null;
    }
    List<String> args = stanza.getArguments();
    if (args.size() != 2) {
      throw malformed("it has " + args.size() + " arguments, not 2");
    }
    byte[] salt = AgeFile.canonicalBase64(args.get(0));
    if (salt == null || salt.length != SALT_LENGTH) {
      throw malformed("its salt is not 16 bytes in canonical base64");
    }
    if (!WORK_FACTOR.matcher(args.get(1)).matches()) {
      throw malformed("its work factor is not a decimal number from 1");
    }
    int workFactor = Integer.parseInt(args.get(1));
    if (workFactor > maxWorkFactor) {
      throw new Refused(new IntegrityException("age header refused: scrypt work factor " + workFactor
          + " is above the " + maxWorkFactor + " this reader accepts"));
    }
    if (stanza.getBody().length != WRAPPED_KEY_LENGTH) {
      throw malformed("its body is " + stanza.getBody().length + " bytes, not " + WRAPPED_KEY_LENGTH);
    }
    CipherKey key = new CipherKey(derive(passphrase, salt, workFactor));
    try {
      return new FileKeyDecryptorFactory().newFileKeyDecryptor().getFileKey(new EncryptedFileKey(stanza.getBody()), key);
    } catch (GeneralSecurityException wrongPassphrase) {
      return null;
    } finally {
      key.destroy();
    }
  }

  /** scrypt's 32-byte key, in an array the caller must wipe (CipherKey.destroy does). */
  private static byte[] derive(Password passphrase, byte[] salt, int workFactor) {
    long memory = 128L * R << workFactor;
    Runtime rt = Runtime.getRuntime();
    long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    if (memory > available) {
      throw new VaultException("scrypt work factor " + workFactor + " needs " + (memory >> 20)
          + " MiB of memory and this JVM has about " + (available >> 20) + " MiB free; run it with a larger -Xmx");
    }
    byte[] password = Bytes.utf8(passphrase.chars());
    byte[] labelled = new byte[LABEL.length + salt.length];
    System.arraycopy(LABEL, 0, labelled, 0, LABEL.length);
    System.arraycopy(salt, 0, labelled, LABEL.length, salt.length);
    try {
      return SCrypt.generate(password, labelled, 1 << workFactor, R, 1, KEY_LENGTH);
    } finally {
      Bytes.wipe(password);
    }
  }

  private static Refused malformed(String why) {
    return new Refused(new IntegrityException("damaged age header: malformed scrypt stanza, " + why));
  }

  /** A stanza as written; jagged's own record type is package-private. */
  record Stanza(String type, List<String> arguments, byte[] body) implements RecipientStanza {
    @Override
    public String getType() {
      return type;
    }

    @Override
    public List<String> getArguments() {
      return arguments;
    }

    @Override
    public byte[] getBody() {
      return body.clone();
    }
  }
}
