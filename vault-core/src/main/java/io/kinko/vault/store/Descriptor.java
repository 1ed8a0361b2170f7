package io.kinko.vault.store;

import io.kinko.vault.IncidentRule;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import io.kinko.vault.AccessPolicy;
import io.kinko.vault.CertificateNames;
import io.kinko.vault.Contract;
import io.kinko.vault.DeletionApproval;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.LogPolicy;
import io.kinko.vault.PasswordCost;
import io.kinko.vault.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The vault descriptor, {@code kinko.json}: identity, format and contract, no secrets. {@code
 * database} is the JDBC URL of a shared PostgreSQL database, or null for the embedded H2 under
 * {@code db/}; the account for it never appears here. The descriptor is
 * sealed with a tag under the vault's name key, so an edit by hand (a shortened contract end, a
 * changed id) is caught at the first login even though the file itself is plaintext. {@code
 * certificateNames} is how certificates name what they erased; a descriptor without it (older
 * vaults) means {@link CertificateNames#TAG}; likewise {@code deletionApproval}, who must agree to an
 * rm, means {@link DeletionApproval#NONE} when absent. {@code cityRecipient} is the city's age
 * X25519 recipient that {@link CertificateNames#SEALED} seals names to, null when there is none.
 */
public record Descriptor(String vaultId, int format, Instant createdAt, Contract contract, PasswordCost passwordCost, LogPolicy logPolicy,
    AccessPolicy accessPolicy, String database, String seal, CertificateNames certificateNames, DeletionApproval deletionApproval,
    String cityRecipient) {
  public static final int FORMAT = 1;
  private static final Pattern VAULT_ID = Pattern.compile("[0-9a-f]{32}");
  private static final int MAX_BYTES = 64 * 1024;

  public Descriptor {
    if (vaultId == null || !VAULT_ID.matcher(vaultId).matches()) {
      throw new IllegalArgumentException("vault id '" + vaultId + "' is not 32 lower-case hex digits");
    }
    if (format != FORMAT) {
      throw new IllegalArgumentException("vault format " + format + " is not supported (this Kinko reads format " + FORMAT + ")");
    }
    if (database != null) {
      Database.requireSharedUrl(database);
    }
    if (certificateNames == null) {
      certificateNames = CertificateNames.TAG;
    }
    if (deletionApproval == null) {
      deletionApproval = DeletionApproval.NONE;
    }
    if (cityRecipient != null) {
      io.kinko.vault.crypto.AgeSeal.requireRecipient(cityRecipient);
    }
    if (certificateNames == CertificateNames.SEALED && cityRecipient == null) {
      throw new IllegalArgumentException("certificate names 'sealed' need the city's age recipient");
    }
  }

  /** A descriptor with no city recipient. */
  public Descriptor(String vaultId, int format, Instant createdAt, Contract contract, PasswordCost passwordCost, LogPolicy logPolicy,
      AccessPolicy accessPolicy, String database, String seal, CertificateNames certificateNames, DeletionApproval deletionApproval) {
    this(vaultId, format, createdAt, contract, passwordCost, logPolicy, accessPolicy, database, seal, certificateNames, deletionApproval,
        null);
  }

  /** A descriptor whose deletions need no approval, the default. */
  public Descriptor(String vaultId, int format, Instant createdAt, Contract contract, PasswordCost passwordCost, LogPolicy logPolicy,
      AccessPolicy accessPolicy, String database, String seal, CertificateNames certificateNames) {
    this(vaultId, format, createdAt, contract, passwordCost, logPolicy, accessPolicy, database, seal, certificateNames, DeletionApproval.NONE);
  }

  /** A descriptor whose certificates name files by tag, the default. */
  public Descriptor(String vaultId, int format, Instant createdAt, Contract contract, PasswordCost passwordCost, LogPolicy logPolicy,
      AccessPolicy accessPolicy, String database, String seal) {
    this(vaultId, format, createdAt, contract, passwordCost, logPolicy, accessPolicy, database, seal, CertificateNames.TAG);
  }

  /**
   * The bytes the seal covers: every field, length-prefixed, in a fixed order. The database URL
   * is a last field only when there is one, and so is a certificate naming policy other than the
   * default, and so is a deletion approval other than none, so vaults keep the seal they were made with.
   */
  public byte[] sealedContent() {
    byte[][] fields = {utf8(vaultId), utf8(Integer.toString(format)), utf8(createdAt.toString()), utf8(contract.id()),
        utf8(contract.client()), utf8(contract.contractor()), utf8(contract.end().toString()),
        utf8(passwordCost.iterations() + "/" + passwordCost.memoryKiB() + "/" + passwordCost.parallelism()),
        utf8(logPolicy.retentionMinimum() + "/" + logPolicy.checkpointEveryEntries() + "/" + logPolicy.checkpointEvery()),
        utf8(accessPolicy.minPasswordLength() + "/" + accessPolicy.lockoutAfter() + "/" + accessPolicy.graceDays())};
    if (database != null) {
      fields = java.util.Arrays.copyOf(fields, fields.length + 1);
      fields[fields.length - 1] = utf8(database);
    }
    if (certificateNames != CertificateNames.TAG) {
      fields = java.util.Arrays.copyOf(fields, fields.length + 1);
      fields[fields.length - 1] = utf8("certificateNames=" + certificateNames.label());
    }
    if (deletionApproval != DeletionApproval.NONE) {
      fields = java.util.Arrays.copyOf(fields, fields.length + 1);
      fields[fields.length - 1] = utf8("deletionApproval=" + deletionApproval.label());
    }
    if (cityRecipient != null) {
      fields = java.util.Arrays.copyOf(fields, fields.length + 1);
      fields[fields.length - 1] = utf8("cityRecipient=" + cityRecipient);
    }
    return io.kinko.vault.crypto.Bytes.label("kinko/descriptor/v1", fields);
  }

  public Descriptor withSeal(String newSeal) {
    return new Descriptor(vaultId, format, createdAt, contract, passwordCost, logPolicy, accessPolicy, database, newSeal, certificateNames,
        deletionApproval, cityRecipient);
  }

  public byte[] toJson() {
    JsonObject c = new JsonObject();
    c.addProperty("id", contract.id());
    c.addProperty("client", contract.client());
    c.addProperty("contractor", contract.contractor());
    c.addProperty("end", contract.end().toString());
    JsonObject o = new JsonObject();
    o.addProperty("kinko", "vault");
    o.addProperty("format", format);
    o.addProperty("vaultId", vaultId);
    o.addProperty("createdAt", createdAt.toString());
    o.add("contract", c);
    JsonObject cost = new JsonObject();
    cost.addProperty("iterations", passwordCost.iterations());
    cost.addProperty("memoryKiB", passwordCost.memoryKiB());
    cost.addProperty("parallelism", passwordCost.parallelism());
    o.add("passwordCost", cost);
    JsonObject log = new JsonObject();
    log.addProperty("retentionMinimum", logPolicy.retentionMinimum().toString());
    log.addProperty("checkpointEveryEntries", logPolicy.checkpointEveryEntries());
    log.addProperty("checkpointEvery", logPolicy.checkpointEvery().toString());
    o.add("log", log);
    JsonObject access = new JsonObject();
    access.addProperty("minPasswordLength", accessPolicy.minPasswordLength());
    access.addProperty("lockoutAfter", accessPolicy.lockoutAfter());
    access.addProperty("graceDays", accessPolicy.graceDays());
    o.add("access", access);
    if (database != null) {
      o.addProperty("database", database);
    }
    JsonObject certificates = new JsonObject();
    certificates.addProperty("names", certificateNames.label());
    if (cityRecipient != null) {
      certificates.addProperty("cityRecipient", cityRecipient);
    }
    o.add("certificates", certificates);
    JsonObject deletion = new JsonObject();
    deletion.addProperty("approval", deletionApproval.label());
    o.add("deletion", deletion);
    o.addProperty("seal", seal);
    return (new com.google.gson.GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads and validates {@code kinko.json}.
   *
   * @throws VaultException if the folder holds no descriptor
   * @throws IntegrityException if the descriptor is malformed
   */
  public static Descriptor read(VaultLayout layout) {
    Path file = layout.descriptor();
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new IntegrityException(IncidentRule.INTEGRITY_DESCRIPTOR, "kinko.json is larger than a descriptor can be");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new VaultException(layout.root() + " is not a Kinko vault (no kinko.json)");
    } catch (IOException e) {
      throw new VaultException("cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      JsonObject o = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
      if (!"vault".equals(text(o, "kinko"))) {
        throw new IntegrityException(IncidentRule.INTEGRITY_DESCRIPTOR, "kinko.json does not describe a Kinko vault");
      }
      JsonObject c = o.getAsJsonObject("contract");
      if (c == null) {
        throw new IntegrityException(IncidentRule.INTEGRITY_DESCRIPTOR, "kinko.json has no contract");
      }
      Contract contract = new Contract(text(c, "id"), text(c, "client"), text(c, "contractor"), LocalDate.parse(text(c, "end")));
      JsonObject k = o.getAsJsonObject("passwordCost");
      if (k == null) {
        throw new IntegrityException(IncidentRule.INTEGRITY_DESCRIPTOR, "kinko.json has no passwordCost");
      }
      PasswordCost cost = new PasswordCost(k.get("iterations").getAsInt(), k.get("memoryKiB").getAsInt(), k.get("parallelism").getAsInt());
      JsonObject l = o.getAsJsonObject("log");
      if (l == null) {
        throw new IntegrityException(IncidentRule.INTEGRITY_DESCRIPTOR, "kinko.json has no log policy");
      }
      LogPolicy logPolicy = new LogPolicy(java.time.Period.parse(text(l, "retentionMinimum")),
          l.get("checkpointEveryEntries").getAsInt(), java.time.Duration.parse(text(l, "checkpointEvery")));
      JsonObject a = o.getAsJsonObject("access");
      if (a == null) {
        throw new IntegrityException(IncidentRule.INTEGRITY_DESCRIPTOR, "kinko.json has no access policy");
      }
      AccessPolicy accessPolicy = new AccessPolicy(a.get("minPasswordLength").getAsInt(), a.get("lockoutAfter").getAsInt(),
          a.get("graceDays").getAsInt());
      return new Descriptor(text(o, "vaultId"), o.get("format").getAsInt(), Instant.parse(text(o, "createdAt")), contract, cost,
          logPolicy, accessPolicy, o.has("database") ? text(o, "database") : null, text(o, "seal"),
          policy(o, "certificates", "names", CertificateNames.TAG, CertificateNames::of),
          policy(o, "deletion", "approval", DeletionApproval.NONE, DeletionApproval::of),
          cityRecipient(o));
    } catch (IntegrityException e) {
      throw e;
    } catch (JsonSyntaxException | IllegalStateException | IllegalArgumentException | NullPointerException
        | UnsupportedOperationException | DateTimeParseException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_DESCRIPTOR, "kinko.json is damaged or was edited by hand: " + e.getMessage(), e);
    }
  }

  /**
   * A policy sealed with the descriptor: {@code key} of object {@code field}, or {@code absent} in
   * vaults made before the policy existed.
   */
  /** The city's age recipient under {@code certificates}, or null where none was given (most vaults). */
  private static String cityRecipient(JsonObject o) {
    JsonObject certificates = o.has("certificates") && o.get("certificates").isJsonObject() ? o.getAsJsonObject("certificates") : null;
    return certificates != null && certificates.has("cityRecipient") ? text(certificates, "cityRecipient") : null;
  }

  private static <T> T policy(JsonObject o, String field, String key, T absent, java.util.function.Function<String, T> parse) {
    if (!o.has(field)) {
      return absent;
    }
    if (!o.get(field).isJsonObject()) {
      throw new IntegrityException(IncidentRule.INTEGRITY_DESCRIPTOR, "kinko.json: field '" + field + "' is not an object");
    }
    return parse.apply(text(o.getAsJsonObject(field), key));
  }

  private static String text(JsonObject o, String field) {
    if (!o.has(field) || !o.get(field).isJsonPrimitive()) {
      throw new IntegrityException(IncidentRule.INTEGRITY_DESCRIPTOR, "kinko.json: field '" + field + "' is missing or not a value");
    }
    return o.get(field).getAsString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
