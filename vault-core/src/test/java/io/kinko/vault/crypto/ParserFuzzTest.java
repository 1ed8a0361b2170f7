package io.kinko.vault.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.crypto.tink.KeysetHandle;
import io.kinko.vault.AuthenticationException;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.Password;
import io.kinko.vault.PasswordCost;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The parsers that read attacker-controlled bytes from the vault folder — the blob header and
 * body, and key slot files — reject anything malformed with {@link IntegrityException} (or, for
 * a slot, {@link AuthenticationException}) and never fail any other way or hand out bytes that
 * were not stored. Plain {@code mvn test} replays the seeds; JAZZER_FUZZ=1 explores.
 */
class ParserFuzzTest {
  private static final String VAULT = "0123456789abcdef0123456789abcdef";
  private static final String FILE = "fedcba9876543210fedcba9876543210";
  private static final KeysetHandle MASTER = VaultKeys.newMasterKeyset();
  private static final VaultKeys KEYS = VaultKeys.unlock(VAULT, MASTER, VaultKeys.newSealedNamesKey(VAULT, MASTER));
  private static final byte[] CONTENT = "申請書 山田太郎".getBytes(java.nio.charset.StandardCharsets.UTF_8);
  private static final byte[] BLOB = blob();

  private static byte[] blob() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream enc = BlobCipher.encrypt(KEYS, FILE, out)) {
      enc.write(CONTENT);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  @FuzzTest(maxDuration = "10s")
  void blobReader_rejectsEveryAlteredBlob_withIntegrityException(FuzzedDataProvider data) {
    byte[] blob = BLOB.clone();
    int edits = data.consumeInt(0, 4);
    for (int i = 0; i < edits; i++) {
      blob[data.consumeInt(0, blob.length - 1)] ^= (byte) data.consumeInt(1, 255);
    }
    byte[] tail = data.consumeRemainingAsBytes();
    byte[] candidate = tail.length == 0 ? blob : java.util.Arrays.copyOf(blob, Math.min(blob.length + tail.length, blob.length * 2));
    if (tail.length > 0) {
      System.arraycopy(tail, 0, candidate, blob.length, candidate.length - blob.length);
    }
    try (InputStream in = BlobCipher.decrypt(KEYS, FILE, CONTENT.length, new ByteArrayInputStream(candidate))) {
      byte[] plain = in.readAllBytes();
      assertArrayEquals(CONTENT, plain, "an altered blob decrypted to other bytes");
      // Edits at one position can cancel out; only a blob that really differs must fail.
      if (!java.util.Arrays.equals(candidate, BLOB)) {
        fail("an altered blob was accepted");
      }
    } catch (IntegrityException expected) {
      // Every alteration must end here.
    } catch (IOException e) {
      fail("an I/O error from an in-memory blob: " + e);
    }
  }

  @FuzzTest(maxDuration = "10s")
  void keySlotParser_rejectsMalformedSlots_withoutOtherFailures(FuzzedDataProvider data) {
    byte[] slot = data.consumeRemainingAsBytes();
    try (Password password = Password.wrap("fuzzing password".toCharArray())) {
      // params() parses without deriving a key, so a crafted cost cannot stall the fuzzer.
      PasswordCost cost = KeySlot.params(slot, "sato");
      if (cost.memoryKiB() <= PasswordCost.MINIMUM.memoryKiB() && cost.iterations() <= PasswordCost.MINIMUM.iterations()) {
        KeySlot.open(slot, VAULT, "sato", password);
      }
    } catch (IntegrityException | AuthenticationException expected) {
      // Malformed slots and wrong passwords end here.
    }
  }
}
