package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery key through the library: it sets a new password for a locked-out administrator and
 * says so (RECOVER entry, auth.recovery INCIDENT); a wrong key, an old key after a rotation, an old
 * slot copied back, a crafted slot and a worker's name are refused, and the refused attempts change
 * nothing.
 */
class RecoveryTest {
  static final char[] NEW = "a recovered passphrase 9".toCharArray();
  static final char[] BOB = "a long staff password 1".toCharArray();

  @TempDir Path dir;
  Path root;
  Vault vault;
  /** The key's text as the receiver got it: what the administrator wrote down. */
  char[] keyText;

  @BeforeEach
  void create() {
    root = dir.resolve("vault");
    try (Password password = Password.copyOf(TestVaults.PASSWORD)) {
      vault = TestVaults.builder(root).contract(TestVaults.CONTRACT).admin(TestVaults.ADMIN, password).passwordCost(PasswordCost.MINIMUM)
          .recoveryKey(k -> keyText = k.text()).create();
    }
    try (Session admin = TestVaults.login(vault); Password p = Password.copyOf(BOB)) {
      admin.administration().addUser("bob", Role.WORKER, p, null);
    }
  }

  @AfterEach
  void close() {
    vault.close();
    if (keyText != null) {
      Arrays.fill(keyText, '\0');
    }
  }

  private void recover(String user, char[] text) {
    try (RecoveryKey key = RecoveryKey.parse(text); Password p = Password.copyOf(NEW)) {
      vault.recover(user, key, p);
    }
  }

  private Session login(String user, char[] password) {
    try (Password p = Password.copyOf(password)) {
      return vault.login(user, p);
    }
  }

  private List<LogEntry> entries(String action) {
    try (Session s = login(TestVaults.ADMIN, NEW)) {
      return s.logEntries(new LogQuery(null, null, null, action));
    }
  }

  private void lockAdmin() {
    for (int i = 0; i < vault.accessPolicy().lockoutAfter(); i++) {
      assertThrows(AuthenticationException.class, () -> login(TestVaults.ADMIN, "not the password at all".toCharArray()));
    }
    assertThrows(AuthenticationException.class, () -> login(TestVaults.ADMIN, TestVaults.PASSWORD), "the administrator is locked out");
  }

  @Test
  void recover_aLockedOutAdministrator_getsTheNewPassword_andTheIncidentNamesTheRecoverEntry() {
    String fingerprint;
    try (RecoveryKey key = RecoveryKey.parse(keyText)) {
      fingerprint = key.fingerprint();
    }
    assertEquals(fingerprint, vault.status().recoveryFingerprint(), "status shows the key's fingerprint");
    lockAdmin();
    recover(TestVaults.ADMIN, keyText);
    assertThrows(AuthenticationException.class, () -> login(TestVaults.ADMIN, TestVaults.PASSWORD), "the old password opens nothing");
    try (Session s = login(TestVaults.ADMIN, NEW)) {
      assertEquals(0, s.administration().users().stream().filter(u -> u.name().equals(TestVaults.ADMIN)).findFirst().orElseThrow().failedLogins());
      s.verifyLog(null); // the account's row is set by the RECOVER entry, which log verify accepts as its setter
      assertFalse(s.audit(false, blobs -> {}).integrityFinding());
    }
    List<LogEntry> recovered = entries("RECOVER");
    assertEquals(1, recovered.size());
    assertEquals("ALLOW", recovered.get(0).decision());
    assertTrue(recovered.get(0).reason().contains(fingerprint), recovered.get(0).reason());
    List<LogEntry> incidents = entries("INCIDENT").stream().filter(e -> e.reason().startsWith("rule auth.recovery;")).toList();
    assertEquals(1, incidents.size());
    assertTrue(incidents.get(0).reason().startsWith("rule auth.recovery; evidence " + recovered.get(0).seq() + ";"), incidents.get(0).reason());
  }

  @Test
  void aWrongKey_isAnAuthenticationFailure_countedAgainstTheNamedAdministrator() {
    char[] other;
    try (RecoveryKey wrong = RecoveryKey.wrap(TestVaults.randomBytes(7, RecoveryKey.BYTES))) {
      other = wrong.text();
    }
    assertThrows(AuthenticationException.class, () -> recover(TestVaults.ADMIN, other));
    try (Session s = login(TestVaults.ADMIN, TestVaults.PASSWORD)) {
      List<LogEntry> logins = s.logEntries(new LogQuery(null, null, TestVaults.ADMIN, "LOGIN"));
      assertTrue(logins.stream().anyMatch(e -> e.decision().equals("DENY") && e.reason().equals("wrong recovery key (1 of 5)")),
          logins.toString());
      assertTrue(s.logEntries(new LogQuery(null, null, null, "RECOVER")).isEmpty(), "nothing was recovered");
    }
  }

  @Test
  void rotate_theOldKeyIsRefused_andTheNewOneWorks() {
    char[] fresh;
    String fingerprint;
    try (Session s = login(TestVaults.ADMIN, TestVaults.PASSWORD); RecoveryKey next = s.administration().rotateRecoveryKey()) {
      fresh = next.text();
      fingerprint = next.fingerprint();
    }
    assertEquals(fingerprint, vault.status().recoveryFingerprint());
    assertThrows(AuthenticationException.class, () -> recover(TestVaults.ADMIN, keyText), "the rotated-out key");
    recover(TestVaults.ADMIN, fresh);
    assertEquals(1, entries("RECOVERY_ROTATE").size());
  }

  /**
   * The checkpoint a change signs after its commit cannot be written (a full disk): the rotation is
   * stored, so its key is handed out, and the session's close signs the checkpoint instead. Before,
   * the rotation failed, put the old slot back under a database that named the new key, and never
   * handed that key out: neither key recovered the vault.
   */
  @Test
  void rotate_whoseCheckpointCannotBeWrittenAfterItsCommit_handsOutTheNewKey_whichRecovers() {
    char[] fresh;
    String fingerprint;
    try (Session s = login(TestVaults.ADMIN, TestVaults.PASSWORD)) {
      io.kinko.vault.audit.FailAtCheckpointStep.install("checkpoint.signed", 1);
      try (RecoveryKey next = s.administration().rotateRecoveryKey()) {
        fresh = next.text();
        fingerprint = next.fingerprint();
      } finally {
        io.kinko.vault.audit.FailAtCheckpointStep.clear();
      }
    }
    assertEquals(fingerprint, vault.status().recoveryFingerprint());
    VaultStatus status = vault.status();
    assertEquals(status.logSize(), status.checkpointSize(), "the close signs what the change could not");
    assertThrows(AuthenticationException.class, () -> recover(TestVaults.ADMIN, keyText), "the rotated-out key");
    recover(TestVaults.ADMIN, fresh);
    List<LogEntry> rotations = entries("RECOVERY_ROTATE");
    assertEquals(List.of("ALLOW"), rotations.stream().map(LogEntry::decision).toList(), "a stored rotation logged as failed");
    try (Session s = login(TestVaults.ADMIN, NEW)) {
      LogReport report = s.verifyLog(null);
      assertEquals(report.treeSize(), report.entriesChecked());
    }
  }

  /**
   * The log refuses to sign the checkpoint after the rotation's commit (an edited tree): the
   * rotation fails as damage, but the database names the new key, so the new slot stays. Before,
   * the old slot went back beside the new fingerprint, and the administrator's old key then raised
   * an INCIDENT of "an older or foreign recovery slot put in keys/" that nobody had put there.
   */
  @Test
  void rotate_refusedByTheLogAfterItsCommit_keepsTheSlotTheDatabaseNames() {
    try (Session s = login(TestVaults.ADMIN, TestVaults.PASSWORD)) {
      io.kinko.vault.audit.FailAtCheckpointStep.install("checkpoint.signed", 1, () -> {
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "injected: the log's tree does not hold");
      });
      IntegrityException e = assertThrows(IntegrityException.class, () -> s.administration().rotateRecoveryKey());
      assertTrue(e.getMessage().contains("rotate the recovery key again"), e.getMessage());
    } finally {
      io.kinko.vault.audit.FailAtCheckpointStep.clear();
    }
    assertThrows(AuthenticationException.class, () -> recover(TestVaults.ADMIN, keyText), "the slot is the new key's");
    try (Session s = login(TestVaults.ADMIN, TestVaults.PASSWORD)) {
      assertFalse(s.logEntries(new LogQuery(null, null, null, "INCIDENT")).stream().anyMatch(i -> i.reason().contains("foreign recovery slot")),
          "a false INCIDENT of a foreign slot");
      try (RecoveryKey again = s.administration().rotateRecoveryKey()) {
        assertEquals(again.fingerprint(), vault.status().recoveryFingerprint());
      }
    }
  }

  /**
   * Two rotations at once (two sessions): the first is stored, and fails as damage when it signs its
   * checkpoint; between the two, the second is stored over it. The first looked whether the database
   * names its own key, found the second's, took itself for refused, and put the slot it had
   * replaced (the original key's) back over the second's: the database named the second key, whose
   * slot was gone, and no key recovered the vault. A slot goes back only over a database that still
   * names the key it was sealed to.
   */
  @Test
  void aRotationStoredThenFailed_whileAnotherIsStoredOverIt_leavesTheOthersSlot() {
    char[][] second = {null};
    String[] secondFingerprint = {null};
    try (Session first = login(TestVaults.ADMIN, TestVaults.PASSWORD); Session other = login(TestVaults.ADMIN, TestVaults.PASSWORD)) {
      io.kinko.vault.audit.FailAtCheckpointStep.install("checkpoint.signed", 1, () -> {
        // After the first rotation's commit, before its failure: the second, stored and signed.
        try (RecoveryKey k = other.administration().rotateRecoveryKey()) {
          second[0] = k.text();
          secondFingerprint[0] = k.fingerprint();
        }
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "injected: the log's tree does not hold");
      });
      try {
        assertThrows(IntegrityException.class, () -> first.administration().rotateRecoveryKey());
      } finally {
        io.kinko.vault.audit.FailAtCheckpointStep.clear();
      }
    }
    assertEquals(secondFingerprint[0], vault.status().recoveryFingerprint());
    assertThrows(AuthenticationException.class, () -> recover(TestVaults.ADMIN, keyText), "the original key");
    recover(TestVaults.ADMIN, second[0]);
    Arrays.fill(second[0], '\0');
  }

  @Test
  void anOldSlotCopiedBackAfterARotation_isRefusedAsAnIncident_andChangesNothing() throws Exception {
    Path slot = root.resolve("keys/recovery.slot");
    byte[] old = Files.readAllBytes(slot);
    try (Session s = login(TestVaults.ADMIN, TestVaults.PASSWORD)) {
      s.administration().rotateRecoveryKey().close();
    }
    Files.write(slot, old); // the attacker kept the old slot and the old key
    IntegrityException e = assertThrows(IntegrityException.class, () -> recover(TestVaults.ADMIN, keyText));
    assertEquals(IncidentRule.INTEGRITY_KEYS, e.rule());
    assertFalse(e.getMessage().contains(new String(keyText)), "the message holds no key");
    assertThrows(AuthenticationException.class, () -> login(TestVaults.ADMIN, NEW), "no new password was set");
    try (Session s = login(TestVaults.ADMIN, TestVaults.PASSWORD)) {
      assertTrue(s.logEntries(new LogQuery(null, null, null, "INCIDENT")).stream().anyMatch(i -> i.reason().startsWith("rule integrity.keys;")));
      List<LogEntry> recover = s.logEntries(new LogQuery(null, null, null, "RECOVER"));
      assertEquals(List.of("DENY"), recover.stream().map(LogEntry::decision).toList());
      assertEquals(0, s.administration().users().stream().filter(u -> u.name().equals(TestVaults.ADMIN)).findFirst().orElseThrow().failedLogins(),
          "a slot that is not the vault's counts toward nobody's lockout");
    }
  }

  @Test
  void anOldSlotAndItsOldFingerprintRow_putBackTogether_areRefusedAsAnIncident_andChangeNothing() throws Exception {
    Path slot = root.resolve("keys/recovery.slot");
    byte[] old = Files.readAllBytes(slot);
    java.util.Map<String, Object> oldRow = new java.util.LinkedHashMap<>();
    try (java.sql.Connection c = TestDatabase.connect(root);
         java.sql.ResultSet r = c.createStatement().executeQuery("SELECT * FROM settings WHERE name = 'recovery.fingerprint'")) {
      assertTrue(r.next(), "no recovery fingerprint row");
      for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
        oldRow.put(r.getMetaData().getColumnName(i), r.getObject(i));
      }
    }
    try (Session s = login(TestVaults.ADMIN, TestVaults.PASSWORD)) {
      s.administration().rotateRecoveryKey().close();
    }
    // The attacker kept the old key, its slot and its settings row (a backup), and puts both back.
    Files.write(slot, old);
    try (java.sql.Connection c = TestDatabase.connect(root)) {
      c.createStatement().executeUpdate("DELETE FROM settings WHERE name = 'recovery.fingerprint'");
      String columns = String.join(", ", oldRow.keySet());
      try (java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO settings (" + columns + ") VALUES ("
          + String.join(", ", java.util.Collections.nCopies(oldRow.size(), "?")) + ")")) {
        int i = 1;
        for (Object v : oldRow.values()) {
          insert.setObject(i++, v);
        }
        assertEquals(1, insert.executeUpdate());
      }
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> recover(TestVaults.ADMIN, keyText));
    assertEquals(IncidentRule.INTEGRITY_STATE, e.rule(), e.getMessage());
    assertFalse(e.getMessage().contains(new String(keyText)), "the message holds no key");
    assertThrows(AuthenticationException.class, () -> login(TestVaults.ADMIN, NEW), "a new password was set with the old key");
    try (Session s = login(TestVaults.ADMIN, TestVaults.PASSWORD)) {
      assertTrue(s.logEntries(new LogQuery(null, null, null, "INCIDENT")).stream().anyMatch(i -> i.reason().startsWith("rule integrity.state;")));
      assertTrue(s.logEntries(new LogQuery(null, null, null, "RECOVER")).stream().noneMatch(r -> r.decision().equals("ALLOW")));
    }
  }

  @Test
  void aCraftedOrDamagedSlot_isIntegrityKeys() throws Exception {
    Path slot = root.resolve("keys/recovery.slot");
    for (byte[] crafted : List.of("{\"format\":1,\"slot\":\"recovery\",\"kdf\":{\"algorithm\":\"argon2id\"}}".getBytes(StandardCharsets.UTF_8),
        "not json".getBytes(StandardCharsets.UTF_8), new byte[70_000], Files.readAllBytes(root.resolve("keys/user-sato.slot")))) {
      Files.write(slot, crafted);
      IntegrityException e = assertThrows(IntegrityException.class, () -> recover(TestVaults.ADMIN, keyText));
      assertEquals(IncidentRule.INTEGRITY_KEYS, e.rule());
    }
    Files.delete(slot);
    assertEquals(IncidentRule.INTEGRITY_KEYS, assertThrows(IntegrityException.class, () -> recover(TestVaults.ADMIN, keyText)).rule(),
        "a missing slot while the vault names a key");
    try (Session s = login(TestVaults.ADMIN, TestVaults.PASSWORD)) {
      assertEquals(5, s.logEntries(new LogQuery(null, null, null, "INCIDENT")).stream().filter(i -> i.reason().startsWith("rule integrity.keys;")).count());
    }
  }

  @Test
  void aWorker_orADisabledAdministrator_isRefused() {
    assertThrows(AccessDeniedException.class, () -> recover("bob", keyText));
    try (Session s = login(TestVaults.ADMIN, TestVaults.PASSWORD); Password p = Password.copyOf(BOB)) {
      s.administration().addUser("kato", Role.ADMIN, p, null);
      s.administration().disable("kato");
    }
    assertThrows(AccessDeniedException.class, () -> recover("kato", keyText));
    try (Session bob = login("bob", BOB)) {
      assertEquals("bob", bob.user(), "bob's password is unchanged");
    }
    try (Session s = login(TestVaults.ADMIN, TestVaults.PASSWORD)) {
      assertEquals(List.of("DENY", "DENY"), s.logEntries(new LogQuery(null, null, null, "RECOVER")).stream().map(LogEntry::decision).toList());
    }
  }

  @Test
  void aVaultMadeWithoutARecoveryKey_hasNone_untilARotationMakesTheFirst() {
    Path other = dir.resolve("older");
    try (Vault older = TestVaults.create(other)) {
      assertNull(older.status().recoveryFingerprint());
      try (RecoveryKey any = RecoveryKey.parse(keyText); Password p = Password.copyOf(NEW)) {
        VaultException e = assertThrows(VaultException.class, () -> older.recover(TestVaults.ADMIN, any, p));
        assertFalse(e instanceof IntegrityException, e.toString());
      }
      char[] first;
      try (Session s = TestVaults.login(older); RecoveryKey key = s.administration().rotateRecoveryKey()) {
        first = key.text();
        assertNotNull(older.status().recoveryFingerprint());
      }
      try (RecoveryKey key = RecoveryKey.parse(first); Password p = Password.copyOf(NEW)) {
        older.recover(TestVaults.ADMIN, key, p);
      }
      try (Password p = Password.copyOf(NEW); Session s = older.login(TestVaults.ADMIN, p)) {
        assertEquals(TestVaults.ADMIN, s.user());
      }
    }
  }

  @Test
  void theKeyText_isInNoFileOfTheVault() throws Exception {
    recover(TestVaults.ADMIN, keyText);
    byte[] text = new String(keyText).getBytes(StandardCharsets.US_ASCII);
    byte[] bare = new String(keyText).replace("-", "").getBytes(StandardCharsets.US_ASCII);
    byte[] raw;
    try (RecoveryKey key = RecoveryKey.parse(keyText)) {
      raw = key.bytes().clone();
    }
    for (Path f : TestVaults.filesUnder(root)) {
      byte[] content = Files.readAllBytes(f);
      assertFalse(TestVaults.contains(content, text) || TestVaults.contains(content, bare) || TestVaults.contains(content, raw), f.toString());
    }
  }
}
