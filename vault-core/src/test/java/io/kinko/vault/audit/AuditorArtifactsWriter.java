package io.kinko.vault.audit;

import io.kinko.vault.AuthenticationException;
import io.kinko.vault.Contract;
import io.kinko.vault.DatabaseAccount;
import io.kinko.vault.Incident;
import io.kinko.vault.IncidentReport;
import io.kinko.vault.Password;
import io.kinko.vault.PasswordCost;
import io.kinko.vault.Permission;
import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import io.kinko.vault.engine.EngineInternals;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes the artifacts in {@code artifacts/} (see its README) with Kinko's own code, once: one
 * vault, a little activity in January and February 2027 told by fixed clocks, and what its
 * administrator hands the city from it. Not a test; run it with the test class path and the
 * folder to write to.
 */
final class AuditorArtifactsWriter {
  private static final String ADMIN = "sato";
  private static final char[] PASSWORD = "correct horse battery staple".toCharArray();
  private static final Contract CONTRACT = new Contract("R8-情報-0042", "横浜市", "Kinko 株式会社", java.time.LocalDate.of(2027, 3, 31));

  private AuditorArtifactsWriter() {}

  public static void main(String[] args) throws IOException {
    Path out = Files.createDirectories(Path.of(args[0]));
    Path vaultDir = Files.createTempDirectory("kinko-artifacts").resolve("vault");
    try (Password password = Password.copyOf(PASSWORD);
         Vault vault = Vault.builder(vaultDir).contract(CONTRACT).admin(ADMIN, password).passwordCost(PasswordCost.MINIMUM).create()) {
      Files.writeString(out.resolve("vault.pub.pem"), vault.publicKeyPem(), StandardCharsets.US_ASCII);
    }
    Instant january20 = tokyo(2027, 1, 20);
    Instant february2 = tokyo(2027, 2, 2);
    at(vaultDir, tokyo(2027, 1, 5), vault -> {
      try (Session admin = login(vault, PASSWORD)) {
        admin.administration().grant(ADMIN, "", EnumSet.allOf(Permission.class));
        admin.put("申請書/a.txt", new ByteArrayInputStream("a".getBytes(StandardCharsets.UTF_8)));
      }
      for (int i = 0; i < 3; i++) { // the third in 15 minutes is an auth.failed-logins incident
        try (Session nobody = login(vault, "wrong password".toCharArray())) {
          throw new IllegalStateException("a wrong password opened a session");
        } catch (AuthenticationException expected) {
          // the failed login the incident is about
        }
      }
    });
    at(vaultDir, january20, vault -> {
      try (Session admin = login(vault, PASSWORD)) {
        Incident incident = admin.incidents(false).get(0);
        IncidentReport.Signed report = admin.incidentReport(incident.id());
        write(out.resolve("incident-" + incident.id() + ".json"), report.json());
        write(out.resolve("incident-" + incident.id() + ".json.sig"), report.signature());
        admin.exportLog(Instant.EPOCH, january20, out);
      }
    });
    at(vaultDir, february2, vault -> {
      try (Session admin = login(vault, PASSWORD)) {
        admin.monthlyReport(YearMonth.of(2027, 1), null, out);
        admin.put("申請書/b.txt", new ByteArrayInputStream("b".getBytes(StandardCharsets.UTF_8)));
        admin.exportLog(january20, february2, out);
      }
    });
    at(vaultDir, tokyo(2027, 3, 2), vault -> {
      try (Session admin = login(vault, PASSWORD)) {
        admin.monthlyReport(YearMonth.of(2027, 2), null, out);
      }
    });
    try (Stream<Path> files = Files.walk(vaultDir.getParent())) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  private static Instant tokyo(int year, int month, int day) {
    return OffsetDateTime.of(year, month, day, 10, 0, 0, 0, ZoneOffset.ofHours(9)).toInstant();
  }

  /** Opens the vault with its log's clock stopped at {@code now} and runs {@code work} on it. */
  private static void at(Path vaultDir, Instant now, Consumer<Vault> work) {
    try (DatabaseAccount account = DatabaseAccount.withoutPassword("kinko");
         Vault vault = EngineInternals.open(vaultDir, Vault.DEFAULT_APPLICATION, account, Clock.fixed(now, ZoneOffset.UTC))) {
      work.accept(vault);
    }
  }

  private static Session login(Vault vault, char[] password) {
    try (Password p = Password.copyOf(password)) {
      return vault.login(ADMIN, p);
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
