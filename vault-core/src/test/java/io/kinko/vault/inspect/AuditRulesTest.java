package io.kinko.vault.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.kinko.vault.AccountStatus;
import io.kinko.vault.AuditResult.Finding;
import io.kinko.vault.Role;
import io.kinko.vault.UserInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The audit's pure judgements, over generated accounts and settings. */
class AuditRulesTest {
  private static final Instant NOW = Instant.parse("2027-06-01T00:00:00Z");

  private static List<String> ids(List<Finding> findings) {
    return findings.stream().map(Finding::id).toList();
  }

  @Test
  void users_staleExpiredAndAlone_areFoundFromTheFactsGiven() {
    UserInfo admin = new UserInfo("sato", Role.ADMIN, AccountStatus.ACTIVE, 0, null, true, NOW.minus(Duration.ofDays(400)));
    UserInfo stale = new UserInfo("tanaka", Role.WORKER, AccountStatus.ACTIVE, 0, null, false, NOW.minus(Duration.ofDays(91)));
    UserInfo expired = new UserInfo("kato", Role.WORKER, AccountStatus.ACTIVE, 0, LocalDate.of(2027, 5, 30), false, NOW.minus(Duration.ofDays(10)));
    UserInfo gone = new UserInfo("ito", Role.WORKER, AccountStatus.DISABLED, 0, null, false, NOW.minus(Duration.ofDays(500)));
    List<Finding> found = AuditRules.users(List.of(admin, stale, expired, gone), Map.of("kato", 1, "ito", 2),
        Map.of("sato", NOW.minus(Duration.ofDays(1))), NOW);
    assertEquals(List.of("user-stale:tanaka", "user-expired-with-grants:kato", "user-disabled-with-grants:ito", "admin-alone:sato"), ids(found));
  }

  @Test
  void staleness_dependsOnlyOnTheNewestLoginOrCreation_againstNinetyDays() {
    qt().withExamples(300).forAll(longs().between(0, 400L * 24 * 3600)).checkAssert(secondsAgo -> {
      Instant since = NOW.minusSeconds(secondsAgo);
      UserInfo u = new UserInfo("tanaka", Role.WORKER, AccountStatus.ACTIVE, 0, null, false, since);
      boolean stale = ids(AuditRules.users(List.of(u), Map.of(), Map.of(), NOW)).contains("user-stale:tanaka");
      assertEquals(since.isBefore(NOW.minus(AuditRules.STALE)), stale, "created " + secondsAgo + " s ago");
      boolean afterLogin = ids(AuditRules.users(List.of(u), Map.of(), Map.of("tanaka", NOW.minusSeconds(60)), NOW)).contains("user-stale:tanaka");
      assertEquals(false, afterLogin, "a login a minute ago leaves nobody stale");
    });
  }

  @Test
  void anAdministratorIsAlone_exactlyWhenOneIsActive() {
    qt().withExamples(200).forAll(integers().between(0, 6), longs().all()).checkAssert((admins, seed) -> {
      Random random = new Random(seed);
      List<UserInfo> users = new ArrayList<>();
      int active = 0;
      for (int i = 0; i < admins; i++) {
        AccountStatus status = AccountStatus.values()[random.nextInt(AccountStatus.values().length)];
        active += status == AccountStatus.ACTIVE ? 1 : 0;
        users.add(new UserInfo("admin" + i, Role.ADMIN, status, 0, null, false, NOW));
      }
      List<String> found = ids(AuditRules.users(users, Map.of(), Map.of(), NOW));
      assertEquals(active == 1, found.stream().anyMatch(id -> id.startsWith("admin-alone:")), users.toString());
      assertEquals(active == 0, found.contains("admin-none"), users.toString());
    });
  }

  @Test
  void postgres_eachSettingOff_isItsOwnFinding_andOnIsClean() {
    assertEquals(List.of(), AuditRules.postgres(Map.of("fsync", "on", "full_page_writes", "on", "synchronous_commit", "local")));
    assertEquals(List.of("durability-fsync", "durability-full-page-writes", "durability-synchronous-commit"),
        ids(AuditRules.postgres(Map.of("fsync", "off", "full_page_writes", "off", "synchronous_commit", "off"))));
    assertEquals(List.of("durability-fsync"), ids(AuditRules.postgres(Map.of("full_page_writes", "on", "synchronous_commit", "on"))),
        "a setting that cannot be read is not taken as on");
  }

  @Test
  void retention_floorIsTheDayAfterContractEndPlusAYear_inJapan() {
    assertEquals(Instant.parse("2028-03-31T15:00:00Z"), AuditRules.retentionFloor(LocalDate.of(2027, 3, 31)));
    assertEquals(List.of(), AuditRules.retention(LocalDate.of(2027, 3, 31), 0, 0, NOW));
    Finding f = AuditRules.retention(LocalDate.of(2027, 3, 31), 3, 17, NOW).get(0);
    assertTrue(f.what().contains("3 log entries") && f.todo().contains("2028-03-31"), f.toString());
  }
}
