package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.AlertSink;
import io.kinko.vault.AlertSinkSpec;
import io.kinko.vault.Password;
import io.kinko.vault.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kinko alert add KIND TARGET}: an administrator adds a sink; it reports incidents logged from now on. */
@Command(name = "add", mixinStandardHelpOptions = true,
    description = {"Adds an alert sink (administrators only). It reports the INCIDENT entries logged after it was added.",
        "  syslog udp://HOST:PORT | tcp://HOST:PORT   RFC 5424 (TCP: RFC 6587 octet counting)",
        "  smtp smtp://HOST:PORT | smtps://HOST:PORT --to ADDR... [--starttls] [--smtp-user U --smtp-password-file F]   mail in Japanese and English",
        "  webhook https://...   a JSON POST ({\"text\": ...}, what chat tools take); plain http:// only to 127.0.0.1, ::1 or localhost",
        "The SMTP password is read from --smtp-password-file (its first line) or the terminal, sealed under the vault's key, and never "
            + "shown again. Mail with a password is sent only by a process in which someone is logged in."})
final class AlertAddCommand extends VaultCommand {
  @Parameters(index = "0", paramLabel = "KIND", description = "syslog, smtp or webhook.")
  String kind;

  @Parameters(index = "1", paramLabel = "TARGET", description = "Where to send: see above.")
  String target;

  @Option(names = "--to", paramLabel = "ADDR", description = "A mail recipient (the privacy managers, the city); repeatable.")
  List<String> to = new ArrayList<>();

  @Option(names = "--from", paramLabel = "ADDR", description = "The mail's sender. Default: kinko@<this host>.")
  String from;

  @Option(names = "--starttls", description = "Require STARTTLS on smtp://: without it nothing is sent.")
  boolean startTls;

  @Option(names = "--smtp-user", paramLabel = "USER", description = "SMTP AUTH user (--user is who you are in the vault).")
  String smtpUser;

  @Option(names = "--smtp-password-file", paramLabel = "FILE",
      description = "File whose first line is the SMTP AUTH password (--password-file is the vault login's).")
  Path smtpPasswordFile;

  @Option(names = "--ca", paramLabel = "FILE", description = "PEM certificates the mail server's TLS certificate must chain to. "
      + "Default: the JDK's trust store.")
  Path ca;

  private AlertSink.Kind parsedKind;
  private String caPem;

  @Override
  void check(Context context) throws IOException {
    try {
      parsedKind = AlertSink.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("unknown sink kind '" + kind + "': syslog, smtp or webhook");
    }
    if (parsedKind != AlertSink.Kind.SMTP && (!to.isEmpty() || from != null || startTls || smtpUser != null || smtpPasswordFile != null || ca != null)) {
      throw new UsageException("--to, --from, --starttls, --smtp-user, --smtp-password-file and --ca are for smtp sinks");
    }
    if (smtpPasswordFile != null && smtpUser == null) {
      throw new UsageException("--smtp-password-file needs --smtp-user");
    }
    if (ca != null) {
      caPem = Files.readString(ca, StandardCharsets.US_ASCII);
    }
  }

  @Override
  int run(Session session, Context context) {
    AlertSink sink;
    if (parsedKind == AlertSink.Kind.SMTP) {
      Password password = smtpUser == null ? null
          : PasswordSource.read("--smtp-password-file", smtpPasswordFile, null, context, "SMTP password for " + smtpUser + ": ", null);
      try {
        sink = session.administration().addAlertSink(AlertSinkSpec.smtp(target, to, from, startTls, smtpUser, password, caPem));
      } finally {
        if (password != null) {
          password.close();
        }
      }
    } else {
      sink = session.administration().addAlertSink(parsedKind == AlertSink.Kind.SYSLOG ? AlertSinkSpec.syslog(target) : AlertSinkSpec.webhook(target));
    }
    if (ui.json()) {
      JsonObject o = ui.object();
      o.add("sink", AlertListCommand.json(sink, null));
      ui.print(o);
    } else {
      ui.say("added alert sink " + sink.id() + " (" + sink.kind().name().toLowerCase(Locale.ROOT) + "): it reports incidents from log entry "
          + sink.fromSeq() + " on; try it with 'kinko alert test " + sink.id() + "'");
    }
    return ExitCodes.OK;
  }
}
