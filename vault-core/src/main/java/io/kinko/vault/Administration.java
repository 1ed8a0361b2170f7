package io.kinko.vault;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/** User and grant management of a vault; every call needs the ADMIN role and is logged. */
public interface Administration {
  /**
   * Registers a user with an initial password, which creates their key slot.
   *
   * @param expires last day the account may log in; null for the contract's end plus the grace
   * @throws AccessDeniedException if this session is not an administrator's
   * @throws IllegalArgumentException for an invalid name or a weak password
   * @throws VaultException if the user exists already
   */
  UserInfo addUser(String name, Role role, Password password, LocalDate expires);

  /**
   * Sets another user's password (the user may change their own with {@link Session#changePassword}).
   *
   * @throws NotFoundException if the user does not exist or is disabled
   */
  void resetPassword(String name, Password password);

  /** Locks an account: it cannot log in until {@link #unlock}. */
  void lock(String name);

  /** Unlocks an account and clears its failed-login count. */
  void unlock(String name);

  /**
   * Disables an account for good: its key slot is overwritten and removed, its grants dropped.
   *
   * @throws VaultException if it is the last active administrator
   */
  void disable(String name);

  /** Every registered user. */
  List<UserInfo> users();

  /**
   * Adds permissions on a path prefix to a user's grants (the union with what they hold there).
   *
   * @throws IllegalArgumentException for a malformed prefix or no permissions
   * @throws NotFoundException if the user does not exist
   * @throws VaultException if the user's role cannot hold file permissions
   */
  Grant grant(String name, String prefix, Set<Permission> permissions);

  /**
   * Removes permissions (all of them when {@code permissions} is empty) from a user's grant on a prefix.
   *
   * @throws NotFoundException if the user holds no grant on exactly that prefix
   */
  void revoke(String name, String prefix, Set<Permission> permissions);

  /** Grants at, above or below {@code prefix} ("" for all), ordered by prefix and user. */
  List<Grant> acl(String prefix);

  /**
   * The incident rules' thresholds and working hours (clause 6): the vault's setting, or {@link
   * IncidentPolicy#DEFAULT} when none was set.
   *
   * @throws AccessDeniedException if this session is not an administrator's
   * @throws IntegrityException if the stored policy was edited, removed or replayed outside Kinko
   */
  IncidentPolicy incidentPolicy();

  /**
   * Sets the incident policy; the POLICY entry names the old and the new values, and the setting
   * is written in one state update bound to it.
   *
   * @throws AccessDeniedException if this session is not an administrator's
   * @throws IntegrityException if the stored policy was edited, removed or replayed outside Kinko
   */
  void setIncidentPolicy(IncidentPolicy policy);

  /**
   * Adds an alert sink; it reports INCIDENT entries logged from now on (not the ones before). An
   * SMTP password is sealed under the master key; the caller still closes its {@link Password}.
   *
   * @throws IllegalArgumentException for a malformed target, a plain-http webhook that is not on
   *     the loopback, an SMTP sink without recipients or a password without a user
   */
  AlertSink addAlertSink(AlertSinkSpec spec);

  /** Every alert sink, checked against the vault's state, ordered by id. */
  List<AlertSink> alertSinks();

  /**
   * Removes an alert sink; what it had not delivered is dropped with it.
   *
   * @throws NotFoundException if there is no such sink
   */
  void removeAlertSink(String id);

  /**
   * Sends a test alert to one sink now and waits for the outcome (recorded like any delivery).
   *
   * @throws NotFoundException if there is no such sink
   */
  AlertDelivery testAlertSink(String id);

  /**
   * The city's age recipient ({@code age1...}) now in force: the setting {@code city.recipient} if
   * an administrator set one, else the one recorded at init; empty if neither. It is the default
   * recipient of {@link Session#exportPackage} and, under {@link CertificateNames#SEALED}, what
   * certificates seal names to.
   *
   * @throws AccessDeniedException unless this is an administrator's session
   * @throws IntegrityException if the stored setting was edited outside Kinko
   */
  java.util.Optional<String> cityRecipient();

  /**
   * Replaces the city's age recipient; the POLICY entry names the old and the new one.
   *
   * @throws IllegalArgumentException if {@code ageRecipient} is not an age X25519 recipient
   * @throws AccessDeniedException unless this is an administrator's session
   */
  void setCityRecipient(String ageRecipient);

  /**
   * Replaces the vault's recovery key (or gives a vault made before recovery keys its first): a new
   * key, its slot written over the old one so that the old slot's bytes go, and its fingerprint
   * recorded as checked state, so that the old key and an old slot copied back are refused. Logged
   * as RECOVERY_ROTATE with both fingerprints. The caller closes the returned key, once it is
   * printed.
   *
   * @throws AccessDeniedException if the session's user is not an administrator
   */
  RecoveryKey rotateRecoveryKey();

  /** The users' enrolled tokens, by user name. */
  List<TokenInfo> tokens();

  /** The roles that must log in with password and token together (setting {@code two-factor}); empty by default. */
  Set<Role> twoFactorRoles();

  /**
   * Sets the roles that need password and token together. Enforced at login for users who hold
   * a token; what makes it hold is that enrolling such a user destroys their password-only slot.
   */
  void setTwoFactorRoles(Set<Role> roles);
}
