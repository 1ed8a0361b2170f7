package io.kinko.vault.alert;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Syslog in RFC 5424 format: over UDP one message per datagram (RFC 5426), over TCP each message
 * framed by octet counting (RFC 6587 §3.4.1). Facility 4 (security/authorization), the rule's
 * severity; MSGID is the rule id; the structured data {@code kinko@32473} (32473 is the
 * documentation enterprise number of RFC 5612) holds the alert id, vault id, incident sequence and
 * evidence, so a collector can filter without reading the text.
 */
final class SyslogSender implements Sender {
  static final int FACILITY = 4;
  static final String SD_ID = "kinko@32473";
  private final URI target;

  SyslogSender(URI target) {
    this.target = target;
  }

  @Override
  public void send(Alert alert) throws IOException {
    byte[] message = format(alert, HostName.NAME, ProcessHandle.current().pid());
    InetSocketAddress to = new InetSocketAddress(target.getHost(), target.getPort());
    if (target.getScheme().equalsIgnoreCase("tcp")) {
      try (Socket socket = new Socket()) {
        socket.connect(to, CONNECT_MILLIS);
        socket.setSoTimeout(READ_MILLIS);
        OutputStream out = socket.getOutputStream();
        out.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.write(message);
        out.flush();
      }
      return;
    }
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.send(new DatagramPacket(message, message.length, to));
    }
  }

  /** The RFC 5424 message: {@code <PRI>1 TIMESTAMP HOST kinko PID MSGID [SD] BOM MSG}. */
  static byte[] format(Alert alert, String host, long pid) {
    StringBuilder m = new StringBuilder();
    m.append('<').append(FACILITY * 8 + alert.rule().severity()).append(">1 ").append(alert.utc()).append(' ')
        .append(host).append(" kinko ").append(pid).append(' ').append(alert.rule().id()).append(' ');
    m.append('[').append(SD_ID);
    param(m, "alert", alert.id());
    param(m, "vault", alert.vaultId());
    param(m, "seq", Long.toString(alert.seq()));
    param(m, "evidence", alert.evidence().isEmpty() ? "-" : Alert.join(alert.evidence()));
    param(m, "actor", alert.actor());
    param(m, "test", Boolean.toString(alert.test()));
    m.append("] ");
    String text = alert.subject();
    byte[] head = m.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + 3 + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    out[head.length] = (byte) 0xEF; // the BOM that marks MSG as UTF-8 (RFC 5424 §6.4)
    out[head.length + 1] = (byte) 0xBB;
    out[head.length + 2] = (byte) 0xBF;
    System.arraycopy(body, 0, out, head.length + 3, body.length);
    return out;
  }

  private static void param(StringBuilder m, String name, String value) {
    m.append(' ').append(name).append("=\"");
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\' || c == ']') {
        m.append('\\');
      }
      m.append(c < 0x20 || c > 0x7e ? '?' : c);
    }
    m.append('"');
  }

  /** Looked up once, on the delivery thread. */
  private static final class HostName {
    static final String NAME = hostName();
  }

  /** The host name as RFC 5424 allows it (printable ASCII, at most 255), else "-". */
  static String hostName() {
    String name;
    try {
      name = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "-";
    }
    return name.isEmpty() || name.length() > 255 || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? "-" : name.toLowerCase(Locale.ROOT);
  }
}
