package io.kinko.vault.engine;

import io.kinko.vault.AccountStatus;
import io.kinko.vault.Action;
import io.kinko.vault.AuthenticationException;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.NotFoundException;
import io.kinko.vault.Password;
import io.kinko.vault.Role;
import io.kinko.vault.TokenCredential;
import io.kinko.vault.TokenInfo;
import io.kinko.vault.UserInfo;
import io.kinko.vault.VaultException;
import io.kinko.vault.acl.AccessRules;
import io.kinko.vault.acl.UserRegistry;
import io.kinko.vault.crypto.KeySlot;
import io.kinko.vault.crypto.TokenKey;
import io.kinko.vault.crypto.TokenSlot;
import io.kinko.vault.store.Durable;
import io.kinko.vault.store.VaultLayout;
import io.kinko.vault.token.HardwareToken;
import io.kinko.vault.token.TokenFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Enrolling and removing a user's token. A two-factor slot is proven to open (token and password)
 * before the user's password-only slot is destroyed, so a failure midway loses no way in.
 */
final class TokenEnrolment {
  /** The key pair used or generated when none is named. */
  static final String DEFAULT_KEY = "kinko";

  private final DefaultSession session;
  private final DefaultVault vault;

  TokenEnrolment(DefaultSession session) {
    this.session = session;
    this.vault = session.engineVault();
  }

  TokenInfo add(String user, TokenCredential token, String keyId, Password password) {
    Door door = session.door();
    door.check(Action.TOKEN_ADD, AccessRules.token(session.role(), session.user(), user), null);
    UserInfo target = target(Action.TOKEN_ADD, user);
    boolean own = user.equals(session.user());
    Set<Role> twoFactor = session.readState(c -> TokenLogins.roles(session.state(), c));
    if (password == null && twoFactor.contains(target.role())) {
      throw door.refuse(Action.TOKEN_ADD, "two-factor required for " + target.role() + ": no password given", null,
          new IllegalArgumentException("the vault's two-factor policy covers " + target.role() + ": enrol '" + user
              + "' with a password too (--two-factor)"));
    }
    if (password != null) {
      checkPassword(user, own, password);
    }
    String alias = keyId == null ? DEFAULT_KEY : keyId;
    VaultLayout layout = vault.layout();
    try (HardwareToken hardware = open(token)) {
      TokenKey key = key(hardware, alias, keyId != null);
      byte[] sealed;
      try {
        sealed = TokenSlot.seal(vault.id(), user, hardware.label(), hardware.serial(), key, password, vault.passwordCost(),
            session.keys().masterKeyset());
      } catch (IllegalArgumentException e) {
        throw door.refuse(Action.TOKEN_ADD, "unusable token key: " + e.getMessage(), null, e);
      }
      TokenSlot.Slot slot = TokenSlot.parse(sealed, user);
      TokenSlot.open(slot, vault.id(), key, password); // proven to open before anything is replaced or destroyed
      String reason = "token '" + hardware.label() + "' (serial " + hardware.serial() + ") key " + alias + " " + slot.algorithm().id()
          + " for " + user + (slot.twoFactor() ? ", two-factor: password-only slot destroyed" : "");
      door.pass(Action.TOKEN_ADD, () -> Door.Verdict.allow(reason, null, (Void) null), (none, entry) -> {
        write(layout.tokenSlot(user), sealed);
        session.changeState((c, changes) -> {
          TokenLogins.enrolled(c, changes, user, slot.twoFactor(), session.user(), vault.clock().millis(), entry.seq());
          return null;
        });
        if (slot.twoFactor() && Files.exists(layout.userSlot(user))) {
          destroy(layout.userSlot(user));
        }
        return null;
      });
      return info(slot);
    }
  }

  void remove(String user) {
    Door door = session.door();
    door.check(Action.TOKEN_REMOVE, AccessRules.token(session.role(), session.user(), user), null);
    target(Action.TOKEN_REMOVE, user);
    VaultLayout layout = vault.layout();
    door.pass(Action.TOKEN_REMOVE, () -> {
      if (!Files.exists(layout.tokenSlot(user))) {
        return Door.Verdict.notFound(null, "'" + user + "' has no token enrolled");
      }
      if (!Files.exists(layout.userSlot(user))) {
        return Door.Verdict.refuse("token slot is the only slot of " + user, null, () -> new VaultException("the token slot is the only key slot of '"
            + user + "' (two-factor): an administrator sets a password first ('kinko user passwd " + user + "'), then removes the token"));
      }
      return Door.Verdict.allow("token of " + user + " removed, slot destroyed", null, (Void) null);
    }, (none, entry) -> {
      session.changeState((c, changes) -> {
        TokenLogins.enrolled(c, changes, user, false, session.user(), vault.clock().millis(), entry.seq());
        return null;
      });
      destroy(layout.tokenSlot(user));
      return null;
    });
  }

  /** Every enrolled token; a slot that does not parse is shown as unreadable rather than hiding the others. */
  static List<TokenInfo> all(DefaultVault vault, List<UserInfo> users) {
    return users.stream().filter(u -> Files.exists(vault.layout().tokenSlot(u.name()))).map(u -> {
      try {
        return info(TokenSlot.parse(DefaultVault.readKeyFile(vault.layout().tokenSlot(u.name()), "token slot"), u.name()));
      } catch (IntegrityException e) {
        return new TokenInfo(u.name(), "(unreadable)", "", "", "", false);
      }
    }).toList();
  }

  private static TokenInfo info(TokenSlot.Slot slot) {
    return new TokenInfo(slot.user(), slot.label(), slot.serial(), slot.alias(), slot.algorithm().id(), slot.twoFactor());
  }

  private UserInfo target(Action action, String user) {
    UserInfo target = UserRegistry.validName(user) ? session.readState(c -> UserRegistry.checked(session.state(), c, user)).orElse(null) : null;
    if (target == null) {
      throw session.door().refuse(action, "no user " + (UserRegistry.validName(user) ? user : "(invalid name)"),
          null, new NotFoundException("no user '" + user + "'"));
    }
    if (target.status() == AccountStatus.DISABLED) {
      throw session.door().refuse(action, user + " is disabled", null, new VaultException("user '" + user + "' is disabled"));
    }
    return target;
  }

  /**
   * One's own password must be the current one (while a password slot holds it); a password an
   * administrator sets for someone else, or one's own once only the two-factor slot holds it, must
   * be strong enough.
   */
  private void checkPassword(String user, boolean own, Password password) {
    Path slot = vault.layout().userSlot(user);
    if (own && Files.exists(slot)) {
      try {
        KeySlot.open(DefaultVault.readKeyFile(slot, "key slot of '" + user + "'"), vault.id(), user, password);
        return;
      } catch (AuthenticationException e) {
        throw session.door().refuse(Action.TOKEN_ADD, "wrong password", null, e);
      }
    }
    AccessRules.Decision strong = AccessRules.password(user, password.chars(), vault.accessPolicy().minPasswordLength());
    if (!strong.allowed()) {
      throw session.door().refuse(Action.TOKEN_ADD, "weak password: " + strong.reason(), null,
          new IllegalArgumentException("weak password for '" + user + "': " + strong.reason()));
    }
  }

  private HardwareToken open(TokenCredential token) {
    try {
      return HardwareToken.open(token.module(), token.label(), null, token.pin().chars());
    } catch (TokenFailure e) {
      throw session.door().refuse(Action.TOKEN_ADD, TokenLogins.denial(e), null, e);
    }
  }

  /** The key pair {@code alias}, generated when the token lacks it and it was named or the token holds none. */
  private TokenKey key(HardwareToken hardware, String alias, boolean named) {
    List<String> aliases = hardware.keyAliases();
    if (aliases.contains(alias)) {
      return hardware.key(alias);
    }
    if (!named && !aliases.isEmpty()) {
      throw session.door().refuse(Action.TOKEN_ADD, "several key pairs on the token", null, new IllegalArgumentException(
          "token '" + hardware.label() + "' holds key pairs " + aliases + " and none named '" + DEFAULT_KEY + "': choose one with --key-id"));
    }
    try {
      return hardware.generate(alias);
    } catch (IllegalArgumentException e) {
      throw session.door().refuse(Action.TOKEN_ADD, "invalid key id", null, e);
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Durable.replaceSecret(file, bytes);
    } catch (IOException e) {
      throw new VaultException("cannot write " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  private static void destroy(Path file) {
    try {
      Durable.destroy(file);
    } catch (IOException e) {
      throw new VaultException("cannot destroy " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }
}
