package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.incident.IncidentReason;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The incident policy is set by administrators only, through the door: a worker's attempt is a
 * DENY entry and changes nothing; a change is a POLICY entry naming old and new values; the
 * stored row edited, removed or replayed in the database is a refusal and an INCIDENT, and the
 * watch of a session does not obey the edit.
 */
class IncidentPolicyAdministrationTest extends VaultTest {
  private static final IncidentPolicy STRICT = IncidentPolicy.DEFAULT.withFailedLogins(new IncidentPolicy.Threshold(2, Duration.ofMinutes(30)));

  @Test
  void aVaultWithoutPolicy_showsTheDefault() {
    assertEquals(IncidentPolicy.DEFAULT, session.administration().incidentPolicy());
    assertEquals(1, entries("POLICY").size(), "showing it is logged too");
  }

  @Test
  void anAdministratorsChange_isAPolicyEntryNamingOldAndNew() {
    session.administration().setIncidentPolicy(STRICT);
    assertEquals(STRICT, session.administration().incidentPolicy());
    LogEntry change = entries("POLICY").get(0);
    assertEquals("ALLOW", change.decision());
    assertEquals("incident policy failed-logins 3/15m -> 2/30m", change.reason());
    try (Session again = TestVaults.login(vault)) {
      assertEquals(STRICT, again.administration().incidentPolicy(), "stored, not held in memory");
    }
  }

  @Test
  void aWorker_cannotReadOrChangeThePolicy_andTheAttemptIsLogged() throws Exception {
    try (Password p = Password.copyOf("mizuiro kumo 2026 sora".toCharArray())) {
      session.administration().addUser("tanaka", Role.WORKER, p, null);
      try (Session worker = vault.login("tanaka", p)) {
        assertThrows(AccessDeniedException.class, () -> worker.administration().setIncidentPolicy(IncidentPolicy.DEFAULT
            .withWorkingHours(IncidentPolicy.WorkingHours.OFF).withDeniedOperations(new IncidentPolicy.Threshold(100_000, Duration.ofMinutes(1)))));
        assertThrows(AccessDeniedException.class, () -> worker.administration().incidentPolicy());
      }
    }
    List<LogEntry> policy = entries("POLICY");
    assertEquals(List.of("DENY", "DENY"), policy.stream().map(LogEntry::decision).toList());
    assertEquals(List.of("tanaka", "tanaka"), policy.stream().map(LogEntry::actor).toList());
    assertEquals(0, settingRows(), "nothing was stored");
    assertEquals(IncidentPolicy.DEFAULT, session.administration().incidentPolicy());
  }

  @Test
  void anEditedPolicyRow_isRefused_andAnIncident() throws Exception {
    session.administration().setIncidentPolicy(STRICT);
    sql("UPDATE settings SET setting = REPLACE(setting, '\"count\":2', '\"count\":99999') WHERE name = 'incident.policy'");
    IntegrityException e = assertThrows(IntegrityException.class, () -> session.administration().incidentPolicy());
    assertEquals(IncidentRule.INTEGRITY_STATE, e.rule());
    assertEquals(IncidentRule.INTEGRITY_STATE, lastIncident().rule());
  }

  @Test
  void aReplayedOlderPolicyRow_isRefused_andTheNextLoginsWatchKeepsToTheDefaults() throws Exception {
    session.administration().setIncidentPolicy(STRICT);
    Object[] old = SettingsStateTest.oldRow(vault.directory());
    IncidentPolicy loose = IncidentPolicy.DEFAULT.withFailedLogins(new IncidentPolicy.Threshold(50, Duration.ofMinutes(1)));
    session.administration().setIncidentPolicy(loose);
    sql("DELETE FROM settings");
    SettingsStateTest.putBack(vault.directory(), old);
    assertThrows(IntegrityException.class, () -> session.administration().setIncidentPolicy(IncidentPolicy.DEFAULT));
    int before = entries("INCIDENT").size();
    try (Session again = TestVaults.login(vault)) {
      // The login stands, its check of the policy is an INCIDENT.
      assertEquals(before + 1, entries("INCIDENT").size());
      assertEquals(IncidentRule.INTEGRITY_STATE, lastIncident().rule());
    }
  }

  @Test
  void policyValues_areValidated() {
    assertThrows(IllegalArgumentException.class, () -> new IncidentPolicy.Threshold(0, Duration.ofMinutes(5)));
    assertThrows(IllegalArgumentException.class, () -> new IncidentPolicy.Threshold(3, Duration.ofSeconds(30)));
    assertThrows(IllegalArgumentException.class, () -> new IncidentPolicy.Threshold(3, Duration.ofDays(2)));
    assertThrows(IllegalArgumentException.class, () -> new IncidentPolicy.MassRead(10, 0, Duration.ofMinutes(5)));
    assertThrows(IllegalArgumentException.class, () -> new IncidentPolicy.WorkingHours(java.time.LocalTime.of(20, 0),
        java.time.LocalTime.of(8, 0), java.util.EnumSet.of(java.time.DayOfWeek.MONDAY)));
    assertTrue(IncidentPolicy.DEFAULT.workingHours().off());
  }

  private IncidentReason lastIncident() {
    List<LogEntry> incidents = entries("INCIDENT");
    return IncidentReason.parse(incidents.get(incidents.size() - 1).reason());
  }

  private List<LogEntry> entries(String action) {
    return io.kinko.vault.engine.EngineInternals.log(vault).entries(new LogQuery(null, null, null, action));
  }

  private int settingRows() throws Exception {
    try (Connection c = TestDatabase.connect(vault.directory()); ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM settings")) {
      r.next();
      return r.getInt(1);
    }
  }

  private void sql(String statement) throws Exception {
    try (Connection c = TestDatabase.connect(vault.directory())) {
      c.createStatement().executeUpdate(statement);
    }
  }
}
