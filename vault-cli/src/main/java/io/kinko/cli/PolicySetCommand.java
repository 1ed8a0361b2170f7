package io.kinko.cli;

import io.kinko.vault.IncidentPolicy;
import io.kinko.vault.Session;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kinko policy set KEY VALUE}: an administrator changes one value of the incident policy; logged as POLICY old -> new. */
@Command(name = "set", mixinStandardHelpOptions = true,
    description = {"Changes one value of the incident policy. KEY and VALUE:",
        "  failed-logins N/WINDOW      e.g. 5/15m: N failed logins for one user within WINDOW (m or h, 1m..24h)",
        "  unknown-users N/WINDOW      failed logins with names that are no user",
        "  denied N/WINDOW             refused operations of one user",
        "  mass-read FILESfiles/BYTES/WINDOW   e.g. 200files/1GiB/60m (BYTES in B, KiB, MiB, GiB, TiB)",
        "  working-hours HH:MM-HH:MM DAYS      e.g. 08:00-20:00 mon-fri (DAYS: mon-fri, sat,sun, every); or 'off'",
        "  city-recipient age1...      the city's age recipient: the default 'kinko export --to', and what sealed certificate names use",
        "  two-factor ROLE[,ROLE]      roles that log in with password and token together (e.g. admin), or 'none'",
        "Administrators only (exit 4 otherwise); the change is logged, naming the old and new values."})
final class PolicySetCommand extends VaultCommand {
  private static final Pattern THRESHOLD = Pattern.compile("(\\d{1,6})/(\\d{1,4})([mh])");
  private static final Pattern MASS_READ = Pattern.compile("(\\d{1,7})files/(\\d{1,12})(B|KiB|MiB|GiB|TiB)/(\\d{1,4})([mh])");
  private static final Pattern HOURS = Pattern.compile("(\\d{2}:\\d{2})-(\\d{2}:\\d{2})");
  private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

  @Parameters(index = "0", paramLabel = "KEY", description = "failed-logins, unknown-users, denied, mass-read or working-hours.")
  String key;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "VALUE", description = "The new value (see above).")
  List<String> value;

  private java.util.function.UnaryOperator<IncidentPolicy> change;

  @Override
  void check(Context context) {
    if (key.equals(TWO_FACTOR)) {
      twoFactorRoles = roles(String.join(",", value));
      return;
    }
    if (key.equals(CITY_RECIPIENT)) {
      if (value.size() != 1 || !value.get(0).startsWith("age1")) {
        throw new UsageException("city-recipient takes one age X25519 recipient (age1...)");
      }
      return;
    }
    change = parse(key, String.join(" ", value));
  }

  private static final String CITY_RECIPIENT = "city-recipient";
  private static final String TWO_FACTOR = "two-factor";
  private java.util.Set<io.kinko.vault.Role> twoFactorRoles;

  /** {@code none}, or roles separated by commas in any case. */
  static java.util.Set<io.kinko.vault.Role> roles(String value) {
    java.util.Set<io.kinko.vault.Role> roles = EnumSet.noneOf(io.kinko.vault.Role.class);
    if (value.trim().equalsIgnoreCase("none")) {
      return roles;
    }
    for (String part : value.split("[,\\s]+")) {
      if (part.isEmpty()) {
        continue;
      }
      try {
        roles.add(io.kinko.vault.Role.valueOf(part.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new UsageException("two-factor: '" + part + "' is no role; use " + java.util.Arrays.toString(io.kinko.vault.Role.values()) + " or none");
      }
    }
    if (roles.isEmpty()) {
      throw new UsageException("two-factor takes ROLE[,ROLE] or none");
    }
    return roles;
  }

  @Override
  int run(Session session, Context context) {
    if (key.equals(TWO_FACTOR)) {
      session.administration().setTwoFactorRoles(twoFactorRoles);
      java.util.Set<io.kinko.vault.Role> now = session.administration().twoFactorRoles();
      if (!ui.json()) {
        ui.say("two-factor roles: " + (now.isEmpty() ? "none" : now.stream().map(Enum::name).collect(java.util.stream.Collectors.joining(","))));
      }
      // The same object as every other key prints, so that --json keeps one schema.
      PolicyCommand.print(ui, session.administration().incidentPolicy(), session.administration().cityRecipient().orElse(null), now);
      return ExitCodes.OK;
    }
    if (key.equals(CITY_RECIPIENT)) {
      session.administration().setCityRecipient(value.get(0));
      if (!ui.json()) {
        ui.say("city recipient set: " + value.get(0));
      }
      PolicyCommand.print(ui, session.administration().incidentPolicy(), value.get(0),
          session.administration().twoFactorRoles());
      return ExitCodes.OK;
    }
    IncidentPolicy before = session.administration().incidentPolicy();
    IncidentPolicy after = change.apply(before);
    session.administration().setIncidentPolicy(after);
    if (!ui.json()) {
      ui.say("incident policy changed: " + key + " " + String.join(" ", value));
    }
    PolicyCommand.print(ui, after, session.administration().cityRecipient().orElse(null),
        session.administration().twoFactorRoles());
    return ExitCodes.OK;
  }

  /**
   * What {@code KEY VALUE} changes.
   *
   * @throws UsageException for an unknown key or a malformed or out-of-range value
   */
  static java.util.function.UnaryOperator<IncidentPolicy> parse(String key, String value) {
    try {
      switch (key) {
        case "failed-logins":
          IncidentPolicy.Threshold failed = threshold(value);
          return p -> p.withFailedLogins(failed);
        case "unknown-users":
          IncidentPolicy.Threshold unknown = threshold(value);
          return p -> p.withUnknownUsers(unknown);
        case "denied":
          IncidentPolicy.Threshold denied = threshold(value);
          return p -> p.withDeniedOperations(denied);
        case "mass-read":
          IncidentPolicy.MassRead read = massRead(value);
          return p -> p.withMassRead(read);
        case "working-hours":
          IncidentPolicy.WorkingHours hours = hours(value);
          return p -> p.withWorkingHours(hours);
        default:
          throw new UsageException("unknown policy key '" + key + "': use failed-logins, unknown-users, denied, mass-read, working-hours, "
              + "city-recipient or two-factor");
      }
    } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
      throw new UsageException("invalid value '" + value + "' for " + key + ": " + e.getMessage());
    }
  }

  private static IncidentPolicy.Threshold threshold(String value) {
    Matcher m = match(THRESHOLD, value, "N/WINDOW, e.g. 5/15m");
    return new IncidentPolicy.Threshold(Integer.parseInt(m.group(1)), window(m.group(2), m.group(3)));
  }

  private static IncidentPolicy.MassRead massRead(String value) {
    Matcher m = match(MASS_READ, value, "FILESfiles/BYTES/WINDOW, e.g. 200files/1GiB/60m");
    int shift = 10 * List.of("B", "KiB", "MiB", "GiB", "TiB").indexOf(m.group(3));
    long bytes = Long.parseLong(m.group(2));
    if (bytes > Long.MAX_VALUE >> shift) {
      throw new IllegalArgumentException("too many bytes");
    }
    return new IncidentPolicy.MassRead(Integer.parseInt(m.group(1)), bytes << shift, window(m.group(4), m.group(5)));
  }

  private static IncidentPolicy.WorkingHours hours(String value) {
    if (value.equals("off")) {
      return IncidentPolicy.WorkingHours.OFF;
    }
    String[] parts = value.trim().split("\\s+");
    if (parts.length != 2) {
      throw new IllegalArgumentException("give HH:MM-HH:MM DAYS, e.g. 08:00-20:00 mon-fri, or off");
    }
    Matcher m = match(HOURS, parts[0], "HH:MM-HH:MM");
    return new IncidentPolicy.WorkingHours(LocalTime.parse(m.group(1)), LocalTime.parse(m.group(2)), days(parts[1]));
  }

  private static EnumSet<DayOfWeek> days(String text) {
    EnumSet<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
    if (text.equals("every")) {
      return EnumSet.allOf(DayOfWeek.class);
    }
    for (String part : text.toLowerCase(Locale.ROOT).split(",", -1)) {
      String[] range = part.split("-", -1);
      if (range.length > 2) {
        throw new IllegalArgumentException("'" + part + "' is not a day or a range of days");
      }
      int from = day(range[0]);
      int to = day(range[range.length - 1]);
      if (to < from) {
        throw new IllegalArgumentException("the range '" + part + "' runs backwards");
      }
      for (int d = from; d <= to; d++) {
        out.add(DayOfWeek.of(d + 1));
      }
    }
    return out;
  }

  private static int day(String name) {
    int d = DAYS.indexOf(name);
    if (d < 0) {
      throw new IllegalArgumentException("'" + name + "' is not a day (mon, tue, wed, thu, fri, sat, sun)");
    }
    return d;
  }

  private static Duration window(String amount, String unit) {
    long n = Long.parseLong(amount);
    return unit.equals("h") ? Duration.ofHours(n) : Duration.ofMinutes(n);
  }

  private static Matcher match(Pattern pattern, String value, String shape) {
    Matcher m = pattern.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException("expected " + shape);
    }
    return m;
  }
}
