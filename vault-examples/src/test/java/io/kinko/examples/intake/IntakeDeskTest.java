package io.kinko.examples.intake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kinko.vault.Contract;
import io.kinko.vault.FileInfo;
import io.kinko.vault.NotFoundException;
import io.kinko.vault.Password;
import io.kinko.vault.PasswordCost;
import io.kinko.vault.Permission;
import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntakeDeskTest {
  static final LocalDate DAY = LocalDate.of(2026, 11, 26);

  @TempDir Path dir;

  @Test
  void receivedForms_areListedByDay_andReadBackExactly_andRescansBecomeVersions() {
    Contract contract = new Contract("C-1", "横浜市", "Kinko", LocalDate.of(2027, 3, 31));
    try (Password pw = Password.wrap("example password 1".toCharArray());
         Vault vault = Vault.builder(dir.resolve("v")).contract(contract).admin("sato", pw).passwordCost(PasswordCost.MINIMUM).create();
         Password again = Password.wrap("example password 1".toCharArray());
         Session session = vault.login("sato", again)) {
      // The administrator needs a grant like anyone else; the grant itself is logged.
      session.administration().grant("sato", "申請書", EnumSet.of(Permission.READ, Permission.WRITE));
      IntakeDesk desk = new IntakeDesk(session);
      byte[] scan = "%PDF 山田太郎".getBytes(StandardCharsets.UTF_8);
      desk.receive("A-0002", DAY, new ByteArrayInputStream(new byte[] {1}));
      desk.receive("A-0001", DAY, new ByteArrayInputStream(new byte[] {0}));
      FileInfo rescan = desk.receive("A-0001", DAY, new ByteArrayInputStream(scan));

      assertEquals(2, rescan.version());
      assertEquals(List.of("申請書/2026-11-26/A-0001.pdf", "申請書/2026-11-26/A-0002.pdf"),
          desk.receivedOn(DAY).stream().map(FileInfo::path).toList());
      assertArrayEquals(scan, desk.open("A-0001", DAY));
      assertEquals(List.of(), desk.receivedOn(DAY.plusDays(1)));
      assertThrows(NotFoundException.class, () -> desk.open("A-0003", DAY));
      assertThrows(IllegalArgumentException.class, () -> desk.open("../../etc", DAY));
    }
  }
}
