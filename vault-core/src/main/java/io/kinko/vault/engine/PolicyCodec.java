package io.kinko.vault.engine;

import io.kinko.vault.IncidentPolicy;
import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.audit.CanonicalJson;
import io.kinko.vault.audit.JsonFields;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one encoding of an {@link IncidentPolicy} as the setting {@value #SETTING}: canonical JSON
 * (RFC 8785) out, a strict parse in (a value that does not read back exactly is refused as the
 * edit it must be, since only this codec writes it).
 */
final class PolicyCodec {
  /** The setting's name. */
  static final String SETTING = "incident.policy";

  private PolicyCodec() {}

  static String encode(IncidentPolicy p) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("failedLogins", threshold(p.failedLogins()));
    o.put("unknownUsers", threshold(p.unknownUsers()));
    o.put("deniedOperations", threshold(p.deniedOperations()));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("files", (long) p.massRead().files());
    m.put("bytes", p.massRead().bytes());
    m.put("windowMinutes", p.massRead().window().toMinutes());
    o.put("massRead", m);
    Map<String, Object> h = new LinkedHashMap<>();
    IncidentPolicy.WorkingHours w = p.workingHours();
    h.put("start", w.start().toString());
    h.put("end", w.end().toString());
    List<Object> days = new ArrayList<>();
    (w.off() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(w.days())).forEach(d -> days.add(d.name()));
    h.put("days", days);
    o.put("workingHours", h);
    return new String(CanonicalJson.encode(o), StandardCharsets.UTF_8);
  }

  /**
   * Reads a stored policy.
   *
   * @throws IntegrityException ({@code integrity.state}) if it is not what {@link #encode} writes
   */
  static IncidentPolicy decode(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    try {
      JsonFields f = JsonFields.canonical(bytes, "the incident policy");
      JsonFields m = f.object("massRead");
      JsonFields h = f.object("workingHours");
      EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      for (String d : h.texts("days")) {
        days.add(DayOfWeek.valueOf(d));
      }
      LocalTime start = LocalTime.parse(h.text("start"));
      LocalTime end = LocalTime.parse(h.text("end"));
      IncidentPolicy.WorkingHours hours = days.isEmpty() ? IncidentPolicy.WorkingHours.OFF : new IncidentPolicy.WorkingHours(start, end, days);
      IncidentPolicy p = new IncidentPolicy(threshold(f.object("failedLogins")), threshold(f.object("unknownUsers")),
          threshold(f.object("deniedOperations")),
          new IncidentPolicy.MassRead(Math.toIntExact(m.number("files")), m.number("bytes"), Duration.ofMinutes(m.number("windowMinutes"))),
          hours);
      m.done(p);
      h.done(p);
      f.done(p);
      if (!encode(p).equals(json)) {
        throw new IllegalArgumentException("it does not read back as written");
      }
      return p;
    } catch (IntegrityException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "the stored incident policy is malformed: " + e.getMessage());
    } catch (IllegalArgumentException | ArithmeticException | DateTimeParseException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_STATE, "the stored incident policy is malformed: " + e.getMessage());
    }
  }

  private static Map<String, Object> threshold(IncidentPolicy.Threshold t) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("count", (long) t.count());
    o.put("windowMinutes", t.window().toMinutes());
    return o;
  }

  private static IncidentPolicy.Threshold threshold(JsonFields f) {
    return f.done(new IncidentPolicy.Threshold(Math.toIntExact(f.number("count")), Duration.ofMinutes(f.number("windowMinutes"))));
  }
}
