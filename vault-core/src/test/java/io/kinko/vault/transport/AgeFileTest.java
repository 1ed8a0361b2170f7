package io.kinko.vault.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.AuthenticationException;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.Password;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The age layer's contract, one rule a test: recipients, identities, and how each failure comes out. */
class AgeFileTest {
  private static final byte[] CONTENT = "送付状と書類\n".repeat(1000).getBytes(StandardCharsets.UTF_8);

  @Test
  void x25519_roundTrip_opensWithTheIdentity_andEachOfSeveralRecipientsOpensIt() throws IOException {
    byte[] file = encrypt(List.of(AgeRecipient.x25519(AgeKeys.RECIPIENT), AgeRecipient.x25519(AgeKeys.OTHER_RECIPIENT)), CONTENT);
    assertArrayEquals(CONTENT, decrypt(file, AgeKeys.identity()));
    assertArrayEquals(CONTENT, decrypt(file, AgeKeys.otherIdentity()));
  }

  /** Which identity opened a file, for a reader that knows from elsewhere whom it was for (a waybill). */
  @Test
  void open_tellsWhichIdentityOpenedIt_theSecondOfTwoWhenOnlyItFits() throws IOException {
    byte[] file = encrypt(List.of(AgeRecipient.x25519(AgeKeys.OTHER_RECIPIENT)), CONTENT);
    List<AgeIdentity> both = List.of(AgeKeys.identity().get(0), AgeKeys.otherIdentity().get(0));
    try (AgeFile.Opened opened = AgeFile.open(new ByteArrayInputStream(file), both)) {
      assertArrayEquals(CONTENT, opened.payload().readAllBytes());
      assertEquals(both.get(1), opened.identities().get(0));
      assertEquals(AgeKeys.OTHER_RECIPIENT, opened.identities().get(0).recipient());
    }
  }

  /** A file for two of the identities given tells both, in their order, whichever opened it first. */
  @Test
  void open_tellsEveryIdentityThatOpensIt() throws IOException {
    byte[] file = encrypt(List.of(AgeRecipient.x25519(AgeKeys.OTHER_RECIPIENT), AgeRecipient.x25519(AgeKeys.RECIPIENT)), CONTENT);
    List<AgeIdentity> both = List.of(AgeKeys.otherIdentity().get(0), AgeKeys.identity().get(0));
    try (AgeFile.Opened opened = AgeFile.open(new ByteArrayInputStream(file), both)) {
      assertArrayEquals(CONTENT, opened.payload().readAllBytes());
      assertEquals(both, opened.identities());
      assertEquals(both.get(0), opened.identities().get(0));
    }
  }

  /** The pairs AgeKeys holds were made by age-keygen: the recipient Bouncy Castle derives is the one age printed. */
  @Test
  void anIdentitysRecipient_isTheOneAgeKeygenPrinted_andComparesAsAKeyInEitherCase() {
    AgeIdentity identity = AgeKeys.identity().get(0);
    assertEquals(AgeKeys.RECIPIENT, identity.recipient());
    assertEquals(AgeKeys.OTHER_RECIPIENT, AgeKeys.otherIdentity().get(0).recipient());
    assertTrue(identity.isAmong(List.of(AgeKeys.OTHER_RECIPIENT, AgeKeys.RECIPIENT)));
    assertTrue(identity.isAmong(List.of(AgeKeys.RECIPIENT.toUpperCase(java.util.Locale.ROOT))), "Bech32 allows one case or the other");
    assertFalse(identity.isAmong(List.of(AgeKeys.OTHER_RECIPIENT, "passphrase", "age1", "")));
    String flipped = AgeKeys.RECIPIENT.substring(0, 20) + (AgeKeys.RECIPIENT.charAt(20) == 'q' ? 'p' : 'q') + AgeKeys.RECIPIENT.substring(21);
    assertFalse(identity.isAmong(List.of(flipped)), "a recipient whose checksum fails names no key");
    assertFalse(identity.toString().contains("AGE-SECRET-KEY"));
  }

  @Test
  void aPassphrase_isAmongOnlyAWaybillsPassphrase() {
    try (Password p = Password.wrap("correct horse battery".toCharArray())) {
      AgeIdentity passphrase = AgeIdentity.passphrase(p);
      assertEquals("passphrase", passphrase.recipient());
      assertTrue(passphrase.isAmong(List.of("passphrase")));
      assertFalse(passphrase.isAmong(List.of(AgeKeys.RECIPIENT)));
      assertFalse(AgeKeys.identity().get(0).isAmong(List.of("passphrase")));
    }
  }

  @Test
  void wrongIdentity_isNoMatchingIdentity_anAuthenticationFailureNamingTheStanzaTypes() {
    byte[] file = encrypt(List.of(AgeRecipient.x25519(AgeKeys.RECIPIENT)), CONTENT);
    NoMatchingIdentityException e = assertThrows(NoMatchingIdentityException.class, () -> decrypt(file, AgeKeys.otherIdentity()));
    assertInstanceOf(AuthenticationException.class, e);
    assertTrue(e.getMessage().contains("X25519"), e.getMessage());
  }

  @Test
  void passphrase_roundTrip_andAWrongPassphraseIsNoMatch_neverIntegrity() throws IOException {
    byte[] file;
    try (Password p = Password.wrap("correct horse battery".toCharArray())) {
      file = encrypt(List.of(AgeRecipient.passphrase(p)), CONTENT);
    }
    assertTrue(new String(file, 0, 60, StandardCharsets.US_ASCII).contains("-> scrypt "), "an scrypt stanza at work factor 18");
    assertTrue(new String(file, 0, 80, StandardCharsets.US_ASCII).contains(" 18\n"));
    try (Password p = Password.wrap("correct horse battery".toCharArray())) {
      assertArrayEquals(CONTENT, decrypt(file, List.of(AgeIdentity.passphrase(p))));
    }
    try (Password p = Password.wrap("correct horse batterY".toCharArray())) {
      assertThrows(NoMatchingIdentityException.class, () -> decrypt(file, List.of(AgeIdentity.passphrase(p))));
    }
  }

  @Test
  void passphrase_aboveTheReadersLimit_isRefusedBeforeAnyScryptWork() {
    byte[] file;
    try (Password p = Password.wrap("pw".toCharArray())) {
      file = encrypt(List.of(AgeRecipient.passphrase(p, 19)), CONTENT);
      IntegrityException e = assertThrows(IntegrityException.class, () -> decrypt(file, List.of(AgeIdentity.passphrase(p, 18))));
      assertTrue(e.getMessage().contains("work factor 19"), e.getMessage());
    }
  }

  @Test
  void passphrase_mustBeTheOnlyRecipient_andNeitherEmptyNorCheap() {
    try (Password p = Password.wrap("pw".toCharArray()); Password empty = Password.wrap(new char[0])) {
      assertThrows(IllegalArgumentException.class,
          () -> AgeFile.encrypt(new ByteArrayOutputStream(), List.of(AgeRecipient.passphrase(p), AgeRecipient.x25519(AgeKeys.RECIPIENT))));
      assertThrows(IllegalArgumentException.class, () -> AgeRecipient.passphrase(empty));
      assertThrows(IllegalArgumentException.class, () -> AgeRecipient.passphrase(p, 17));
      assertThrows(IllegalArgumentException.class, () -> AgeRecipient.passphrase(p, 23));
      assertThrows(IllegalArgumentException.class, () -> AgeFile.encrypt(new ByteArrayOutputStream(), List.of()));
      assertFalse(AgeRecipient.passphrase(p).toString().contains("pw"));
    }
  }

  @Test
  void writerClosedWithoutFinish_leavesAFileNoReaderAccepts() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (AgeFile.Writer w = AgeFile.encrypt(out, List.of(AgeRecipient.x25519(AgeKeys.RECIPIENT)))) {
      w.write(CONTENT); // then an error in the caller: no finish()
    }
    assertThrows(IntegrityException.class, () -> decrypt(out.toByteArray(), AgeKeys.identity()));
  }

  @Test
  void notAge_armored_andAnotherVersion_areNotAge_beforeAnyIdentityIsTried() {
    assertThrows(NotAgeException.class, () -> decrypt("PK\3\4 a zip, say".getBytes(StandardCharsets.US_ASCII), AgeKeys.identity()));
    assertThrows(NotAgeException.class, () -> decrypt(new byte[0], AgeKeys.identity()));
    assertThrows(NotAgeException.class, () -> decrypt(
        "-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n".getBytes(StandardCharsets.US_ASCII), AgeKeys.identity()));
    byte[] v2 = encrypt(List.of(AgeRecipient.x25519(AgeKeys.RECIPIENT)), CONTENT);
    v2[20] = '2';
    assertThrows(NotAgeException.class, () -> decrypt(v2, AgeKeys.identity()));
  }

  @Test
  void aFileThatFailsToOpen_hasItsSourceClosed_soACallerWithoutTheStreamLeaksNothing() {
    boolean[] closed = {false};
    InputStream source = new ByteArrayInputStream("not age".getBytes(StandardCharsets.US_ASCII)) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    assertThrows(NotAgeException.class, () -> AgeFile.decrypt(source, AgeKeys.identity()));
    assertTrue(closed[0]);
  }

  @Test
  void alteredHeaderMac_isIntegrity() {
    byte[] file = encrypt(List.of(AgeRecipient.x25519(AgeKeys.RECIPIENT)), CONTENT);
    int mac = indexOf(file, "--- ") + 4;
    file[mac] = (byte) (file[mac] == 'A' ? 'B' : 'A');
    assertThrows(IntegrityException.class, () -> decrypt(file, AgeKeys.identity()));
  }

  @Test
  void recipientsFile_skipsCommentsAndBlankLines_readsCrLf_andNamesTheBadLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("recipients.txt");
    Files.writeString(file, "# the city\r\n" + AgeKeys.RECIPIENT + "\r\n\n# and a second\n" + AgeKeys.OTHER_RECIPIENT + "\n");
    List<AgeRecipient> recipients = AgeRecipient.readFile(file);
    assertEquals(List.of(AgeKeys.RECIPIENT, AgeKeys.OTHER_RECIPIENT), recipients.stream().map(Object::toString).toList());

    Files.writeString(file, AgeKeys.RECIPIENT + "\nage1notarecipient\n");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> AgeRecipient.readFile(file));
    assertTrue(bad.getMessage().contains("line 2"), bad.getMessage());
    Files.writeString(file, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI... someone\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AgeRecipient.readFile(file)).getMessage().contains("SSH"));
    Files.writeString(file, "# only a comment\n\n");
    assertThrows(IllegalArgumentException.class, () -> AgeRecipient.readFile(file));
  }

  @Test
  void identityFile_isZeroedAfterParsing_andAnErrorNeverQuotesTheKey() {
    byte[] contents = ("# created: 2026-12-02\n# public key: " + AgeKeys.RECIPIENT + "\n" + AgeKeys.IDENTITY + "\n")
        .getBytes(StandardCharsets.US_ASCII);
    List<AgeIdentity> identities = AgeIdentity.parse(contents, "key.txt");
    assertEquals(1, identities.size());
    assertArrayEquals(new byte[contents.length], contents, "the identity file's bytes are zeroed");
    assertFalse(identities.get(0).toString().contains("SECRET"));

    String broken = AgeKeys.IDENTITY.substring(0, AgeKeys.IDENTITY.length() - 1) + "Q";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AgeIdentity.parse(("# key\n" + broken + "\n").getBytes(StandardCharsets.US_ASCII), "key.txt"));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertFalse(e.getMessage().contains(broken.substring(20)), "the key is not quoted");
    assertFalse(String.valueOf(e.getCause()).contains(broken.substring(20)), "nor in a cause");
  }

  @Test
  void identityFile_encryptedOrPluginOrEmpty_isRefusedWithAReason() {
    byte[] encrypted = encrypt(List.of(AgeRecipient.x25519(AgeKeys.RECIPIENT)), AgeKeys.IDENTITY.getBytes(StandardCharsets.US_ASCII));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AgeIdentity.parse(encrypted, "key.age")).getMessage().contains("encrypted"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> AgeIdentity.parse("AGE-PLUGIN-YUBIKEY-1QQQ\n".getBytes(StandardCharsets.US_ASCII), "k")).getMessage().contains("plugin"));
    assertThrows(IllegalArgumentException.class, () -> AgeIdentity.parse("# nothing\n".getBytes(StandardCharsets.US_ASCII), "k"));
  }

  static byte[] encrypt(List<AgeRecipient> to, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (AgeFile.Writer w = AgeFile.encrypt(out, to)) {
      w.write(content);
      w.finish();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  static byte[] decrypt(byte[] file, List<AgeIdentity> with) throws IOException {
    try (InputStream in = AgeFile.decrypt(new ByteArrayInputStream(file), with)) {
      return in.readAllBytes();
    }
  }

  private static int indexOf(byte[] file, String marker) {
    byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + m.length <= file.length; i++) {
      for (int j = 0; j < m.length; j++) {
        if (file[i + j] != m[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError(marker + " not found");
  }
}
