package io.kinko.vault.alert;

import io.kinko.vault.Action;
import io.kinko.vault.AlertDelivery;
import io.kinko.vault.LogEntry;
import io.kinko.vault.audit.EntryCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code alert_deliveries} table (V15) and the reads of the outbox, the log's INCIDENT
 * entries. A sink's cursor is the highest incident delivered to it, or the entry before its
 * {@code fromSeq}: what lies after is pending, in sequence order.
 */
final class Deliveries {
  static final String STARTED = "STARTED";
  static final String DELIVERED = "DELIVERED";
  static final String FAILED = "FAILED";

  private Deliveries() {}

  /** What is known of one sink's attempts at one incident. */
  record Tried(int attempts, Instant last) {}

  static long cursor(Connection c, String sink, long fromSeq) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT MAX(incident_seq) FROM alert_deliveries WHERE sink_id = ? AND test = FALSE AND outcome = 'DELIVERED'")) {
      s.setString(1, sink);
      try (ResultSet r = s.executeQuery()) {
        long delivered = r.next() ? r.getLong(1) : 0;
        return r.wasNull() ? fromSeq - 1 : Math.max(fromSeq - 1, delivered);
      }
    }
  }

  /** INCIDENT entries after {@code cursor}, oldest first, at most {@code limit}. */
  static List<LogEntry> incidentsAfter(Connection c, long cursor, int limit) throws SQLException {
    List<LogEntry> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT entry FROM log_entries WHERE action = ? AND seq > ? ORDER BY seq")) {
      s.setString(1, Action.INCIDENT.name());
      s.setLong(2, cursor);
      s.setMaxRows(limit);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(EntryCodec.decode(r.getBytes(1)));
        }
      }
    }
    return out;
  }

  /** How many INCIDENT entries lie after {@code cursor}, and when the first was logged (or null). */
  static Object[] pending(Connection c, long cursor) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*), MIN(logged_at) FROM log_entries WHERE action = ? AND seq > ?")) {
      s.setString(1, Action.INCIDENT.name());
      s.setLong(2, cursor);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        long count = r.getLong(1);
        long first = r.getLong(2);
        return new Object[] {count, r.wasNull() ? null : Instant.ofEpochMilli(first)};
      }
    }
  }

  static Tried tried(Connection c, String sink, long seq) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT COUNT(*), MAX(attempted_at) FROM alert_deliveries WHERE sink_id = ? AND incident_seq = ? AND test = FALSE")) {
      s.setString(1, sink);
      s.setLong(2, seq);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        int n = r.getInt(1);
        long last = r.getLong(2);
        return new Tried(n, r.wasNull() ? null : Instant.ofEpochMilli(last));
      }
    }
  }

  /** Records an attempt as STARTED; returns its row id. */
  static long start(Connection c, String sink, long seq, boolean test, int attempt, Instant at) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO alert_deliveries (sink_id, incident_seq, test, attempt, attempted_at, outcome) VALUES (?, ?, ?, ?, ?, ?)",
        Statement.RETURN_GENERATED_KEYS)) {
      s.setString(1, sink);
      s.setLong(2, seq);
      s.setBoolean(3, test);
      s.setInt(4, attempt);
      s.setLong(5, at.toEpochMilli());
      s.setString(6, STARTED);
      s.executeUpdate();
      try (ResultSet keys = s.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  static void finish(Connection c, long row, String outcome, String error) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE alert_deliveries SET outcome = ?, error = ? WHERE id = ?")) {
      s.setString(1, outcome);
      s.setString(2, error);
      s.setLong(3, row);
      s.executeUpdate();
    }
  }

  /** The sink's newest attempt, or null. */
  static AlertDelivery last(Connection c, String sink) throws SQLException {
    List<AlertDelivery> one = history(c, sink, 1);
    return one.isEmpty() ? null : one.get(0);
  }

  /** The sink's newest {@code limit} attempts, newest first. */
  static List<AlertDelivery> history(Connection c, String sink, int limit) throws SQLException {
    List<AlertDelivery> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT incident_seq, test, attempt, attempted_at, outcome, error FROM alert_deliveries WHERE sink_id = ? ORDER BY id DESC")) {
      s.setString(1, sink);
      s.setMaxRows(limit);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(new AlertDelivery(sink, r.getLong(1), r.getBoolean(2), r.getInt(3), Instant.ofEpochMilli(r.getLong(4)), r.getString(5),
              r.getString(6)));
        }
      }
    }
    return out;
  }
}
