package io.kinko.vault.audit;

import io.kinko.vault.IncidentRule;
import io.kinko.vault.ClientInfo;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A log entry's canonical JSON and back. Encoding then decoding is the identity, and decoding
 * refuses bytes that are not already canonical, so the stored text is the one that was hashed.
 */
public final class EntryCodec {
  private EntryCodec() {}

  /** The fields of an entry before it has bytes. */
  public record Fields(long seq, Instant time, String vaultId, String actor, String action, String decision, String reason,
      String fileId, String nameTag, ClientInfo client, Instant keepUntil, String prev) {}

  public static LogEntry encode(Fields f) {
    Map<String, Object> client = new LinkedHashMap<>();
    client.put("host", f.client().host());
    client.put("pid", f.client().pid());
    client.put("app", f.client().application());
    if (f.client().address() != null) {
      // Only when there is one: an entry without it has the bytes, and so the hash, it always had.
      client.put("addr", f.client().address());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", f.seq());
    m.put("time", f.time().toString());
    m.put("vault", f.vaultId());
    m.put("actor", f.actor());
    m.put("action", f.action());
    m.put("decision", f.decision());
    m.put("reason", f.reason());
    if (f.fileId() != null) {
      m.put("fileId", f.fileId());
    }
    if (f.nameTag() != null) {
      m.put("nameTag", f.nameTag());
    }
    m.put("client", client);
    m.put("keepUntil", f.keepUntil().toString());
    m.put("prev", f.prev());
    String json = new String(CanonicalJson.encode(m), StandardCharsets.UTF_8);
    return new LogEntry(f.seq(), f.time(), f.actor(), f.action(), f.decision(), f.reason(), f.fileId(), f.nameTag(),
        f.client().host(), f.client().pid(), f.client().application(), f.client().address(), f.keepUntil(), json);
  }

  /**
   * Reads an entry back from its stored bytes.
   *
   * @throws IntegrityException if the bytes are not a canonical, well-formed entry
   */
  public static LogEntry decode(byte[] bytes) {
    try {
      if (!Arrays.equals(CanonicalJson.canonicalize(bytes), bytes)) {
        throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry is not in canonical form");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) CanonicalJson.parse(bytes);
      @SuppressWarnings("unchecked")
      Map<String, Object> client = (Map<String, Object>) m.get("client");
      return new LogEntry(number(m, "seq"), Instant.parse(text(m, "time")), text(m, "actor"), text(m, "action"),
          text(m, "decision"), text(m, "reason"), (String) m.get("fileId"), (String) m.get("nameTag"),
          text(client, "host"), number(client, "pid"), text(client, "app"), optionalText(client, "addr"),
          Instant.parse(text(m, "keepUntil")),
          new String(bytes, StandardCharsets.UTF_8));
    } catch (IntegrityException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry is malformed: " + e.getMessage(), e);
    }
  }

  /** The hex leaf hash of the previous entry, as the chain records it in {@code prev}. */
  public static String prev(byte[] bytes) {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) CanonicalJson.parse(bytes);
    return text(m, "prev");
  }

  /** The vault id an entry names. */
  public static String vault(byte[] bytes) {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) CanonicalJson.parse(bytes);
    return text(m, "vault");
  }

  private static String text(Map<String, Object> m, String key) {
    if (m == null || !(m.get(key) instanceof String s)) {
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry field '" + key + "' is missing or not text");
    }
    return s;
  }

  private static String optionalText(Map<String, Object> m, String key) {
    return m.containsKey(key) ? text(m, key) : null;
  }

  private static long number(Map<String, Object> m, String key) {
    if (m == null || !(m.get(key) instanceof Long l)) {
      throw new IntegrityException(IncidentRule.INTEGRITY_LOG, "log entry field '" + key + "' is missing or not an integer");
    }
    return l;
  }
}
