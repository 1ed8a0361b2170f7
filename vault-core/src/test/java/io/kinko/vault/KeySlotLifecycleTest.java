package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kinko.vault.crypto.KeySlot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key slot that is replaced or removed takes its bytes with it, and a slot that is damaged or
 * crafted refuses the login without counting against anyone. The attacker here reads the vault
 * folder: they kept a descriptor open on the old slot, or they read every file afterwards, and
 * they know the old password.
 */
class KeySlotLifecycleTest {
  static final char[] BOB = "a long staff password 1".toCharArray();
  static final char[] NEXT = "a brand new passphrase 2".toCharArray();

  @TempDir Path dir;
  Path root;
  Vault vault;
  Session admin;

  @BeforeEach
  void open() {
    root = dir.resolve("vault");
    vault = TestVaults.create(root);
    admin = TestVaults.login(vault);
    try (Password p = Password.copyOf(BOB)) {
      admin.administration().addUser("bob", Role.WORKER, p, null);
    }
  }

  @AfterEach
  void close() {
    admin.close();
    vault.close();
  }

  private Path slot(String user) {
    return root.resolve("keys").resolve("user-" + user + ".slot");
  }

  private Session login(String user, char[] password) {
    try (Password p = Password.copyOf(password)) {
      return vault.login(user, p);
    }
  }

  @Test
  void changedPassword_theOldSlotsBlocksHoldNoise_andTheOldPasswordOpensNothing() throws IOException {
    byte[] old = Files.readAllBytes(slot("bob"));
    try (FileChannel kept = FileChannel.open(slot("bob"), StandardOpenOption.READ)) {
      try (Session bob = login("bob", BOB); Password o = Password.copyOf(BOB); Password n = Password.copyOf(NEXT)) {
        bob.changePassword(o, n);
      }
      // The attacker's descriptor still reaches the old slot's blocks: they were overwritten in place.
      byte[] after = readAll(kept, old.length);
      assertFalse(java.util.Arrays.equals(old, after), "the old slot's bytes are still in its blocks");
      assertEquals(-1, indexOf(after, keyset(old)), "the old sealed keyset is still in its blocks");
      assertOldPasswordOpensNothing(after, "bob");
    }
    assertNoFileHolds(keyset(old));
    assertThrows(AuthenticationException.class, () -> login("bob", BOB));
    login("bob", NEXT).close();
  }

  @Test
  void resetByAnAdministrator_destroysTheOldSlotToo() throws IOException {
    byte[] old = Files.readAllBytes(slot("bob"));
    try (FileChannel kept = FileChannel.open(slot("bob"), StandardOpenOption.READ)) {
      try (Password n = Password.copyOf(NEXT)) {
        admin.administration().resetPassword("bob", n);
      }
      assertEquals(-1, indexOf(readAll(kept, old.length), keyset(old)));
    }
    assertNoFileHolds(keyset(old));
    login("bob", NEXT).close();
  }

  @Test
  void disabledUser_theirSlotIsOverwrittenBeforeItGoes() throws IOException {
    byte[] old = Files.readAllBytes(slot("bob"));
    try (FileChannel kept = FileChannel.open(slot("bob"), StandardOpenOption.READ)) {
      admin.administration().disable("bob");
      assertFalse(Files.exists(slot("bob")));
      assertEquals(-1, indexOf(readAll(kept, old.length), keyset(old)));
    }
    assertNoFileHolds(keyset(old));
  }

  @Test
  void aReplacementCutShort_leavesAnOldSlotThatTheNextOpenDestroys() throws IOException {
    byte[] old = Files.readAllBytes(slot("bob"));
    try (Session bob = login("bob", BOB); Password o = Password.copyOf(BOB); Password n = Password.copyOf(NEXT)) {
      bob.changePassword(o, n);
    }
    close();
    // What a crash after the rename and before the destruction leaves: the old slot under its second name.
    Path retired = slot("bob").resolveSibling("user-bob.slot.0123456789abcdef.retired");
    Files.write(retired, old);
    Files.setLastModifiedTime(retired, FileTime.from(Instant.now().minusSeconds(3600)));
    try (FileChannel kept = FileChannel.open(retired, StandardOpenOption.READ)) {
      vault = TestVaults.open(root);
      admin = TestVaults.login(vault);
      assertFalse(Files.exists(retired), "the old slot outlived the next open");
      assertEquals(-1, indexOf(readAll(kept, old.length), keyset(old)));
    }
    login("bob", NEXT).close();
  }

  @Test
  void aCrashBeforeTheRename_leavesASecondNameOfTheLiveSlot_whichTheNextOpenUnlinksWithoutTouchingIt() throws IOException {
    close();
    Path second = slot("bob").resolveSibling("user-bob.slot.fedcba9876543210.retired");
    Files.createLink(second, slot("bob"));
    Files.setLastModifiedTime(second, FileTime.from(Instant.now().minusSeconds(3600)));
    vault = TestVaults.open(root);
    admin = TestVaults.login(vault);
    assertFalse(Files.exists(second));
    login("bob", BOB).close();
  }

  /** A file outside the vault that the user can write, which an attacker points a planted name at. */
  private Path outsideFile() throws IOException {
    Path outside = dir.resolve("thesis.txt");
    Files.writeString(outside, "a file of the user's own, outside the vault");
    Files.setLastModifiedTime(outside, FileTime.from(Instant.now().minusSeconds(3600)));
    return outside;
  }

  @Test
  void aRetiredNamePlantedAsASymlink_toAFileOutsideTheVault_isUnlinked_andTheFileKeepsItsBytes() throws IOException {
    assertTheSweepUnlinksOnly((planted, outside) -> {
      Files.createSymbolicLink(planted, outside);
      // The link's own time too, so that the sweep takes it for an old name and does not wait for it.
      Files.getFileAttributeView(planted, java.nio.file.attribute.BasicFileAttributeView.class, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          .setTimes(FileTime.from(Instant.now().minusSeconds(3600)), null, null);
    });
  }

  @Test
  void aRetiredNamePlantedAsAHardLink_toAFileOutsideTheVault_isUnlinked_andTheFileKeepsItsBytes() throws IOException {
    assertTheSweepUnlinksOnly(Files::createLink);
  }

  private interface Planter {
    void plant(Path planted, Path outside) throws IOException;
  }

  /** Plants a {@code .retired} name for a file outside the vault, reopens, and finds the file whole and the name gone. */
  private void assertTheSweepUnlinksOnly(Planter planter) throws IOException {
    close();
    Path outside = outsideFile();
    Path planted = slot("bob").resolveSibling("user-gone.slot.0123456789abcdef.retired");
    planter.plant(planted, outside);
    vault = TestVaults.open(root);
    admin = TestVaults.login(vault);
    assertEquals("a file of the user's own, outside the vault", Files.readString(outside));
    assertFalse(Files.exists(planted, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the planted name outlived the sweep");
  }

  @Test
  void aRetiredNamePlantedAsAHardLink_toAnotherUsersLiveSlot_leavesThatSlotWhole() throws IOException {
    close();
    byte[] bobs = Files.readAllBytes(slot("bob"));
    // Named for another slot, so that it is not the second name of the target its name gives.
    Path planted = slot("bob").resolveSibling("user-sato.slot.0123456789abcdef.retired");
    Files.createLink(planted, slot("bob"));
    Files.setLastModifiedTime(planted, FileTime.from(Instant.now().minusSeconds(3600)));
    vault = TestVaults.open(root);
    admin = TestVaults.login(vault);
    assertTrue(java.util.Arrays.equals(bobs, Files.readAllBytes(slot("bob"))), "bob's live slot was overwritten");
    assertFalse(Files.exists(planted));
    login("bob", BOB).close();
  }

  @Test
  void aSlotReplacedByASymlink_toAFileOutsideTheVault_aResetDoesNotOverwriteThatFile() throws IOException {
    Path outside = outsideFile();
    Files.delete(slot("bob"));
    Files.createSymbolicLink(slot("bob"), outside);
    try (Password n = Password.copyOf(NEXT)) {
      admin.administration().resetPassword("bob", n);
    }
    assertEquals("a file of the user's own, outside the vault", Files.readString(outside));
    assertFalse(Files.isSymbolicLink(slot("bob")));
    login("bob", NEXT).close();
  }

  @Test
  void damagedOrCraftedSlot_isAnIntegrityRefusal_anIncident_andNobodysLockout() throws IOException {
    byte[] good = Files.readAllBytes(slot("bob"));
    JsonObject crafted = JsonParser.parseString(new String(good, StandardCharsets.UTF_8)).getAsJsonObject();
    crafted.getAsJsonObject("kdf").addProperty("memoryKiB", Integer.MAX_VALUE);
    JsonObject renamed = JsonParser.parseString(new String(good, StandardCharsets.UTF_8)).getAsJsonObject();
    renamed.addProperty("slot", "sato");
    List<byte[]> bad = List.of("{not json".getBytes(StandardCharsets.UTF_8), crafted.toString().getBytes(StandardCharsets.UTF_8),
        renamed.toString().getBytes(StandardCharsets.UTF_8), new byte[0]);
    int lockoutAfter = vault.accessPolicy().lockoutAfter();
    for (int round = 0; round <= lockoutAfter; round++) {
      Files.write(slot("bob"), bad.get(round % bad.size()));
      IntegrityException e = assertThrows(IntegrityException.class, () -> login("bob", BOB));
      assertEquals(IncidentRule.INTEGRITY_KEYS, e.rule());
    }
    Files.delete(slot("bob"));
    assertEquals(IncidentRule.INTEGRITY_KEYS, assertThrows(IntegrityException.class, () -> login("bob", BOB)).rule());

    UserInfo bob = admin.administration().users().stream().filter(u -> u.name().equals("bob")).findFirst().orElseThrow();
    assertEquals(0, bob.failedLogins());
    assertEquals(AccountStatus.ACTIVE, bob.status());
    List<LogEntry> logins = admin.logEntries(new LogQuery(null, null, "bob", "LOGIN"));
    assertEquals(lockoutAfter + 2, logins.stream().filter(e -> e.decision().equals("DENY") && e.reason().equals("key slot unreadable")).count());
    List<LogEntry> incidents = admin.logEntries(new LogQuery(null, null, "bob", "INCIDENT"));
    // One integrity.keys INCIDENT per refusal, and no failed-login rule counts them.
    assertEquals(lockoutAfter + 2, incidents.size(), incidents.toString());
    assertTrue(incidents.stream().allMatch(e -> e.reason().startsWith("rule integrity.keys;")), incidents.toString());

    Files.write(slot("bob"), good);
    login("bob", BOB).close();
  }

  /** The sealed keyset of a slot file: the bytes that, with the password, give the master key. */
  static byte[] keyset(byte[] slotFile) {
    String b64 = JsonParser.parseString(new String(slotFile, StandardCharsets.UTF_8)).getAsJsonObject().get("keyset").getAsString();
    return b64.getBytes(StandardCharsets.US_ASCII);
  }

  private void assertOldPasswordOpensNothing(byte[] bytes, String user) {
    try (Password o = Password.copyOf(BOB)) {
      assertThrows(IntegrityException.class, () -> KeySlot.open(bytes, vault.id(), user, o));
    }
  }

  private void assertNoFileHolds(byte[] needle) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        assertEquals(-1, indexOf(Files.readAllBytes(f), needle), f + " holds the old slot's sealed keyset");
      }
    }
  }

  static byte[] readAll(FileChannel channel, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
      // read until the old length or the end of the file
    }
    return java.util.Arrays.copyOf(buffer.array(), buffer.position());
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
