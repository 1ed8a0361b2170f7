package io.kinko.vault.crypto;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Hkdf;
import com.google.gson.JsonObject;
import io.kinko.vault.AuthenticationException;
import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.RecoveryKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * The recovery slot ({@code keys/recovery.slot}): the master keyset sealed (AES-256-GCM) under a
 * key derived from the recovery key with HKDF-SHA256 (salt from the slot, info binding the vault
 * id). No Argon2id: the recovery key is 256 random bits, not a password, so there is nothing to
 * slow a guess of; a memory-hard cost would only slow the one person who has the key. The AD
 * binds the vault id and the slot name "recovery", as a password slot's does, so a slot from
 * another vault or a user's slot renamed here does not open. Read with the same caps as {@link
 * KeySlot}: a crafted or damaged slot is an {@link IntegrityException} ({@code integrity.keys}).
 */
public final class RecoverySlot {
  /** The slot's name in its AD and in its file. */
  public static final String NAME = "recovery";
  private static final int SALT_BYTES = 32;

  private RecoverySlot() {}

  /** Seals {@code master} under {@code key}; returns the slot file's bytes. */
  public static byte[] seal(String vaultId, RecoveryKey key, KeysetHandle master) {
    byte[] salt = Bytes.random(SALT_BYTES);
    byte[] kek = derive(vaultId, key, salt);
    try {
      byte[] sealed = TinkProtoKeysetFormat.serializeEncryptedKeyset(master, new AesGcmJce(kek), associatedData(vaultId));
      JsonObject kdf = new JsonObject();
      kdf.addProperty("algorithm", "hkdf-sha256");
      kdf.addProperty("salt", Base64.getEncoder().encodeToString(salt));
      JsonObject slot = new JsonObject();
      slot.addProperty("format", KeySlot.FORMAT);
      slot.addProperty("slot", NAME);
      slot.add("kdf", kdf);
      slot.addProperty("keyset", Base64.getEncoder().encodeToString(sealed));
      return (slot.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not seal the recovery slot", e);
    } finally {
      Bytes.wipe(kek);
    }
  }

  /**
   * Opens the slot with a recovery key.
   *
   * @throws AuthenticationException if the key does not open the slot
   * @throws IntegrityException if the slot is malformed, belongs elsewhere or exceeds the caps
   */
  public static KeysetHandle open(byte[] slotFile, String vaultId, RecoveryKey key) {
    Parsed parsed = parse(slotFile);
    byte[] kek = derive(vaultId, key, parsed.salt);
    try {
      return TinkProtoKeysetFormat.parseEncryptedKeyset(parsed.sealed, new AesGcmJce(kek), associatedData(vaultId));
    } catch (GeneralSecurityException e) {
      throw new AuthenticationException("recovery failed: the recovery key does not open this vault's recovery slot");
    } finally {
      Bytes.wipe(kek);
    }
  }

  private record Parsed(byte[] salt, byte[] sealed) {}

  private static Parsed parse(byte[] slotFile) {
    return KeySlot.read(slotFile, NAME, "the recovery slot", slot -> {
      JsonObject kdf = slot.getAsJsonObject("kdf");
      if (!"hkdf-sha256".equals(kdf.get("algorithm").getAsString())) {
        throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, "the recovery slot names an unknown key derivation");
      }
      byte[] salt = Base64.getDecoder().decode(kdf.get("salt").getAsString());
      if (salt.length != SALT_BYTES) {
        throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, "the recovery slot has a salt of " + salt.length + " bytes");
      }
      return new Parsed(salt, Base64.getDecoder().decode(slot.get("keyset").getAsString()));
    });
  }

  private static byte[] associatedData(String vaultId) {
    return Bytes.label("kinko/recovery-slot/v1", vaultId.getBytes(StandardCharsets.UTF_8), NAME.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] derive(String vaultId, RecoveryKey key, byte[] salt) {
    try {
      return Hkdf.computeHkdf("HMACSHA256", key.bytes(), salt,
          Bytes.label("kinko/recovery-slot/v1", vaultId.getBytes(StandardCharsets.UTF_8)), 32);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA256 is not available", e);
    }
  }
}
