package io.kinko.vault.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kinko.vault.AuthenticationException;
import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.Password;
import io.kinko.vault.PasswordCost;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * A key slot: the vault's master keyset encrypted under a key derived from one password with
 * Argon2id. The slot binds the vault id and the slot's name as associated data, so a slot copied
 * from another vault or renamed to another user does not open.
 *
 * <p>On disk it is a small JSON object; its parameters are read with caps so that a crafted slot
 * cannot demand unbounded memory or time.
 */
public final class KeySlot {
  static final int FORMAT = 1;
  static final int SALT_BYTES = 16;
  private static final int MAX_SLOT_BYTES = 64 * 1024;
  /** Argon2id derivations run, and the cost of the last: read by tests, never by the library. */
  private static final java.util.concurrent.atomic.AtomicLong DERIVATIONS = new java.util.concurrent.atomic.AtomicLong();
  private static volatile PasswordCost lastCost;
  private static final java.util.concurrent.atomic.AtomicBoolean PREPARED = new java.util.concurrent.atomic.AtomicBoolean();

  private KeySlot() {}

  /**
   * Loads what opening a vault and a login will need, the Ed25519 tables, Tink's key managers and
   * the Argon2id library, on a background thread, so that the caller can open the database
   * meanwhile. Whoever needs one of them first waits for the class initialisation the thread holds,
   * never for more. Once per JVM: after that, everything it loads is loaded.
   */
  public static void prepareInBackground() {
    if (!PREPARED.compareAndSet(false, true)) {
      return;
    }
    Thread loader = new Thread(() -> {
      SigningKey.prepare();
      VaultKeys.prepare();
      Argon2id.prepare();
      Bytes.random(1); // seeds the random source a put's file keys come from, last: a listing needs none
    }, "kinko-key-loader");
    loader.setDaemon(true);
    loader.start();
  }

  /** Encrypts {@code master} under {@code password}; returns the slot file's bytes. */
  public static byte[] seal(String vaultId, String slotName, Password password, KeysetHandle master, PasswordCost params) {
    byte[] salt = Bytes.random(SALT_BYTES);
    byte[] kek = derive(password, salt, params);
    try {
      Aead wrap = new AesGcmJce(kek);
      byte[] sealed = TinkProtoKeysetFormat.serializeEncryptedKeyset(master, wrap, associatedData(vaultId, slotName));
      JsonObject slot = new JsonObject();
      slot.addProperty("format", FORMAT);
      slot.addProperty("slot", slotName);
      slot.add("kdf", kdfJson(params, salt));
      slot.addProperty("keyset", Base64.getEncoder().encodeToString(sealed));
      return (slot.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not seal key slot '" + slotName + "'", e);
    } finally {
      Bytes.wipe(kek);
    }
  }

  /**
   * Opens a slot with a password.
   *
   * @throws AuthenticationException if the password does not open the slot
   * @throws IntegrityException if the slot is malformed, belongs elsewhere or exceeds the caps
   */
  public static KeysetHandle open(byte[] slotFile, String vaultId, String slotName, Password password) {
    Parsed parsed = parse(slotFile, slotName);
    byte[] kek = derive(password, parsed.salt, parsed.params);
    try {
      return TinkProtoKeysetFormat.parseEncryptedKeyset(parsed.sealed, new AesGcmJce(kek), associatedData(vaultId, slotName));
    } catch (GeneralSecurityException e) {
      throw refused(slotName);
    } finally {
      Bytes.wipe(kek);
    }
  }

  /**
   * Refuses a login for a name that has no slot, after the same Argon2id work as opening a slot
   * of cost {@code params} (a random salt, the key thrown away): an unknown name and a wrong
   * password take the same time and get the same words, so neither tells which names exist.
   */
  public static AuthenticationException refuseWithoutSlot(String name, Password password, PasswordCost params) {
    Bytes.wipe(derive(password, Bytes.random(SALT_BYTES), params));
    return refused(name);
  }

  /** The one refusal for an unknown name and a wrong password. */
  private static AuthenticationException refused(String name) {
    return new AuthenticationException("authentication failed for '" + name + "': unknown user or wrong password");
  }

  static long derivations() {
    return DERIVATIONS.get();
  }

  static PasswordCost lastCost() {
    return lastCost;
  }

  /** The cost parameters a slot was written with. */
  public static PasswordCost params(byte[] slotFile, String slotName) {
    return parse(slotFile, slotName).params;
  }

  private record Parsed(PasswordCost params, byte[] salt, byte[] sealed) {}

  private static Parsed parse(byte[] slotFile, String slotName) {
    return read(slotFile, slotName, "key slot '" + slotName + "'", slot -> {
      Kdf kdf = parseKdf(slot.getAsJsonObject("kdf"), slotName);
      return new Parsed(kdf.params(), kdf.salt(), Base64.getDecoder().decode(slot.get("keyset").getAsString()));
    });
  }

  /**
   * Reads a slot file ({@code what} names it in errors) with the caps every slot shares: its size,
   * its format and the slot name it holds; {@code body} reads the rest. Malformed input of any kind
   * is an {@link IntegrityException} ({@code integrity.keys}).
   */
  static <T> T read(byte[] slotFile, String slotName, String what, java.util.function.Function<JsonObject, T> body) {
    if (slotFile.length > MAX_SLOT_BYTES) {
      throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, what + " is " + slotFile.length + " bytes, more than a slot can be");
    }
    try {
      JsonObject slot = JsonParser.parseString(new String(slotFile, StandardCharsets.UTF_8)).getAsJsonObject();
      if (slot.get("format").getAsInt() != FORMAT) {
        throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, what + " has unsupported format " + slot.get("format"));
      }
      if (!slotName.equals(slot.get("slot").getAsString())) {
        throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, what + " holds the slot of '" + slot.get("slot").getAsString() + "'");
      }
      return body.apply(slot);
    } catch (IntegrityException e) {
      throw e;
    } catch (RuntimeException e) {
      // Gson and Base64 report malformed input with assorted unchecked exceptions.
      throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, what + " is malformed", e);
    }
  }

  /** An Argon2id derivation as a slot records it: its cost and salt. */
  record Kdf(PasswordCost params, byte[] salt) {}

  static JsonObject kdfJson(PasswordCost params, byte[] salt) {
    JsonObject kdf = new JsonObject();
    kdf.addProperty("algorithm", "argon2id");
    kdf.addProperty("version", 19);
    kdf.addProperty("iterations", params.iterations());
    kdf.addProperty("memoryKiB", params.memoryKiB());
    kdf.addProperty("parallelism", params.parallelism());
    kdf.addProperty("salt", Base64.getEncoder().encodeToString(salt));
    return kdf;
  }

  /** Reads a slot's Argon2id parameters within the caps; Gson's unchecked exceptions are the caller's to map. */
  static Kdf parseKdf(JsonObject kdf, String slotName) {
    if (!"argon2id".equals(kdf.get("algorithm").getAsString()) || kdf.get("version").getAsInt() != 19) {
      throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, "key slot '" + slotName + "' names an unknown key derivation");
    }
    PasswordCost params;
    try {
      params = new PasswordCost(kdf.get("iterations").getAsInt(), kdf.get("memoryKiB").getAsInt(), kdf.get("parallelism").getAsInt());
    } catch (IllegalArgumentException e) {
      throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, "key slot '" + slotName + "': " + e.getMessage());
    }
    byte[] salt = Base64.getDecoder().decode(kdf.get("salt").getAsString());
    if (salt.length != SALT_BYTES) {
      throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, "key slot '" + slotName + "' has a salt of " + salt.length + " bytes");
    }
    return new Kdf(params, salt);
  }

  private static byte[] associatedData(String vaultId, String slotName) {
    return Bytes.label("kinko/key-slot/v1", vaultId.getBytes(StandardCharsets.UTF_8), slotName.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] derive(Password password, byte[] salt, PasswordCost params) {
    byte[] secret = Bytes.utf8(password.chars());
    try {
      byte[] key = Argon2id.derive(secret, salt, params);
      DERIVATIONS.incrementAndGet();
      lastCost = params;
      return key;
    } finally {
      Bytes.wipe(secret);
    }
  }

}
