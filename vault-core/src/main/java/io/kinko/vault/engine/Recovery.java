package io.kinko.vault.engine;

import com.google.crypto.tink.KeysetHandle;
import io.kinko.vault.AccessDeniedException;
import io.kinko.vault.AccountStatus;
import io.kinko.vault.Action;
import io.kinko.vault.AuthenticationException;
import io.kinko.vault.IncidentRule;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.Password;
import io.kinko.vault.RecoveryKey;
import io.kinko.vault.Role;
import io.kinko.vault.UserInfo;
import io.kinko.vault.VaultException;
import io.kinko.vault.acl.AccessRules;
import io.kinko.vault.acl.UserRegistry;
import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.crypto.RecoverySlot;
import io.kinko.vault.crypto.SigningKey;
import io.kinko.vault.crypto.VaultKeys;
import io.kinko.vault.incident.IncidentReason;
import io.kinko.vault.state.VaultState;
import io.kinko.vault.store.Durable;
import io.kinko.vault.store.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Objects;

/**
 * The recovery key's use (clause 5(8), issue #15): an administrator's password set with the key
 * that opens {@code keys/recovery.slot}, when no password is left. The slot must be the one the
 * checked setting {@value #SETTING} names (its key's fingerprint), so an older slot copied back
 * after a rotation opens with its old key and is still refused. Success is a RECOVER entry and an
 * INCIDENT ({@code auth.recovery}) whose evidence is that entry, so every alert sink hears of it.
 */
final class Recovery {
  /** The setting that names the recovery key in force by its fingerprint; state bound to its INIT or RECOVERY_ROTATE entry. */
  static final String SETTING = io.kinko.vault.inspect.AuditRules.RECOVERY_SETTING;
  /** A RECOVER refusal for a slot that is damaged, crafted, missing or not the vault's. */
  static final String SLOT_UNREADABLE = "recovery slot unreadable";

  private Recovery() {}

  /** See {@link io.kinko.vault.Vault#recover}. */
  static void recover(DefaultVault vault, String admin, RecoveryKey key, Password newPassword) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(newPassword, "newPassword");
    AccessLog log = vault.log();
    if (!UserRegistry.validName(admin)) {
      log.append(AccessLog.Event.deny("?", Action.RECOVER, "invalid user name", null, null));
      throw new AccessDeniedException("recovery refused: not a valid user name");
    }
    if (!Files.exists(vault.layout().namesKey())) {
      log.append(AccessLog.Event.deny(admin, Action.RECOVER, "vault disposed of", null, null));
      throw new VaultException("vault " + vault.id() + " was disposed of: its keys are destroyed");
    }
    AccessRules.Decision strong = AccessRules.password(admin, newPassword.chars(), vault.accessPolicy().minPasswordLength());
    if (!strong.allowed()) {
      log.append(AccessLog.Event.deny(admin, Action.RECOVER, "weak password: " + strong.reason(), null, null));
      throw new IllegalArgumentException("weak password for '" + admin + "': " + strong.reason());
    }
    KeysetHandle master;
    try {
      master = RecoverySlot.open(readSlot(vault, admin), vault.id(), key);
    } catch (AuthenticationException e) {
      // Counted like a wrong password of the named account: the failed-login rule and the lockout see it.
      boolean known = vault.database().inTransaction(c -> UserRegistry.find(c, admin)).isPresent();
      if (!known) {
        log.append(AccessLog.Event.deny(admin, Action.LOGIN, "unknown user", null, null));
        throw e;
      }
      throw vault.failedLogin(admin, e, "wrong recovery key");
    } catch (IntegrityException e) {
      throw unreadable(vault, admin, e);
    }
    VaultKeys keys = VaultKeys.unlock(vault.id(), master, vault.namesKeyFile());
    DefaultSession session = null;
    try {
      SigningKey signing = vault.openSigningKey(keys);
      VaultState state = new VaultState(keys, vault.stateSeen());
      vault.sealStateIfNew(state, signing);
      String recorded = vault.database().inTransaction(c -> Settings.get(state, c, SETTING)).map(Settings.Setting::value).orElse(null);
      String fingerprint = key.fingerprint();
      if (!fingerprint.equals(recorded)) {
        throw unreadable(vault, admin, new IntegrityException(IncidentRule.INTEGRITY_KEYS, "the recovery slot opened with the key "
            + fingerprint + ", which is not the vault's recovery key (" + (recorded == null ? "none recorded" : recorded)
            + "): an older or foreign recovery slot was put in keys/"));
      }
      UserInfo account = vault.database().inTransaction(c -> UserRegistry.checked(state, c, admin)).orElse(null);
      String refusal = refusal(account, admin);
      if (refusal != null) {
        log.append(AccessLog.Event.deny(admin, Action.RECOVER, refusal, null, null));
        throw new AccessDeniedException("recovery refused: " + refusal + "; the recovery key sets the password of an administrator only");
      }
      vault.sessionOpened(signing);
      DefaultSession opened = new DefaultSession(vault, account, keys, signing, true);
      session = opened;
      // A card lost with the password must not keep a two-factor administrator out: the recovery
      // resets the account to its password alone, and a token is enrolled again afterwards.
      boolean hadToken = Files.exists(vault.layout().tokenSlot(admin));
      opened.door().passChange(Action.RECOVER, () -> Door.Verdict.allow("password of administrator " + admin
          + " set with the recovery key " + fingerprint + "; lockout cleared" + (hadToken ? "; token slot destroyed" : ""), null,
          (Void) null), (none, entry) -> {
            opened.changeState((c, changes) -> {
              // Under the state lock: another host may have disabled the account since.
              String still = refusal(UserRegistry.checked(state, c, admin).orElse(null), admin);
              if (still != null) {
                throw new AccessDeniedException("recovery refused: " + still);
              }
              DefaultAdministration.writeSlot(vault, admin, newPassword, keys.masterKeyset());
              if (hadToken) {
                destroyTokenSlot(vault, admin);
              }
              TokenLogins.enrolled(c, changes, admin, false, admin, vault.clock().millis(), entry.seq());
              UserRegistry.setStatus(c, changes, admin, AccountStatus.ACTIVE, entry.seq());
              return null;
            });
            vault.incident(admin, new IncidentReason(IncidentRule.RECOVERY, List.of(entry.seq()),
                "the password of administrator " + admin + " was set with the recovery key " + fingerprint));
            return null;
          });
    } catch (IntegrityException e) {
      vault.incident(admin, e);
      throw e;
    } finally {
      if (session != null) {
        session.close(); // signs the checkpoint that covers the entries, closes the keys
      } else {
        keys.close();
      }
    }
  }

  private static void destroyTokenSlot(DefaultVault vault, String admin) {
    try {
      Durable.destroy(vault.layout().tokenSlot(admin));
    } catch (NoSuchFileException gone) {
      // removed meanwhile: nothing left to destroy
    } catch (IOException e) {
      throw new VaultException("cannot destroy the token slot of '" + admin + "': " + e.getMessage(), e);
    }
  }

  /** Why {@code account} may not be recovered, or null if it may. */
  private static String refusal(UserInfo account, String name) {
    if (account == null) {
      return "no user " + name;
    }
    if (account.role() != Role.ADMIN) {
      return name + " is not an administrator";
    }
    return account.status() == AccountStatus.DISABLED ? name + " is disabled" : null;
  }

  /** The slot's bytes; a missing one is an integrity failure only when the vault names a recovery key. */
  private static byte[] readSlot(DefaultVault vault, String admin) {
    try {
      return Files.readAllBytes(vault.layout().recoverySlot());
    } catch (NoSuchFileException e) {
      boolean named = vault.database().inTransaction(c -> !Settings.unchecked(c, SETTING).isEmpty());
      if (named) {
        throw new IntegrityException(IncidentRule.INTEGRITY_KEYS, "keys/recovery.slot is missing although the vault names a recovery key");
      }
      vault.log().append(AccessLog.Event.deny(admin, Action.RECOVER, "no recovery key", null, null));
      throw new VaultException("vault " + vault.id() + " has no recovery key; an administrator makes one with 'kinko recovery rotate'");
    } catch (IOException e) {
      throw new VaultException("cannot read keys/recovery.slot: " + e.getMessage(), e);
    }
  }

  /** A RECOVER DENY entry and an INCIDENT for a slot that is not to be trusted; counts toward nobody's lockout. */
  private static IntegrityException unreadable(DefaultVault vault, String admin, IntegrityException e) {
    IntegrityException keys = e.rule() == IncidentRule.INTEGRITY_OTHER ? new IntegrityException(IncidentRule.INTEGRITY_KEYS, e.getMessage(), e) : e;
    vault.log().append(AccessLog.Event.deny(admin, Action.RECOVER, SLOT_UNREADABLE, null, null));
    vault.incident(admin, keys);
    return keys;
  }

  /** The recovery slot's bytes as they are, or null if the vault has none yet. */
  static byte[] readSlotIfAny(DefaultVault vault) {
    try {
      return Files.readAllBytes(vault.layout().recoverySlot());
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new VaultException("cannot read the recovery slot: " + e.getMessage(), e);
    }
  }

  /** Writes back a slot {@link #readSlotIfAny} read, once the rotation that replaced it was refused. */
  static void putBackSlot(DefaultVault vault, byte[] slot) {
    try {
      Durable.replaceSecret(vault.layout().recoverySlot(), slot);
    } catch (IOException e) {
      throw new VaultException("cannot put the recovery slot back: " + e.getMessage(), e);
    }
  }

  /** Writes the recovery slot for {@code key}, destroying the bytes of the one it replaces. */
  static void writeSlot(DefaultVault vault, RecoveryKey key, KeysetHandle master) {
    try {
      Durable.replaceSecret(vault.layout().recoverySlot(), RecoverySlot.seal(vault.id(), key, master));
    } catch (IOException e) {
      throw new VaultException("cannot write the recovery slot: " + e.getMessage(), e);
    }
  }
}
