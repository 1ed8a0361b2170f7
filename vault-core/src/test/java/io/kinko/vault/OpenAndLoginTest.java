package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.crypto.KeySlotProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenAndLoginTest {
  @TempDir Path dir;

  private Path vaultWithOneFile() {
    Path v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "doc.txt", "hello".getBytes(StandardCharsets.UTF_8));
    }
    return v;
  }

  /** An app that closes its vault while a request still holds a session: a clear error, nothing read or written. */
  @Test
  void aSessionUsedAfterItsVaultClosed_andALoginThen_failSayingTheVaultIsClosed() {
    Path v = vaultWithOneFile();
    Vault vault = TestVaults.open(v);
    Session s = TestVaults.login(vault);
    java.util.List<Path> blobs = TestVaults.filesUnder(v.resolve("blobs"));
    vault.close();
    VaultException read = assertThrows(VaultException.class, () -> s.list(""));
    assertTrue(read.getMessage().contains("is closed: open it again"), read::getMessage);
    VaultException write = assertThrows(VaultException.class, () -> TestVaults.put(s, "late.txt", new byte[] {1}));
    assertTrue(write.getMessage().contains("is closed: open it again"), write::getMessage);
    try (Password pw = Password.copyOf(TestVaults.PASSWORD)) {
      VaultException login = assertThrows(VaultException.class, () -> vault.login(TestVaults.ADMIN, pw));
      assertTrue(login.getMessage().contains("is closed: open it again"), login::getMessage);
    }
    s.close();
    assertEquals(blobs, TestVaults.filesUnder(v.resolve("blobs")), "the refused put left a blob behind");
    try (Vault again = TestVaults.open(v); Session t = TestVaults.login(again)) {
      assertEquals(java.util.List.of("doc.txt"), t.list("").stream().map(FileInfo::path).toList());
    }
  }

  @Test
  void login_withWrongPassword_isAnAuthenticationFailure() {
    Path v = vaultWithOneFile();
    try (Vault vault = TestVaults.open(v); Password wrong = Password.wrap("not the password".toCharArray())) {
      AuthenticationException e = assertThrows(AuthenticationException.class, () -> vault.login(TestVaults.ADMIN, wrong));
      assertTrue(e.getMessage().contains("sato"), e.getMessage());
      assertTrue(!e.getMessage().contains("not the password"), "the password leaked into the message");
    }
  }

  @Test
  void login_ofAnUnknownUser_isAnAuthenticationFailure() {
    Path v = vaultWithOneFile();
    try (Vault vault = TestVaults.open(v); Password pw = Password.copyOf(TestVaults.PASSWORD)) {
      assertThrows(AuthenticationException.class, () -> vault.login("tanaka", pw));
      assertThrows(AuthenticationException.class, () -> vault.login("../etc", pw));
    }
  }

  @Test
  void login_ofAnUnknownUser_costsOneArgon2idDerivationAtTheVaultsCost_andSaysWhatAWrongPasswordSays() throws IOException {
    Path v = vaultWithOneFile();
    PasswordCost slotCost = io.kinko.vault.crypto.KeySlot.params(Files.readAllBytes(v.resolve("keys/user-sato.slot")), "sato");
    try (Vault vault = TestVaults.open(v); Password wrong = Password.wrap("not the password".toCharArray())) {
      long before = KeySlotProbe.derivations();
      AuthenticationException badPassword = assertThrows(AuthenticationException.class, () -> vault.login(TestVaults.ADMIN, wrong));
      assertEquals(before + 1, KeySlotProbe.derivations(), "a wrong password did not cost one derivation");
      assertEquals(slotCost, KeySlotProbe.lastCost());

      AuthenticationException unknown = assertThrows(AuthenticationException.class, () -> vault.login("tanaka", wrong));
      assertEquals(before + 2, KeySlotProbe.derivations(), "an unknown user skipped the Argon2id work");
      assertEquals(slotCost, KeySlotProbe.lastCost(), "an unknown user was derived at another cost than a known one");

      assertThrows(AuthenticationException.class, () -> vault.login("../etc", wrong));
      assertEquals(before + 3, KeySlotProbe.derivations(), "an invalid user name skipped the Argon2id work");

      assertEquals("authentication failed for 'X': unknown user or wrong password", unknown.getMessage().replace("tanaka", "X"));
      assertEquals(unknown.getMessage().replace("tanaka", "X"), badPassword.getMessage().replace(TestVaults.ADMIN, "X"),
          "the messages tell an unknown user from a wrong password");
    }
  }

  @Test
  void open_ofAFolderThatIsNotAVault_saysSo() throws IOException {
    Files.createDirectories(dir.resolve("plain"));
    VaultException e = assertThrows(VaultException.class, () -> TestVaults.open(dir.resolve("plain")));
    assertTrue(e.getMessage().contains("not a Kinko vault"), e.getMessage());
    VaultException missing = assertThrows(VaultException.class, () -> TestVaults.open(dir.resolve("nowhere")));
    assertTrue(missing.getMessage().contains("not a Kinko vault"), missing.getMessage());
  }

  @Test
  void login_afterTheDescriptorWasEditedByHand_isAnIntegrityFailure() throws IOException {
    Path v = vaultWithOneFile();
    Path descriptor = v.resolve("kinko.json");
    String json = Files.readString(descriptor);
    // A shortened contract would shorten the log's retention: the seal must catch it.
    Files.writeString(descriptor, json.replace("2027-03-31", "2026-03-31"));
    try (Vault vault = TestVaults.open(v)) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.login(vault));
      assertTrue(e.getMessage().contains("kinko.json"), e.getMessage());
    }
  }

  @Test
  void aDescriptorWrittenBeforeTheNamingPolicy_namesByTag_andKeepsItsSeal_whileSwitchingItToPlainIsCaught() throws IOException {
    Path v = vaultWithOneFile();
    Path descriptor = v.resolve("kinko.json");
    String json = Files.readString(descriptor);
    assertTrue(json.contains("\"names\": \"tag\""), json);
    // As a 0.1 vault wrote it: no "certificates" object at all.
    Files.writeString(descriptor, json.replaceFirst(",\\s*\"certificates\": \\{\\s*\"names\": \"tag\"\\s*}", ""));
    assertFalse(Files.readString(descriptor).contains("certificates"), Files.readString(descriptor));
    try (Vault vault = TestVaults.open(v); Session session = TestVaults.login(vault)) {
      assertTrue(session.list("").size() > 0);
    }

    Files.writeString(descriptor, json.replace("\"names\": \"tag\"", "\"names\": \"plain\""));
    try (Vault vault = TestVaults.open(v)) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.login(vault));
      assertTrue(e.getMessage().contains("kinko.json"), e.getMessage());
    }
  }

  @Test
  void open_ofAMalformedDescriptor_isAnIntegrityFailure() throws IOException {
    Path v = vaultWithOneFile();
    for (String broken : new String[] {"{", "[]", "{\"kinko\":\"vault\"}", "{\"kinko\":\"other\"}", ""}) {
      Files.writeString(v.resolve("kinko.json"), broken);
      assertThrows(IntegrityException.class, () -> TestVaults.open(v), broken);
    }
  }

  @Test
  void login_withASlotDemandingMoreThanTheCaps_isRefusedWithoutDerivingTheKey() throws IOException {
    Path v = vaultWithOneFile();
    Path slot = v.resolve("keys/user-sato.slot");
    Files.writeString(slot, Files.readString(slot).replaceFirst("\"memoryKiB\":\\d+", "\"memoryKiB\":16777216"));
    try (Vault vault = TestVaults.open(v)) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> TestVaults.login(vault));
      assertTrue(e.getMessage().contains("caps"), e.getMessage());
    }
  }

  @Test
  void login_withAKeySlotFromAnotherVault_fails() throws IOException {
    Path v = vaultWithOneFile();
    try (Vault other = TestVaults.create(dir.resolve("other"))) {
      Files.copy(dir.resolve("other/keys/user-sato.slot"), v.resolve("keys/user-sato.slot"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    try (Vault vault = TestVaults.open(v)) {
      assertThrows(AuthenticationException.class, () -> TestVaults.login(vault));
    }
  }

  @Test
  void create_inAFolderThatIsNotEmpty_isRefused() throws IOException {
    Files.createDirectories(dir.resolve("busy"));
    Files.writeString(dir.resolve("busy/notes.txt"), "keep me");
    assertThrows(VaultException.class, () -> TestVaults.create(dir.resolve("busy")));
    assertEquals("keep me", Files.readString(dir.resolve("busy/notes.txt")));
  }

  @Test
  void reopen_afterClose_readsWhatWasStored() {
    Path v = vaultWithOneFile();
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(s, "doc.txt"));
      assertEquals(TestVaults.CONTRACT, vault.contract());
    }
  }

  @Test
  void password_toString_hidesTheCharacters_andCloseZeroesThem() {
    char[] chars = "secret-password".toCharArray();
    Password p = Password.wrap(chars);
    assertTrue(!p.toString().contains("secret"));
    p.close();
    assertArrayEquals(new char[chars.length], chars);
  }
}
