package io.kinko.vault;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A configured alert sink (clause 6): where INCIDENT entries are reported. Holds no secret: an
 * SMTP password is sealed under the vault's master key and shown only as {@link #hasPassword}.
 *
 * @param id short id ({@code s1}, {@code s2}, ...) that {@code kinko alert test|remove} take
 * @param target {@code udp://host:port}, {@code tcp://host:port}, {@code smtp://host:port} or the webhook's URL
 * @param to the mail recipients (SMTP only, else empty)
 * @param from the mail sender (SMTP only, else null)
 * @param startTls whether the SMTP session must upgrade to TLS before anything is sent
 * @param user the SMTP AUTH user, or null
 * @param fromSeq the log's size when the sink was added: it reports incidents at or after this sequence
 */
public record AlertSink(String id, Kind kind, String target, List<String> to, String from, boolean startTls, String user,
    boolean hasPassword, long fromSeq, String addedBy, Instant addedAt) {
  /** What a sink speaks. */
  public enum Kind {
    /** RFC 5424 messages over UDP (RFC 5426) or TCP with octet counting (RFC 6587). */
    SYSLOG,
    /** Mail in Japanese and English to the privacy managers. */
    SMTP,
    /** An HTTP POST of a JSON body that chat tools accept ({@code {"text": ...}}). */
    WEBHOOK
  }

  public AlertSink {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(addedBy, "addedBy");
    Objects.requireNonNull(addedAt, "addedAt");
    to = List.copyOf(to);
    if (fromSeq < 0) {
      throw new IllegalArgumentException("a sink's first sequence " + fromSeq + " is negative");
    }
  }
}
