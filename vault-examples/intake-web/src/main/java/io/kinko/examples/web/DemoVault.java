package io.kinko.examples.web;

import io.kinko.spring.KinkoVaultProperties;
import io.kinko.vault.Contract;
import io.kinko.vault.DatabaseAccount;
import io.kinko.vault.Password;
import io.kinko.vault.PasswordCost;
import io.kinko.vault.Permission;
import io.kinko.vault.Role;
import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.EnumSet;

/**
 * A demo vault for trying the desk out: the administrator {@value #ADMIN}, the worker {@value
 * #WORKER} with READ, WRITE and DELETE on the first desk folder and no grant on the second, which
 * holds one form. The password is a fixed demo value, the same for both (README); a real vault's
 * users get theirs from {@code kinko user add}.
 */
public final class DemoVault {
  public static final String ADMIN = "kanri";
  public static final String WORKER = "sato";
  private static final String DEMO_PASSWORD = "intake-web demo password";

  private DemoVault() {}

  /** The demo password as a fresh array the caller wipes (or wraps in a {@link Password}). */
  public static char[] password() {
    return DEMO_PASSWORD.toCharArray();
  }

  static Vault create(KinkoVaultProperties properties, DeskProperties desk) {
    Contract contract = new Contract("R8-情報-0042", "横浜市", "Kinko 株式会社", LocalDate.now(Contract.ZONE).plusYears(1));
    Vault vault;
    try (Password admin = Password.wrap(password())) {
      // The lowest cost the library accepts, so that the demo and its tests log in quickly.
      Vault.Builder builder = Vault.builder(properties.vault()).contract(contract).admin(ADMIN, admin)
          .passwordCost(PasswordCost.MINIMUM).application(properties.application());
      if (desk.jdbcUrl() != null && !desk.jdbcUrl().isBlank()) {
        try (DatabaseAccount account = DatabaseAccount.fromEnvironment()) {
          vault = builder.database(desk.jdbcUrl(), account).create();
        }
      } else {
        vault = builder.create();
      }
    }
    String granted = desk.folders().get(0);
    String refused = desk.folders().get(1);
    try (Password admin = Password.wrap(password()); Session session = vault.login(ADMIN, admin)) {
      session.administration().grant(ADMIN, "", EnumSet.allOf(Permission.class));
      try (Password worker = Password.wrap(password())) {
        session.administration().addUser(WORKER, Role.WORKER, worker, null);
      }
      session.administration().grant(WORKER, granted, EnumSet.of(Permission.READ, Permission.WRITE, Permission.DELETE));
      session.put(refused + "/2026-0001 相談票.pdf", new ByteArrayInputStream("%PDF-1.7 demo".getBytes(StandardCharsets.UTF_8)));
    }
    return vault;
  }
}
