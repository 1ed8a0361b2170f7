package io.kinko.vault.engine;

import com.google.crypto.tink.KeysetHandle;
import io.kinko.vault.AuthenticationException;
import io.kinko.vault.Password;
import io.kinko.vault.Role;
import io.kinko.vault.TokenCredential;
import io.kinko.vault.UserInfo;
import io.kinko.vault.acl.AccessRules;
import io.kinko.vault.crypto.KeySlot;
import io.kinko.vault.crypto.TokenKey;
import io.kinko.vault.crypto.TokenSlot;
import io.kinko.vault.state.VaultState;
import io.kinko.vault.store.Settings;
import io.kinko.vault.store.VaultLayout;
import io.kinko.vault.token.HardwareToken;
import io.kinko.vault.token.TokenFailure;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Opening the master keyset with the factors a login presents: the password slot, the token slot
 * (on the token, with its PIN), or both; and the two-factor policy (setting {@value #SETTING}).
 */
final class TokenLogins {
  static final String SETTING = "two-factor";
  /**
   * The setting that records, in the checked state, that a user's token slot is two-factor: the
   * slot file alone could be deleted and an old password slot put back to pass as "pending".
   */
  static final String ENROLLED = "two-factor-enrolled:";

  private TokenLogins() {}

  /** The master keyset and the factors that opened it. */
  record Unlocked(KeysetHandle master, String factors) {}

  /** A login refused before any secret was tried: a LOGIN DENY with {@code reason}, not counted. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    Refused(String reason, String user, String advice) {
      this(reason, new AuthenticationException("authentication failed for '" + user + "': " + reason + "; " + advice));
    }

    Refused(String reason, AuthenticationException exception) {
      super(reason, null, false, false);
      this.reason = reason;
      this.exception = exception;
    }

    private final transient AuthenticationException exception;

    String reason() {
      return reason;
    }

    AuthenticationException exception() {
      return exception;
    }
  }

  /**
   * Opens the slots the factors need.
   *
   * @throws Refused when the factors cannot open the user's slots (no token enrolled, one factor of two)
   * @throws TokenFailure when the token is wrong, absent, locked or refuses the PIN
   * @throws AuthenticationException when the password is wrong
   * @throws io.kinko.vault.IntegrityException when a slot is damaged, crafted or missing
   */
  static Unlocked unlock(DefaultVault vault, String user, Password password, TokenCredential token) {
    VaultLayout layout = vault.layout();
    boolean holdsToken = Files.exists(layout.tokenSlot(user));
    if (token == null) {
      if (holdsToken && !Files.exists(layout.userSlot(user))) {
        throw new Refused("two-factor: token missing", user, "log in with the token and the password together");
      }
      return new Unlocked(openPassword(vault, user, password), AccessRules.PASSWORD);
    }
    if (!holdsToken) {
      // Told apart from an unknown name only in the log: the refusal reads as DefaultVault.login's for
      // an unknown name, and a password given costs its derivation there and here alike.
      throw new Refused("no token enrolled", password == null ? unknownOrNoToken(user)
          : KeySlot.refuseWithoutSlot(user, password, vault.passwordCost()));
    }
    TokenSlot.Slot slot = TokenSlot.parse(DefaultVault.readKeyFile(layout.tokenSlot(user), "token slot of '" + user + "'"), user);
    if (slot.twoFactor() && password == null) {
      throw new Refused("two-factor: password missing", user, "log in with the password and the token together");
    }
    try (HardwareToken hardware = HardwareToken.open(token.module(), token.label(), slot.serial(), token.pin().chars())) {
      TokenKey key = hardware.key(slot.alias());
      if (!Arrays.equals(key.publicKey().getEncoded(), slot.publicKey())) {
        throw new TokenFailure(TokenFailure.Reason.KEY_MISSING, "key pair '" + slot.alias() + "' on token '" + hardware.label()
            + "' is not the one enrolled (it was replaced on the token)");
      }
      if (slot.twoFactor()) {
        return new Unlocked(TokenSlot.open(slot, vault.id(), key, password), AccessRules.BOTH);
      }
      KeysetHandle master = TokenSlot.open(slot, vault.id(), key, null);
      if (password == null) {
        return new Unlocked(master, AccessRules.TOKEN);
      }
      openPassword(vault, user, password); // both presented: both must open
      return new Unlocked(master, AccessRules.BOTH);
    }
  }

  /** The refusal of a token-only login for a name that is unknown or has no token: one text for both. */
  static AuthenticationException unknownOrNoToken(String user) {
    return new AuthenticationException("authentication failed for '" + user + "': unknown user or no token enrolled");
  }

  private static KeysetHandle openPassword(DefaultVault vault, String user, Password password) {
    return KeySlot.open(DefaultVault.readKeyFile(vault.layout().userSlot(user), "key slot of '" + user + "'"), vault.id(), user, password);
  }

  /** What a LOGIN DENY entry says of a token that failed without a PIN being refused. */
  static String denial(TokenFailure e) {
    return switch (e.reason()) {
      case WRONG_PIN -> "wrong PIN";
      case PIN_LOCKED -> "token locked";
      case ABSENT -> "token not present";
      case OTHER_TOKEN -> "another token";
      case KEY_MISSING -> "token key missing";
      case MODULE -> "token module failed";
    };
  }

  /** The two-factor policy's verdict on a login that opened the slots with {@code factors}. */
  static AccessRules.Decision decide(DefaultVault vault, VaultState state, UserInfo user, String factors) {
    boolean holdsToken = Files.exists(vault.layout().tokenSlot(user.name()));
    Set<Role> roles;
    try {
      // Whoever writes the folder can delete the slot file: the checked state says whether a
      // two-factor slot was enrolled. Its row shares the settings' one bucket with the policy row,
      // so an edit of either is handled below, as the policy row's always was.
      boolean lookUp = !holdsToken && !AccessRules.BOTH.equals(factors);
      boolean[] enrolled = new boolean[1];
      roles = vault.database().inTransaction(c -> {
        enrolled[0] = lookUp && Settings.get(state, c, ENROLLED + user.name()).isPresent();
        return roles(state, c);
      });
      holdsToken |= enrolled[0];
    } catch (io.kinko.vault.IntegrityException e) {
      // An edited settings row: where the policy could refuse this login, refuse it (an INCIDENT);
      // where it could not (both factors, or a password of a user with no token), the login stands
      // and the incident policy's checked read right after reports the edit.
      boolean couldRefuse = !AccessRules.BOTH.equals(factors) && (holdsToken || AccessRules.TOKEN.equals(factors));
      if (couldRefuse) {
        throw e;
      }
      roles = EnumSet.noneOf(Role.class);
    }
    return AccessRules.factors(user.role(), roles, factors, holdsToken);
  }

  /** The roles under the two-factor policy, checked against the state. */
  static Set<Role> roles(VaultState state, Connection c) throws SQLException {
    return Settings.get(state, c, SETTING).map(s -> parse(s.value())).orElse(EnumSet.noneOf(Role.class));
  }

  /** Records (or, with {@code twoFactor} false, forgets) in the state that {@code user}'s token slot is two-factor. */
  static void enrolled(Connection c, VaultState.Changes changes, String user, boolean twoFactor, String by, long at, long seq)
      throws SQLException {
    if (twoFactor) {
      Settings.put(c, changes, new Settings.Setting(ENROLLED + user, AccessRules.BOTH, by, at, seq));
    } else {
      Settings.remove(c, changes, ENROLLED + user);
    }
  }

  static Set<Role> parse(String value) {
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        roles.add(Role.valueOf(part.trim().toUpperCase(Locale.ROOT)));
      }
    }
    return roles;
  }

  static String format(Set<Role> roles) {
    return roles.stream().sorted().map(Role::name).collect(Collectors.joining(","));
  }
}
