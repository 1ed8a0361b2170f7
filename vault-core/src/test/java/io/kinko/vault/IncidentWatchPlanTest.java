package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.engine.EngineInternals;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The incident watch's first scan in a process reads the log's last hour (and the day's
 * incidents) to rebuild its rules, and a closing command waits for it. Its reads must go through
 * the time's indexes: with the position beside the time in the query, H2 read the whole log
 * through its primary key, 1.5 s for a million entries in every command. H2's plans only (the
 * PostgreSQL matrix leaves this class out).
 */
class IncidentWatchPlanTest extends VaultTest {
  @Test
  void theHistorysReads_goThroughTheTimeIndexes_notTheWholeLog() throws SQLException {
    AccessLog log = EngineInternals.log(vault);
    List<AccessLog.Event> batch = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      batch.add(i % 10 == 0 ? AccessLog.Event.deny("mallory", Action.LOGIN, "wrong password", null, null)
          : AccessLog.Event.allow("sato", Action.GET, "read " + i, "f" + (i % 97), null));
    }
    log.append(batch);
    List<String> queries = EngineInternals.incidentHistoryQueries();
    String history = plan(queries.get(0), System.currentTimeMillis() - 3_600_000L, "%\"decision\":\"DENY\"%".getBytes(StandardCharsets.UTF_8));
    assertTrue(history.contains("LOG_ENTRIES_TIME"), history);
    assertFalse(history.contains("PRIMARY_KEY"), history);
    String incidents = plan(queries.get(1), Action.INCIDENT.name(), System.currentTimeMillis() - 86_400_000L);
    assertTrue(incidents.contains("LOG_ENTRIES_ACTION_TIME"), incidents);
  }

  private String plan(String sql, Object... args) throws SQLException {
    try (Connection c = TestDatabase.connect(vault.directory()); PreparedStatement s = c.prepareStatement("EXPLAIN " + sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      try (ResultSet r = s.executeQuery()) {
        assertTrue(r.next(), "a plan");
        return r.getString(1);
      }
    }
  }
}
