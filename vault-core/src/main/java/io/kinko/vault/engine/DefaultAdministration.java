package io.kinko.vault.engine;

import io.kinko.vault.*;

import io.kinko.vault.acl.AccessRules;
import io.kinko.vault.acl.GrantStore;
import io.kinko.vault.acl.UserRegistry;
import io.kinko.vault.state.VaultState;
import io.kinko.vault.alert.SinkConfig;
import io.kinko.vault.store.Settings;
import java.sql.Connection;
import java.sql.SQLException;
import io.kinko.vault.crypto.KeySlot;
import io.kinko.vault.crypto.VaultKeys;
import io.kinko.vault.store.Durable;
import io.kinko.vault.store.VaultPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * User and grant management for an administrator's session (clauses 5(3), 5(5), 5(8)). Every call
 * checks the ADMIN role first and appends exactly one log entry: ALLOW when it took effect, DENY
 * with the reason when it was refused.
 */
final class DefaultAdministration implements Administration {
  private static final String GRANT_PREFIX = "grant-prefix";
  private final DefaultSession session;
  private final DefaultVault vault;
  private final String actor;

  DefaultAdministration(DefaultSession session) {
    this.session = session;
    this.vault = session.engineVault();
    this.actor = session.user();
  }

  @Override
  public UserInfo addUser(String name, Role role, Password password, LocalDate expires) {
    admin(Action.USER_ADD);
    Objects.requireNonNull(role, "role");
    if (!UserRegistry.validName(name)) {
      throw refused(Action.USER_ADD, "invalid user name", new IllegalArgumentException(
          "user name '" + name + "' must be 1-64 of a-z 0-9 . _ - starting with a letter or digit"));
    }
    checkStrength(Action.USER_ADD, name, password);
    if (find(name) != null) {
      throw refused(Action.USER_ADD, "user " + name + " exists already", new VaultException("user '" + name + "' exists already"));
    }
    LocalDate until = expires != null ? expires : vault.contract().end().plusDays(vault.accessPolicy().graceDays());
    UserInfo user = new UserInfo(name, role, AccountStatus.ACTIVE, 0, until, false, Instant.now());
    logged(Action.USER_ADD, "added " + name + " as " + role + " until " + until, null, (c, changes, seq) -> {
      if (UserRegistry.checked(session.state(), c, name).isPresent()) {
        throw new VaultException("user '" + name + "' exists already");
      }
      writeSlot(name, password);
      UserRegistry.insert(c, changes, user, seq);
    });
    return user;
  }

  @Override
  public void resetPassword(String name, Password password) {
    admin(Action.USER_PASSWD);
    UserInfo user = existing(Action.USER_PASSWD, name);
    if (user.status() == AccountStatus.DISABLED) {
      throw refused(Action.USER_PASSWD, name + " is disabled", new VaultException("user '" + name + "' is disabled"));
    }
    checkStrength(Action.USER_PASSWD, name, password);
    logged(Action.USER_PASSWD, "password of " + name + " reset", null, (c, changes, seq) -> writeSlot(name, password));
  }

  @Override
  public void lock(String name) {
    admin(Action.USER_LOCK);
    UserInfo user = existing(Action.USER_LOCK, name);
    requireNotLastAdmin(Action.USER_LOCK, user);
    logged(Action.USER_LOCK, "locked " + name, null, (c, changes, seq) -> {
      requireNotLastAdmin(c, changes, name);
      UserRegistry.setStatus(c, changes, name, AccountStatus.LOCKED, seq);
    });
  }

  @Override
  public void unlock(String name) {
    admin(Action.USER_UNLOCK);
    UserInfo user = existing(Action.USER_UNLOCK, name);
    if (user.status() == AccountStatus.DISABLED) {
      throw refused(Action.USER_UNLOCK, name + " is disabled", new VaultException("user '" + name + "' is disabled and cannot be unlocked"));
    }
    logged(Action.USER_UNLOCK, "unlocked " + name, null, (c, changes, seq) -> UserRegistry.setStatus(c, changes, name, AccountStatus.ACTIVE, seq));
  }

  @Override
  public void disable(String name) {
    admin(Action.USER_DISABLE);
    UserInfo user = existing(Action.USER_DISABLE, name);
    requireNotLastAdmin(Action.USER_DISABLE, user);
    logged(Action.USER_DISABLE, "disabled " + name + ", key slot destroyed", null, (c, changes, seq) -> {
      requireNotLastAdmin(c, changes, name);
      try {
        if (Files.exists(vault.layout().userSlot(name))) {
          Durable.destroy(vault.layout().userSlot(name));
        }
        if (Files.exists(vault.layout().tokenSlot(name))) {
          Durable.destroy(vault.layout().tokenSlot(name));
        }
      } catch (IOException e) {
        throw new VaultException("cannot destroy the key slot of '" + name + "': " + e.getMessage(), e);
      }
      UserRegistry.setStatus(c, changes, name, AccountStatus.DISABLED, seq);
      GrantStore.removeAll(c, changes, name);
      TokenLogins.enrolled(c, changes, name, false, actor, vault.clock().millis(), seq);
    });
  }

  @Override
  public List<UserInfo> users() {
    admin(Action.USER_LIST);
    allowed(Action.USER_LIST, "user list");
    return session.readState(c -> UserRegistry.allChecked(session.state(), c)).stream()
        .map(u -> AccessRules.effective(u, vault.accessPolicy().lockoutAfter())).toList();
  }

  @Override
  public Grant grant(String name, String prefix, Set<Permission> permissions) {
    admin(Action.GRANT);
    VaultPath path = path(Action.GRANT, prefix);
    if (permissions.isEmpty()) {
      throw refused(Action.GRANT, "no permissions given", new IllegalArgumentException("a grant needs at least one permission"));
    }
    UserInfo user = existing(Action.GRANT, name);
    AccessRules.Decision grantable = AccessRules.grantable(user.role(), permissions);
    if (!grantable.allowed() || user.status() == AccountStatus.DISABLED) {
      String reason = grantable.allowed() ? name + " is disabled" : grantable.reason();
      throw refused(Action.GRANT, reason, new VaultException("cannot grant to '" + name + "': " + reason));
    }
    String tag = session.files().pathTag(path);
    long now = Instant.now().toEpochMilli();
    EnumSet<Permission> merged = EnumSet.copyOf(permissions);
    // The union is read and written in one unit of work under the state lock: two hosts granting
    // at once both keep their permissions.
    logged(Action.GRANT, Permission.format(permissions) + " to " + name, tag, (c, changes, seq) -> {
      UserInfo current = UserRegistry.checked(session.state(), c, name).orElseThrow(() -> new NotFoundException("no user '" + name + "'"));
      if (current.status() == AccountStatus.DISABLED) {
        throw new VaultException("cannot grant to '" + name + "': " + name + " is disabled");
      }
      GrantStore.find(c, changes, name, tag).ifPresent(g -> merged.addAll(g.permissions()));
      GrantStore.put(c, changes, new GrantStore.Row(name, tag, sealPrefix(session.keys(), name, path), merged, actor, now), seq);
    });
    return new Grant(name, path.value(), merged, actor, Instant.ofEpochMilli(now));
  }

  @Override
  public void revoke(String name, String prefix, Set<Permission> permissions) {
    admin(Action.REVOKE);
    VaultPath path = path(Action.REVOKE, prefix);
    String tag = session.files().pathTag(path);
    boolean held = session.readState(c -> GrantStore.forUser(session.state(), c, name)).stream().anyMatch(g -> g.prefixTag().equals(tag));
    if (!held) {
      throw refused(Action.REVOKE, "no grant to " + name + " on this prefix",
          new NotFoundException("'" + name + "' holds no grant on '" + path + "'"));
    }
    logged(Action.REVOKE, (permissions.isEmpty() ? "all" : Permission.format(permissions)) + " from " + name, tag, (c, changes, seq) -> {
      GrantStore.Row existing = GrantStore.find(c, changes, name, tag)
          .orElseThrow(() -> new NotFoundException("'" + name + "' holds no grant on '" + path + "'"));
      EnumSet<Permission> left = EnumSet.copyOf(existing.permissions());
      left.removeAll(permissions.isEmpty() ? EnumSet.allOf(Permission.class) : permissions);
      GrantStore.put(c, changes, new GrantStore.Row(name, tag, existing.sealedPrefix(), left, actor, Instant.now().toEpochMilli()), seq);
    });
  }

  @Override
  public List<Grant> acl(String prefix) {
    admin(Action.ACL);
    VaultPath path = path(Action.ACL, prefix);
    allowed(Action.ACL, "grant list");
    return session.readState(c -> GrantStore.all(session.state(), c)).stream()
        .map(g -> new Grant(g.user(), openPrefix(session.keys(), g), g.permissions(), g.grantedBy(), Instant.ofEpochMilli(g.grantedAt())))
        .filter(g -> path.contains(VaultPath.of(g.prefix())) || VaultPath.of(g.prefix()).contains(path))
        .sorted(Comparator.comparing(Grant::prefix).thenComparing(Grant::user))
        .toList();
  }

  @Override
  public AlertSink addAlertSink(AlertSinkSpec spec) {
    admin(Action.ALERT);
    Objects.requireNonNull(spec, "spec");
    try {
      SinkConfig.check(spec.kind(), spec.target(), spec.to(), spec.from(), spec.user(), spec.password() != null);
      if (spec.caPem() != null) {
        SinkConfig.requireCertificates(spec.caPem());
      }
    } catch (IllegalArgumentException e) {
      throw refused(Action.ALERT, "invalid alert sink: " + e.getMessage(), e);
    }
    String[] id = new String[1];
    SinkConfig[] added = new SinkConfig[1];
    long now = Instant.now().toEpochMilli();
    logged(Action.ALERT, "added alert sink " + spec.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + SinkConfig.shown(spec.kind(), spec.target()),
        null, (c, changes, seq) -> {
          id[0] = "s" + seq;
          String sealed = spec.password() == null ? null : sealPassword(id[0], spec.password());
          added[0] = new SinkConfig(spec.kind(), spec.target(), spec.to(), spec.from(), spec.startTls(), spec.user(), sealed, spec.caPem(), seq + 1);
          Settings.put(c, changes, new Settings.Setting(SinkConfig.PREFIX + id[0], added[0].toJson(), actor, now, seq));
        });
    return added[0].view(id[0], actor, Instant.ofEpochMilli(now));
  }

  @Override
  public List<AlertSink> alertSinks() {
    admin(Action.ALERT);
    allowed(Action.ALERT, "alert sink list");
    return session.readState(c -> Settings.withPrefix(session.state(), c, SinkConfig.PREFIX)).stream()
        .map(s -> SinkConfig.parse(s.value()).view(s.name().substring(SinkConfig.PREFIX.length()), s.setBy(), Instant.ofEpochMilli(s.setAt())))
        .sorted(Comparator.comparingLong(a -> Long.parseLong(a.id().substring(1))))
        .toList();
  }

  @Override
  public void removeAlertSink(String id) {
    admin(Action.ALERT);
    session.door().passChange(Action.ALERT, () -> sink(id) == null ? Door.Verdict.notFound(null, "no alert sink '" + id + "'")
        : Door.Verdict.allow("removed alert sink " + id, null, (Void) null), (none, entry) -> session.changeState((c, changes) -> {
          if (!Settings.remove(c, changes, SinkConfig.PREFIX + id)) {
            throw new NotFoundException("no alert sink '" + id + "'");
          }
          return null;
        }));
  }

  @Override
  public AlertDelivery testAlertSink(String id) {
    admin(Action.ALERT);
    return session.door().pass(Action.ALERT, () -> {
      SinkConfig sink = sink(id);
      return sink == null ? Door.Verdict.notFound(null, "no alert sink '" + id + "'") : Door.Verdict.allow("test of alert sink " + id, null, sink);
    }, (sink, entry) -> vault.alerts().test(id, sink, entry.seq(), actor));
  }

  /** The sink {@code id} as the checked state holds it, or null. */
  private SinkConfig sink(String id) {
    if (id == null || !id.matches("s[0-9]{1,18}")) {
      return null;
    }
    return session.readState(c -> Settings.get(session.state(), c, SinkConfig.PREFIX + id)).map(s -> SinkConfig.parse(s.value())).orElse(null);
  }

  /** The password sealed under the master key, bound to the sink's id; the UTF-8 copy is zeroed. */
  private String sealPassword(String id, Password password) {
    java.nio.ByteBuffer utf8 = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password.chars()));
    byte[] plain = new byte[utf8.remaining()];
    utf8.get(plain);
    java.util.Arrays.fill(utf8.array(), (byte) 0);
    try {
      return Base64.getEncoder().encodeToString(session.keys().seal(SinkConfig.PASSWORD_PURPOSE, plain, id));
    } finally {
      java.util.Arrays.fill(plain, (byte) 0);
    }
  }

  @Override
  public IncidentPolicy incidentPolicy() {
    admin(Action.POLICY);
    allowed(Action.POLICY, "incident policy shown");
    IncidentPolicy policy = session.readState(c -> storedPolicy(session.state(), c));
    vault.incidentPolicyChecked(policy);
    return policy;
  }

  @Override
  public void setIncidentPolicy(IncidentPolicy policy) {
    admin(Action.POLICY);
    Objects.requireNonNull(policy, "policy");
    IncidentPolicy old = session.readState(c -> storedPolicy(session.state(), c));
    String value = PolicyCodec.encode(policy);
    logged(Action.POLICY, "incident policy " + changes(old, policy), null, (c, changes, seq) -> {
      storedPolicy(session.state(), c); // under the state lock: what the change replaces is checked too
      io.kinko.vault.store.Settings.put(c, changes,
          new io.kinko.vault.store.Settings.Setting(PolicyCodec.SETTING, value, actor, vault.clock().millis(), seq));
    });
    vault.incidentPolicyChecked(policy);
  }

  @Override
  public java.util.Optional<String> cityRecipient() {
    admin(Action.POLICY);
    allowed(Action.POLICY, "city recipient shown");
    return java.util.Optional.ofNullable(session.cityRecipient());
  }

  @Override
  public void setCityRecipient(String ageRecipient) {
    admin(Action.POLICY);
    String value = io.kinko.vault.crypto.AgeSeal.requireRecipient(ageRecipient);
    String old = session.cityRecipient();
    logged(Action.POLICY, "city recipient " + (old == null ? "none" : old) + " -> " + value, null, (c, changes, seq) ->
        io.kinko.vault.store.Settings.put(c, changes,
            new io.kinko.vault.store.Settings.Setting(DefaultSession.CITY_RECIPIENT, value, actor, vault.clock().millis(), seq)));
  }

  @Override
  public RecoveryKey rotateRecoveryKey() {
    admin(Action.RECOVERY_ROTATE);
    String old = session.readState(c -> Settings.get(session.state(), c, Recovery.SETTING)).map(Settings.Setting::value).orElse("none");
    RecoveryKey key = RecoveryKey.wrap(io.kinko.vault.crypto.Bytes.random(RecoveryKey.BYTES));
    String fingerprint = key.fingerprint();
    byte[][] replaced = {null}; // the slot the rotation replaced, sealed to the old key: put back if the change is refused
    try {
      logged(Action.RECOVERY_ROTATE, "recovery key " + old + " -> " + fingerprint, null, (c, changes, seq) -> {
        Settings.get(session.state(), c, Recovery.SETTING); // under the state lock: what the rotation replaces is checked too
        replaced[0] = Recovery.readSlotIfAny(vault);
        Recovery.writeSlot(vault, key, session.keys().masterKeyset());
        Settings.put(c, changes, new Settings.Setting(Recovery.SETTING, fingerprint, actor, vault.clock().millis(), seq));
      });
      return key;
    } catch (io.kinko.vault.OutcomeUnknownException e) {
      // The database may name either key; the slot is the new one's, and the new key is not handed out.
      key.close();
      throw new io.kinko.vault.OutcomeUnknownException(e.getMessage() + "; the recovery slot holds a key that was not handed out:"
          + " rotate the recovery key again", e);
    } catch (RuntimeException e) {
      key.close();
      Optional<String> stored = storedFingerprint();
      if (stored.filter(fingerprint::equals).isPresent()) {
        // Stored, then failed (the log refused the checkpoint after it): the slot is the one the database names.
        String again = "; the rotation is stored, but its new key was not handed out: rotate the recovery key again";
        throw e instanceof IntegrityException damage ? new IntegrityException(damage.rule(), damage.evidence(), damage.getMessage() + again, damage)
            : new VaultException(e.getMessage() + again, e);
      }
      // Refused: the database still names the old key, which the administrator holds, so its slot goes back;
      // unless it names another rotation's key, stored meanwhile (another session, another host), whose slot is there.
      if (replaced[0] != null && stored.map(old::equals).orElse(true)) {
        try {
          Recovery.putBackSlot(vault, replaced[0]);
        } catch (RuntimeException again) {
          e.addSuppressed(again);
        }
      }
      throw e;
    }
  }

  /** The recovery key's fingerprint the database names, if it can be read. */
  private Optional<String> storedFingerprint() {
    try {
      return session.readState(c -> Settings.get(session.state(), c, Recovery.SETTING)).map(Settings.Setting::value);
    } catch (RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  @Override
  public List<TokenInfo> tokens() {
    admin(Action.USER_LIST);
    allowed(Action.USER_LIST, "token list");
    return TokenEnrolment.all(vault, session.readState(c -> UserRegistry.allChecked(session.state(), c)));
  }

  @Override
  public Set<Role> twoFactorRoles() {
    admin(Action.POLICY);
    allowed(Action.POLICY, "two-factor roles shown");
    return session.readState(c -> TokenLogins.roles(session.state(), c));
  }

  @Override
  public void setTwoFactorRoles(Set<Role> roles) {
    admin(Action.POLICY);
    Objects.requireNonNull(roles, "roles");
    String old = TokenLogins.format(session.readState(c -> TokenLogins.roles(session.state(), c)));
    String value = TokenLogins.format(roles);
    logged(Action.POLICY, "two-factor roles " + (old.isEmpty() ? "none" : old) + " -> " + (value.isEmpty() ? "none" : value), null,
        (c, changes, seq) -> Settings.put(c, changes, new Settings.Setting(TokenLogins.SETTING, value, actor, vault.clock().millis(), seq)));
  }

  /** The stored incident policy, checked against the state; the default when none was set. */
  static IncidentPolicy storedPolicy(VaultState state, Connection c) throws SQLException {
    return io.kinko.vault.store.Settings.get(state, c, PolicyCodec.SETTING).map(s -> PolicyCodec.decode(s.value()))
        .orElse(IncidentPolicy.DEFAULT);
  }

  /** What a policy change changes, old -> new, as the POLICY entry names it. */
  static String changes(IncidentPolicy old, IncidentPolicy now) {
    List<String> out = new java.util.ArrayList<>();
    change(out, "failed-logins", old.failedLogins(), now.failedLogins());
    change(out, "unknown-users", old.unknownUsers(), now.unknownUsers());
    change(out, "denied", old.deniedOperations(), now.deniedOperations());
    change(out, "mass-read", old.massRead(), now.massRead());
    change(out, "working-hours", old.workingHours(), now.workingHours());
    return out.isEmpty() ? "unchanged" : String.join("; ", out);
  }

  private static void change(List<String> out, String key, Object old, Object now) {
    if (!old.equals(now)) {
      out.add(key + " " + old + " -> " + now);
    }
  }

  static String sealPrefix(VaultKeys keys, String user, VaultPath prefix) {
    return Base64.getEncoder().encodeToString(keys.seal(GRANT_PREFIX, prefix.value().getBytes(StandardCharsets.UTF_8), user));
  }

  static String openPrefix(VaultKeys keys, GrantStore.Row row) {
    return new String(keys.open(GRANT_PREFIX, Base64.getDecoder().decode(row.sealedPrefix()), row.user()), StandardCharsets.UTF_8);
  }

  private void admin(Action action) {
    session.door().check(action, AccessRules.administer(session.role()), null);
  }

  private void allowed(Action action, String reason) {
    session.door().note(action, reason);
  }

  /** A change of state rows, made under the state lock; {@code seq} is its ALLOW entry's. */
  @FunctionalInterface
  private interface Change {
    void run(Connection c, VaultState.Changes changes, long seq) throws SQLException;
  }

  /**
   * Logs the ALLOW entry durably first, then makes the change as one unit of work under the state
   * lock, re-checking there what the decision read (a concurrent change on another host may have
   * moved it): a crash in between leaves an entry for a change that did not happen, never a change
   * without an entry. A change that fails after its entry gets a DENY entry saying so.
   */
  private void logged(Action action, String reason, String nameTag, Change change) {
    session.door().passChange(action, () -> Door.Verdict.allow(reason, nameTag, (Void) null), (none, entry) ->
        session.changeState((c, changes) -> {
          change.run(c, changes, entry.seq());
          return null;
        }));
  }

  /** Logs the refusal and returns the exception to throw. */
  private RuntimeException refused(Action action, String reason, RuntimeException e) {
    return session.door().refuse(action, reason, null, e);
  }

  private VaultPath path(Action action, String prefix) {
    try {
      return VaultPath.of(prefix);
    } catch (IllegalArgumentException e) {
      throw refused(action, "malformed path", e);
    }
  }

  private UserInfo find(String name) {
    return UserRegistry.validName(name) ? session.readState(c -> UserRegistry.checked(session.state(), c, name)).orElse(null) : null;
  }

  private UserInfo existing(Action action, String name) {
    UserInfo user = find(name);
    if (user == null) {
      throw refused(action, "no user " + (UserRegistry.validName(name) ? name : "(invalid name)"),
          new NotFoundException("no user '" + name + "'"));
    }
    return user;
  }

  private void checkStrength(Action action, String name, Password password) {
    AccessRules.Decision strong = AccessRules.password(name, password.chars(), vault.accessPolicy().minPasswordLength());
    if (!strong.allowed()) {
      throw refused(action, "weak password: " + strong.reason(), new IllegalArgumentException("weak password for '" + name + "': " + strong.reason()));
    }
  }

  private void requireNotLastAdmin(Action action, UserInfo user) {
    if (session.readState(c -> lastAdmin(UserRegistry.allChecked(session.state(), c), user.name()))) {
      throw refused(action, user.name() + " is the last active administrator", lastAdminException(user.name()));
    }
  }

  /** The same check inside the change, under the state lock, so two hosts cannot lock out the last two administrators at once. */
  private void requireNotLastAdmin(Connection c, VaultState.Changes changes, String name) throws SQLException {
    if (lastAdmin(UserRegistry.allChecked(session.state(), c), name)) {
      throw lastAdminException(name);
    }
  }

  private static boolean lastAdmin(List<UserInfo> users, String name) {
    boolean isActiveAdmin = users.stream().anyMatch(u -> u.name().equals(name) && u.role() == Role.ADMIN && u.status() == AccountStatus.ACTIVE);
    return isActiveAdmin && users.stream().noneMatch(u -> !u.name().equals(name) && u.role() == Role.ADMIN && u.status() == AccountStatus.ACTIVE);
  }

  private static VaultException lastAdminException(String name) {
    return new VaultException("'" + name + "' is the last active administrator; add another first");
  }

  private void writeSlot(String name, Password password) {
    writeSlot(vault, name, password, session.keys().masterKeyset());
  }

  /** Writes {@code name}'s key slot for {@code password}, destroying the bytes of the one it replaces. */
  static void writeSlot(DefaultVault vault, String name, Password password, com.google.crypto.tink.KeysetHandle master) {
    try {
      Durable.replaceSecret(vault.layout().userSlot(name), KeySlot.seal(vault.id(), name, password, master, vault.passwordCost()));
    } catch (IOException e) {
      throw new VaultException("cannot write the key slot of '" + name + "': " + e.getMessage(), e);
    }
  }
}
