package io.kinko.cli;

import io.kinko.vault.DatabaseAccount;
import io.kinko.vault.Password;
import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import io.kinko.vault.VaultException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that works inside an existing vault as a logged-in user. It opens the vault before
 * asking for the password (so a wrong folder fails without a prompt) and wipes the password as
 * soon as the login is done. Works at any depth ({@code kinko ls}, {@code kinko log show}): the
 * run's {@link Context} comes from the root command.
 */
abstract class VaultCommand implements Callable<Integer> {
  /** The application name the CLI records in every log entry it causes. */
  static final String APPLICATION = "kinko-cli";

  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Mixin
  TokenLoginOptions tokenLogin;

  /** Where this run's results, warnings and steps go (--json, -q, -v). */
  Output ui;

  @Override
  public final Integer call() throws Exception {
    Context context = context(spec);
    ui = Output.of(spec, global);
    String user = global.user(context);
    check(context);
    ui.step("opening the vault " + global.vaultDirectory(context));
    try (Vault vault = open(global, context)) {
      ui.step("logging in as " + user);
      try (Session session = login(vault, user, global, tokenLogin, context)) {
        int code = run(session, context);
        ui.step("closing the session (signs a checkpoint if the log grew)");
        return code;
      }
    }
  }

  /**
   * Checks the command's own arguments before the vault is opened and a password asked for, so a
   * mistyped argument costs no login. Does nothing unless overridden.
   */
  void check(Context context) throws Exception {}

  /** Does the command's work; returns the exit code. */
  abstract int run(Session session, Context context) throws Exception;

  /** The context of this run, held by the root {@code kinko} command. */
  static Context context(CommandSpec spec) {
    return ((Kinko) spec.root().userObject()).context();
  }

  /**
   * Opens the vault at {@code --vault} or {@code KINKO_VAULT} as the CLI; no password needed. A
   * vault on PostgreSQL connects as the account KINKO_DB_USER names.
   */
  static Vault open(GlobalOptions global, Context context) {
    Path directory = global.vaultDirectory(context);
    DatabaseAccount account = databaseAccount(context);
    if (account == null) {
      // An embedded vault needs no account; one on PostgreSQL then says which variable to set.
      return Vault.open(directory, APPLICATION, null);
    }
    try (account) {
      return Vault.open(directory, APPLICATION, account);
    }
  }

  /**
   * The database account the environment names, or null. A stale KINKO_DB_PASSWORD_FILE must not
   * stop an embedded vault: then null too, and a vault on PostgreSQL reads the same environment
   * again and reports it.
   */
  private static DatabaseAccount databaseAccount(Context context) {
    try {
      return context.databaseAccount();
    } catch (VaultException unreadable) {
      return null;
    }
  }

  /**
   * Logs {@code user} in with a token when {@code --token} or {@code KINKO_TOKEN} names one, else
   * with a password from {@link PasswordSource}; the secrets are wiped right after.
   */
  static Session login(Vault vault, String user, GlobalOptions global, TokenLoginOptions token, Context context) {
    if (token != null && token.label(context) != null) {
      return token.login(vault, user, global, context);
    }
    try (Password password = PasswordSource.read(global, context, "Password for " + user + ": ", null)) {
      return vault.login(user, password);
    }
  }
}
