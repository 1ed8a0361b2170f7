package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessControlTest {
  static final char[] BOB_PASSWORD = "a long staff password 1".toCharArray();

  @TempDir Path dir;
  Vault vault;
  Session admin;

  @BeforeEach
  void open() {
    vault = TestVaults.create(dir.resolve("vault"));
    admin = TestVaults.login(vault);
  }

  @AfterEach
  void close() {
    admin.close();
    vault.close();
  }

  private Session login(String user, char[] password) {
    try (Password p = Password.copyOf(password)) {
      return vault.login(user, p);
    }
  }

  private void addUser(String name, Role role) {
    try (Password p = Password.copyOf(BOB_PASSWORD)) {
      admin.administration().addUser(name, role, p, null);
    }
  }

  private LogEntry lastEntry() {
    List<LogEntry> all = admin.logEntries(LogQuery.ALL);
    return all.get(all.size() - 2); // the last is this query's own LOG_SHOW
  }

  @Test
  void get_withoutReadGrant_isDeniedAndLogged() {
    TestVaults.put(admin, "案件A/a.txt", "a".getBytes());
    addUser("bob", Role.WORKER);
    try (Session bob = login("bob", BOB_PASSWORD)) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> bob.get("案件A/a.txt"));
      assertTrue(e.getMessage().contains("no READ grant"), e.getMessage());
      assertEquals(List.of(), bob.list(""));
    }
    LogEntry denied = admin.logEntries(new LogQuery(null, null, "bob", "GET")).get(0);
    assertEquals("DENY", denied.decision());
    assertEquals(null, denied.fileId(), "a denied reader learns nothing, not even the file id");
  }

  @Test
  void getEach_servesWhatTheGrantsAllow_logsEachRead_andReportsTheRestWithoutStopping() {
    TestVaults.put(admin, "案件A/a.txt", "a".getBytes());
    TestVaults.put(admin, "案件A/b.txt", "bb".getBytes());
    TestVaults.put(admin, "案件B/c.txt", "c".getBytes());
    addUser("bob", Role.WORKER);
    admin.administration().grant("bob", "案件A", EnumSet.of(Permission.READ));
    java.util.Map<String, String> served = new java.util.LinkedHashMap<>();
    java.util.Map<String, Exception> failed = new java.util.LinkedHashMap<>();
    try (Session bob = login("bob", BOB_PASSWORD)) {
      bob.getEach(List.of("案件A/a.txt", "案件B/c.txt", "案件A/gone.txt", "案件A/b.txt"), new Session.EachReader() {
        @Override
        public void read(String path, java.io.InputStream content) throws IOException {
          served.put(path, new String(content.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void failed(String path, Exception failure) {
          failed.put(path, failure);
        }
      });
    }
    assertEquals(java.util.Map.of("案件A/a.txt", "a", "案件A/b.txt", "bb"), served);
    assertEquals(Set.of("案件B/c.txt", "案件A/gone.txt"), failed.keySet());
    assertTrue(failed.get("案件B/c.txt") instanceof AccessDeniedException, failed.toString());
    assertTrue(failed.get("案件A/gone.txt") instanceof NotFoundException, failed.toString());
    List<LogEntry> gets = admin.logEntries(new LogQuery(null, null, "bob", "GET"));
    assertEquals(List.of("DENY", "ALLOW", "ALLOW", "ALLOW"), gets.stream().map(LogEntry::decision).toList(),
        "one DENY for 案件B, an ALLOW saying not found, and one ALLOW per file served");
    List<LogEntry> reads = gets.stream().filter(e -> e.fileId() != null).toList();
    assertEquals(2, reads.size());
    assertEquals(reads.get(0).seq() + 1, reads.get(1).seq(), "the batch's reads are appended together");
  }

  @Test
  void grantsOnAPrefix_coverEverythingBelow_andPermissionsAreTheUnionOfPrefixes() {
    TestVaults.put(admin, "案件A/sub/a.txt", "a".getBytes());
    TestVaults.put(admin, "案件B/b.txt", "b".getBytes());
    addUser("bob", Role.WORKER);
    admin.administration().grant("bob", "案件A", EnumSet.of(Permission.READ));
    admin.administration().grant("bob", "案件A/sub", EnumSet.of(Permission.WRITE));
    try (Session bob = login("bob", BOB_PASSWORD)) {
      assertEquals("a", new String(TestVaults.readAll(bob, "案件A/sub/a.txt")));
      TestVaults.put(bob, "案件A/sub/new.txt", "n".getBytes());
      assertThrows(AccessDeniedException.class, () -> TestVaults.put(bob, "案件A/top.txt", "t".getBytes()));
      assertThrows(AccessDeniedException.class, () -> bob.get("案件B/b.txt"));
      assertEquals(List.of("案件A/sub/a.txt", "案件A/sub/new.txt"), bob.list("").stream().map(FileInfo::path).toList());
    }
    admin.administration().revoke("bob", "案件A", Set.of());
    try (Session bob = login("bob", BOB_PASSWORD)) {
      assertThrows(AccessDeniedException.class, () -> bob.get("案件A/sub/a.txt"));
    }
  }

  @Test
  void anAdministrator_needsAGrantToReadContent_likeEveryoneElse() {
    addUser("chief2", Role.ADMIN);
    TestVaults.put(admin, "x.txt", "x".getBytes());
    try (Session other = login("chief2", BOB_PASSWORD)) {
      assertThrows(AccessDeniedException.class, () -> other.get("x.txt"));
      other.administration().grant("chief2", "x.txt", EnumSet.of(Permission.READ));
      assertEquals("x", new String(TestVaults.readAll(other, "x.txt")));
    }
    LogEntry grant = admin.logEntries(new LogQuery(null, null, "chief2", "GRANT")).get(0);
    assertEquals("ALLOW", grant.decision());
    assertTrue(grant.reason().contains("to chief2"), grant.reason());
  }

  @Test
  void anAuditor_readsTheLog_butNeverContent_andCannotBeGrantedIt() {
    TestVaults.put(admin, "x.txt", "x".getBytes());
    addUser("kansa", Role.AUDITOR);
    VaultException e = assertThrows(VaultException.class, () -> admin.administration().grant("kansa", "", EnumSet.of(Permission.READ)));
    assertTrue(e.getMessage().contains("AUDITOR"), e.getMessage());
    try (Session auditor = login("kansa", BOB_PASSWORD)) {
      assertFalse(auditor.logEntries(LogQuery.ALL).isEmpty());
      auditor.verifyLog(null);
      assertThrows(AccessDeniedException.class, () -> auditor.get("x.txt"));
      assertThrows(AccessDeniedException.class, () -> auditor.list(""));
      assertThrows(AccessDeniedException.class, () -> auditor.administration().users());
    }
  }

  @Test
  void aWorker_cannotReadTheLog_norManageUsers() {
    addUser("bob", Role.WORKER);
    try (Session bob = login("bob", BOB_PASSWORD)) {
      assertThrows(AccessDeniedException.class, () -> bob.logEntries(LogQuery.ALL));
      assertThrows(AccessDeniedException.class, () -> bob.administration().grant("bob", "", EnumSet.of(Permission.READ)));
      assertThrows(AccessDeniedException.class, () -> bob.pruneLog(java.time.Instant.now()));
    }
  }

  @Test
  void badAdministration_isRefusedClearly_andLogged() {
    addUser("bob", Role.WORKER);
    Administration a = admin.administration();
    try (Password weak = Password.wrap("short".toCharArray());
         Password named = Password.wrap("hello, I am Bob2 here".toCharArray());
         Password good = Password.copyOf(BOB_PASSWORD)) {
      assertThrows(IllegalArgumentException.class, () -> a.addUser("carol", Role.WORKER, weak, null));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.addUser("bob2", Role.WORKER, named, null));
      assertTrue(e.getMessage().contains("weak"), e.getMessage());
      VaultException dup = assertThrows(VaultException.class, () -> a.addUser("bob", Role.WORKER, good, null));
      assertTrue(dup.getMessage().contains("exists"), dup.getMessage());
      assertThrows(IllegalArgumentException.class, () -> a.addUser("Bad Name", Role.WORKER, good, null));
    }
    assertThrows(NotFoundException.class, () -> a.grant("nobody", "x", EnumSet.of(Permission.READ)));
    assertThrows(IllegalArgumentException.class, () -> a.grant("bob", "../etc", EnumSet.of(Permission.READ)));
    assertThrows(NotFoundException.class, () -> a.revoke("bob", "never-granted", Set.of()));
    VaultException last = assertThrows(VaultException.class, () -> a.lock(TestVaults.ADMIN));
    assertTrue(last.getMessage().contains("last active administrator"), last.getMessage());
    assertThrows(VaultException.class, () -> a.disable(TestVaults.ADMIN));
    List<LogEntry> denials = admin.logEntries(LogQuery.ALL).stream().filter(x -> x.decision().equals("DENY")).toList();
    assertEquals(List.of("USER_ADD", "USER_ADD", "USER_ADD", "USER_ADD", "GRANT", "GRANT", "REVOKE", "USER_LOCK", "USER_DISABLE"),
        denials.stream().map(LogEntry::action).toList());
  }

  @Test
  void aRoleRaisedInTheDatabaseFile_isRefusedAtLogin_asAnIncident() throws Exception {
    addUser("bob", Role.WORKER);
    try (var c = TestDatabase.connect(vault.directory())) {
      assertEquals(1, c.createStatement().executeUpdate("UPDATE users SET role = 'ADMIN' WHERE name = 'bob'"));
    }
    IntegrityException e = assertThrows(IntegrityException.class, () -> login("bob", BOB_PASSWORD));
    assertTrue(e.getMessage().contains("changed in the database"), e.getMessage());
    assertEquals(1, admin.logEntries(new LogQuery(null, null, "bob", "INCIDENT")).size());
  }

  @Test
  void aPermissionAddedInTheDatabaseFile_grantsNothing_andIsAnIncident() throws Exception {
    TestVaults.put(admin, "secret/a.txt", "a".getBytes());
    addUser("bob", Role.WORKER);
    admin.administration().grant("bob", "secret", EnumSet.of(Permission.WRITE));
    try (var c = TestDatabase.connect(vault.directory())) {
      assertEquals(1, c.createStatement().executeUpdate("UPDATE grants SET permissions = 'READ,WRITE' WHERE user_name = 'bob'"));
    }
    try (Session bob = login("bob", BOB_PASSWORD)) {
      assertThrows(IntegrityException.class, () -> bob.get("secret/a.txt"));
    }
    assertEquals(1, admin.logEntries(new LogQuery(null, null, "bob", "INCIDENT")).size());
  }

  @Test
  void fiveWrongPasswords_lockTheAccount_untilAnAdministratorUnlocksIt() {
    addUser("bob", Role.WORKER);
    for (int i = 1; i <= 4; i++) {
      assertThrows(AuthenticationException.class, () -> login("bob", "wrong wrong wrong".toCharArray()));
    }
    AuthenticationException locking = assertThrows(AuthenticationException.class, () -> login("bob", "wrong wrong wrong".toCharArray()));
    assertTrue(locking.getMessage().contains("locked"), locking.getMessage());
    AuthenticationException locked = assertThrows(AuthenticationException.class, () -> login("bob", BOB_PASSWORD));
    assertTrue(locked.getMessage().contains("account locked"), locked.getMessage());
    assertEquals(1, admin.logEntries(new LogQuery(null, null, "bob", "LOCKOUT")).size());
    admin.administration().unlock("bob");
    login("bob", BOB_PASSWORD).close();
  }

  @Test
  void aSuccessfulLogin_clearsTheFailedCount_evenAfterTheVaultIsReopened() {
    addUser("bob", Role.WORKER);
    for (int i = 1; i <= 4; i++) {
      assertThrows(AuthenticationException.class, () -> login("bob", "wrong wrong wrong".toCharArray()));
    }
    login("bob", BOB_PASSWORD).close();
    admin.close();
    vault.close();
    vault = TestVaults.open(dir.resolve("vault"));
    admin = TestVaults.login(vault);
    for (int i = 1; i <= 4; i++) {
      assertThrows(AuthenticationException.class, () -> login("bob", "wrong wrong wrong".toCharArray()));
    }
    login("bob", BOB_PASSWORD).close(); // 8 failures in all, but never 5 in a row
    assertEquals(0, admin.logEntries(new LogQuery(null, null, "bob", "LOCKOUT")).size());
  }

  @Test
  void aLockedUser_cannotLogIn_andAnExpiredAccount_isRefused() {
    addUser("bob", Role.WORKER);
    try (Password p = Password.copyOf(BOB_PASSWORD)) {
      admin.administration().addUser("old", Role.WORKER, p, LocalDate.of(2020, 1, 1));
    }
    admin.administration().lock("bob");
    assertThrows(AuthenticationException.class, () -> login("bob", BOB_PASSWORD));
    AuthenticationException expired = assertThrows(AuthenticationException.class, () -> login("old", BOB_PASSWORD));
    assertTrue(expired.getMessage().contains("expired"), expired.getMessage());
    UserInfo bob = admin.administration().users().stream().filter(u -> u.name().equals("bob")).findFirst().orElseThrow();
    assertEquals(AccountStatus.LOCKED, bob.status());
    assertEquals(TestVaults.CONTRACT.end(), bob.expires(), "default expiry is the contract's end plus no grace");
  }

  @Test
  void disable_destroysTheKeySlot_andTheAccountNeverOpensAgain() throws IOException {
    addUser("bob", Role.WORKER);
    Path slot = vault.directory().resolve("keys/user-bob.slot");
    assertTrue(Files.exists(slot));
    admin.administration().disable("bob");
    assertFalse(Files.exists(slot));
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> login("bob", BOB_PASSWORD));
    assertTrue(e.getMessage().contains("disabled"), e.getMessage());
  }

  @Test
  void changePassword_needsTheOldOne_andTheNewOneOpensTheVault() {
    addUser("bob", Role.WORKER);
    char[] next = "a brand new passphrase".toCharArray();
    try (Session bob = login("bob", BOB_PASSWORD);
         Password wrongOld = Password.wrap("not my old password".toCharArray());
         Password old = Password.copyOf(BOB_PASSWORD);
         Password replacement = Password.copyOf(next)) {
      assertThrows(AuthenticationException.class, () -> bob.changePassword(wrongOld, replacement));
      bob.changePassword(old, replacement);
    }
    assertThrows(AuthenticationException.class, () -> login("bob", BOB_PASSWORD));
    login("bob", next).close();
  }

  @Test
  void sessionFor_letsAServiceActForAUserItAuthenticated_withTheUsersGrants() {
    TestVaults.put(admin, "窓口/a.txt", "a".getBytes());
    addUser("intake-svc", Role.SERVICE);
    addUser("tanaka", Role.WORKER);
    admin.administration().grant("tanaka", "窓口", EnumSet.of(Permission.READ));
    try (Session service = login("intake-svc", BOB_PASSWORD)) {
      assertThrows(AccessDeniedException.class, () -> service.get("窓口/a.txt"));
      try (Session tanaka = service.sessionFor("tanaka", "saml:city-idp")) {
        assertEquals("a", new String(TestVaults.readAll(tanaka, "窓口/a.txt")));
        assertThrows(AccessDeniedException.class, () -> TestVaults.put(tanaka, "窓口/b.txt", "b".getBytes()));
      }
      assertThrows(AuthenticationException.class, () -> service.sessionFor("nobody", "saml:city-idp"));
      assertThrows(AuthenticationException.class, () -> service.sessionFor(TestVaults.ADMIN, "saml:city-idp"));
    }
    try (Session bob = TestVaults.login(vault)) {
      assertThrows(AccessDeniedException.class, () -> bob.sessionFor("tanaka", "x"));
    }
    LogEntry sso = admin.logEntries(new LogQuery(null, null, "tanaka", "LOGIN")).get(0);
    assertTrue(sso.reason().contains("saml:city-idp") && sso.reason().contains("intake-svc"), sso.reason());
  }
}
