package io.kinko.vault.audit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a city's auditor is handed, as Kinko made it ({@code artifacts/}, see its README), and the
 * one way the fuzz tests edit it: cut, overwritten and extended, as a damaged or doctored file is.
 */
final class AuditorArtifacts {
  /** The vault's public key as the auditor gives it ({@code --key vault.pub.pem}): the file's text. */
  static final String KEY = new String(read("vault.pub.pem"), StandardCharsets.US_ASCII);

  /** The incident the incident report is on (its INCIDENT entry's sequence number). */
  static final long INCIDENT = 7;
  /** The archives' base names and the tree sizes their checkpoints sign: January's, then February's. */
  static final String JANUARY_ARCHIVE = "kinko-log-8de738399b688ec14417ee5ac4e59d78-0-7";
  static final String FEBRUARY_ARCHIVE = "kinko-log-8de738399b688ec14417ee5ac4e59d78-8-12";
  static final long JANUARY_SIZE = 8;
  static final long FEBRUARY_SIZE = 13;

  private AuditorArtifacts() {}

  static byte[] read(String name) {
    try (InputStream in = AuditorArtifacts.class.getResourceAsStream("artifacts/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no artifact " + name + " in the test resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code original} cut to a length the fuzzer picks, up to three of its bytes overwritten, and
   * the rest of the fuzzer's input appended; consumes that rest. The original itself is one of
   * the edits (cut nowhere, nothing overwritten or appended).
   */
  static byte[] edited(FuzzedDataProvider data, byte[] original) {
    byte[] edited = Arrays.copyOf(original, data.consumeInt(0, original.length));
    for (int i = data.consumeInt(0, 3); i > 0 && edited.length > 0; i--) {
      edited[data.consumeInt(0, edited.length - 1)] = data.consumeByte();
    }
    byte[] tail = data.consumeRemainingAsBytes();
    edited = Arrays.copyOf(edited, edited.length + tail.length);
    System.arraycopy(tail, 0, edited, edited.length - tail.length, tail.length);
    return edited;
  }
}
