package io.kinko.vault.inspect;

import io.kinko.vault.AccountStatus;
import io.kinko.vault.AuditResult.Finding;
import io.kinko.vault.AuditResult.Severity;
import io.kinko.vault.Contract;
import io.kinko.vault.Role;
import io.kinko.vault.UserInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The self-audit's judgements, without I/O: which accounts, retention dates and database settings
 * are findings, and what the privacy manager should do about each. {@link SelfAudit} gathers the
 * facts; these rules are tested on their own with generated cases.
 */
public final class AuditRules {
  /** An account unused for this long should be locked or disabled (clause 5(3): rights follow the work). */
  public static final Duration STALE = Duration.ofDays(90);

  private AuditRules() {}

  static Finding integrity(String id, String what, String todo) {
    return new Finding(id, Severity.INTEGRITY, what, todo);
  }

  static Finding warning(String id, String what, String todo) {
    return new Finding(id, Severity.WARNING, what, todo);
  }

  /**
   * Findings about accounts: stale ones (no login for {@link #STALE}; an account that never logged
   * in counts from its creation), expired or disabled ones that still hold grants, and an
   * administrator who is the only active one.
   *
   * @param grants the number of grants each user holds (absent: none)
   * @param lastLogins each user's newest allowed login within the last {@link #STALE} (absent: none then)
   */
  public static List<Finding> users(List<UserInfo> users, Map<String, Integer> grants, Map<String, Instant> lastLogins, Instant now) {
    List<Finding> out = new ArrayList<>();
    LocalDate today = LocalDate.ofInstant(now, Contract.ZONE);
    List<String> activeAdmins = new ArrayList<>();
    for (UserInfo u : users) {
      int held = grants.getOrDefault(u.name(), 0);
      boolean expired = u.expires() != null && today.isAfter(u.expires());
      if (u.status() == AccountStatus.DISABLED) {
        if (held > 0) {
          out.add(warning("user-disabled-with-grants:" + u.name(), "the disabled account '" + u.name() + "' still holds " + held + " grant(s)",
              "revoke them: kinko revoke " + u.name() + " PREFIX (kinko acl lists them)"));
        }
        continue;
      }
      if (expired && held > 0) {
        out.add(warning("user-expired-with-grants:" + u.name(), "the account '" + u.name() + "' expired on " + u.expires() + " and still holds "
            + held + " grant(s)", "revoke its grants (kinko revoke " + u.name() + " PREFIX) or disable it (kinko user disable " + u.name() + ")"));
      }
      Instant last = lastLogins.get(u.name());
      Instant since = last != null ? last : u.created();
      if (u.status() == AccountStatus.ACTIVE && !expired && since != null && since.isBefore(now.minus(STALE))) {
        out.add(warning("user-stale:" + u.name(), "the account '" + u.name() + "' has not logged in for over " + STALE.toDays() + " days (account created "
            + u.created() + ")",
            "if " + u.name() + " no longer works on the contract, lock or disable it (kinko user lock|disable " + u.name() + ")"));
      }
      if (u.role() == Role.ADMIN && u.status() == AccountStatus.ACTIVE && !expired) {
        activeAdmins.add(u.name());
      }
    }
    if (activeAdmins.size() == 1) {
      String only = activeAdmins.get(0);
      out.add(warning("admin-alone:" + only, "'" + only + "' is the only active administrator: if that account is locked or lost, "
          + "nobody can manage users, grants or the log", "add a second administrator: kinko user add NAME --role admin"));
    } else if (activeAdmins.isEmpty()) {
      out.add(warning("admin-none", "no administrator account is active", "unlock an administrator (kinko user unlock) or recover the vault"));
    }
    return out;
  }

  /** The earliest keep-until the contract allows for any log entry: the start of the day after contract end + 1 year (Japan time). */
  public static Instant retentionFloor(LocalDate contractEnd) {
    return contractEnd.plusYears(1).plusDays(1).atStartOfDay(Contract.ZONE).toInstant();
  }

  /** A finding if {@code shortEntries} log entries have a keep-until before the contract's floor. */
  public static List<Finding> retention(LocalDate contractEnd, long shortEntries, long firstSeq, Instant earliest) {
    if (shortEntries == 0) {
      return List.of();
    }
    LocalDate until = contractEnd.plusYears(1);
    return List.of(warning("retention-short", shortEntries + " log entries (the first at sequence " + firstSeq + ") may be removed from "
        + earliest + ", before the contract's end + 1 year (" + until + ")",
        "export the log now (kinko log export) and keep the archive, and do not prune before " + until));
  }

  /**
   * Findings about a PostgreSQL server's durability: {@code fsync}, {@code full_page_writes} and
   * the default {@code synchronous_commit} as SHOW reports them (a missing value is a finding too).
   */
  public static List<Finding> postgres(Map<String, String> settings) {
    List<Finding> out = new ArrayList<>();
    for (String name : List.of("fsync", "full_page_writes", "synchronous_commit")) {
      String value = settings.get(name);
      String v = value == null ? "" : value.toLowerCase(Locale.ROOT);
      boolean durable = name.equals("synchronous_commit") ? !v.isEmpty() && !v.equals("off") : v.equals("on");
      if (!durable) {
        String why = switch (name) {
          case "fsync" -> "the server does not force its writes to disk: a crash can lose or corrupt log entries reported durable";
          case "full_page_writes" -> "a crash in the middle of a page write can leave a torn page the server cannot repair";
          default -> "commits by default return before they are on disk (Kinko's own connections set it on; other clients and tools do not)";
        };
        out.add(warning("durability-" + name.replace('_', '-'), "PostgreSQL runs with " + name + " = " + (value == null ? "(unknown)" : value)
            + ": " + why, "set " + name + " = on in postgresql.conf (or ALTER SYSTEM SET " + name + " = on) and reload the server"));
      }
    }
    return out;
  }

  /**
   * Findings about alert sinks: one whose last attempt failed, and one with alerts waiting longer
   * than {@link io.kinko.vault.AlertSinkHealth#PENDING_BOUND_MINUTES} minutes. The managers would
   * not hear of an incident through it (clause 6).
   */
  public static List<Finding> alerts(List<io.kinko.vault.AlertSinkHealth> sinks, Instant now) {
    List<Finding> out = new ArrayList<>();
    for (io.kinko.vault.AlertSinkHealth h : sinks) {
      if (h.healthy()) {
        continue;
      }
      String why = h.lastError() != null ? "its last attempt (" + h.lastAttemptAt() + ") failed: " + h.lastError()
          : h.pending() + " alert(s) have waited since " + h.oldestPendingAt();
      out.add(warning("alert-sink:" + h.id(), "the alert sink " + h.id() + " (" + h.kind().name().toLowerCase(Locale.ROOT) + " " + h.target()
          + ") cannot be reached: " + why + "; " + h.pending() + " alert(s) pending",
          "fix the receiver or the network, then run kinko alert test " + h.id() + " and kinko alert deliver; until then read incidents with "
              + "kinko log show --action INCIDENT"));
    }
    return out;
  }

  /** The setting that names the vault's recovery key by its fingerprint (engine.Recovery writes it). */
  public static final String RECOVERY_SETTING = "recovery.fingerprint";

  /**
   * Findings about the recovery key: a vault without one (made before recovery keys, or by the
   * library without a receiver) loses its data for good when every administrator password is lost.
   */
  public static List<Finding> recovery(String fingerprint) {
    return fingerprint != null ? List.of() : List.of(warning("recovery-key", "the vault has no recovery key: if every administrator "
        + "password is lost, its data is lost with them",
        "run kinko recovery rotate --recovery-sheet FILE, print the sheet and keep it in the fireproof safe (clause 5(7))"));
  }
}
