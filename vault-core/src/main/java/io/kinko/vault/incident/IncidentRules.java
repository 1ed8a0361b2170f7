package io.kinko.vault.incident;

import io.kinko.vault.Action;
import io.kinko.vault.Decision;
import io.kinko.vault.IncidentPolicy;
import io.kinko.vault.IncidentRule;
import io.kinko.vault.LogEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The detection rules of clause 6, pure: given the policy, the log's new entries and the history
 * before them, which incidents to raise. No I/O; the watch ({@code engine}) reads the log and
 * writes what this returns.
 *
 * <p>Each threshold raises once per crossing: the entry that brings the count in its window to N
 * raises, with the window's entries as evidence; the next ones in the same window do not, until
 * the count has fallen below N again. A lockout, an export and a disposal each raise once.
 * Activity outside working hours raises once per user and day (Asia/Tokyo). Details name users,
 * counts and times, never a file or a path.
 *
 * <p>An incident is identified by its rule and its last evidence sequence ({@link Raised#key}):
 * the same input yields the same keys, so a watch that scans an entry twice (a crash after
 * raising, before it recorded where it got to) recognises what it raised already.
 */
public final class IncidentRules {
  /** The actor of an incident about no one user (names that are no user). No user name starts with '-'. */
  public static final String NO_USER = "-";
  /** At most this many evidence sequences in one incident: the first and the last half of the window. */
  static final int MAX_EVIDENCE = 64;

  private IncidentRules() {}

  /** One incident to raise: the INCIDENT entry's actor (the user it is about) and its reason. */
  public record Raised(String actor, IncidentReason reason) {
    public Raised {
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(reason, "reason");
      if (reason.evidence().isEmpty()) {
        throw new IllegalArgumentException("a raised incident names its evidence");
      }
    }

    /** Its identity: rule and last evidence sequence. */
    public String key() {
      return key(reason);
    }

    public static String key(IncidentReason reason) {
      return reason.rule().id() + "@" + (reason.evidence().isEmpty() ? -1 : reason.evidence().get(reason.evidence().size() - 1));
    }
  }

  /**
   * The incidents that {@code fresh} raises.
   *
   * @param history entries before the fresh ones, ascending: at least those within the policy's
   *     longest window before the first fresh entry, and the day's INCIDENT entries
   * @param fresh the new entries, ascending, each after every history entry
   * @param bytesOfFile the size of a file version read (0 when unknown)
   * @return incidents in the order their last evidence was logged, none already raised in
   *     {@code history} or {@code fresh} (an INCIDENT entry with the same key)
   */
  public static List<Raised> evaluate(IncidentPolicy policy, List<LogEntry> history, List<LogEntry> fresh,
      ToLongFunction<String> bytesOfFile) {
    Running running = new Running(policy, bytesOfFile);
    running.history(history, fresh);
    return running.next(fresh);
  }

  /**
   * The rules' state carried from one scan to the next, so that a watch reads and judges each
   * entry once instead of reading its whole window again for every scan (with a busy log, every
   * scan re-read up to an hour of reads: the cost grew with the square of the appends).
   * {@link #next} with the fresh entries of successive scans raises what {@link #evaluate} raises
   * with everything before them as history. Not thread-safe; a scan that fails must discard it.
   */
  public static final class Running {
    private final State state;

    /**
     * A state that has seen nothing. {@code bytesOfFile} is asked for a version's size when the
     * version enters a user's mass-reading window, and the state keeps that answer until the
     * version leaves it: a caller need only know the sizes of the versions read by the entries it
     * passes to the call in hand ({@link #history} or {@link #next}).
     */
    public Running(IncidentPolicy policy, ToLongFunction<String> bytesOfFile) {
      this.state = new State(Objects.requireNonNull(policy, "policy"), Objects.requireNonNull(bytesOfFile, "bytesOfFile"));
    }

    public IncidentPolicy policy() {
      return state.policy;
    }

    /**
     * Takes in the entries before the first scan (ascending): at least those within the policy's
     * longest window before the first fresh entry, and the day's INCIDENT entries. Raises nothing.
     */
    public void history(List<LogEntry> history) {
      history(history, List.of());
    }

    /** As {@link #history(List)}, with the fresh entries that follow already known (their times and incidents). */
    private void history(List<LogEntry> history, List<LogEntry> fresh) {
      // What the log says was raised already counts wherever it lies: a scan can meet an entry
      // before the INCIDENT entry that another scan raised for its day.
      for (List<LogEntry> list : List.of(history, fresh)) {
        for (LogEntry e : list) {
          state.times.put(e.seq(), e.time());
        }
      }
      for (List<LogEntry> list : List.of(history, fresh)) {
        for (LogEntry e : list) {
          if (Action.INCIDENT.name().equals(e.action())) {
            state.remember(e);
          }
        }
      }
      for (LogEntry e : history) {
        state.see(e, false);
      }
    }

    /**
     * The incidents that {@code fresh} raises (ascending, each after every entry seen before),
     * none already raised in an INCIDENT entry seen or returned before.
     */
    public List<Raised> next(List<LogEntry> fresh) {
      for (LogEntry e : fresh) {
        state.times.put(e.seq(), e.time());
      }
      for (LogEntry e : fresh) {
        if (Action.INCIDENT.name().equals(e.action())) {
          state.remember(e);
        }
      }
      for (LogEntry e : fresh) {
        state.see(e, true);
      }
      List<Raised> out = new ArrayList<>();
      for (Raised r : state.raised) {
        if (state.alreadyRaised.add(r.key())) {
          out.add(r);
        }
      }
      state.raised.clear();
      if (!fresh.isEmpty()) {
        state.forgetTimesBefore(fresh.get(fresh.size() - 1).time());
      }
      return out;
    }
  }

  /**
   * The reason of a LOGIN refusal for a damaged, crafted or missing key slot: it says nothing
   * about a password, so it counts toward no failed-login rule (its own INCIDENT names it).
   */
  public static final String SLOT_UNREADABLE = "key slot unreadable";

  /**
   * How the DENY entry after an approved act that then failed begins ({@code engine.Door}): the
   * act was allowed, and its failure (a refused commit, a full disk) is no denied operation. A
   * refused commit of a folder put's batch logs one per file, which counted as a burst of denials.
   */
  public static final String FAILED_AFTER_APPROVAL = "failed after approval: ";
  public static final String UNKNOWN_AFTER_APPROVAL = "outcome unknown after approval: ";
  /** An import's own such entry: "import <export id> failed after approval: ..." ({@code engine.Transports}). */
  private static final java.util.regex.Pattern IMPORT_FAILED = java.util.regex.Pattern.compile("import [0-9a-f]{32} " + FAILED_AFTER_APPROVAL);

  /**
   * Whether {@code e} records the failure of an act that was allowed, which its ALLOW entry before
   * it counts: no refusal, for these rules and for the monthly report's figures.
   */
  public static boolean failedAfterApproval(LogEntry e) {
    String reason = e.reason();
    return reason != null && (reason.startsWith(FAILED_AFTER_APPROVAL) || reason.startsWith(UNKNOWN_AFTER_APPROVAL)
        || IMPORT_FAILED.matcher(reason).lookingAt());
  }

  /** A LOGIN refusal that names no user: an unknown or invalid name. */
  static boolean unknownName(LogEntry e) {
    return isLogin(e) && denied(e) && ("unknown user".equals(e.reason()) || "invalid user name".equals(e.reason()));
  }

  private static boolean isLogin(LogEntry e) {
    return Action.LOGIN.name().equals(e.action());
  }

  private static boolean denied(LogEntry e) {
    return Decision.DENY.name().equals(e.decision());
  }

  private static boolean allowed(LogEntry e) {
    return Decision.ALLOW.name().equals(e.decision());
  }

  /** The rules' running state over the entries in order. */
  private static final class State {
    final IncidentPolicy policy;
    final ToLongFunction<String> bytesOfFile;
    final Map<String, Deque<LogEntry>> failedLogins = new HashMap<>();
    final Deque<LogEntry> unknownNames = new ArrayDeque<>();
    final Map<String, Deque<LogEntry>> denials = new HashMap<>();
    final Map<String, Reads> reads = new HashMap<>();
    /** Entry times by sequence, in the order seen: an off-hours INCIDENT entry names its first evidence by sequence. */
    final java.util.LinkedHashMap<Long, Instant> times = new java.util.LinkedHashMap<>();
    /** (user, day) pairs whose off-hours activity was raised. */
    final Set<String> offHoursRaised = new HashSet<>();
    final Set<String> alreadyRaised = new HashSet<>();
    final List<Raised> raised = new ArrayList<>();

    State(IncidentPolicy policy, ToLongFunction<String> bytesOfFile) {
      this.policy = policy;
      this.bytesOfFile = bytesOfFile;
    }

    /**
     * Forgets the times of entries before the day of {@code latest} (JST) and before the longest
     * window: no scan from {@code latest} on has them as history, so a watch's running state stays
     * as big as one scan's history.
     */
    void forgetTimesBefore(Instant latest) {
      Instant day = day(latest).atStartOfDay(IncidentPolicy.ZONE).toInstant();
      Instant window = latest.minus(policy.longestWindow());
      Instant keep = day.isBefore(window) ? day : window;
      var it = times.values().iterator();
      while (it.hasNext() && it.next().isBefore(keep)) {
        it.remove();
      }
    }

    void see(LogEntry e, boolean fresh) {
      String action = e.action();
      if (Action.INCIDENT.name().equals(action)) {
        return; // remembered before the scan
      }
      if (Action.LOCKOUT.name().equals(action)) {
        raiseIf(fresh, e.actor(), IncidentRule.AUTH_LOCKOUT, List.of(e.seq()), "the account " + e.actor() + " was locked by failed logins");
      } else if (Action.EXPORT.name().equals(action) && allowed(e) && e.reason() != null && e.reason().startsWith("export ")) {
        // An EXPORT ALLOW entry that names an export ("export <id>; ..."), not an attempt that found nothing.
        raiseIf(fresh, e.actor(), IncidentRule.TRANSFER_EXPORT, List.of(e.seq()), e.actor() + " carried a transport package out of the vault");
      } else if (Action.DISPOSE.name().equals(action) && allowed(e)) {
        raiseIf(fresh, e.actor(), IncidentRule.DISPOSAL, List.of(e.seq()), e.actor() + " disposed of the vault");
      } else if (unknownName(e)) {
        count(fresh, unknownNames, e, policy.unknownUsers(), NO_USER, IncidentRule.AUTH_UNKNOWN_USERS,
            "failed logins with names that are no user");
      } else if (isLogin(e) && denied(e) && SLOT_UNREADABLE.equals(e.reason())) {
        // not a guess at a password: the slot's own integrity.keys INCIDENT reports it
      } else if (isLogin(e) && denied(e)) {
        count(fresh, failedLogins.computeIfAbsent(e.actor(), a -> new ArrayDeque<>()), e, policy.failedLogins(), e.actor(),
            IncidentRule.AUTH_FAILED_LOGINS, "failed logins for " + e.actor());
      } else if (denied(e) && failedAfterApproval(e)) {
        // an allowed act that then failed (a refused commit): no denied operation, and nothing else either
      } else if (denied(e)) {
        count(fresh, denials.computeIfAbsent(e.actor(), a -> new ArrayDeque<>()), e, policy.deniedOperations(), e.actor(),
            IncidentRule.ACCESS_DENIED_BURST, "denied operations of " + e.actor());
      } else if (Action.GET.name().equals(action) && e.fileId() != null) {
        reads.computeIfAbsent(e.actor(), a -> new Reads()).read(fresh, e);
      }
      if (fresh && !unknownName(e) && !NO_USER.equals(e.actor())) {
        offHours(e);
      }
    }

    /** An INCIDENT entry already in the log: what it raised is not raised again. */
    private void remember(LogEntry e) {
      IncidentReason reason;
      try {
        reason = IncidentReason.parse(e.reason() == null ? "" : e.reason());
      } catch (IllegalArgumentException notOurs) {
        return;
      }
      alreadyRaised.add(Raised.key(reason));
      if (reason.rule() == IncidentRule.ACCESS_OFF_HOURS && !reason.evidence().isEmpty()) {
        Instant at = times.getOrDefault(reason.evidence().get(0), e.time());
        offHoursRaised.add(e.actor() + "@" + day(at));
      }
    }

    private void offHours(LogEntry e) {
      ZonedDateTime at = e.time().atZone(IncidentPolicy.ZONE);
      if (policy.workingHours().contains(at)) {
        return;
      }
      if (offHoursRaised.add(e.actor() + "@" + day(e.time()))) {
        raise(e.actor(), IncidentRule.ACCESS_OFF_HOURS, List.of(e.seq()), e.actor() + "'s " + e.action() + " at "
            + String.format(Locale.ROOT, "%02d:%02d", at.getHour(), at.getMinute()) + " on "
            + at.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " (JST) is outside working hours "
            + policy.workingHours());
      }
    }

    /** Adds {@code e} to its window; the entry that brings the window to the threshold raises. */
    private void count(boolean fresh, Deque<LogEntry> window, LogEntry e, IncidentPolicy.Threshold t, String actor,
        IncidentRule rule, String what) {
      evict(window, e.time(), t.window());
      int before = window.size();
      window.addLast(e);
      if (before < t.count() && window.size() >= t.count()) {
        raiseIf(fresh, actor, rule, seqs(window), window.size() + " " + what + " within " + t.window().toMinutes() + " minutes");
      }
    }

    private void raiseIf(boolean fresh, String actor, IncidentRule rule, List<Long> evidence, String detail) {
      if (fresh) {
        raise(actor, rule, evidence, detail);
      }
    }

    private void raise(String actor, IncidentRule rule, List<Long> evidence, String detail) {
      raised.add(new Raised(actor, new IncidentReason(rule, evidence, detail.replace('\n', ' ').replace('\r', ' '))));
    }

    /**
     * One user's reads in the mass-reading window: the distinct versions, each with its reads in
     * the window and its size as taken when it entered, and the bytes of all those reads.
     */
    private final class Reads {
      final Deque<LogEntry> window = new ArrayDeque<>();
      final Map<String, Version> perFile = new HashMap<>();
      long bytes;

      void read(boolean fresh, LogEntry e) {
        IncidentPolicy.MassRead m = policy.massRead();
        while (!window.isEmpty() && expired(window.peekFirst(), e.time(), m.window())) {
          String gone = window.removeFirst().fileId();
          Version old = perFile.get(gone);
          bytes -= old.size;
          if (--old.reads == 0) {
            perFile.remove(gone);
          }
        }
        int filesBefore = perFile.size();
        long bytesBefore = bytes;
        window.addLast(e);
        Version v = perFile.computeIfAbsent(e.fileId(), id -> new Version(Math.max(0, bytesOfFile.applyAsLong(id))));
        v.reads++;
        bytes += v.size;
        boolean files = filesBefore < m.files() && perFile.size() >= m.files();
        boolean volume = bytesBefore < m.bytes() && bytes >= m.bytes();
        if (files || volume) {
          raiseIf(fresh, e.actor(), IncidentRule.ACCESS_MASS_READ, seqs(window), e.actor() + " read " + perFile.size() + " files ("
              + bytes + " bytes) within " + m.window().toMinutes() + " minutes");
        }
      }
    }
  }

  /** A version in a user's mass-reading window: its size, taken once, and how many of the window's reads are of it. */
  private static final class Version {
    final long size;
    int reads;

    Version(long size) {
      this.size = size;
    }
  }

  private static void evict(Deque<LogEntry> window, Instant now, Duration span) {
    while (!window.isEmpty() && expired(window.peekFirst(), now, span)) {
      window.removeFirst();
    }
  }

  /** Outside the window (now - span, now]. */
  private static boolean expired(LogEntry old, Instant now, Duration span) {
    return !old.time().isAfter(now.minus(span));
  }

  /** The window's sequences, at most {@link #MAX_EVIDENCE}: the first and the last half when there are more. */
  private static List<Long> seqs(Deque<LogEntry> window) {
    List<Long> all = new ArrayList<>(window.size());
    window.forEach(e -> all.add(e.seq()));
    if (all.size() <= MAX_EVIDENCE) {
      return all;
    }
    List<Long> out = new ArrayList<>(all.subList(0, MAX_EVIDENCE / 2));
    out.addAll(all.subList(all.size() - MAX_EVIDENCE / 2, all.size()));
    return out;
  }

  private static LocalDate day(Instant at) {
    return at.atZone(IncidentPolicy.ZONE).toLocalDate();
  }
}
