package io.kinko.vault;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * One access-log entry as it was recorded. {@link #json()} is the exact canonical JSON
 * (RFC 8785) whose UTF-8 bytes are the entry's Merkle leaf; the other fields are read from it.
 *
 * @param seq position in the log, from 0; also the entry's leaf index in the Merkle tree
 * @param fileId the file version acted on, or null
 * @param nameTag keyed tag of the path acted on (never the path itself), or null
 * @param decision {@code ALLOW} or {@code DENY}
 * @param address the remote client's address the embedding application stated at login (see
 *     {@link ClientInfo#address()}), or null; entries before it existed have none
 */
public record LogEntry(long seq, Instant time, String actor, String action, String decision, String reason,
    String fileId, String nameTag, String host, long pid, String application, String address, Instant keepUntil, String json) {
  public LogEntry {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(json, "json");
    if (seq < 0) {
      throw new IllegalArgumentException("sequence " + seq + " is negative");
    }
  }

  /** An entry without a remote client address. */
  public LogEntry(long seq, Instant time, String actor, String action, String decision, String reason,
      String fileId, String nameTag, String host, long pid, String application, Instant keepUntil, String json) {
    this(seq, time, actor, action, decision, reason, fileId, nameTag, host, pid, application, null, keepUntil, json);
  }

  /** The bytes that were hashed into the log. */
  public byte[] canonicalBytes() {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
