package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.Password;
import io.kinko.vault.Role;
import io.kinko.vault.Session;
import io.kinko.vault.UserInfo;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kinko user add}: registers a user with an initial password, which the new user should
 * then change with {@code kinko user passwd}. A new user holds no grant: deny by default.
 */
@Command(name = "add", mixinStandardHelpOptions = true,
    description = {"Registers user NAME with ROLE and an initial password (--new-password-file, or asked twice on the terminal).",
        "Your own password (--password-file, $" + PasswordSource.PASSWORD_ENV + " or a prompt) logs you in as the administrator.",
        "A new user can read and write nothing until granted: see 'kinko grant'."})
final class UserAddCommand extends VaultCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The new user: 1-64 of a-z 0-9 . _ - starting with a letter or digit.")
  String name;

  @Option(names = "--role", required = true, paramLabel = "ROLE",
      description = "One of ${COMPLETION-CANDIDATES} (any case). Only ADMIN and WORKER can be granted file access.")
  Role role;

  @Option(names = "--expires", paramLabel = "YYYY-MM-DD",
      description = "The last day the account may log in (Asia/Tokyo). Default: the contract's end (plus the vault's grace days).")
  String expires;

  @Mixin
  NewPasswordOption newPassword;

  private LocalDate expiresDate;

  @Override
  void check(Context context) {
    newPassword.check(global, context);
    if (expires != null) {
      try {
        expiresDate = LocalDate.parse(expires); // strict: 2027-02-30 is refused
      } catch (DateTimeParseException e) {
        throw new UsageException("--expires '" + expires + "' is not a date in the form YYYY-MM-DD");
      }
    }
  }

  @Override
  int run(Session session, Context context) {
    UserInfo added;
    try (Password password = newPassword.read(context, "Initial password for " + name + ": ")) {
      added = session.administration().addUser(name, role, password, expiresDate);
    }
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("name", added.name());
      o.addProperty("role", added.role().name());
      o.add("expires", Json.text(added.expires()));
      ui.print(o);
      return ExitCodes.OK;
    }
    String until = added.expires() == null ? "no expiry" : "until " + added.expires();
    ui.say("added " + added.name() + " as " + added.role() + ", " + until
        + (added.role() == Role.ADMIN || added.role() == Role.WORKER
            ? "; no access yet: kinko grant " + added.name() + " VAULT_PATH PERMS" : ""));
    return ExitCodes.OK;
  }
}
