package io.kinko.vault.alert;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Date;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mail through an SMTP server (Jakarta Mail, Eclipse Angus): one message to the privacy managers,
 * multipart/mixed with a Japanese and an English text/plain part in UTF-8, the subject encoded as
 * RFC 2047. With {@code smtps://} TLS starts at once; with {@code --starttls} the upgrade is
 * required (a server that does not offer it gets nothing). Either way the server's certificate is
 * checked, host name included, against the sink's CA or the JDK's trust store. The Message-ID is derived
 * from the alert id, so a mail system can drop duplicates.
 *
 * <p>Restriction: Jakarta Mail takes the AUTH password as a {@code String}; it exists only for
 * the duration of {@link Transport#connect} and cannot be zeroed (SECURITY.md).
 */
final class MailSender implements Sender {
  private final SinkConfig sink;
  private final char[] password;

  /** {@code password}: the unsealed password, or null; the caller zeroes it after {@link #send}. */
  MailSender(SinkConfig sink, char[] password) {
    this.sink = sink;
    this.password = password;
  }

  @Override
  public void send(Alert alert) throws MessagingException, GeneralSecurityException {
    boolean implicitTls = sink.uri().getScheme().equalsIgnoreCase("smtps");
    String protocol = implicitTls ? "smtps" : "smtp";
    String k = "mail." + protocol + ".";
    Properties p = new Properties();
    p.put(k + "host", sink.uri().getHost());
    p.put(k + "port", Integer.toString(sink.uri().getPort()));
    p.put(k + "connectiontimeout", Integer.toString(CONNECT_MILLIS));
    p.put(k + "timeout", Integer.toString(READ_MILLIS));
    p.put(k + "writetimeout", Integer.toString(READ_MILLIS));
    p.put(k + "auth", Boolean.toString(sink.user() != null));
    if (sink.startTls()) {
      p.put(k + "starttls.enable", "true");
      p.put(k + "starttls.required", "true");
    }
    if (sink.startTls() || implicitTls) {
      p.put(k + "ssl.checkserveridentity", "true");
      if (sink.caPem() != null) {
        p.put(k + "ssl.socketFactory", trusting(sink.caPem()).getSocketFactory());
      }
    }
    jakarta.mail.Session session = jakarta.mail.Session.getInstance(p);
    MimeMessage m = new MimeMessage(session) {
      @Override
      protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", "<" + alert.id().replace(':', '.') + "@kinko.invalid>");
      }
    };
    m.setFrom(new InternetAddress(sink.from() != null ? sink.from() : "kinko@" + SyslogSender.hostName()));
    for (String to : sink.to()) {
      m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
    }
    m.setSubject(alert.subject(), "UTF-8");
    m.setSentDate(Date.from(alert.time()));
    m.setHeader("X-Kinko-Alert-Id", alert.id());
    MimeMultipart parts = new MimeMultipart("mixed");
    parts.addBodyPart(part(alert.body(true), "ja"));
    parts.addBodyPart(part(alert.body(false), "en"));
    m.setContent(parts);
    m.saveChanges();
    try (Transport t = session.getTransport(protocol)) {
      if (sink.user() != null) {
        t.connect(sink.user(), password == null ? null : new String(password)); // Jakarta Mail's API: a String, see the class comment
      } else {
        t.connect();
      }
      t.sendMessage(m, m.getAllRecipients());
    }
  }

  private static MimeBodyPart part(String text, String language) throws MessagingException {
    MimeBodyPart part = new MimeBodyPart();
    part.setText(text, StandardCharsets.UTF_8.name(), "plain");
    part.setHeader("Content-Transfer-Encoding", "base64");
    part.setContentLanguage(new String[] {language});
    return part;
  }

  /** A TLS context that trusts exactly the certificates in {@code pem}. */
  static SSLContext trusting(String pem) throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException("cannot make a trust store", e);
    }
    int i = 0;
    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      store.setCertificateEntry("ca" + i++, c);
    }
    if (i == 0) {
      throw new GeneralSecurityException("the sink's CA file holds no certificate");
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
