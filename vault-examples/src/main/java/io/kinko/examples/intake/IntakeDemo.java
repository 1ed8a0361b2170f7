package io.kinko.examples.intake;

import io.kinko.vault.Contract;
import io.kinko.vault.FileInfo;
import io.kinko.vault.Password;
import io.kinko.vault.PasswordCost;
import io.kinko.vault.Permission;
import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumSet;

/**
 * Runs the intake desk once against a fresh vault in a temporary folder:
 * {@code java -cp ... io.kinko.examples.intake.IntakeDemo}. The password here is a fixed demo
 * value; a real application reads it from its login form into a char[].
 */
public final class IntakeDemo {
  private IntakeDemo() {}

  public static void main(String[] args) throws Exception {
    Path folder = Files.createTempDirectory("kinko-intake-");
    Contract contract = new Contract("R8-情報-0042", "横浜市", "Kinko 株式会社", LocalDate.of(2027, 3, 31));
    LocalDate today = LocalDate.of(2026, 11, 26);
    try (Password admin = Password.wrap("intake demo password".toCharArray());
         Vault vault = Vault.builder(folder.resolve("vault")).contract(contract).admin("sato", admin)
             .passwordCost(PasswordCost.MINIMUM).create()) {
      try (Password again = Password.wrap("intake demo password".toCharArray()); Session session = vault.login("sato", again)) {
        // The administrator needs a grant like anyone else; the grant itself is logged.
        session.administration().grant("sato", "申請書", EnumSet.of(Permission.READ, Permission.WRITE));
        IntakeDesk desk = new IntakeDesk(session);
        desk.receive("A-0001", today, new ByteArrayInputStream("%PDF-1.7 山田太郎".getBytes(StandardCharsets.UTF_8)));
        desk.receive("A-0002", today, new ByteArrayInputStream("%PDF-1.7 佐藤花子".getBytes(StandardCharsets.UTF_8)));
        for (FileInfo form : desk.receivedOn(today)) {
          System.out.printf("%s  %d bytes  version %d%n", form.path(), form.size(), form.version());
        }
        System.out.println(new String(desk.open("A-0001", today), StandardCharsets.UTF_8));
      }
    }
  }
}
