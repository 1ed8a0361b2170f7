package io.kinko.vault.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kinko.vault.VaultException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * An age file someone hands over (an import, a transport package) is read by jagged, a library
 * this team did not write: whatever the bytes, opening and reading it ends in the content or a
 * {@link VaultException}, never another failure and never other bytes. Plain {@code mvn test}
 * replays the seeds; JAZZER_FUZZ=1 explores.
 */
class AgeFileFuzzTest {
  private static final byte[] CONTENT = "転出届 佐藤花子".getBytes(StandardCharsets.UTF_8);
  private static final byte[] FILE = encrypt();

  private static byte[] encrypt() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (AgeFile.Writer w = AgeFile.encrypt(out, List.of(AgeRecipient.x25519(AgeKeys.RECIPIENT)))) {
      w.write(CONTENT, 0, CONTENT.length);
      w.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @FuzzTest(maxDuration = "10s")
  void anyEditOrCutOfAnAgeFile_endsInItsContentOrAVaultException(FuzzedDataProvider data) {
    byte[] file = Arrays.copyOf(FILE, data.consumeInt(0, FILE.length));
    int edits = data.consumeInt(0, 3);
    for (int i = 0; i < edits && file.length > 0; i++) {
      file[data.consumeInt(0, file.length - 1)] = data.consumeByte();
    }
    byte[] tail = data.consumeRemainingAsBytes();
    byte[] candidate = Arrays.copyOf(file, file.length + tail.length);
    System.arraycopy(tail, 0, candidate, file.length, tail.length);
    try (InputStream in = AgeFile.decrypt(new ByteArrayInputStream(candidate), AgeKeys.identity())) {
      assertArrayEquals(CONTENT, in.readAllBytes(), "a changed age file read as other bytes");
      if (!Arrays.equals(candidate, FILE)) {
        fail("a changed age file was accepted");
      }
    } catch (VaultException expected) {
      // not age, damaged, or no identity fits: each a VaultException
    } catch (IOException e) {
      fail("an I/O error from an in-memory file: " + e);
    }
  }
}
