package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kinko.vault.token.HardwareToken;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token slots on real SoftHSM2 tokens: enrolment with a generated or an existing key (EC and
 * RSA), logins with the right and the wrong PIN, a token removed, absent or swapped, the
 * two-factor policy, and slots crafted or copied by someone who can write the vault folder.
 */
@Tag("token")
class TokenSlotTest {
  static final char[] BOB = "a long staff password 1".toCharArray();
  static final char[] BOB_NEW = "the new two-factor half 3".toCharArray();

  @TempDir Path dir;
  Path root;
  Vault vault;
  Session admin;
  String label;

  @BeforeEach
  void open() {
    label = SoftHsm.token();
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

  private Path tokenSlot(String user) {
    return root.resolve("keys").resolve("user-" + user + ".token");
  }

  private Path passwordSlot(String user) {
    return root.resolve("keys").resolve("user-" + user + ".slot");
  }

  private TokenInfo enrol(String user, String tokenLabel, String keyId, char[] password) {
    try (Password pin = Password.copyOf(SoftHsm.PIN); Password p = password == null ? null : Password.copyOf(password)) {
      return admin.addToken(user, new TokenCredential(SoftHsm.MODULE, tokenLabel, pin), keyId, p);
    }
  }

  private Session tokenLogin(String user, String tokenLabel, char[] pin, char[] password) {
    try (Password pinHolder = Password.copyOf(pin); Password p = password == null ? null : Password.copyOf(password)) {
      return vault.login(user, p, new TokenCredential(SoftHsm.MODULE, tokenLabel, pinHolder));
    }
  }

  private Session passwordLogin(String user, char[] password) {
    try (Password p = Password.copyOf(password)) {
      return vault.login(user, p);
    }
  }

  private List<LogEntry> logins(String user) {
    return admin.logEntries(new LogQuery(null, null, user, "LOGIN"));
  }

  private LogEntry lastLogin(String user) {
    List<LogEntry> all = logins(user);
    return all.get(all.size() - 1);
  }

  private UserInfo user(String name) {
    return admin.administration().users().stream().filter(u -> u.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void addToken_generatesAKeyOnAnEmptyToken_andTheTokenAloneLogsIn_withLoginSayingToken() {
    TokenInfo info = enrol("bob", label, null, null);
    assertEquals("ecdh-p256", info.algorithm());
    assertEquals(label, info.label());
    assertFalse(info.twoFactor());
    assertTrue(Files.exists(tokenSlot("bob")));
    assertTrue(Files.exists(passwordSlot("bob")), "a one-factor token leaves the password slot");
    try (Session bob = tokenLogin("bob", label, SoftHsm.PIN, null)) {
      assertEquals("bob", bob.user());
    }
    assertEquals("ALLOW", lastLogin("bob").decision());
    assertEquals("token", lastLogin("bob").reason());
    // The label is optional at login: the slot's serial finds the token.
    tokenLogin("bob", null, SoftHsm.PIN, null).close();
    passwordLogin("bob", BOB).close();
    assertEquals("password", lastLogin("bob").reason());
    assertEquals(List.of(new TokenInfo("bob", label, info.serial(), "kinko", "ecdh-p256", false)), admin.administration().tokens());
  }

  @Test
  void addToken_withAnExistingEcKeyById_usesItAndMakesNoOther() {
    try (HardwareToken t = HardwareToken.open(SoftHsm.MODULE, label, null, SoftHsm.PIN)) {
      t.generate("card-key");
    }
    TokenInfo info = enrol("bob", label, "card-key", null);
    assertEquals("card-key", info.keyId());
    try (HardwareToken t = HardwareToken.open(SoftHsm.MODULE, label, null, SoftHsm.PIN)) {
      assertEquals(List.of("card-key"), t.keyAliases());
    }
    tokenLogin("bob", label, SoftHsm.PIN, null).close();
  }

  @Test
  void addToken_withAnExistingRsaKey_wrapsWithOaep_andTheTokenDecrypts() {
    try (HardwareToken t = HardwareToken.open(SoftHsm.MODULE, label, null, SoftHsm.PIN)) {
      t.generate("piv-9d", HardwareToken.KeyType.RSA_2048);
    }
    TokenInfo info = enrol("bob", label, "piv-9d", null);
    assertEquals("rsa-oaep-sha256", info.algorithm());
    tokenLogin("bob", label, SoftHsm.PIN, null).close();
    assertEquals("token", lastLogin("bob").reason());
  }

  @Test
  void addToken_onATokenWithOtherKeys_andNoKeyIdGiven_isRefusedNamingThem() {
    try (HardwareToken t = HardwareToken.open(SoftHsm.MODULE, label, null, SoftHsm.PIN)) {
      t.generate("other");
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> enrol("bob", label, null, null));
    assertTrue(e.getMessage().contains("[other]"), e.getMessage());
    assertFalse(Files.exists(tokenSlot("bob")));
  }

  @Test
  void wrongPin_isCountedLikeAWrongPassword_andLocksTheAccountAtTheThreshold() {
    enrol("bob", label, null, null);
    int threshold = vault.accessPolicy().lockoutAfter();
    for (int i = 1; i <= threshold; i++) {
      assertThrows(AuthenticationException.class, () -> tokenLogin("bob", label, SoftHsm.WRONG_PIN, null));
      assertEquals("wrong PIN (" + i + " of " + threshold + ")", lastLogin("bob").reason());
    }
    assertEquals(AccountStatus.LOCKED, user("bob").status());
    AuthenticationException locked = assertThrows(AuthenticationException.class, () -> tokenLogin("bob", label, SoftHsm.PIN, null));
    assertTrue(locked.getMessage().contains("locked"), locked.getMessage());
    assertEquals(1, admin.logEntries(new LogQuery(null, null, "bob", "LOCKOUT")).size());
  }

  @Test
  void absentOrOtherToken_isRefusedClearly_withoutACount_andNoPinReachesTheOtherToken() {
    TokenInfo info = enrol("bob", label, null, null);
    AuthenticationException absent = assertThrows(AuthenticationException.class, () -> tokenLogin("bob", SoftHsm.absent(), SoftHsm.PIN, null));
    assertTrue(absent.getMessage().contains("no token labelled"), absent.getMessage());
    assertEquals("token not present", lastLogin("bob").reason());

    String other = SoftHsm.token();
    // The wrong PIN would burn the other token's counter if it were sent; the serial check comes first.
    AuthenticationException swapped = assertThrows(AuthenticationException.class, () -> tokenLogin("bob", other, SoftHsm.WRONG_PIN, null));
    assertTrue(swapped.getMessage().contains("not the token enrolled (serial " + info.serial() + ")"), swapped.getMessage());
    assertEquals("another token", lastLogin("bob").reason());
    assertEquals(0, user("bob").failedLogins());
  }

  @Test
  void tokenLogin_ofAKnownUserWithNoToken_readsLikeThatOfAnUnknownName() {
    for (char[] password : new char[][] {null, BOB}) {
      String unknown = assertThrows(AuthenticationException.class, () -> tokenLogin("nobody", label, SoftHsm.PIN, password)).getMessage();
      String known = assertThrows(AuthenticationException.class, () -> tokenLogin("bob", label, SoftHsm.PIN, password)).getMessage();
      assertEquals(unknown.replace("'nobody'", "'bob'"), known, "the refusal's text tells a staff name from an unknown one");
    }
    assertEquals("no token enrolled", lastLogin("bob").reason()); // the log, for administrators, still says why
    assertEquals(0, user("bob").failedLogins());
  }

  @Test
  void removedToken_destroysTheSlotsBytes_andTheTokenOpensNothingAfterwards() throws IOException {
    enrol("bob", label, null, null);
    byte[] old = Files.readAllBytes(tokenSlot("bob"));
    byte[] keyset = KeySlotLifecycleTest.keyset(old);
    try (FileChannel kept = FileChannel.open(tokenSlot("bob"), StandardOpenOption.READ)) {
      admin.removeToken("bob");
      assertFalse(Files.exists(tokenSlot("bob")));
      assertEquals(-1, KeySlotLifecycleTest.indexOf(KeySlotLifecycleTest.readAll(kept, old.length), keyset),
          "the removed slot's sealed keyset is still in its blocks");
    }
    try (var files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        assertEquals(-1, KeySlotLifecycleTest.indexOf(Files.readAllBytes(f), keyset), f + " holds the removed slot's keyset");
      }
    }
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> tokenLogin("bob", label, SoftHsm.PIN, null));
    assertTrue(e.getMessage().contains("no token enrolled"), e.getMessage());
    assertEquals("no token enrolled", lastLogin("bob").reason());
    assertTrue(admin.administration().tokens().isEmpty());
  }

  @Test
  void twoFactorPolicy_refusesEitherFactorAlone_acceptsBoth_andTheEnrolmentDestroysThePasswordSlot() throws IOException {
    admin.administration().setTwoFactorRoles(EnumSet.of(Role.WORKER));
    assertEquals(Set.of(Role.WORKER), admin.administration().twoFactorRoles());
    // Not enrolled yet: the password alone still opens, and the entry says two factors are pending.
    passwordLogin("bob", BOB).close();
    assertTrue(lastLogin("bob").reason().startsWith("password (two-factor pending"), lastLogin("bob").reason());
    // The policy covers workers: a token-only enrolment is refused.
    assertThrows(IllegalArgumentException.class, () -> enrol("bob", label, null, null));

    byte[] passwordSlot = Files.readAllBytes(passwordSlot("bob"));
    TokenInfo info = enrol("bob", label, null, BOB_NEW);
    assertTrue(info.twoFactor());
    assertFalse(Files.exists(passwordSlot("bob")), "the password-only slot outlived the two-factor enrolment");

    AuthenticationException passwordOnly = assertThrows(AuthenticationException.class, () -> passwordLogin("bob", BOB_NEW));
    assertTrue(passwordOnly.getMessage().contains("token missing"), passwordOnly.getMessage());
    AuthenticationException tokenOnly = assertThrows(AuthenticationException.class, () -> tokenLogin("bob", label, SoftHsm.PIN, null));
    assertTrue(tokenOnly.getMessage().contains("password missing"), tokenOnly.getMessage());
    assertThrows(AuthenticationException.class, () -> tokenLogin("bob", label, SoftHsm.PIN, BOB));
    assertEquals("wrong password (1 of " + vault.accessPolicy().lockoutAfter() + ")", lastLogin("bob").reason());
    tokenLogin("bob", label, SoftHsm.PIN, BOB_NEW).close();
    assertEquals("password+token", lastLogin("bob").reason());

    // Someone who edits the policy away, or puts the old password slot back, still needs the token:
    // the old slot is the old password's, and the new password opens no password slot.
    Files.write(passwordSlot("bob"), passwordSlot);
    admin.administration().setTwoFactorRoles(EnumSet.noneOf(Role.class));
    assertThrows(AuthenticationException.class, () -> passwordLogin("bob", BOB_NEW));
  }

  @Test
  void twoFactorUser_whoPutsTheOldPasswordSlotBack_andDeletesTheTokenSlot_isStillRefusedThePasswordAlone() throws Exception {
    admin.administration().setTwoFactorRoles(EnumSet.of(Role.WORKER));
    byte[] oldPasswordSlot = Files.readAllBytes(passwordSlot("bob"));
    assertTrue(enrol("bob", label, null, BOB_NEW).twoFactor());
    // The worker can write the vault folder: the old slot (whose password they know) goes back, the token slot goes away.
    Files.write(passwordSlot("bob"), oldPasswordSlot);
    Files.delete(tokenSlot("bob"));
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> passwordLogin("bob", BOB));
    assertTrue(e.getMessage().contains("token missing"), e.getMessage());
    assertEquals("two-factor required for WORKER: token missing", lastLogin("bob").reason());
    // The state row that records the enrolment deleted with H2 too: like any edited settings row, it
    // does not refuse a password login (an administrator must still get in to see it), but that login
    // is an integrity.state INCIDENT naming the edit (SECURITY.md: residual).
    try (java.sql.Connection c = TestDatabase.connect(vault.directory())) {
      assertEquals(1, c.createStatement().executeUpdate("DELETE FROM settings WHERE name = 'two-factor-enrolled:bob'"));
    }
    int incidents = admin.logEntries(new LogQuery(null, null, "bob", "INCIDENT")).size();
    passwordLogin("bob", BOB).close();
    List<LogEntry> after = admin.logEntries(new LogQuery(null, null, "bob", "INCIDENT"));
    assertEquals(incidents + 1, after.size());
    assertTrue(after.get(after.size() - 1).reason().startsWith("rule integrity.state;"), after.get(after.size() - 1).reason());
  }

  @Test
  void aTwoFactorAdministratorWhoLostPasswordAndCard_isRecoveredToThePasswordAlone_andEnrolsAgain() throws IOException {
    char[] recovered = "a password set by recovery 4".toCharArray();
    RecoveryKey key = admin.administration().rotateRecoveryKey();
    admin.administration().setTwoFactorRoles(EnumSet.of(Role.ADMIN));
    assertTrue(enrol(TestVaults.ADMIN, label, null, TestVaults.PASSWORD).twoFactor());
    assertFalse(Files.exists(passwordSlot(TestVaults.ADMIN)));
    admin.close();

    try (key; Password p = Password.copyOf(recovered)) {
      vault.recover(TestVaults.ADMIN, key, p);
    }
    assertFalse(Files.exists(tokenSlot(TestVaults.ADMIN)), "the lost card's slot outlived the recovery");
    admin = passwordLogin(TestVaults.ADMIN, recovered);
    assertTrue(lastLogin(TestVaults.ADMIN).reason().startsWith("password (two-factor pending"), lastLogin(TestVaults.ADMIN).reason());
    LogEntry recover = admin.logEntries(new LogQuery(null, null, TestVaults.ADMIN, "RECOVER")).get(0);
    assertTrue(recover.reason().endsWith("token slot destroyed"), recover.reason());
    // A new card (here the same token) is enrolled again with the recovered password.
    assertTrue(enrol(TestVaults.ADMIN, label, null, recovered).twoFactor());
    tokenLogin(TestVaults.ADMIN, label, SoftHsm.PIN, recovered).close();
  }

  @Test
  void oneFactorToken_withThePasswordToo_needsBothToOpen_andSaysPasswordPlusToken() {
    enrol("bob", label, null, null);
    tokenLogin("bob", label, SoftHsm.PIN, BOB).close();
    assertEquals("password+token", lastLogin("bob").reason());
    assertThrows(AuthenticationException.class, () -> tokenLogin("bob", label, SoftHsm.PIN, BOB_NEW));
  }

  @Test
  void craftedTokenSlot_isAnIntegrityRefusal_anIncident_andNobodysLockout() throws IOException {
    enrol("bob", label, null, null);
    byte[] good = Files.readAllBytes(tokenSlot("bob"));
    JsonObject otherKeyset = JsonParser.parseString(new String(good, StandardCharsets.UTF_8)).getAsJsonObject();
    byte[] sealed = java.util.Base64.getDecoder().decode(otherKeyset.get("keyset").getAsString());
    sealed[sealed.length - 1] ^= 1;
    otherKeyset.addProperty("keyset", java.util.Base64.getEncoder().encodeToString(sealed));
    JsonObject bigPassword = JsonParser.parseString(new String(good, StandardCharsets.UTF_8)).getAsJsonObject();
    JsonObject kdf = new JsonObject();
    kdf.addProperty("algorithm", "argon2id");
    kdf.addProperty("version", 19);
    kdf.addProperty("iterations", 3);
    kdf.addProperty("memoryKiB", Integer.MAX_VALUE);
    kdf.addProperty("parallelism", 4);
    kdf.addProperty("salt", "AAAAAAAAAAAAAAAAAAAAAA==");
    bigPassword.add("password", kdf);
    List<byte[]> bad = List.of("{not json".getBytes(StandardCharsets.UTF_8), otherKeyset.toString().getBytes(StandardCharsets.UTF_8),
        bigPassword.toString().getBytes(StandardCharsets.UTF_8));
    int threshold = vault.accessPolicy().lockoutAfter();
    for (int round = 0; round <= threshold; round++) {
      Files.write(tokenSlot("bob"), bad.get(round % bad.size()));
      IntegrityException e = assertThrows(IntegrityException.class, () -> tokenLogin("bob", label, SoftHsm.PIN, null));
      assertEquals(IncidentRule.INTEGRITY_KEYS, e.rule());
      assertEquals("key slot unreadable", lastLogin("bob").reason());
    }
    assertEquals(0, user("bob").failedLogins());
    assertEquals(AccountStatus.ACTIVE, user("bob").status());
    assertEquals(threshold + 1, admin.logEntries(new LogQuery(null, null, "bob", "INCIDENT")).size());
    Files.write(tokenSlot("bob"), good);
    tokenLogin("bob", label, SoftHsm.PIN, null).close();
  }

  @Test
  void ecdhSlotWithAnEphemeralPointOffTheCurve_isRefusedBeforeTheTokenIsAsked_anIncident_andNobodysLockout() throws IOException {
    enrol("bob", label, null, null);
    JsonObject slot = JsonParser.parseString(Files.readString(tokenSlot("bob"))).getAsJsonObject();
    byte[] wrap = java.util.Base64.getDecoder().decode(slot.get("wrap").getAsString());
    wrap[wrap.length - 1] ^= 1; // the point's y: no longer on P-256 (an invalid-curve probe of the token's key)
    slot.addProperty("wrap", java.util.Base64.getEncoder().encodeToString(wrap));
    Files.writeString(tokenSlot("bob"), slot.toString());
    int incidents = admin.logEntries(new LogQuery(null, null, "bob", "INCIDENT")).size();
    IntegrityException e = assertThrows(IntegrityException.class, () -> tokenLogin("bob", label, SoftHsm.PIN, null));
    assertEquals(IncidentRule.INTEGRITY_KEYS, e.rule());
    assertTrue(e.getMessage().contains("not on P-256"), e.getMessage());
    assertEquals("key slot unreadable", lastLogin("bob").reason());
    assertEquals(incidents + 1, admin.logEntries(new LogQuery(null, null, "bob", "INCIDENT")).size());
    assertEquals(0, user("bob").failedLogins());
  }

  @Test
  void rsaSlotWithAWrapOfTheWrongSizeOrNotBelowTheModulus_isRefusedBeforeTheTokenIsAsked_anIncident() throws IOException {
    try (HardwareToken t = HardwareToken.open(SoftHsm.MODULE, label, null, SoftHsm.PIN)) {
      t.generate("piv-9d", HardwareToken.KeyType.RSA_2048);
    }
    enrol("bob", label, "piv-9d", null);
    String good = Files.readString(tokenSlot("bob"));
    byte[] ones = new byte[256];
    java.util.Arrays.fill(ones, (byte) 0xff); // 2^2048 - 1: above any 2048-bit modulus
    for (byte[] wrap : List.of(ones, new byte[300])) {
      JsonObject slot = JsonParser.parseString(good).getAsJsonObject();
      slot.addProperty("wrap", java.util.Base64.getEncoder().encodeToString(wrap));
      Files.writeString(tokenSlot("bob"), slot.toString());
      assertEquals(IncidentRule.INTEGRITY_KEYS, assertThrows(IntegrityException.class, () -> tokenLogin("bob", label, SoftHsm.PIN, null)).rule());
      assertEquals("key slot unreadable", lastLogin("bob").reason());
    }
    assertEquals(0, user("bob").failedLogins());
  }

  @Test
  void tokenSlotCopiedToAnotherUsersName_opensNothing() throws IOException {
    try (Password p = Password.copyOf(BOB)) {
      admin.administration().addUser("carol", Role.WORKER, p, null);
    }
    enrol("bob", label, null, null);
    Files.copy(tokenSlot("bob"), tokenSlot("carol"));
    IntegrityException e = assertThrows(IntegrityException.class, () -> tokenLogin("carol", label, SoftHsm.PIN, null));
    assertTrue(e.getMessage().contains("holds the slot of 'bob'"), e.getMessage());
    // Renamed inside too: the associated data names bob, so the token's secret opens nothing for carol.
    JsonObject renamed = JsonParser.parseString(Files.readString(tokenSlot("bob"))).getAsJsonObject();
    renamed.addProperty("slot", "carol");
    Files.writeString(tokenSlot("carol"), renamed.toString());
    assertEquals(IncidentRule.INTEGRITY_KEYS, assertThrows(IntegrityException.class, () -> tokenLogin("carol", label, SoftHsm.PIN, null)).rule());
    assertEquals(0, user("carol").failedLogins());
  }

  @Test
  void thePolicyRowDeletedWithH2_doesNotLetATokenAloneIn_itIsAnIncident() throws Exception {
    enrol("bob", label, null, null); // one-factor, enrolled before the policy
    admin.administration().setTwoFactorRoles(EnumSet.of(Role.WORKER));
    assertThrows(AuthenticationException.class, () -> tokenLogin("bob", label, SoftHsm.PIN, null));
    try (java.sql.Connection c = TestDatabase.connect(vault.directory())) {
      c.createStatement().executeUpdate("DELETE FROM settings WHERE name = 'two-factor'");
    }
    int incidents = admin.logEntries(new LogQuery(null, null, "bob", "INCIDENT")).size();
    IntegrityException e = assertThrows(IntegrityException.class, () -> tokenLogin("bob", label, SoftHsm.PIN, null));
    assertEquals(IncidentRule.INTEGRITY_STATE, e.rule());
    assertEquals(incidents + 1, admin.logEntries(new LogQuery(null, null, "bob", "INCIDENT")).size());
    // Both factors never depended on the row: they still open.
    tokenLogin("bob", label, SoftHsm.PIN, BOB).close();
  }

  @Test
  void aWorkerEnrolsTheirOwnToken_butNotSomeoneElses() {
    try (Session bob = passwordLogin("bob", BOB); Password pin = Password.copyOf(SoftHsm.PIN)) {
      assertThrows(AccessDeniedException.class, () -> bob.addToken(TestVaults.ADMIN, new TokenCredential(SoftHsm.MODULE, label, pin), null, null));
      bob.addToken("bob", new TokenCredential(SoftHsm.MODULE, label, pin), null, null);
    }
    tokenLogin("bob", label, SoftHsm.PIN, null).close();
  }
}
