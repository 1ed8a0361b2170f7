package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A web application states the remote address of each person it logs in ({@link
 * Vault#login(String, Password, String)}): every entry of that login and of its session records
 * it, entries without one hash as they always did, and an edited address breaks the chain.
 */
class RemoteClientTest extends VaultTest {
  private static final String ADDRESS = "203.0.113.7";

  @Test
  void login_withAnAddress_recordsItInTheLoginAndInEveryEntryOfTheSession() throws Exception {
    long before = session.vault().status().logSize();
    try (Session remote = login(TestVaults.ADMIN, TestVaults.PASSWORD, ADDRESS)) {
      TestVaults.put(remote, "申請書/山田太郎.pdf", "scan".getBytes(StandardCharsets.UTF_8));
      try (InputStream in = remote.get("申請書/山田太郎.pdf")) {
        in.readAllBytes();
      }
      remote.list("");
      remote.delete("申請書/山田太郎.pdf");
      assertThrows(NotFoundException.class, () -> remote.stat("申請書/山田太郎.pdf"));
    }
    List<LogEntry> entries = entriesFrom(before);
    assertEquals("LOGIN", entries.get(0).action());
    for (String action : List.of("LOGIN", "PUT", "GET", "LIST", "DELETE", "STAT")) {
      assertTrue(entries.stream().anyMatch(e -> e.action().equals(action)), "no " + action + " among " + entries);
    }
    for (LogEntry e : entries) {
      if (e.actor().equals(TestVaults.ADMIN) && !e.action().equals("LOG_SHOW")) {
        assertEquals(ADDRESS, e.address(), "entry " + e.seq() + " " + e.action());
        assertTrue(e.json().contains("\"addr\":\"" + ADDRESS + "\""), e.json());
      }
    }
  }

  @Test
  void login_withoutAnAddress_writesEntriesWithoutTheField_soOldEntriesHashAsBefore() throws Exception {
    long before = session.vault().status().logSize();
    TestVaults.put(session, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    try (Session remote = login(TestVaults.ADMIN, TestVaults.PASSWORD, ADDRESS)) {
      TestVaults.put(remote, "b.txt", "b".getBytes(StandardCharsets.UTF_8));
    }
    TestVaults.put(session, "c.txt", "c".getBytes(StandardCharsets.UTF_8));
    List<LogEntry> puts = entriesFrom(before).stream().filter(e -> e.action().equals("PUT")).toList();
    assertEquals(3, puts.size(), puts.toString());
    assertNull(puts.get(0).address());
    assertFalse(puts.get(0).json().contains("addr"), puts.get(0).json());
    assertEquals(ADDRESS, puts.get(1).address());
    assertNull(puts.get(2).address());
    // A log of both kinds verifies, and so does the vault opened again (its signed checkpoint).
    LogReport report = session.verifyLog(null);
    assertEquals(report.treeSize(), report.entriesChecked());
    session.close();
    session = null;
    vault.close();
    vault = TestVaults.open(dir.resolve("vault"));
    session = TestVaults.login(vault);
    LogReport again = session.verifyLog(null);
    assertEquals(again.treeSize(), again.entriesChecked());
  }

  @Test
  void failedLogin_withAnAddress_recordsTheAddressInTheDeny() {
    long before = session.vault().status().logSize();
    assertThrows(AuthenticationException.class, () -> login(TestVaults.ADMIN, "wrong password entirely".toCharArray(), "2001:db8::5"));
    LogEntry deny = entriesFrom(before).stream().filter(e -> e.action().equals("LOGIN")).findFirst().orElseThrow();
    assertEquals("DENY", deny.decision());
    assertEquals("2001:db8::5", deny.address());
  }

  @Test
  void concurrentSessions_fromTwoAddresses_eachEntryNamesItsOwnSessionsAddress() throws Exception {
    try (Password p = Password.copyOf(TestVaults.PASSWORD)) {
      session.administration().addUser("suzuki", Role.WORKER, p, null);
    }
    session.administration().grant("suzuki", "", EnumSet.of(Permission.READ, Permission.WRITE));
    long before = session.vault().status().logSize();
    int each = 30;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Session a = login(TestVaults.ADMIN, TestVaults.PASSWORD, "192.0.2.1");
         Session b = login("suzuki", TestVaults.PASSWORD, "192.0.2.2")) {
      List<Future<?>> done = new ArrayList<>();
      for (Session s : List.of(a, b)) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < each; i++) {
            s.put(s.user() + "/" + i, new ByteArrayInputStream(new byte[] {(byte) i}));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<LogEntry> puts = entriesFrom(before).stream().filter(e -> e.action().equals("PUT")).toList();
    assertEquals(2 * each, puts.size());
    for (LogEntry e : puts) {
      assertEquals(e.actor().equals("suzuki") ? "192.0.2.2" : "192.0.2.1", e.address(), "entry " + e.seq());
    }
  }

  @Test
  void anEditedAddress_failsVerification_namingTheEntry() throws Exception {
    LogEntry put = remotePut();
    tamper(put.seq(), e -> e.replace(ADDRESS, "198.51.100.9"));
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("entry " + put.seq()), e.getMessage());
  }

  @Test
  void anAddressRemovedFromAnEntry_failsVerification_namingTheEntry() throws Exception {
    LogEntry put = remotePut();
    // What someone hiding where a read came from would do: the entry stays canonical, only shorter.
    assertTrue(put.json().contains("\"addr\":\"" + ADDRESS + "\","), put.json());
    tamper(put.seq(), e -> e.replace("\"addr\":\"" + ADDRESS + "\",", ""));
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("entry " + put.seq()), e.getMessage());
  }

  @Test
  void anAddressAddedToAnEntryThatHadNone_failsVerification_namingTheEntry() throws Exception {
    long before = session.vault().status().logSize();
    TestVaults.put(session, "b.txt", "b".getBytes(StandardCharsets.UTF_8));
    LogEntry put = entriesFrom(before).stream().filter(e -> e.action().equals("PUT")).findFirst().orElseThrow();
    assertNull(put.address());
    tamper(put.seq(), e -> e.replace("\"client\":{", "\"client\":{\"addr\":\"198.51.100.9\","));
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.verifyLog(null));
    assertTrue(e.getMessage().contains("entry " + put.seq()), e.getMessage());
  }

  /** The PUT entry of a session logged in from {@link #ADDRESS}. */
  private LogEntry remotePut() {
    long before = session.vault().status().logSize();
    try (Session remote = login(TestVaults.ADMIN, TestVaults.PASSWORD, ADDRESS)) {
      TestVaults.put(remote, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
    }
    return entriesFrom(before).stream().filter(e -> e.action().equals("PUT")).findFirst().orElseThrow();
  }

  private void tamper(long seq, java.util.function.UnaryOperator<String> edit) throws Exception {
    try (Connection c = TestDatabase.connect(vault.directory())) {
      assertEquals(1, TestDatabase.editEntry(c, seq, edit));
    }
  }

  @Test
  void aMalformedAddress_isRefusedBeforeAnythingIsLogged_withoutEchoingIt() {
    long before = session.vault().status().logSize();
    for (String bad : List.of("", "1.2.3.4\nFORGED", "1.2.3.4 FORGED", "<script>FORGED", "a".repeat(101),
        "１.２.３.４FORGED", "1.2.3.4\u2028FORGED", "1.2.3.4\u0000FORGED", "ａｄｍｉｎFORGED")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> login(TestVaults.ADMIN, TestVaults.PASSWORD, bad));
      assertFalse(e.getMessage().contains("FORGED"), e.getMessage());
    }
    assertEquals(before, session.vault().status().logSize());
    assertEquals("::1", new ClientInfo("h", 1, "app").withAddress("::1").address());
    assertEquals("[fe80::1%eth0]", new ClientInfo("h", 1, "app").withAddress("[fe80::1%eth0]").address());
  }

  private Session login(String user, char[] password, String address) {
    try (Password p = Password.copyOf(password)) {
      return vault.login(user, p, address);
    }
  }

  private List<LogEntry> entriesFrom(long seq) {
    return session.logEntries(new LogQuery(null, null, null, null)).stream().filter(e -> e.seq() >= seq).toList();
  }
}
