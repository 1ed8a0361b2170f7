package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.subtle.Ed25519Sign;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignedNoteTest {
  private static final String TEXT = "example.com/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";

  static NoteSigner newSigner(String name) throws GeneralSecurityException {
    Ed25519Sign.KeyPair pair = Ed25519Sign.KeyPair.newKeyPair();
    return NoteSigner.ed25519(name, pair.getPublicKey(), new Ed25519Sign(pair.getPrivateKey()));
  }

  private static SignedNote.Signature bogusSignature(String name, int keyId) {
    return new SignedNote.Signature(name, keyId, new byte[64]);
  }

  @Test
  void sign_thenOpen_roundTrips() throws Exception {
    NoteSigner signer = newSigner("example.com/log");
    SignedNote note = SignedNote.sign(TEXT, signer);
    SignedNote opened = SignedNote.open(note.toBytes(), signer.verifier());
    assertEquals(note, opened);
    assertEquals(TEXT, opened.text());
    assertTrue(note.encode().startsWith(TEXT + "\n\u2014 example.com/log "));
  }

  @Test
  void verifierKey_roundTripsAndHasC2spKeyId() throws Exception {
    NoteSigner signer = newSigner("example.com/log");
    String key = signer.verifier().verifierKey();
    NoteVerifier parsed = NoteVerifier.parse(key);
    assertEquals(signer.verifier(), parsed);
    // key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4], printed as 8 hex digits after the name
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update("example.com/log\n\u0001".getBytes(StandardCharsets.UTF_8));
    md.update(parsed.publicKey());
    String expectedId = HexFormat.of().formatHex(md.digest(), 0, 4);
    assertEquals(expectedId, String.format("%08x", parsed.keyId()));
    byte[] typedKey = new byte[33];
    typedKey[0] = 0x01;
    System.arraycopy(parsed.publicKey(), 0, typedKey, 1, 32);
    assertEquals("example.com/log+" + expectedId + "+"
        + Base64.getEncoder().encodeToString(typedKey), key);
  }

  @Test
  void open_withAnotherKey_isRejected() throws Exception {
    SignedNote note = SignedNote.sign(TEXT, newSigner("example.com/log"));
    NoteVerifier sameNameOtherKey = newSigner("example.com/log").verifier();
    VerificationException e = assertThrows(VerificationException.class,
        () -> SignedNote.open(note.toBytes(), sameNameOtherKey));
    assertTrue(e.getMessage().contains("no signature"), e.getMessage());
  }

  @Test
  void verify_ignoresSignaturesByUnknownKeys() throws Exception {
    NoteSigner signer = newSigner("example.com/log");
    SignedNote signed = SignedNote.sign(TEXT, signer);
    SignedNote withOthers = new SignedNote(TEXT, List.of(
        bogusSignature("witness.example", 7),
        bogusSignature("example.com/log", signer.keyId() + 1), // same name, other ID
        signed.signatures().get(0)));
    assertDoesNotThrow(() -> SignedNote.open(withOthers.toBytes(), signer.verifier()));
  }

  @Test
  void verify_withFailingSignatureByKnownKey_rejectsWholeNote() throws Exception {
    NoteSigner signer = newSigner("example.com/log");
    SignedNote signed = SignedNote.sign(TEXT, signer);
    SignedNote withBad = new SignedNote(TEXT, List.of(
        signed.signatures().get(0), bogusSignature("example.com/log", signer.keyId())));
    VerificationException e = assertThrows(VerificationException.class,
        () -> withBad.verify(signer.verifier()));
    assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
  }

  @Test
  void verify_withChangedText_isRejected() throws Exception {
    NoteSigner signer = newSigner("example.com/log");
    SignedNote signed = SignedNote.sign(TEXT, signer);
    SignedNote moved = new SignedNote(TEXT.replace("\n3\n", "\n4\n"), signed.signatures());
    assertThrows(VerificationException.class, () -> moved.verify(signer.verifier()));
  }

  @Test
  void sign_withMismatchedKeyPair_fails() throws Exception {
    Ed25519Sign.KeyPair a = Ed25519Sign.KeyPair.newKeyPair();
    Ed25519Sign.KeyPair b = Ed25519Sign.KeyPair.newKeyPair();
    NoteSigner wrong = NoteSigner.ed25519("k", a.getPublicKey(), new Ed25519Sign(b.getPrivateKey()));
    assertThrows(GeneralSecurityException.class, () -> SignedNote.sign(TEXT, wrong));
  }

  @Test
  void signer_toString_revealsNoKeyMaterial() throws Exception {
    Ed25519Sign.KeyPair pair = Ed25519Sign.KeyPair.newKeyPair();
    NoteSigner signer =
        NoteSigner.ed25519("k", pair.getPublicKey(), new Ed25519Sign(pair.getPrivateKey()));
    String s = signer.toString() + SignedNote.sign(TEXT, signer);
    assertFalse(s.contains(Base64.getEncoder().encodeToString(pair.getPrivateKey())));
    assertFalse(s.contains(HexFormat.of().formatHex(pair.getPrivateKey())));
    assertTrue(signer.toString().startsWith("NoteSigner[k+"));
  }

  @Test
  void sign_withTextNotEndingInNewline_isRefused() throws Exception {
    NoteSigner signer = newSigner("k");
    assertThrows(IllegalArgumentException.class, () -> SignedNote.sign("no newline", signer));
    assertThrows(IllegalArgumentException.class, () -> SignedNote.sign("cr\r\n", signer));
  }

  @Test
  void parse_textMayContainBlankLines_signaturesFollowTheLastOne() throws Exception {
    NoteSigner signer = newSigner("k");
    String text = "a\n\nb\n\n";
    SignedNote note = SignedNote.sign(text, signer);
    SignedNote parsed = SignedNote.parse(note.toBytes());
    assertEquals(text, parsed.text());
    assertDoesNotThrow(() -> parsed.verify(signer.verifier()));
  }

  /** Each is a well-signed note mangled in one way; {@code SIG} is a valid signature line. */
  @ParameterizedTest
  @ValueSource(strings = {
    "TEXT\nSIG", // no final newline
    "TEXTSIG\n", // no blank line
    "TEXT\n", // no signature line
    "TEXT\n\n", // empty signature line
    "TEXT\nSIG\n\n", // blank line after the signatures
    "TEXT\n- k AAAA\n", // hyphen, not em dash
    "TEXT\n\u2014 k\n", // no signature
    "TEXT\n\u2014 k AAAA\n", // shorter than key ID + signature
    "TEXT\n\u2014 k AAAAAAA\n", // missing padding
    "TEXT\n\u2014 k AAAAAAB=\n", // non-canonical trailing bits
    "TEXT\n\u2014 k AAAAAA==\n", // 4 bytes: a key ID and nothing else
    "TEXT\n\u2014 k AAAA AAAAAA==\n", // space inside base64
    "TEXT\n\u2014 k+1 AAAAAAA=\n", // '+' in key name
    "TEXT\n\u2014  AAAAAAA=\n", // empty key name
    "TEXT\n\u2014 k\u00A0x AAAAAAA=\n", // Unicode space in key name
    "TEXT\nSIG\r\n", // carriage return
    "te\u0000xt\n\nSIG\n", // NUL in text
    "te\u0007xt\n\nSIG\n", // BEL in text
  })
  void parse_withMalformedNote_isRejected(String template) throws Exception {
    NoteSigner signer = newSigner("k");
    String sig = SignedNote.sign(TEXT, signer).encode().substring(TEXT.length() + 1);
    String note = template.replace("TEXT", TEXT).replace("SIG\n", sig).replace("SIG", sig.strip());
    assertThrows(FormatException.class, () -> SignedNote.parse(note.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void parse_withInvalidUtf8_isRejected() throws Exception {
    byte[] note = SignedNote.sign(TEXT, newSigner("k")).toBytes();
    note[2] = (byte) 0xFF;
    assertThrows(FormatException.class, () -> SignedNote.parse(note));
  }

  @Test
  void parse_overSizeLimits_isRejected() throws Exception {
    String sig = SignedNote.sign(TEXT, newSigner("k")).encode().substring(TEXT.length() + 1);
    String longLine = "x".repeat(SignedNote.MAX_LINE_CHARS + 1) + "\n";
    assertThrows(FormatException.class,
        () -> SignedNote.parse((longLine + "\n" + sig).getBytes(StandardCharsets.UTF_8)));
    String huge = "x\n".repeat(SignedNote.MAX_NOTE_BYTES / 2 + 1);
    assertThrows(FormatException.class,
        () -> SignedNote.parse((huge + "\n" + sig).getBytes(StandardCharsets.UTF_8)));
    String many = sig.repeat(SignedNote.MAX_SIGNATURES + 1);
    assertThrows(FormatException.class,
        () -> SignedNote.parse((TEXT + "\n" + many).getBytes(StandardCharsets.UTF_8)));
    String allowed = sig.repeat(16);
    assertEquals(16, SignedNote.parse(TEXT + "\n" + allowed).signatures().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", "k", "k+", "k+00000000", "+00000000+AQ==",
    "k+0000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // 7 hex digits
    "k+zzzzzzzz+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  })
  void verifierParse_withMalformedKey_isRejected(String key) {
    assertThrows(FormatException.class, () -> NoteVerifier.parse(key));
  }

  @Test
  void verifierParse_withWrongKeyIdTypeOrLength_isRejected() throws Exception {
    // The id is a hash; one with no letter in it (2 % of keys) would upper-case to itself.
    String good = newSigner("example.com/log").verifier().verifierKey();
    for (int tries = 0; !good.split("\\+", 3)[1].matches(".*[a-f].*"); tries++) {
      assertTrue(tries < 100, "100 random key ids without a hex letter");
      good = newSigner("example.com/log").verifier().verifierKey();
    }
    String[] parts = good.split("\\+", 3);
    byte[] typed = Base64.getDecoder().decode(parts[2]);
    int id = Integer.parseUnsignedInt(parts[1], 16);
    String otherId = String.format("%08x", id ^ 1);
    assertThrows(FormatException.class,
        () -> NoteVerifier.parse(parts[0] + "+" + otherId + "+" + parts[2]));
    assertThrows(FormatException.class,
        () -> NoteVerifier.parse(parts[0] + "+" + parts[1].toUpperCase() + "+" + parts[2]));
    typed[0] = 0x02;
    assertThrows(FormatException.class, () -> NoteVerifier.parse(
        parts[0] + "+" + parts[1] + "+" + Base64.getEncoder().encodeToString(typed)));
    byte[] shortKey = Arrays.copyOf(typed, 32);
    shortKey[0] = 0x01;
    assertThrows(FormatException.class, () -> NoteVerifier.parse(
        parts[0] + "+" + parts[1] + "+" + Base64.getEncoder().encodeToString(shortKey)));
    assertEquals(good, NoteVerifier.parse(good).verifierKey());
  }

  @Test
  void signature_bytesAreCopiedIn() {
    byte[] sig = new byte[64];
    SignedNote.Signature s = new SignedNote.Signature("k", 1, sig);
    sig[0] = 9;
    s.signature()[1] = 9;
    assertArrayEquals(new byte[64], s.signature());
  }
}
