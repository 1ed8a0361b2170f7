package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/** The C2SP signed-note example: the published note verifies, and no single flipped bit does. */
@Tag("conformance")
class SignedNoteConformanceTest {
  @TestFactory
  Stream<DynamicTest> signedNoteVectors() {
    return TestVectors.jsonFiles("signed-note").stream()
        .flatMap(file -> Stream.of(
            DynamicTest.dynamicTest(TestVectors.name(file), () -> checkVector(file)),
            DynamicTest.dynamicTest(
                TestVectors.name(file) + " with any one bit flipped", () -> checkBitFlips(file))));
  }

  private static void checkVector(Path file) {
    JsonObject v = TestVectors.readJson(file);
    byte[] note = v.get("note").getAsString().getBytes(StandardCharsets.UTF_8);
    String key = v.get("verifierKey").getAsString();
    if (v.get("valid").getAsBoolean()) {
      NoteVerifier verifier = NoteVerifier.parse(key);
      assertEquals(key, verifier.verifierKey(), "verifier key round trip");
      SignedNote opened = SignedNote.open(note, verifier);
      assertArrayEquals(note, opened.toBytes(), "note round trip");
    } else {
      assertThrows(RuntimeException.class, () -> SignedNote.open(note, NoteVerifier.parse(key)));
    }
  }

  private static void checkBitFlips(Path file) {
    JsonObject v = TestVectors.readJson(file);
    if (!v.get("valid").getAsBoolean()) {
      return;
    }
    byte[] note = v.get("note").getAsString().getBytes(StandardCharsets.UTF_8);
    NoteVerifier verifier = NoteVerifier.parse(v.get("verifierKey").getAsString());
    for (int bit = 0; bit < note.length * 8; bit++) {
      byte[] changed = note.clone();
      changed[bit / 8] ^= (byte) (1 << (bit % 8));
      try {
        SignedNote.open(changed, verifier);
        fail("note with bit " + bit + " flipped was accepted");
      } catch (FormatException | VerificationException expected) {
        // rejected, as it must be
      }
    }
  }
}
