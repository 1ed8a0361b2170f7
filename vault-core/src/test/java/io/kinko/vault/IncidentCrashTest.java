package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.incident.IncidentReason;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A process killed (SIGKILL) while its incident watch had not yet raised what its entries call
 * for ("raise"), or had raised it but not yet recorded how far it scanned ("move"): the next
 * process that opens the vault raises every incident, and none twice.
 */
class IncidentCrashTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"raise", "move"})
  void aProcessKilledBetweenALockoutAndItsIncident_leavesTheNextOpenToRaiseItOnce(String step) throws Exception {
    Path v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session admin = TestVaults.login(vault);
         Password password = Password.copyOf("mizuiro kumo 2026 sora".toCharArray())) {
      admin.administration().addUser("tanaka", Role.WORKER, password, null);
    }
    Process child = TestVaults.java(List.of(), CrashWatchTarget.class, v.toString(), step, "tanaka")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Set<String> said = new HashSet<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      while (!said.containsAll(Set.of("LOCKED", "HALTED"))) {
        String line = out.readLine();
        assertNotNull(line, "the child ended before the lockout and the halt: " + said);
        said.add(line);
      }
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
    }
    assertEquals(137, child.exitValue(), "the child was not killed by SIGKILL");

    for (int open = 0; open < 2; open++) {
      TestVaults.open(v).close(); // opening catches up; closing drains; a second open finds nothing new
    }
    try (Vault vault = TestVaults.open(v); Session admin = TestVaults.login(vault)) {
      List<LogEntry> incidents = admin.logEntries(new LogQuery(null, null, null, "INCIDENT"));
      List<IncidentReason> reasons = incidents.stream().map(e -> IncidentReason.parse(e.reason())).toList();
      long lockoutSeq = admin.logEntries(new LogQuery(null, null, null, "LOCKOUT")).get(0).seq();
      assertEquals(1, reasons.stream().filter(r -> r.rule() == IncidentRule.AUTH_LOCKOUT).count(), reasons.toString());
      assertEquals(List.of(lockoutSeq), reasons.stream().filter(r -> r.rule() == IncidentRule.AUTH_LOCKOUT).findFirst().get().evidence());
      assertEquals(1, reasons.stream().filter(r -> r.rule() == IncidentRule.AUTH_FAILED_LOGINS).count(), reasons.toString());
      assertEquals(2, reasons.size(), reasons.toString());
      admin.verifyLog(null);
    }
  }
}
