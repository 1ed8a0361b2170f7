package io.kinko.vault.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A covered column appended to a kind after vaults were made (V11: {@code deletions.approver})
 * must leave the fact of a row that does not set it as it was, or every existing vault's
 * commitment would fail at the first read of a deletion; once set, it must be covered.
 */
class AppendedColumnTest {
  /** The 13 DELETION columns before V11, as a vault made by 0.2.x holds them. */
  private static final List<String> BEFORE_V11 = Arrays.asList("f".repeat(32), "b".repeat(32), "CERTIFIED", "t".repeat(64), "1", "sealed",
      "10", "0", "sato", "0", "overwritten", "7", "b".repeat(32));

  @Test
  void aDeletionRowWithoutApprover_hashesExactlyAsBeforeTheColumnExisted() throws IOException {
    List<String> now = new ArrayList<>(BEFORE_V11);
    now.add(null);
    assertArrayEquals(factAsEncodedBeforeV11(3, BEFORE_V11), StateDigest.fact(StateKind.DELETION, 3, now));
  }

  @Test
  void anApprover_setOrChanged_changesTheFact() {
    List<String> none = new ArrayList<>(BEFORE_V11);
    none.add(null);
    List<String> suzuki = new ArrayList<>(BEFORE_V11);
    suzuki.add("suzuki");
    List<String> mallory = new ArrayList<>(BEFORE_V11);
    mallory.add("mallory");
    List<String> empty = new ArrayList<>(BEFORE_V11);
    empty.add("");
    byte[] a = StateDigest.fact(StateKind.DELETION, 3, none);
    byte[] b = StateDigest.fact(StateKind.DELETION, 3, suzuki);
    byte[] c = StateDigest.fact(StateKind.DELETION, 3, mallory);
    byte[] d = StateDigest.fact(StateKind.DELETION, 3, empty);
    assertFalse(Arrays.equals(a, b) || Arrays.equals(b, c) || Arrays.equals(a, d), "the approver is not covered");
  }

  /** The encoding StateDigest.fact documents, written out independently: kind, bucket, count, then each value. */
  private static byte[] factAsEncodedBeforeV11(int bucket, List<String> values) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt("DELETION".length());
    out.write("DELETION".getBytes(StandardCharsets.US_ASCII));
    out.writeInt(bucket);
    out.writeInt(values.size());
    for (String v : values) {
      byte[] b = v.getBytes(StandardCharsets.UTF_8);
      out.writeByte(1);
      out.writeInt(b.length);
      out.write(b);
    }
    return bytes.toByteArray();
  }
}
