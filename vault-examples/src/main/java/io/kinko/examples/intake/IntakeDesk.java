package io.kinko.examples.intake;

import io.kinko.vault.FileInfo;
import io.kinko.vault.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A contractor's intake desk: scanned application forms go into the vault under
 * {@code 申請書/<received date>/<application number>.pdf} and are read back for processing. The
 * application never touches a blob or a key; every call goes through the worker's session.
 */
public final class IntakeDesk {
  private static final Pattern APPLICATION_NUMBER = Pattern.compile("[A-Z0-9-]{1,32}");
  private final Session session;

  public IntakeDesk(Session session) {
    this.session = Objects.requireNonNull(session, "session");
  }

  /** Files one scanned form; a re-scan of the same application becomes a new version. */
  public FileInfo receive(String applicationNumber, LocalDate received, InputStream scan) {
    return session.put(pathOf(applicationNumber, received), scan);
  }

  /** The forms received on one day, in application-number order. */
  public List<FileInfo> receivedOn(LocalDate day) {
    return session.list("申請書/" + day);
  }

  /** The newest scan of an application, verified byte for byte. */
  public byte[] open(String applicationNumber, LocalDate received) {
    try (InputStream in = session.get(pathOf(applicationNumber, received))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pathOf(String applicationNumber, LocalDate received) {
    if (!APPLICATION_NUMBER.matcher(applicationNumber).matches()) {
      throw new IllegalArgumentException("application number '" + applicationNumber + "' is not 1-32 of A-Z 0-9 -");
    }
    return "申請書/" + received + "/" + applicationNumber + ".pdf";
  }
}
