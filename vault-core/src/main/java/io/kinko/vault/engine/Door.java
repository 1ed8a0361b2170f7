package io.kinko.vault.engine;

import io.kinko.vault.*;

import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.incident.IncidentRules;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one door every operation of a session passes: decide, record the decision in the access
 * log durably, then act — in that order. An operation cannot act without the {@link Entry} that
 * only {@link #pass} hands out once the ALLOW entry is durable, and a refusal is logged before it
 * is thrown. An {@link IntegrityException} at any step is logged as an INCIDENT before it
 * propagates.
 *
 * <p>The log is reached through no other path from a session: a new operation that forgets a
 * step does not compile.
 */
final class Door {
  private final AccessLog log;
  private final String user;
  private final DefaultVault vault;
  /** The remote client the session acts for, or null: every entry the door appends or causes names it. */
  private volatile ClientInfo origin;

  Door(DefaultVault vault, String user) {
    this.vault = vault;
    this.log = vault.log();
    this.user = user;
  }

  /** Attributes what passes this door to {@code origin} from now on; set before the session is handed out. */
  void attributeTo(ClientInfo origin) {
    this.origin = origin;
  }

  ClientInfo origin() {
    return origin;
  }

  private LogEntry append(AccessLog.Event event) {
    return log.actingFor(origin, () -> log.append(event));
  }

  private java.util.List<LogEntry> append(java.util.List<AccessLog.Event> events) {
    return log.actingFor(origin, () -> log.append(events));
  }

  /** The durable ALLOW entry an act is entitled by. Only the door makes one. */
  static final class Entry {
    private final long seq;

    private Entry(long seq) {
      this.seq = seq;
    }

    /** The entry's sequence: state rows record the entry that set them. */
    long seq() {
      return seq;
    }
  }

  /**
   * What a check decided, with what the entry names. A check may read (checked) state to decide
   * and hand the act what it found.
   */
  static final class Verdict<R> {
    private final Decision decision;
    private final String reason;
    private final String fileId;
    private final String nameTag;
    private final R found;
    private final Supplier<? extends VaultException> refusal;

    private Verdict(Decision decision, String reason, String fileId, String nameTag, R found, Supplier<? extends VaultException> refusal) {
      this.decision = decision;
      this.reason = Objects.requireNonNull(reason, "reason");
      this.fileId = fileId;
      this.nameTag = nameTag;
      this.found = found;
      this.refusal = refusal;
    }

    /** Allowed; the entry names {@code fileId} and {@code nameTag} (either may be null). */
    static <R> Verdict<R> allow(String reason, String fileId, String nameTag, R found) {
      return new Verdict<>(Decision.ALLOW, reason, fileId, nameTag, found, null);
    }

    static <R> Verdict<R> allow(String reason, String nameTag, R found) {
      return allow(reason, null, nameTag, found);
    }

    /** Refused: a DENY entry, then {@link AccessDeniedException}. */
    static <R> Verdict<R> deny(String reason, String nameTag) {
      return new Verdict<>(Decision.DENY, reason, null, nameTag, null, null);
    }

    /** Refused with an exception of the caller's choosing (weak password, retention, not found). */
    static <R> Verdict<R> refuse(String reason, String nameTag, Supplier<? extends VaultException> refusal) {
      return new Verdict<>(Decision.DENY, reason, null, nameTag, null, refusal);
    }

    /** Allowed, but there is nothing there: an ALLOW entry saying so, then {@link NotFoundException}. */
    static <R> Verdict<R> notFound(String nameTag, String message) {
      return new Verdict<>(Decision.ALLOW, "not found", null, nameTag, null, () -> new NotFoundException(message));
    }

    static <R> Verdict<R> from(io.kinko.vault.acl.AccessRules.Decision d, String nameTag, R found) {
      return d.allowed() ? allow(d.reason(), nameTag, found) : deny(d.reason(), nameTag);
    }
  }

  @FunctionalInterface
  interface Check<R> {
    Verdict<R> decide();
  }

  @FunctionalInterface
  interface Act<R, T> {
    T run(R found, Entry entry);
  }

  /** Decides, logs the decision durably, then acts on an allowed one. */
  <R, T> T pass(Action action, Check<R> check, Act<R, T> act) {
    Verdict<R> v = decide(action, check);
    Entry entry = new Entry(append(AccessLog.Event.allow(user, action, v.reason, v.fileId, v.nameTag)).seq());
    return guarded(() -> act.run(v.found, entry));
  }

  /** One check of {@link #passEach}: what it found, or why it failed (then {@code found} is null). */
  record Passed<R>(R found, RuntimeException failure) {}

  /**
   * Like {@link #pass} for each of {@code checks}, with one durable append for the ALLOW entries
   * of all that are allowed: a refusal or "not found" is logged as by {@code pass} and returned
   * as that check's failure, and the others are allowed only once the batch's entries are durable.
   */
  <R> java.util.List<Passed<R>> passEach(Action action, java.util.List<Check<R>> checks) {
    java.util.List<Passed<R>> out = new java.util.ArrayList<>();
    java.util.List<AccessLog.Event> allowed = new java.util.ArrayList<>();
    for (Check<R> check : checks) {
      try {
        Verdict<R> v = decide(action, check);
        allowed.add(AccessLog.Event.allow(user, action, v.reason, v.fileId, v.nameTag));
        out.add(new Passed<>(v.found, null));
      } catch (AccessDeniedException | NotFoundException | IntegrityException | IllegalArgumentException e) {
        out.add(new Passed<>(null, e));
      }
    }
    if (!allowed.isEmpty()) {
      append(allowed);
    }
    return out;
  }

  /**
   * Decides and logs a refusal, but leaves the ALLOW entry to the engine that acts, which writes
   * it durably before it changes anything because the entry names what only it knows (a deletion
   * or wipe's batch id and count): {@code erase.Deleter} and {@code erase.Erasures}.
   */
  <R, T> T decided(Action action, Check<R> check, java.util.function.Function<R, T> act) {
    Verdict<R> v = decide(action, check);
    return guarded(() -> act.apply(v.found));
  }

  /** Logs an ALLOW entry that reports what an act did (how many entries a prune removed); returns its sequence. */
  long note(Action action, String reason) {
    return append(AccessLog.Event.allow(user, action, reason, null, null)).seq();
  }

  /** The decision: a refusal is logged and thrown; "not found" is logged as allowed and thrown. */
  private <R> Verdict<R> decide(Action action, Check<R> check) {
    Verdict<R> v = guarded(check::decide);
    if (v.decision == Decision.DENY) {
      append(AccessLog.Event.deny(user, action, v.reason, v.fileId, v.nameTag));
      throw v.refusal != null ? v.refusal.get()
          : new AccessDeniedException("'" + user + "' may not " + verb(action) + ": " + v.reason);
    }
    if (v.refusal != null) {
      append(AccessLog.Event.allow(user, action, v.reason, v.fileId, v.nameTag));
      throw v.refusal.get();
    }
    return v;
  }

  /**
   * Like {@link #pass}, for an act that changes state after its entry: if the act fails (a change
   * refused under the state lock because another host moved what was decided on), a DENY entry
   * says so before the failure propagates; one whose outcome is unknown (its commit's answer was
   * lost) says that instead, since the change may be stored.
   */
  <R, T> T passChange(Action action, Check<R> check, Act<R, T> act) {
    return pass(action, check, (found, entry) -> {
      try {
        return act.run(found, entry);
      } catch (IntegrityException e) {
        throw e;
      } catch (RuntimeException e) {
        append(AccessLog.Event.deny(user, action, afterApproval(e), null, null));
        throw e;
      }
    });
  }

  /** What the DENY entry after an approved act says of its failure: refused, or an outcome unknown (the change may be stored). */
  private static String afterApproval(RuntimeException e) {
    return (e instanceof io.kinko.vault.OutcomeUnknownException ? IncidentRules.UNKNOWN_AFTER_APPROVAL : IncidentRules.FAILED_AFTER_APPROVAL)
        + e.getMessage();
  }

  /** Refuses outright: a DENY entry, then the exception. For a refusal found inside a check's caller. */
  <E extends RuntimeException> E refuse(Action action, String reason, String nameTag, E exception) {
    append(AccessLog.Event.deny(user, action, reason, null, nameTag));
    return exception;
  }

  /**
   * Logs one ALLOW entry per target of an operation decided target by target (a folder put: each
   * file's WRITE is checked as it is reached, and a batch's entries are durable before its rows
   * become visible). Returns each entry's sequence.
   */
  java.util.List<Long> allowEach(Action action, String reason, java.util.List<io.kinko.vault.store.FileStore.Target> targets) {
    return append(targets.stream().map(t -> AccessLog.Event.allow(user, action, reason, t.fileId(), t.pathTag())).toList())
        .stream().map(LogEntry::seq).toList();
  }

  /** After {@link #allowEach}: one DENY entry per target whose act then failed, saying how (see {@link #passChange}). */
  void failedEach(Action action, java.util.List<io.kinko.vault.store.FileStore.Target> targets, RuntimeException e) {
    String reason = afterApproval(e);
    append(targets.stream().map(t -> AccessLog.Event.deny(user, action, reason, t.fileId(), t.pathTag())).toList());
  }

  /** Decides one target of such an operation: a refusal is logged and thrown, an allow returns its reason unlogged. */
  String check(Action action, io.kinko.vault.acl.AccessRules.Decision d, String nameTag) {
    if (!d.allowed()) {
      throw refuse(action, d.reason(), nameTag, new AccessDeniedException("'" + user + "' may not " + verb(action) + ": " + d.reason()));
    }
    return d.reason();
  }

  /** Runs {@code work}; an integrity failure is logged as an INCIDENT before it propagates. */
  <T> T guarded(Supplier<T> work) {
    return log.actingFor(origin, () -> {
      try {
        return work.get();
      } catch (IntegrityException e) {
        vault.incident(user, e);
        throw e;
      }
    });
  }

  /** The verb for a refusal message: "may not log show". */
  static String verb(Action action) {
    return action.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }
}
