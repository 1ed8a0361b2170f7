package io.kinko.cli;

import io.kinko.vault.Password;
import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * A command that works inside an existing vault as a logged-in user. It opens the vault before
 * asking for the password (so a wrong folder fails without a prompt) and wipes the password as
 * soon as the login is done.
 */
abstract class VaultCommand implements Callable<Integer> {
  @ParentCommand
  Kinko kinko;

  @Mixin
  GlobalOptions global;

  @Override
  public final Integer call() throws Exception {
    Context context = kinko.context();
    String user = global.user(context);
    try (Vault vault = Vault.open(global.vaultDirectory(context))) {
      Session session;
      try (Password password = PasswordSource.read(global, context, "Password for " + user + ": ", null)) {
        session = vault.login(user, password);
      }
      try (session) {
        return run(session, context);
      }
    }
  }

  /** Does the command's work; returns the exit code. */
  abstract int run(Session session, Context context) throws Exception;
}
