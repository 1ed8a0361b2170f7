package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Untrusted notes, checkpoints and verifier keys: parsers either return a value that re-encodes to
 * exactly the input, or throw {@link FormatException}; opening may also throw {@link
 * VerificationException}. Anything else (IndexOutOfBounds, NumberFormat, ...) fails the test.
 *
 * <p>{@code mvn test} replays the seeds in {@code NoteParserFuzzTestInputs/}; fuzz for real with
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=NoteParserFuzzTest}.
 */
class NoteParserFuzzTest {
  /**
   * The test key that signed the seed notes (Ed25519 seed: 32 bytes of 0x07, name
   * kinko.example/fuzz), so seeds reach the signature check and not only the parser.
   */
  private static final NoteVerifier VERIFIER = NoteVerifier.parse(
      "kinko.example/fuzz+1ecbb3c3+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs");

  @FuzzTest(maxDuration = "30s")
  void parsers_throwOnlyTheirDeclaredExceptions(FuzzedDataProvider data) {
    byte[] input = data.consumeRemainingAsBytes();
    String text = new String(input, StandardCharsets.UTF_8);

    try {
      SignedNote note = SignedNote.parse(input);
      assertArrayEquals(input, note.toBytes(), "a parsed note re-encodes to its input");
      assertEquals(note, SignedNote.parse(note.encode()));
    } catch (FormatException expected) {
      // malformed note
    }
    try {
      SignedNote.open(input, VERIFIER);
    } catch (FormatException | VerificationException expected) {
      // malformed, or not signed by the fuzz key
    }
    try {
      Checkpoint checkpoint = Checkpoint.parse(text);
      assertEquals(text, checkpoint.text(), "a parsed checkpoint re-encodes to its input");
    } catch (FormatException expected) {
      // malformed checkpoint
    }
    try {
      NoteVerifier verifier = NoteVerifier.parse(text);
      assertEquals(text, verifier.verifierKey(), "a parsed key re-encodes to its input");
    } catch (FormatException expected) {
      // malformed verifier key
    }
  }

  @FuzzTest(maxDuration = "30s")
  void canonicalJson_throwsOnlyFormatException(FuzzedDataProvider data) {
    byte[] input = data.consumeRemainingAsBytes();
    try {
      byte[] canonical = CanonicalJson.canonicalize(input);
      assertArrayEquals(canonical, CanonicalJson.canonicalize(canonical), "canonical is a fixed point");
    } catch (FormatException expected) {
      // malformed JSON
    }
  }
}
