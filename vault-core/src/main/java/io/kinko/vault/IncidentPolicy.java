package io.kinko.vault;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The thresholds and hours of the incident rules (clause 6), vault policy that an administrator
 * sets after init ({@link Administration#setIncidentPolicy}); a vault that never set one uses
 * {@link #DEFAULT}. An export, a disposal and a lockout always raise an incident, whatever this
 * policy says. Each threshold raises once when it is crossed: the Nth failed login in the window
 * raises, the N+1th in the same window does not.
 *
 * <p>The defaults, and why: a person who mistypes a password does so once or twice, and the
 * account locks at the access policy's fifth consecutive failure anyway (which raises {@code
 * auth.lockout}), so <b>3 failed logins in 15 minutes</b> warns before the lock and also catches
 * guessing spread out so as never to lock. A typo in a user name happens once; <b>5 logins with
 * names that are no user in 15 minutes</b> is someone trying names. A mistyped path is one or two
 * refusals; <b>10 denied operations in 10 minutes</b> is probing outside one's assignment (a
 * folder read that hits a forbidden subfolder file by file crosses it too, which is right). A
 * worker handles tens of case files an hour; <b>200 files or 1 GiB read in 60 minutes</b> is
 * copying a folder out. <b>Working hours are off</b> by default: Kinko cannot know a contractor's
 * hours (shifts, early starts, weekend work near a deadline differ from one contract to the next),
 * and a rule that fires every evening teaches its readers to ignore alerts. Set the contract's
 * hours ({@code kinko policy set working-hours 08:00-20:00 mon-fri}) and access at night, the
 * classic sign of a stolen account or of data taken home, raises {@code access.off-hours}.
 *
 * @param failedLogins failed logins for one user
 * @param unknownUsers failed logins with names that are no user, all names together
 * @param deniedOperations denied operations (not logins) of one user
 * @param massRead files or bytes read by one user
 * @param workingHours when access is expected; {@link WorkingHours#OFF} to raise nothing for the hour
 */
public record IncidentPolicy(Threshold failedLogins, Threshold unknownUsers, Threshold deniedOperations, MassRead massRead,
    WorkingHours workingHours) {
  /** The longest window a rule may count over: the watch reads at most this much history. */
  public static final Duration MAX_WINDOW = Duration.ofDays(1);
  /** The zone of working hours: the contract's. */
  public static final ZoneId ZONE = Contract.ZONE;

  public static final IncidentPolicy DEFAULT = new IncidentPolicy(
      new Threshold(3, Duration.ofMinutes(15)),
      new Threshold(5, Duration.ofMinutes(15)),
      new Threshold(10, Duration.ofMinutes(10)),
      new MassRead(200, 1L << 30, Duration.ofMinutes(60)),
      WorkingHours.OFF);

  public IncidentPolicy {
    Objects.requireNonNull(failedLogins, "failedLogins");
    Objects.requireNonNull(unknownUsers, "unknownUsers");
    Objects.requireNonNull(deniedOperations, "deniedOperations");
    Objects.requireNonNull(massRead, "massRead");
    Objects.requireNonNull(workingHours, "workingHours");
  }

  /** The longest window of any rule. */
  public Duration longestWindow() {
    Duration d = failedLogins.window();
    for (Duration w : new Duration[] {unknownUsers.window(), deniedOperations.window(), massRead.window()}) {
      d = w.compareTo(d) > 0 ? w : d;
    }
    return d;
  }

  public IncidentPolicy withFailedLogins(Threshold t) {
    return new IncidentPolicy(t, unknownUsers, deniedOperations, massRead, workingHours);
  }

  public IncidentPolicy withUnknownUsers(Threshold t) {
    return new IncidentPolicy(failedLogins, t, deniedOperations, massRead, workingHours);
  }

  public IncidentPolicy withDeniedOperations(Threshold t) {
    return new IncidentPolicy(failedLogins, unknownUsers, t, massRead, workingHours);
  }

  public IncidentPolicy withMassRead(MassRead m) {
    return new IncidentPolicy(failedLogins, unknownUsers, deniedOperations, m, workingHours);
  }

  public IncidentPolicy withWorkingHours(WorkingHours h) {
    return new IncidentPolicy(failedLogins, unknownUsers, deniedOperations, massRead, h);
  }

  /**
   * {@code count} events in {@code window} raise an incident. The constructor throws {@link
   * IllegalArgumentException} if count is not 1..100000 or the window not whole minutes from 1 minute to {@link #MAX_WINDOW}.
   */
  public record Threshold(int count, Duration window) {
    public Threshold {
      Objects.requireNonNull(window, "window");
      if (count < 1 || count > 100_000) {
        throw new IllegalArgumentException("a threshold's count " + count + " is not between 1 and 100000");
      }
      requireWindow(window);
    }

    @Override
    public String toString() {
      return count + "/" + minutes(window);
    }
  }

  /**
   * Reading {@code files} distinct file versions, or {@code bytes} bytes, in {@code window} raises an
   * incident. The constructor throws {@link IllegalArgumentException} if files is not 1..1000000,
   * bytes not positive, or the window out of range.
   */
  public record MassRead(int files, long bytes, Duration window) {
    public MassRead {
      Objects.requireNonNull(window, "window");
      if (files < 1 || files > 1_000_000) {
        throw new IllegalArgumentException("mass reading's file count " + files + " is not between 1 and 1000000");
      }
      if (bytes < 1) {
        throw new IllegalArgumentException("mass reading's byte count " + bytes + " is not positive");
      }
      requireWindow(window);
    }

    @Override
    public String toString() {
      return files + "files/" + bytes + "B/" + minutes(window);
    }
  }

  /**
   * Access is expected from {@code start} (inclusive) to {@code end} (exclusive) on {@code days},
   * in Asia/Tokyo; an operation at any other time raises {@code access.off-hours}, once per user
   * and day. {@link #OFF} (no days, the default) raises nothing. The constructor throws {@link
   * IllegalArgumentException} if days are given and start is not before end, or a time is not whole minutes.
   */
  public record WorkingHours(LocalTime start, LocalTime end, Set<DayOfWeek> days) {
    public static final WorkingHours OFF = new WorkingHours(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT, Set.of());

    public WorkingHours {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      days = days.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(days));
      if (!days.isEmpty() && !start.isBefore(end)) {
        throw new IllegalArgumentException("working hours " + start + "-" + end + " end before they start");
      }
      if (start.getSecond() != 0 || start.getNano() != 0 || end.getSecond() != 0 || end.getNano() != 0) {
        throw new IllegalArgumentException("working hours are whole minutes");
      }
    }

    /** True if no hours are configured: nothing is off hours. */
    public boolean off() {
      return days.isEmpty();
    }

    /** True if {@code time} (in {@link IncidentPolicy#ZONE}) lies within these hours, or they are off. */
    public boolean contains(ZonedDateTime time) {
      if (off()) {
        return true;
      }
      ZonedDateTime local = time.withZoneSameInstant(ZONE);
      LocalTime t = local.toLocalTime();
      return days.contains(local.getDayOfWeek()) && !t.isBefore(start) && t.isBefore(end);
    }

    @Override
    public String toString() {
      if (off()) {
        return "off";
      }
      StringBuilder d = new StringBuilder();
      for (DayOfWeek day : EnumSet.copyOf(days)) {
        d.append(d.length() == 0 ? "" : ",").append(day.name().substring(0, 3).toLowerCase(java.util.Locale.ROOT));
      }
      return start + "-" + end + " " + d;
    }
  }

  private static void requireWindow(Duration window) {
    if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException("a window of " + window + " is not between 1 minute and " + MAX_WINDOW.toHours() + " hours");
    }
    if (window.toSecondsPart() != 0 || window.toNanosPart() != 0) {
      throw new IllegalArgumentException("a window of " + window + " is not whole minutes");
    }
  }

  private static String minutes(Duration window) {
    return window.toMinutes() + "m";
  }
}
