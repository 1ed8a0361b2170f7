package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointTest {
  private static final byte[] ROOT = Merkle.leafHash("root".getBytes(StandardCharsets.UTF_8));
  private static final String B64 = Base64.getEncoder().encodeToString(ROOT);

  @Test
  void text_isOriginSizeRootAndExtensions() {
    assertEquals("example.com/log\n20852163\n" + B64 + "\n",
        new Checkpoint("example.com/log", 20852163, ROOT).text());
    assertEquals("o\n0\n" + B64 + "\next one\next two\n",
        new Checkpoint("o", 0, ROOT, List.of("ext one", "ext two")).text());
  }

  @Test
  void parse_ofText_roundTrips() {
    Checkpoint c = new Checkpoint("example.com/log", Long.MAX_VALUE, ROOT, List.of("x"));
    assertEquals(c, Checkpoint.parse(c.text()));
    assertArrayEquals(ROOT, Checkpoint.parse(c.text()).rootHash());
  }

  @Test
  void parse_ofC2spExampleShape_readsFields() {
    Checkpoint c = Checkpoint.parse(
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
    assertEquals("example.com/behind-the-sofa", c.origin());
    assertEquals(20852163L, c.size());
    assertEquals(32, c.rootHash().length);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "o\n5\nROOT", // no final newline
    "o\n5\n", // no root
    "\n5\nROOT\n", // empty origin
    "o\n05\nROOT\n", // leading zero
    "o\n00\nROOT\n",
    "o\n-1\nROOT\n",
    "o\n+5\nROOT\n",
    "o\n 5\nROOT\n",
    "o\n5 \nROOT\n",
    "o\n\u0665\nROOT\n", // Arabic-Indic digit five
    "o\n9223372036854775808\nROOT\n", // beyond a long
    "o\n5\nAAAA\n", // 3-byte root
    "o\n5\nROOTAAAA\n", // 35-byte root
    "o\n5\nROOT\n\n", // empty extension line
    "o\n5\nROOT\n\next\n",
    "o\r\n5\nROOT\n", // carriage return
    "o\n5\nUNPADDED\n", // root without its '='
    "o\n5\nURLSAFE\n", // base64url alphabet
  })
  void parse_withMalformedCheckpoint_isRejected(String template) {
    String unpadded = B64.substring(0, B64.length() - 1);
    byte[] fb = new byte[32];
    Arrays.fill(fb, (byte) 0xFB); // "+/v7..." in standard base64, "-_v7..." in base64url
    String urlSafe = Base64.getUrlEncoder().encodeToString(fb);
    String text = template.replace("ROOT", B64).replace("UNPADDED", unpadded)
        .replace("URLSAFE", urlSafe);
    assertThrows(FormatException.class, () -> Checkpoint.parse(text));
  }

  @Test
  void parse_ofSizeZero_isAccepted() {
    assertEquals(0, Checkpoint.parse("o\n0\n" + B64 + "\n").size());
  }

  @Test
  void constructor_withInvalidFields_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Checkpoint("", 1, ROOT));
    assertThrows(IllegalArgumentException.class, () -> new Checkpoint("a\nb", 1, ROOT));
    assertThrows(IllegalArgumentException.class, () -> new Checkpoint("o", -1, ROOT));
    assertThrows(IllegalArgumentException.class, () -> new Checkpoint("o", 1, new byte[31]));
    assertThrows(IllegalArgumentException.class,
        () -> new Checkpoint("o", 1, ROOT, List.of("")));
  }

  @Test
  void signedCheckpoint_fromTree_opensWithVaultKey() throws Exception {
    MerkleTree tree = MerkleTree.open(new InMemoryNodeStore(), 0);
    for (int i = 0; i < 5; i++) {
      tree.append(MerkleTreeTest.leaf(i));
    }
    NoteSigner signer = SignedNoteTest.newSigner("kinko.example/vault-1");
    Checkpoint checkpoint = new Checkpoint("kinko.example/vault-1", tree.size(), tree.root());
    byte[] note = SignedNote.sign(checkpoint.text(), signer).toBytes();
    Checkpoint opened = Checkpoint.open(note, signer.verifier());
    assertEquals(checkpoint, opened);
    NoteVerifier stranger = SignedNoteTest.newSigner("kinko.example/vault-1").verifier();
    assertThrows(VerificationException.class, () -> Checkpoint.open(note, stranger));
  }
}
