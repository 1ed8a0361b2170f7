package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.engine.EngineInternals;
import io.kinko.vault.incident.IncidentReason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each detection rule on planted activity, through the real vault and its watch, with a clock the
 * test moves: it fires with its rule id and the entries that make the case, once, and a normal
 * day raises nothing. Every vault handle stands for one process (one CLI command).
 */
class IncidentDetectionTest {
  private static final char[] WORKER_PASSWORD = "mizuiro kumo 2026 sora".toCharArray();
  @TempDir Path dir;
  private final MovableClock clock = new MovableClock();
  private Path v;

  @BeforeEach
  void createVault() {
    v = dir.resolve("vault");
    clock.set(2026, 4, 8, 10, 0); // a Wednesday morning
    try (Vault vault = TestVaults.create(v); Session admin = TestVaults.login(vault); Password p = Password.copyOf(WORKER_PASSWORD)) {
      admin.administration().addUser("tanaka", Role.WORKER, p, null);
      admin.administration().grant("tanaka", "申請書", EnumSet.of(Permission.READ, Permission.WRITE));
      admin.administration().addUser("suzuki", Role.WORKER, p, null);
    }
  }

  @Test
  void aNormalDay_raisesNothing() {
    try (Vault vault = open()) {
      fail(vault, "tanaka"); // one mistyped password
      try (Session t = login(vault, "tanaka")) {
        for (int i = 0; i < 30; i++) {
          TestVaults.put(t, "申請書/" + i + ".txt", ("case " + i).getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < 10; i++) {
          TestVaults.readAll(t, "申請書/" + i + ".txt");
        }
        t.list("申請書");
        assertThrows(AccessDeniedException.class, () -> t.get("人事/x.txt")); // one refusal
      }
    }
    assertEquals(List.of(), incidents());
  }

  @Test
  void failedLogins_raiseAtTheThirdInTheWindow_onceAcrossProcesses() {
    List<Long> failures = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      try (Vault vault = open()) { // each attempt its own process, as `kinko ls` with a wrong password is
        failures.add(fail(vault, "suzuki"));
      }
      clock.plus(Duration.ofMinutes(2));
    }
    List<IncidentReason> raised = incidents();
    assertEquals(1, raised.size(), raised.toString());
    assertEquals(IncidentRule.AUTH_FAILED_LOGINS, raised.get(0).rule());
    assertEquals(failures.subList(0, 3), raised.get(0).evidence());
  }

  /**
   * A handle's watch judges its own batches from memory; another handle's entries between them
   * are a gap it must read from the database, or the third failure would go unseen. Handle b's
   * batches reach no watch (its listener is silenced) and its session holds the watch's cursor row
   * while the three fail, so a's watch scans first, all three in, b's failure inside its run.
   */
  @Test
  void failedLogins_fromTwoHandlesInTurn_raiseOnce_withEveryFailureInOrder() throws Exception {
    List<Long> failures = new java.util.ArrayList<>();
    try (Vault b = open(); Session holder = TestVaults.login(b); Vault a = open()) { // a closes, and drains its watch, first
      EngineInternals.log(b).afterBatch(batch -> {});
      java.util.concurrent.CountDownLatch locked = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CompletableFuture<Void> lock = java.util.concurrent.CompletableFuture.runAsync(() ->
          EngineInternals.readState(holder, c -> {
            try (java.sql.ResultSet r = c.createStatement().executeQuery("SELECT scanned FROM incident_watch WHERE id = 1 FOR UPDATE")) {
              assertTrue(r.next());
            }
            locked.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return null;
          }));
      assertTrue(locked.await(60, java.util.concurrent.TimeUnit.SECONDS), "the cursor row was not locked");
      try {
        failures.add(fail(a, "suzuki"));
        failures.add(fail(b, "suzuki"));
        failures.add(fail(a, "suzuki"));
      } finally {
        release.countDown();
      }
      lock.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
    List<IncidentReason> raised = incidents();
    assertEquals(1, raised.size(), raised.toString());
    assertEquals(IncidentRule.AUTH_FAILED_LOGINS, raised.get(0).rule());
    assertEquals(failures, raised.get(0).evidence());
  }

  @Test
  void failedLogins_spreadBeyondTheWindow_raiseNothing() {
    for (int i = 0; i < 4; i++) {
      try (Vault vault = open()) {
        fail(vault, "suzuki");
      }
      clock.plus(Duration.ofMinutes(8)); // never three within 15 minutes
      if (i == 1) {
        try (Vault vault = open(); Session s = login(vault, "suzuki")) {
          s.list(""); // a good login clears the lockout count, not the window
        }
      }
    }
    assertEquals(List.of(), incidents());
  }

  @Test
  void aLockout_raisesAuthLockout_withItsLockoutEntry() {
    try (Vault vault = open()) {
      for (int i = 0; i < vault.accessPolicy().lockoutAfter(); i++) {
        fail(vault, "suzuki");
      }
    }
    List<IncidentReason> raised = incidents();
    long lockout = entries("LOCKOUT").get(0).seq();
    assertEquals(List.of(IncidentRule.AUTH_FAILED_LOGINS, IncidentRule.AUTH_LOCKOUT), raised.stream().map(IncidentReason::rule).toList());
    assertEquals(List.of(lockout), raised.get(1).evidence());
  }

  @Test
  void unknownNames_fromSeveralProcessesInOneWindow_raiseOnce() {
    List<Long> attempts = new java.util.ArrayList<>();
    for (String name : List.of("admin", "root", "yamada", "kanri", "test", "guest", "oracle")) {
      try (Vault vault = open()) {
        attempts.add(fail(vault, name));
      }
      clock.plus(Duration.ofSeconds(40));
    }
    List<IncidentReason> raised = incidents();
    assertEquals(1, raised.size(), raised.toString());
    assertEquals(IncidentRule.AUTH_UNKNOWN_USERS, raised.get(0).rule());
    assertEquals(attempts.subList(0, 5), raised.get(0).evidence());
    assertEquals(IncidentRules_NO_USER, entries("INCIDENT").get(0).actor());
  }

  private static final String IncidentRules_NO_USER = io.kinko.vault.incident.IncidentRules.NO_USER;

  @Test
  void aBurstOfRefusals_raisesDeniedBurst() {
    try (Vault vault = open(); Session s = login(vault, "suzuki")) {
      for (int i = 0; i < 12; i++) {
        int n = i;
        assertThrows(AccessDeniedException.class, () -> s.get("申請書/" + n + ".txt"));
      }
    }
    List<IncidentReason> raised = incidents();
    assertEquals(List.of(IncidentRule.ACCESS_DENIED_BURST), raised.stream().map(IncidentReason::rule).toList());
    List<Long> denied = entries("GET").stream().filter(e -> e.decision().equals("DENY")).map(LogEntry::seq).toList();
    assertEquals(denied.subList(0, 10), raised.get(0).evidence());
  }

  /**
   * A process's first scan finds the refusals before it in the window's history by their decision,
   * read from the entry's bytes (reads and logins by their action): ten denied stats, six in one
   * process and the rest in the next, are one burst.
   */
  @Test
  void aBurstOfRefusedStats_acrossProcesses_raisesDeniedBurst() {
    for (int round = 0; round < 2; round++) {
      try (Vault vault = open(); Session s = login(vault, "suzuki")) {
        for (int i = 0; i < 6; i++) {
          int n = round * 6 + i;
          assertThrows(AccessDeniedException.class, () -> s.stat("申請書/" + n + ".txt"));
        }
      }
    }
    List<IncidentReason> raised = incidents();
    assertEquals(List.of(IncidentRule.ACCESS_DENIED_BURST), raised.stream().map(IncidentReason::rule).toList());
    List<Long> denied = entries("STAT").stream().filter(e -> e.decision().equals("DENY")).map(LogEntry::seq).toList();
    assertEquals(12, denied.size());
    assertEquals(denied.subList(0, 10), raised.get(0).evidence());
  }

  @Test
  void massReading_raisesAtThePolicysFileCount() {
    setPolicy(IncidentPolicy.DEFAULT.withMassRead(new IncidentPolicy.MassRead(5, 1L << 30, Duration.ofMinutes(60))));
    try (Vault vault = open(); Session t = login(vault, "tanaka")) {
      for (int i = 0; i < 8; i++) {
        TestVaults.put(t, "申請書/" + i + ".txt", ("case " + i).getBytes(StandardCharsets.UTF_8));
      }
    }
    try (Vault vault = open(); Session t = login(vault, "tanaka")) { // a later command: the window spans processes
      for (int i = 0; i < 3; i++) {
        TestVaults.readAll(t, "申請書/" + i + ".txt");
      }
    }
    clock.plus(Duration.ofMinutes(10));
    try (Vault vault = open(); Session t = login(vault, "tanaka")) {
      for (int i = 3; i < 8; i++) {
        TestVaults.readAll(t, "申請書/" + i + ".txt");
      }
    }
    List<IncidentReason> raised = incidents();
    assertEquals(List.of(IncidentRule.ACCESS_MASS_READ), raised.stream().map(IncidentReason::rule).toList());
    List<Long> reads = entries("GET").stream().map(LogEntry::seq).toList();
    assertEquals(reads.subList(0, 5), raised.get(0).evidence());
    assertTrue(!raised.get(0).detail().contains("申請書"), raised.get(0).detail());
  }

  /**
   * Mass reading by volume: the watch looks up each read version's size in the files table, and the
   * window's bytes cross the policy's at the read that makes them so, across processes (each scan
   * looks up the sizes of its own entries only; the rules keep a version's size while it is in the
   * window). 3 files of 100 bytes against a limit of 250: the third read raises, the first two do not.
   */
  @Test
  void massReading_raisesAtThePolicysVolume_fromTheVersionsSizes() {
    setPolicy(IncidentPolicy.DEFAULT.withMassRead(new IncidentPolicy.MassRead(1_000, 250, Duration.ofMinutes(60))));
    byte[] hundred = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
    try (Vault vault = open(); Session t = login(vault, "tanaka")) {
      for (int i = 0; i < 3; i++) {
        TestVaults.put(t, "申請書/" + i + ".txt", hundred);
      }
    }
    for (int i = 0; i < 2; i++) {
      try (Vault vault = open(); Session t = login(vault, "tanaka")) {
        TestVaults.readAll(t, "申請書/" + i + ".txt");
      }
    }
    assertEquals(List.of(), incidents(), "200 bytes of 250 raised");
    try (Vault vault = open(); Session t = login(vault, "tanaka")) {
      TestVaults.readAll(t, "申請書/2.txt");
    }
    List<IncidentReason> raised = incidents();
    assertEquals(List.of(IncidentRule.ACCESS_MASS_READ), raised.stream().map(IncidentReason::rule).toList());
    assertEquals(entries("GET").stream().map(LogEntry::seq).toList(), raised.get(0).evidence());
    assertTrue(raised.get(0).detail().contains("300 bytes"), raised.get(0).detail());
  }

  /**
   * As above, over more versions than one size look-up holds (50 ids): the later process rebuilds
   * the window from 119 earlier reads, whose sizes it looks up in three queries (the last one padded
   * with a repeated id), and the 120th read of 10 bytes crosses 1,200.
   */
  @Test
  void massReading_byVolume_overMoreVersionsThanOneLookUpHolds() {
    setPolicy(IncidentPolicy.DEFAULT.withMassRead(new IncidentPolicy.MassRead(1_000, 1_200, Duration.ofMinutes(60))));
    byte[] ten = "0123456789".getBytes(StandardCharsets.UTF_8);
    try (Vault vault = open(); Session t = login(vault, "tanaka")) {
      for (int i = 0; i < 120; i++) {
        TestVaults.put(t, "申請書/" + i + ".txt", ten);
      }
      for (int i = 0; i < 119; i++) {
        TestVaults.readAll(t, "申請書/" + i + ".txt");
      }
    }
    assertEquals(List.of(), incidents(), "1,190 bytes of 1,200 raised");
    try (Vault vault = open(); Session t = login(vault, "tanaka")) {
      TestVaults.readAll(t, "申請書/119.txt");
    }
    List<IncidentReason> raised = incidents();
    assertEquals(List.of(IncidentRule.ACCESS_MASS_READ), raised.stream().map(IncidentReason::rule).toList());
    assertTrue(raised.get(0).detail().contains("120 files (1200 bytes)"), raised.get(0).detail());
  }

  /**
   * The attack on reading reads from columns: an insider's earlier reads, their rows' actor and
   * file columns edited apart from the text (which the chain covers), must still count toward his
   * mass reading when a later process rebuilds the window.
   */
  @Test
  void massReading_acrossProcesses_isRaised_withTheEarlierReadsRowsMovedToAnotherUserAndFile() throws Exception {
    setPolicy(IncidentPolicy.DEFAULT.withMassRead(new IncidentPolicy.MassRead(5, 1L << 30, Duration.ofMinutes(60))));
    try (Vault vault = open(); Session t = login(vault, "tanaka")) {
      for (int i = 0; i < 8; i++) {
        TestVaults.put(t, "申請書/" + i + ".txt", ("case " + i).getBytes(StandardCharsets.UTF_8));
      }
    }
    try (Vault vault = open(); Session t = login(vault, "tanaka")) {
      for (int i = 0; i < 3; i++) {
        TestVaults.readAll(t, "申請書/" + i + ".txt");
      }
    }
    List<LogEntry> earlier = entries("GET");
    try (java.sql.Connection c = TestDatabase.connect(v);
         java.sql.PreparedStatement toSuzuki = c.prepareStatement("UPDATE log_entries SET actor = 'suzuki' WHERE seq = ?");
         java.sql.PreparedStatement toAnotherFile = c.prepareStatement("UPDATE log_entries SET file_id = ? WHERE seq = ?")) {
      toSuzuki.setLong(1, earlier.get(0).seq());
      assertEquals(1, toSuzuki.executeUpdate());
      toAnotherFile.setString(1, earlier.get(2).fileId());
      toAnotherFile.setLong(2, earlier.get(1).seq());
      assertEquals(1, toAnotherFile.executeUpdate());
    }
    clock.plus(Duration.ofMinutes(10));
    try (Vault vault = open(); Session t = login(vault, "tanaka")) {
      for (int i = 3; i < 5; i++) {
        TestVaults.readAll(t, "申請書/" + i + ".txt");
      }
    }
    List<IncidentReason> raised = incidents();
    assertEquals(List.of(IncidentRule.ACCESS_MASS_READ), raised.stream().map(IncidentReason::rule).toList(), raised.toString());
    assertEquals(entries("GET").stream().map(LogEntry::seq).toList().subList(0, 5), raised.get(0).evidence());
  }

  /**
   * The watch takes an allowed read from the columns the writer copied from it, and decodes every
   * other entry. Each entry as the watch reads it agrees with its decoded text on what the rules
   * read; a read whose file column was emptied (an edit: V16 filed every older entry) is decoded.
   */
  @Test
  void theWatchesReadOfEachEntry_agreesWithItsText_onEverythingTheRulesRead() throws Exception {
    try (Vault vault = open()) {
      fail(vault, "tanaka");
      try (Session t = login(vault, "tanaka")) {
        for (int i = 0; i < 3; i++) {
          TestVaults.put(t, "申請書/" + i + ".txt", ("case " + i).getBytes(StandardCharsets.UTF_8));
          clock.plus(Duration.ofMillis(1234));
          TestVaults.readAll(t, "申請書/" + i + ".txt");
        }
        assertThrows(AccessDeniedException.class, () -> t.get("人事/x.txt"));
      }
    }
    long emptied = entries("GET").get(0).seq();
    try (java.sql.Connection c = TestDatabase.connect(v);
         java.sql.PreparedStatement s = c.prepareStatement("UPDATE log_entries SET file_id = NULL WHERE seq = ?")) {
      s.setLong(1, emptied);
      assertEquals(1, s.executeUpdate());
    }
    try (Vault vault = open(); Session admin = TestVaults.login(vault)) {
      List<LogEntry> decoded = EngineInternals.log(vault).entries(LogQuery.ALL);
      List<LogEntry> watched = EngineInternals.entriesAsTheWatchReadsThem(admin);
      assertEquals(decoded.stream().map(LogEntry::seq).toList(), watched.stream().map(LogEntry::seq).toList());
      int fromColumns = 0;
      for (int i = 0; i < decoded.size(); i++) {
        LogEntry d = decoded.get(i);
        LogEntry w = watched.get(i);
        List<Object> read = List.of(w.time(), w.actor(), w.action(), w.decision(), String.valueOf(w.fileId()));
        assertEquals(List.of(d.time(), d.actor(), d.action(), d.decision(), String.valueOf(d.fileId())), read, d.json());
        if (w.reason() == null && w.host() == null) {
          fromColumns++;
          assertEquals("GET ALLOW", d.action() + " " + d.decision(), d.json());
        } else {
          assertEquals(d, w);
        }
      }
      assertEquals(2, fromColumns, "the allowed reads but the one with its file column emptied");
      assertEquals("GET ALLOW", decoded.stream().filter(e -> e.seq() == emptied).map(e -> e.action() + " " + e.decision())
          .findFirst().orElseThrow());
    }
  }

  @Test
  void accessAtNight_raisesOffHours_oncePerUserAndDay() {
    setPolicy(IncidentPolicy.DEFAULT.withWorkingHours(
        new IncidentPolicy.WorkingHours(LocalTime.of(8, 0), LocalTime.of(20, 0), EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY))));
    clock.set(2026, 4, 8, 23, 30);
    long first;
    try (Vault vault = open(); Session t = login(vault, "tanaka")) {
      t.list("申請書");
      first = entries(vault, "LOGIN").get(entries(vault, "LOGIN").size() - 1).seq();
    }
    clock.plus(Duration.ofMinutes(20));
    try (Vault vault = open(); Session t = login(vault, "tanaka")) {
      t.list("申請書");
    }
    clock.set(2026, 4, 9, 10, 0); // Thursday morning: quiet
    try (Vault vault = open(); Session t = login(vault, "tanaka")) {
      t.list("申請書");
    }
    List<IncidentReason> raised = incidents();
    assertEquals(List.of(IncidentRule.ACCESS_OFF_HOURS), raised.stream().map(IncidentReason::rule).toList(), raised.toString());
    assertEquals(List.of(first), raised.get(0).evidence());
  }

  @Test
  void aDisposal_raisesDisposal() {
    try (Vault vault = open(); Session admin = TestVaults.login(vault)) {
      admin.dispose(dir.resolve("archive"), false);
    }
    try (Vault vault = open()) {
      List<IncidentReason> raised = parse(entries(vault, "INCIDENT"));
      assertEquals(List.of(IncidentRule.DISPOSAL), raised.stream().map(IncidentReason::rule).toList());
      assertEquals(List.of(entries(vault, "DISPOSE").get(0).seq()), raised.get(0).evidence());
    }
  }

  private void setPolicy(IncidentPolicy policy) {
    try (Vault vault = open(); Session admin = TestVaults.login(vault)) {
      admin.administration().setIncidentPolicy(policy);
    }
  }

  private Vault open() {
    return TestVaults.open(v, clock);
  }

  private static Session login(Vault vault, String user) {
    try (Password p = Password.copyOf(WORKER_PASSWORD)) {
      return vault.login(user, p);
    }
  }

  /** A failed login; returns its DENY entry's sequence. */
  private static long fail(Vault vault, String user) {
    try (Password p = Password.copyOf("not the password at all".toCharArray())) {
      assertThrows(AuthenticationException.class, () -> vault.login(user, p));
    }
    List<LogEntry> logins = entries(vault, "LOGIN");
    return logins.get(logins.size() - 1).seq();
  }

  /** The INCIDENT entries' reasons, read after every handle closed (each drained its watch). */
  private List<IncidentReason> incidents() {
    return parse(entries("INCIDENT"));
  }

  private static List<IncidentReason> parse(List<LogEntry> entries) {
    return entries.stream().map(e -> IncidentReason.parse(e.reason())).toList();
  }

  private List<LogEntry> entries(String action) {
    try (Vault vault = TestVaults.open(v, clock)) {
      return entries(vault, action);
    }
  }

  private static List<LogEntry> entries(Vault vault, String action) {
    return EngineInternals.log(vault).entries(new LogQuery(null, null, null, action));
  }
}
