package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.AccessPolicy;
import io.kinko.vault.Contract;
import io.kinko.vault.DatabaseAccount;
import io.kinko.vault.Password;
import io.kinko.vault.PasswordCost;
import io.kinko.vault.Vault;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code kinko init}: creates a vault for one contract, with its chief administrator. */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = {"Creates a new vault in an absent or empty folder (--vault or KINKO_VAULT) and prints its id.",
        "The administrator's password is asked twice on a terminal."})
final class InitCommand implements Callable<Integer> {
  /** Until user policies exist in the library, the CLI holds the line for new passwords. */

  /** The Argon2id cost choices offered on the command line. */
  enum Cost {
    DEFAULT(PasswordCost.DEFAULT), MINIMUM(PasswordCost.MINIMUM);

    final PasswordCost cost;

    Cost(PasswordCost cost) {
      this.cost = cost;
    }
  }

  @ParentCommand
  Kinko kinko;

  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Option(names = "--contract-id", required = true, paramLabel = "ID", description = "The contract's number or id.")
  String contractId;

  @Option(names = "--client", required = true, paramLabel = "NAME", description = "Who entrusts the data (the city).")
  String client;

  @Option(names = "--contractor", required = true, paramLabel = "NAME", description = "Who handles it (your company).")
  String contractor;

  @Option(names = "--contract-end", required = true, paramLabel = "YYYY-MM-DD",
      description = "Last day of the contract; the access log is kept at least a year past it.")
  String contractEnd;

  @Option(names = "--admin", paramLabel = "USER",
      description = "The chief administrator's user name. Default: --user or KINKO_USER.")
  String admin;

  @Option(names = "--db", paramLabel = "JDBC_URL",
      description = {"Keep the vault's metadata, log and certificates in this PostgreSQL database (jdbc:postgresql://HOST[:PORT]/DB"
          + "[?currentSchema=S]), so that several machines can share the vault; its folder then goes on a shared path.",
          "The database or schema must be empty. Connects as KINKO_DB_USER with the password in KINKO_DB_PASSWORD_FILE; "
              + "the URL must carry no credentials. Default: embedded H2 in the vault folder."})
  String databaseUrl;

  /** The certificate naming policy as the command line spells it. */
  enum CertNames {
    tag, plain, sealed
  }

  @Option(names = "--cert-names", paramLabel = "tag|plain|sealed",
      description = {"How deletion and wipe certificates name what they erased: 'tag' (default) by a keyed tag of the path "
          + "that only this vault can recompute, 'plain' by the path in plain text (paths can hold personal data), 'sealed' "
          + "by the path sealed to the city's age recipient (--city-recipient), which only the city opens (age -d).",
          "Sealed in kinko.json with the vault's other policies; it cannot be changed later."})
  CertNames certNames = CertNames.tag;

  @Option(names = "--city-recipient", paramLabel = "age1...",
      description = "The city's age X25519 recipient, which --cert-names sealed seals names to (the city keeps its identity).")
  String cityRecipient;

  @Option(names = "--two-person-rm",
      description = {"The two-person rule for deletions: 'kinko rm' records a request and deletes nothing until an administrator "
          + "other than the requester runs 'kinko approve ID'; the certificate names both (作業者 and 確認者).",
          "Sealed in kinko.json with the vault's other policies; it cannot be changed later. Default: off."})
  boolean twoPersonRm;

  @Option(names = "--recovery-sheet", paramLabel = "FILE",
      description = {"Also write the recovery key's sheet (one A4 page: key, QR code, fingerprint, instructions; PDF, 0600) to FILE, "
          + "which must not exist and must not lie inside the vault. Print it and keep it in the fireproof safe.",
          "The key itself is always shown once, on standard error (or in the --json object)."})
  Path recoverySheet;

  @Option(names = "--password-cost", hidden = true, paramLabel = "default|minimum",
      description = "Argon2id cost of the key slots; 'minimum' is for tests and demos only.")
  Cost passwordCost = Cost.DEFAULT;

  /** The recovery key's text and fingerprint as creation handed them over; the text is wiped once shown. */
  private char[] recoveryText;
  private String recoveryFingerprint;

  @Override
  public Integer call() {
    Context context = kinko.context();
    Output ui = Output.of(spec, global);
    LocalDate end = parseDate(contractEnd);
    Contract contract = new Contract(contractId, client, contractor, end);
    String user = admin != null ? admin : global.user(context);
    Path directory = global.vaultDirectory(context);
    if ((certNames == CertNames.sealed) != (cityRecipient != null)) {
      throw new UsageException("--cert-names sealed and --city-recipient age1... go together");
    }
    RecoverySheet.check(recoverySheet, directory);
    if (databaseUrl != null) {
      try {
        Vault.builder(directory).database(databaseUrl, null);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--db: " + e.getMessage());
      }
      if (context.databaseAccount() == null) {
        throw new UsageException("--db needs the database account in the environment: set " + DatabaseAccount.USER_VARIABLE
            + " and " + DatabaseAccount.PASSWORD_FILE_VARIABLE);
      }
    }
    try (DatabaseAccount account = databaseUrl == null ? null : context.databaseAccount();
         Password password = PasswordSource.read(global, context,
        "New password for " + user + " (at least " + AccessPolicy.DEFAULT.minPasswordLength() + " characters): ", "Repeat it: ")) {
      // The library enforces the password policy (IllegalArgumentException, exit 2); no second copy here.
      Vault.Builder builder = Vault.builder(directory).contract(contract).admin(user, password)
          .passwordCost(passwordCost.cost).application(VaultCommand.APPLICATION)
          .certificateNames(io.kinko.vault.CertificateNames.of(certNames.name()))
          .deletionApproval(twoPersonRm ? io.kinko.vault.DeletionApproval.TWO_PERSON : io.kinko.vault.DeletionApproval.NONE)
          .recoveryKey(key -> {
            recoveryText = key.text();
            recoveryFingerprint = key.fingerprint();
          });
      if (databaseUrl != null) {
        builder.database(databaseUrl, account);
      }
      if (cityRecipient != null) {
        builder.certificateNamesSealedTo(cityRecipient);
      }
      ui.step("creating the vault in " + directory + " (the key slot's Argon2id derivation takes a moment)");
      try (Vault vault = builder.create()) {
        JsonObject o = ui.json() ? ui.object() : null;
        RecoverySheet.handOver(ui, context, vault, recoveryText, recoveryFingerprint, recoverySheet, o);
        if (o != null) {
          o.addProperty("vaultId", vault.id());
          o.addProperty("directory", directory.toAbsolutePath().normalize().toString());
          o.addProperty("admin", user);
          o.addProperty("backend", vault.status().backend());
          o.addProperty("contractEnd", contract.end().toString());
          o.addProperty("certNames", certNames.name());
          o.addProperty("deletionApproval", twoPersonRm ? "two-person" : "none");
          ui.print(o);
        } else {
          // The id is the result, not a remark: printed under -q too, so scripts can take it.
          ui.text().println(vault.id());
        }
      }
    }
    return ExitCodes.OK;
  }

  private static LocalDate parseDate(String text) {
    try {
      return LocalDate.parse(text); // ISO-8601, strict: 2026-02-30 is refused
    } catch (DateTimeParseException e) {
      throw new UsageException("--contract-end '" + text + "' is not a date in the form YYYY-MM-DD");
    }
  }
}
